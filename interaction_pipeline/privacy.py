"""What the product may keep of personal data and secrets outside the raw events: masked copies.

Reject records, sync-log reasons, Dagster metadata and logs are read by operators and kept for a long time,
so they hold no write key or other credential, no email and no phone number. Masking works on parsed JSON,
never on its text: a key spelled ``"write\\u004bey"`` is ``writeKey`` once parsed, whatever its escapes. Keys
are compared without case or punctuation (``write_key``, ``Write-Key``). Emails are masked wherever they
appear in a string; phone numbers and names under keys that say so, and phone numbers written in
international form (``+1 415 555 0100``) anywhere.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

CREDENTIAL_NAMES = frozenset(
    {"writekey", "apikey", "password", "secret", "token", "accesstoken", "authorization", "signingkey"}
)
# Bounded repetitions keep matching linear in the text's length.
EMAIL = re.compile(r"[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
INTERNATIONAL_PHONE = re.compile(r"\+[\d\s().-]{7,24}")
MAX_DEPTH = 64
MAX_TEXT = 4096  # characters kept of one string


def _phone_or_text(match: re.Match) -> str:
    digits = sum(character.isdigit() for character in match.group())
    return "[phone]" if 7 <= digits <= 15 else match.group()


def masked_text(text: str) -> str:
    """Free text with its emails and international phone numbers masked."""
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    if "+" in text:
        text = INTERNATIONAL_PHONE.sub(_phone_or_text, text)
    return text


def masked_url(url: str) -> str:
    """A URL without what may be a credential: the user info and the query string's values."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    query = "&".join(f"{pair.partition('=')[0]}=[redacted]" for pair in parts.query.split("&") if pair)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _field_mask(key: str) -> str | None:
    name = "".join(character for character in key[:64].lower() if character.isalnum())
    if name in CREDENTIAL_NAMES:
        return "[redacted]"
    if "email" in name:
        return "[email]"
    if "phone" in name or "mobile" in name:
        return "[phone]"
    if name in ("firstname", "lastname", "fullname"):
        return "[name]"
    return None


class _Copier:
    def __init__(self, budget: float) -> None:
        self.remaining = budget

    def copy(self, value: object, depth: int) -> object:
        self.remaining -= 8
        if isinstance(value, str):
            self.remaining -= min(len(value), MAX_TEXT)
            if len(value) > MAX_TEXT:
                return masked_text(value[:MAX_TEXT]) + f"[{len(value) - MAX_TEXT:,} more characters]"
            return masked_text(value)
        if not isinstance(value, dict | list):
            return value
        if depth >= MAX_DEPTH:
            return "[nested too deeply to show]"
        if isinstance(value, list):
            return self._list(value, depth)
        kept: dict = {}
        for key, item in value.items():
            if self.remaining <= 0:
                kept["[not kept]"] = f"{len(value) - len(kept)} more fields"
                break
            self.remaining -= min(len(key), MAX_TEXT)
            mask = _field_mask(key)
            keep = mask is None or item is None or (isinstance(item, dict | list) and mask != "[redacted]")
            kept[masked_text(key[:MAX_TEXT])] = self.copy(item, depth + 1) if keep else mask
        return kept

    def _list(self, items: list, depth: int) -> list:
        kept = []
        for item in items:
            if self.remaining <= 0:
                kept.append(f"[{len(items) - len(kept)} more items not kept]")
                break
            kept.append(self.copy(item, depth + 1))
        return kept


def masked_document(value: object, budget: float = float("inf")) -> object:
    """A copy of a parsed JSON value that is safe to keep: credentials, emails, phones and names masked.

    With a ``budget`` (characters of text plus 8 per value) the copy stops there and says so, so masking a
    large document costs no more than masking a small one.
    """
    return _Copier(budget).copy(value, 0)
