"""Iterable stand-in: its system webhooks, delivered to the collector."""
