"""Zendesk stand-in: the incremental export of tickets, users and organizations."""
