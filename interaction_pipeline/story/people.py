"""The people of the demo story: one `Profile` per customer of the fictional shop.

Every profile is derived from ``(seed, index)`` alone, so events and objects can be produced for one person at
a time, in any order, and always come out the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from interaction_pipeline.story.timeline import DAY, clear_of_boundary


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words("""Ada Alan Alice Amara Anna Ben Carla Chen Dana David Elena Emma Farah Felix Grace
Hana Ivan Jamal Jana Jonas Julia Kai Kenji Laura Leila Liam Lina Luca Maria Mateo Maya Mia Nadia Noah Nora
Olga Omar Paula Priya Rafael Rosa Sam Sara Sofia Tariq Theo Uma Vera Wei Yara Yusuf Zoe""")
LAST_NAMES = _words("""Adams Alvarez Baker Brown Chen Costa Davis Diaz Evans Fischer Garcia Gomez Hansen
Hughes Ito Jensen Kim Kowalski Larsen Lee Lopez Martin Meyer Moreau Müller Nakamura Nguyen Novak Okafor Olsen
Patel Perez Rossi Santos Schmidt Silva Smith Suzuki Tanaka Taylor Walker Weber Wilson Young Zhang""")
MAIL_DOMAINS = ("example.com", "mail.example.org", "inbox.example.net", "post.example.com")
# Country and phone layout; the digits come from the person's index, so no two people share a number.
COUNTRIES = (
    ("US", "+1 415 {0:03d} {1:04d}"),
    ("GB", "+44 20 {0:04d} {1:04d}"),
    ("DE", "+49 30 {0:04d}{1:04d}"),
    ("FR", "+33 1 {0:04d} {1:04d}"),
    ("CA", "+1 604 {0:03d} {1:04d}"),
)
COMPANY_WORDS = _words("""Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay Soylent Tyrell Cyberdyne
Wonka Oscorp Aperture Gringotts Monarch Nakatomi Prestige Sterling Zenith""")
COMPANY_KINDS = ("Labs", "Foods", "Systems", "Studio", "Logistics", "Partners", "Retail", "Health")
INDUSTRIES = ("Technology", "Food & Beverage", "Retail", "Healthcare", "Logistics", "Media", "Finance")
PEOPLE_PER_COMPANY = 4


@dataclass(slots=True)
class Profile:
    index: int
    user_id: str
    anonymous_id: str
    email: str  # as the person typed it at signup (sometimes mixed case)
    first_name: str
    last_name: str
    phone: str | None
    country: str
    company: int | None  # index of the business account, or None for a private customer
    first_visit: float
    signup: float
    last_active: float  # end of visits and orders
    lapsed: bool  # stopped visiting and buying more than six months ago
    quiet: bool  # still subscribed, but has not visited or read anything for a month or more
    open_rate: float  # chance of a human open per delivered email
    click_rate: float  # chance of a click per human open
    has_app: bool  # receives push notifications
    subscriber: bool  # has a Stripe subscription
    customerio_by_email: bool  # known to the second brand's Customer.io only by email

    @property
    def drifting(self) -> bool:
        """Lapsed or quiet: no longer clicks through or taps after ``last_active``."""
        return self.lapsed or self.quiet


def company_count(size: int) -> int:
    return max(1, size // 20)


def company_name(company: int) -> str:
    word = COMPANY_WORDS[company % len(COMPANY_WORDS)]
    kind = COMPANY_KINDS[(company // len(COMPANY_WORDS)) % len(COMPANY_KINDS)]
    number = company // (len(COMPANY_WORDS) * len(COMPANY_KINDS))
    return f"{word} {kind}" + (f" {number + 1}" if number else "")


def profile_rng(seed: int, index: int, salt: int = 0) -> random.Random:
    return random.Random(seed * 1_000_003 + index * 7 + salt)


def _email(rng: random.Random, first: str, last: str, index: int) -> str:
    local = f"{first}.{last}.{index}".replace("ü", "ue")
    domain = rng.choice(MAIL_DOMAINS)
    style = rng.random()
    if style < 0.6:
        return f"{local}@{domain}".lower()
    if style < 0.9:
        return f"{local}@{domain}"  # "Ada.Lee.12@example.com"
    return f"{local}@{domain}".upper()


def _phone(pattern: str, index: int) -> str:
    exchange, line = divmod(index, 10_000)
    if "{0:03d}" in pattern:  # North American exchange codes start at 200
        return pattern.format(200 + exchange % 800, line)
    return pattern.format(3000 + exchange, line)  # London 020 3xxx, valid in Paris and Berlin too


def make_profile(seed: int, index: int, size: int, now: float) -> Profile:
    """One person: who they are, when they arrived, whether they drifted away, how they read email."""
    rng = profile_rng(seed, index)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    country, phone_pattern = rng.choice(COUNTRIES)
    signup = now - rng.uniform(20, 360) * DAY
    first_visit = max(now - 364 * DAY, signup - rng.uniform(0, 30) * DAY)
    lapsed = signup < now - 200 * DAY and rng.random() < 0.45
    if lapsed:
        last_active = rng.uniform(signup + 2 * DAY, now - 190 * DAY)
    else:
        last_active = max(signup + DAY, now - rng.uniform(0.1, 25) * DAY)
    quiet = not lapsed and rng.random() < 0.1
    if quiet:
        last_active = max(signup + DAY, now - rng.uniform(40, 150) * DAY)
    last_active = clear_of_boundary(last_active, now)
    reader = rng.random()
    open_rate = 0.02 if reader < 0.35 or quiet else (0.25 if reader < 0.75 else 0.6)
    business = rng.random() < 0.2
    return Profile(
        index=index,
        user_id=f"u{index:07d}",
        anonymous_id=f"anon-{seed:x}-{index:07d}-{rng.getrandbits(32):08x}",
        email=_email(rng, first, last, index),
        first_name=first,
        last_name=last,
        phone=_phone(phone_pattern, index) if rng.random() < 0.6 else None,
        country=country,
        company=rng.randrange(company_count(size)) if business else None,
        first_visit=first_visit,
        signup=signup,
        last_active=last_active,
        lapsed=lapsed,
        quiet=quiet,
        open_rate=open_rate,
        click_rate=rng.uniform(0.05, 0.2),
        has_app=rng.random() < 0.35,
        subscriber=rng.random() < 0.4 or quiet,
        customerio_by_email=rng.random() < 0.3,
    )
