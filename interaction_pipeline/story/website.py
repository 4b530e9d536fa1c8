"""The shop's own website source: page views, sign-ups (identify), product views and orders.

Visitors browse anonymously first; at sign-up an ``identify`` links the anonymous id to the user id, with the
email exactly as typed (mixed case for some people). Every visit and order happens between the person's
first visit and their ``last_active`` moment, which is how lapsed people have no visit in the last six months.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from interaction_pipeline.story.people import Profile
from interaction_pipeline.story.timeline import DAY, segment_time

LIBRARY = {"name": "analytics.js", "version": "next-1.70.0"}
USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
)
SHOP = "https://shop.example.com"
PRODUCTS = (
    ("prd_house", "HB-250", "House Blend 250g", "Coffee", 12.5),
    ("prd_ethiopia", "ET-250", "Ethiopia Yirgacheffe 250g", "Coffee", 16.0),
    ("prd_decaf", "DC-250", "Swiss Water Decaf 250g", "Coffee", 14.0),
    ("prd_grinder", "GR-01", "Hand Grinder", "Equipment", 59.0),
    ("prd_filters", "FP-100", "Paper Filters x100", "Equipment", 6.5),
)


def _page(name: str, path: str, title: str) -> dict:
    return {"path": path, "url": SHOP + path, "title": title, "referrer": "", "search": ""}


PAGES = (
    ("Home", _page("Home", "/", "Roastery Shop")),
    ("Shop", _page("Shop", "/shop", "Shop all coffee")),
    ("Product", _page("Product", "/products/house-blend", "House Blend")),
    ("Subscribe", _page("Subscribe", "/subscribe", "Coffee subscription")),
    ("Blog", _page("Blog", "/blog/brewing-guide", "Brewing guide")),
)

Emit = Callable[[float, dict], dict]


def _order(rng: random.Random, profile: Profile, number: int) -> dict:
    chosen = rng.sample(PRODUCTS, rng.randint(1, 3))
    products = []
    subtotal = 0.0
    for position, (product_id, sku, name, category, price) in enumerate(chosen, start=1):
        quantity = rng.randint(1, 2)
        subtotal += price * quantity
        products.append(
            {
                "product_id": product_id,
                "sku": sku,
                "name": name,
                "category": category,
                "price": price,
                "quantity": quantity,
                "position": position,
            }
        )
    discount = round(subtotal * 0.1, 2) if rng.random() < 0.2 else 0.0
    revenue = round(subtotal - discount, 2)
    shipping = 0.0 if revenue > 40 else 4.9
    tax = round(revenue * 0.08, 2)
    return {
        "order_id": f"ord-{profile.index}-{number}",
        "checkout_id": f"chk-{profile.index}-{number}",
        "affiliation": "Roastery Shop",
        "subtotal": round(subtotal, 2),
        "total": round(revenue + shipping + tax, 2),
        "revenue": revenue,
        "shipping": shipping,
        "tax": tax,
        "discount": discount,
        "coupon": "WELCOME10" if discount else None,
        "currency": "USD",
        "products": products,
    }


def order_completed(
    rng: random.Random, profile: Profile, number: int, moment: float, emit: Emit, user_agent: str
) -> dict:
    """An order, also used when an email click converts."""
    context = {"userAgent": user_agent, "library": LIBRARY, "page": PAGES[1][1]}
    return emit(
        moment,
        {
            "type": "track",
            "event": "Order Completed",
            "userId": profile.user_id,
            "anonymousId": profile.anonymous_id,
            "properties": _order(rng, profile, number),
            "context": context,
        },
    )


def website_events(rng: random.Random, profile: Profile, emit: Emit) -> Iterator[dict]:
    """Sessions of one to five page views; about one post-sign-up session in ten ends with an order."""
    user_agent = rng.choice(USER_AGENTS)
    ip = f"203.0.113.{profile.index % 250 + 1}"
    months = max(0.2, (profile.last_active - profile.first_visit) / (30 * DAY))
    sessions = [
        rng.uniform(profile.first_visit, profile.last_active)
        for _ in range(int(months * rng.uniform(1.0, 3.0)))
    ]
    # everyone signs up on the site, and was last seen exactly at `last_active`
    sessions += [profile.signup - 600, profile.last_active - 1800]
    sessions.sort()
    identified = False
    orders = 0
    for start in sessions:
        moment = start
        if not identified and start >= profile.signup - 600:
            identified = True
            yield _identify(profile, profile.signup, emit, user_agent, ip)
            yield emit(
                profile.signup + 1,
                {
                    "type": "track",
                    "event": "Signed Up",
                    "userId": profile.user_id,
                    "anonymousId": profile.anonymous_id,
                    "properties": {"method": "email"},
                    "context": {"userAgent": user_agent, "library": LIBRARY, "ip": ip},
                },
            )
        for _ in range(rng.randint(1, 5)):
            moment += rng.uniform(5, 240)
            name, page = PAGES[int(rng.random() * len(PAGES))]
            message = {
                "type": "page",
                "name": name,
                "anonymousId": profile.anonymous_id,
                "properties": page,
                "context": {"page": page, "userAgent": user_agent, "library": LIBRARY, "ip": ip},
            }
            if identified:
                message["userId"] = profile.user_id
            yield emit(moment, message)
        if identified and rng.random() < 0.1:
            orders += 1
            yield order_completed(rng, profile, orders, moment + 30, emit, user_agent)
        if identified and rng.random() < 0.05:
            # people edit their profile; the email may come back in another case
            yield _identify(profile, moment + 60, emit, user_agent, ip, email=profile.email.swapcase())


def _identify(
    profile: Profile, moment: float, emit: Emit, user_agent: str, ip: str, email: str | None = None
) -> dict:
    traits = {
        "email": email or profile.email,
        "firstName": profile.first_name,
        "lastName": profile.last_name,
        "createdAt": segment_time(profile.signup),
        "address": {"country": profile.country},
    }
    if profile.phone:
        traits["phone"] = profile.phone
    return emit(
        moment,
        {
            "type": "identify",
            "userId": profile.user_id,
            "anonymousId": profile.anonymous_id,
            "traits": traits,
            "context": {"userAgent": user_agent, "library": LIBRARY, "ip": ip},
        },
    )
