"""Stripe objects for the story's subscribers, in the shapes the Stripe API returns.

About four people in ten subscribe (monthly or yearly). Most stay active, some are trialing, canceled (every
lapsed person cancelled before they stopped visiting) or past due (their last invoice is open and its charge
was declined). Quiet subscribers keep paying although they stopped visiting; a few people tried the free
trial a few weeks ago and left without paying. Each billing period has an invoice, and each paid invoice a
charge.
"""

from __future__ import annotations

import random

from interaction_pipeline.story.people import Profile, profile_rng
from interaction_pipeline.story.timeline import DAY

PLANS = (  # product id, name, monthly cents, yearly cents
    ("prod_CoffeeClub001", "Coffee Club", 1800, 18000),
    ("prod_EspressoClub01", "Espresso Club", 2400, 24000),
    ("prod_TeamCoffee0001", "Team Coffee", 9900, 99000),
)
PERIOD_DAYS = {"month": 30, "year": 365}


def catalog_objects(now: float) -> tuple[list[dict], list[dict]]:
    created = int(now - 400 * DAY)
    products, prices = [], []
    for product_id, name, monthly, yearly in PLANS:
        products.append(
            {
                "id": product_id,
                "object": "product",
                "active": True,
                "created": created,
                "description": f"{name} subscription",
                "livemode": False,
                "metadata": {},
                "name": name,
                "type": "service",
                "updated": created,
            }
        )
        for interval, amount in (("month", monthly), ("year", yearly)):
            prices.append(
                {
                    "id": f"price_{product_id[5:]}{interval[0].upper()}",
                    "object": "price",
                    "active": True,
                    "billing_scheme": "per_unit",
                    "created": created,
                    "currency": "usd",
                    "livemode": False,
                    "lookup_key": None,
                    "metadata": {},
                    "nickname": f"{name} {interval}ly",
                    "product": product_id,
                    "recurring": {
                        "interval": interval,
                        "interval_count": 1,
                        "usage_type": "licensed",
                        "trial_period_days": None,
                    },
                    "tax_behavior": "unspecified",
                    "type": "recurring",
                    "unit_amount": amount,
                    "unit_amount_decimal": str(amount),
                }
            )
    return products, prices


def _status(rng: random.Random, profile: Profile, start: float, now: float) -> str:
    if profile.lapsed:
        return "canceled"
    if profile.quiet:
        return "active" if rng.random() < 0.85 else "past_due"
    if now - start < 14 * DAY:
        return "trialing"
    draw = rng.random()
    return "active" if draw < 0.75 else ("canceled" if draw < 0.9 else "past_due")


