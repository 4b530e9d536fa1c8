"""Audience-webhook stand-in: a receiver that verifies the signature and keeps what it was sent."""
