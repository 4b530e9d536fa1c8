"""Customer.io stand-in: its reporting webhooks, delivered to the collector."""
