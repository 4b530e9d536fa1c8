"""What a reject record keeps of a refused body: the parsed JSON, with credentials and personal data masked.

Masking works on the parsed document, never on the text: a key spelled ``"write\\u004bey"`` is ``writeKey``
once parsed, whatever its escapes. Keys are compared without case or punctuation (``write_key``,
``Write-Key``). Emails are masked wherever they appear in a string, phone numbers under phone-like keys or
when written in international form (``+1 415 555 0100``).

The copy is bounded: it keeps about 128 KiB of the document (twice what a record stores) and marks where it
stops, so masking a large body costs no more than masking a small one.
"""

from __future__ import annotations

import re

CREDENTIAL_NAMES = frozenset(
    {"writekey", "apikey", "password", "secret", "token", "accesstoken", "authorization", "signingkey"}
)
# Bounded repetitions keep matching linear in the text's length.
EMAIL = re.compile(r"[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
INTERNATIONAL_PHONE = re.compile(r"\+[\d\s().-]{7,24}")
MAX_DEPTH = 64
BUDGET = 128 * 1024  # characters of text plus 8 per value
MAX_TEXT = 4096  # characters kept of one string


def _name(key: str) -> str:
    return "".join(character for character in key.lower() if character.isalnum())


def _phone_or_text(match: re.Match) -> str:
    digits = sum(character.isdigit() for character in match.group())
    return "[phone]" if 7 <= digits <= 15 else match.group()


def masked_text(text: str) -> str:
    """Emails and international phone numbers in free text, masked."""
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    if "+" in text:
        text = INTERNATIONAL_PHONE.sub(_phone_or_text, text)
    return text


class _Copier:
    def __init__(self) -> None:
        self.remaining = BUDGET

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
            kept[masked_text(key[:MAX_TEXT])] = self._field(_name(key[:64]), item, depth)
        return kept

    def _list(self, items: list, depth: int) -> list:
        kept = []
        for item in items:
            if self.remaining <= 0:
                kept.append(f"[{len(items) - len(kept)} more items not kept]")
                break
            kept.append(self.copy(item, depth + 1))
        return kept

    def _field(self, name: str, value: object, depth: int) -> object:
        if name in CREDENTIAL_NAMES:
            return "[redacted]"
        if value is not None and not isinstance(value, dict | list):
            if "email" in name:
                return "[email]"
            if "phone" in name or "mobile" in name:
                return "[phone]"
        return self.copy(value, depth + 1)


def redacted(value: object) -> object:
    """A bounded copy of a parsed JSON value that is safe to keep: credentials, emails and phones masked."""
    return _Copier().copy(value, 0)
