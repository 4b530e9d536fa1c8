"""Identifier normalization and hashing, per each destination's documented rules.

Ad platforms match on SHA-256 of a normalized string, so one stray space or a missing country code silently
loses a match. The rules (see docs/activation.md):

- Email, Meta and Google: trim and lowercase. For Google only, dots in the local part of ``gmail.com`` /
  ``googlemail.com`` addresses are removed, as the Google Ads API client samples do (Gmail ignores those dots,
  so ``j.doe@gmail.com`` and ``jdoe@gmail.com`` are the same Google account). Plus tags are kept everywhere:
  neither platform documents removing them and for most providers they are distinct mailboxes.
- Phone: parsed with ``phonenumbers``; a number without a country code is read in the row's country, else in
  the default region. Meta wants digits with the country code and no ``+``; Google wants E.164 with ``+``.
  A number that does not parse or is not a valid number is reported, never guessed.
- Names (Meta ``FN``/``LN``): lowercase letters only, punctuation and spaces removed, UTF-8 letters kept.
- A value that is already 64 hex characters is taken as a SHA-256 digest and not hashed twice.
- Every value is trimmed of Unicode whitespace (a non-breaking space pasted from a spreadsheet, a narrow
  no-break space from a phone field), zero-width characters and NULs before it is validated: they are
  invisible, so nobody would see why the member did not match.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import phonenumbers

from interaction_pipeline import settings

SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Around a value: Unicode whitespace (\s covers the no-break spaces), zero-width characters, the byte-order
# mark and NUL (Meta's official SDK strips NUL and the ASCII whitespace before hashing an email).
SURROUNDING_BLANKS = re.compile(r"^[\s\0\u200b-\u200d\u2060\ufeff]+|[\s\0\u200b-\u200d\u2060\ufeff]+$")


class InvalidIdentifier(ValueError):
    """An identifier that cannot be normalized; the message is the reason shown in the sync log.

    The message never quotes the value: the sync log is kept for long and read by many, and the member's
    key leads to the value in the audience table for whoever may see it.
    """


def _described(kind: str, value: str) -> str:
    return f"{kind} of {len(value)} characters"


def trim(value: str) -> str:
    """``value`` without the invisible characters around it (see the module docstring)."""
    return SURROUNDING_BLANKS.sub("", value)


def default_region() -> str:
    return (settings.env("INTERACTION_PIPELINE_DEFAULT_PHONE_REGION", "US") or "US").upper()


def region_for(country: str | None) -> str | None:
    """A row's country as a phone region: only ISO-3166 alpha-2 codes count ("United States" does not)."""
    if country and re.fullmatch(r"[A-Za-z]{2}", trim(country)):
        return trim(country).upper()
    return None


def is_sha256_hex(value: str) -> bool:
    return bool(SHA256_HEX.match(value))


def sha256_hex(value: str) -> str:
    """SHA-256 of an already-normalized value; a value that is already a digest passes through, lowercased."""
    if is_sha256_hex(value):
        return value.lower()
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalize_email(value: str, *, gmail_dots: bool = False) -> str:
    """Trim and lowercase; with ``gmail_dots`` drop dots from a Gmail local part (Google only)."""
    email = trim(value).lower()
    if is_sha256_hex(email):
        return email
    if not EMAIL_SHAPE.match(email):
        raise InvalidIdentifier(f"{_described('email', value)} is not an email address")
    local, domain = email.rsplit("@", 1)
    if gmail_dots and domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def parse_phone(value: str, region: str | None = None) -> phonenumbers.PhoneNumber:
    """Parse a phone number, reading national numbers in ``region`` (the row's country or the default)."""
    text = trim(value)
    if text.startswith("00"):
        text = "+" + text[2:]
    region = region_for(region) or default_region()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidIdentifier(f"{_described('phone', value)} does not parse: {error}") from error
    # Checking the region the number was read in first is the common case and much cheaper than
    # is_valid_number, which searches every region sharing the country code (25 for +1).
    if not (phonenumbers.is_valid_number_for_region(number, region) or phonenumbers.is_valid_number(number)):
        raise InvalidIdentifier(
            f"{_described('phone', value)} is not a valid number (read in region {region})"
        )
    return number


def phone_e164(value: str, region: str | None = None) -> str:
    """Google's format: E.164 with the leading ``+``, e.g. ``+16502531234``."""
    if is_sha256_hex(trim(value)):
        return trim(value).lower()
    return phonenumbers.format_number(parse_phone(value, region), phonenumbers.PhoneNumberFormat.E164)


def phone_digits(value: str, region: str | None = None) -> str:
    """Meta's format: country code and number, digits only, no ``+`` and no leading zeros."""
    if is_sha256_hex(trim(value)):
        return trim(value).lower()
    return phone_e164(value, region).lstrip("+")


def normalize_name(value: str) -> str:
    """Meta ``FN``/``LN``: lowercase letters only (accents kept as UTF-8), no spaces or punctuation."""
    if is_sha256_hex(trim(value)):
        return trim(value).lower()
    text = unicodedata.normalize("NFC", trim(value).lower())
    name = "".join(ch for ch in text if ch.isalpha())
    if not name:
        raise InvalidIdentifier(f"{_described('name', value)} has no letters")
    return name


def normalize_country(value: str) -> str:
    """ISO-3166-1 alpha-2, lowercase (Meta ``COUNTRY``)."""
    country = trim(value).lower()
    if not re.fullmatch(r"[a-z]{2}", country):
        raise InvalidIdentifier(f"country {value!r} is not an ISO-3166 alpha-2 code")
    return country
