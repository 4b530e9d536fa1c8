"""Braze stand-in: the email blocklist and /users/track."""