def subscriber_objects(seed: int, profile: Profile, prices: list[dict], now: float) -> dict[str, list[dict]]:
    """Customer, subscription, invoices and charges of one subscriber."""
    rng = profile_rng(seed, profile.index, salt=1)
    key = f"{seed:x}{profile.index:07d}"
    start = int(min(profile.signup + rng.uniform(0, 10) * DAY, now - DAY))
    if not profile.lapsed and rng.random() < 0.08:
        start = int(now - rng.uniform(1, 13) * DAY)  # a recent subscriber still in the free trial
    dropout = not profile.drifting and rng.random() < 0.06
    if dropout:  # tried the free trial a few weeks ago and left without ever paying
        start = int(max(now - rng.uniform(16, 40) * DAY, profile.signup))
    plan = 2 if profile.company is not None else rng.randrange(2)
    price = prices[plan * 2 + (1 if rng.random() < 0.25 else 0)]
    period = PERIOD_DAYS[price["recurring"]["interval"]] * DAY
    status = "canceled" if dropout else _status(rng, profile, start, now)
    ended = int(start + 14 * DAY) if dropout else None
    if status == "canceled" and not dropout:
        ended = int(min(max(start + period, profile.last_active + rng.uniform(0, 20) * DAY), now - DAY))
        if profile.lapsed:  # they stopped paying before they stopped visiting: no charge in the last 6 months
            ended = int(max(start + DAY, min(ended, profile.last_active)))
    customer = {
        "id": f"cus_{key}",
        "object": "customer",
        "address": {"country": profile.country},
        "balance": 0,
        "created": start,
        "currency": "usd",
        "default_source": None,
        "delinquent": status == "past_due",
        "description": None,
        "email": profile.email,
        "invoice_prefix": key[-8:].upper(),
        "livemode": False,
        "metadata": {"user_id": profile.user_id},
        "name": f"{profile.first_name} {profile.last_name}",
        "phone": profile.phone,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
    }
    periods = []
    period_start = float(start)
    while period_start < (ended or now):
        periods.append(int(period_start))
        period_start += period
    sub_id = f"sub_{key}"
    current = periods[-1]
    trial_end = start + 14 * DAY if status == "trialing" or dropout else None
    subscription = {
        "id": sub_id,
        "object": "subscription",
        "billing_cycle_anchor": start,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": ended,
        "collection_method": "charge_automatically",
        "created": start,
        "currency": "usd",
        "current_period_start": current,
        "current_period_end": int(current + period),
        "customer": customer["id"],
        "days_until_due": None,
        "ended_at": ended,
        "livemode": False,
        "metadata": {"user_id": profile.user_id},
        "quantity": 1,
        "start_date": start,
        "status": status,
        "trial_start": start if trial_end else None,
        "trial_end": int(trial_end) if trial_end else None,
        "items": {
            "object": "list",
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/subscription_items?subscription={sub_id}",
            "data": [
                {
                    "id": f"si_{key}",
                    "object": "subscription_item",
                    "created": start,
                    "price": price,
                    "quantity": 1,
                    "subscription": sub_id,
                    "current_period_start": current,
                    "current_period_end": int(current + period),
                }
            ],
        },
    }
    invoices, charges = [], []
    for number, begin in enumerate(periods, start=1):
        last = number == len(periods)
        amount = 0 if trial_end else price["unit_amount"]
        declined = status == "past_due" and last
        invoice_id, charge_id = f"in_{key}{number:03d}", f"ch_{key}{number:03d}"
        invoices.append(
            {
                "id": invoice_id,
                "object": "invoice",
                "amount_due": amount,
                "amount_paid": 0 if declined else amount,
                "amount_remaining": amount if declined else 0,
                "attempt_count": 1,
                "attempted": True,
                "billing_reason": "subscription_create" if number == 1 else "subscription_cycle",
                "charge": charge_id if amount else None,
                "collection_method": "charge_automatically",
                "created": begin,
                "currency": "usd",
                "customer": customer["id"],
                "customer_email": profile.email,
                "due_date": None,
                "livemode": False,
                "number": f"{customer['invoice_prefix']}-{number:04d}",
                "paid": not declined,
                "period_start": begin,
                "period_end": int(begin + period),
                "status": "open" if declined else "paid",
                "subscription": sub_id,
                "subtotal": amount,
                "total": amount,
                "tax": None,
            }
        )
        if amount:
            charges.append(
                {
                    "id": charge_id,
                    "object": "charge",
                    "amount": amount,
                    "amount_captured": 0 if declined else amount,
                    "amount_refunded": 0,
                    "balance_transaction": None if declined else f"txn_{key}{number:03d}",
                    "billing_details": {"email": profile.email, "name": customer["name"]},
                    "captured": not declined,
                    "created": begin + 60,
                    "currency": "usd",
                    "customer": customer["id"],
                    "description": f"Subscription {price['nickname']}",
                    "failure_code": "card_declined" if declined else None,
                    "failure_message": "Your card was declined." if declined else None,
                    "invoice": invoice_id,
                    "livemode": False,
                    "metadata": {},
                    "paid": not declined,
                    "refunded": False,
                    "status": "failed" if declined else "succeeded",
                }
            )
    return {
        "stripe/customers": [customer],
        "stripe/subscriptions": [subscription],
        "stripe/invoices": invoices,
        "stripe/charges": charges,
    }
