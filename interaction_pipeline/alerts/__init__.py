"""Alerts: what went wrong, said once, to a Slack-compatible webhook or by email."""
