"""Stripe stand-in: customers, products, prices, subscriptions, invoices, charges and /v1/events."""
