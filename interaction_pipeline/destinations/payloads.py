"""One audience member → the row a destination receives.

Each builder takes the member's identifier columns (as in the audience model) and the identifiers the audience
declares, and returns ``(payload, problems)``. ``payload`` is ``None`` when no identifier survived
normalization: the member is reported as invalid with the problems as reasons. Ad platforms get only hashed
values; Braze, the webhook and files get normalized plain values (they are the user's own tools).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interaction_pipeline.destinations import normalize
from interaction_pipeline.destinations.normalize import InvalidIdentifier

IDENTIFIER_COLUMNS = ("email", "phone", "user_id", "first_name", "last_name", "country")

META_SCHEMA_KEYS = {
    "email": "EMAIL",
    "phone": "PHONE",
    "first_name": "FN",
    "last_name": "LN",
    "country": "COUNTRY",
    "user_id": "EXTERN_ID",
}
GOOGLE_IDENTIFIER_FIELDS = {"email": "hashedEmail", "phone": "hashedPhoneNumber"}
GOOGLE_MAX_IDENTIFIERS_PER_USER = 20

Record = dict[str, Any]
Built = tuple[Any, list[str]]


def _attempt(problems: list[str], build: Callable[[], str]) -> str | None:
    try:
        return build()
    except InvalidIdentifier as error:
        problems.append(str(error))
        return None


def meta_schema(identifiers: list[str]) -> list[str]:
    return [META_SCHEMA_KEYS[name] for name in identifiers if name in META_SCHEMA_KEYS]


# Meta normalizers by column: (value, row's country) -> normalized value, or InvalidIdentifier.
META_NORMALIZERS: dict[str, Callable[[str, str | None], str]] = {
    "email": lambda value, region: normalize.normalize_email(value),
    "phone": normalize.phone_digits,
    "first_name": lambda value, region: normalize.normalize_name(value),
    "last_name": lambda value, region: normalize.normalize_name(value),
    "country": lambda value, region: normalize.normalize_country(value),
    # EXTERN_ID only has to match itself across uploads, so it is hashed like everything else: an ad
    # platform never receives a raw identifier.
    "user_id": lambda value, region: normalize.trim(value),
}


def meta_row(record: Record, identifiers: list[str], options: dict) -> Built:
    """A row aligned with `meta_schema`: hashed values, ``""`` where a member has no value (Meta's way)."""
    problems: list[str] = []
    region = record.get("country")
    row: list[str] = []
    matchable = False
    for name in identifiers:
        normalizer = META_NORMALIZERS.get(name)
        if normalizer is None:
            continue
        value = record.get(name)
        if value is None or value == "":
            row.append("")
            continue
        try:
            hashed = normalize.sha256_hex(normalizer(str(value), region))
        except InvalidIdentifier as error:
            problems.append(str(error))
            row.append("")
            continue
        row.append(hashed)
        matchable = matchable or name != "country"
    return (row if matchable else None), problems


def google_row(record: Record, identifiers: list[str], options: dict) -> Built:
    """``userIdentifiers`` for one user: one identifier per entry, at most 20, hashed."""
    problems: list[str] = []
    region = record.get("country")
    entries: list[dict[str, str]] = []
    for name in identifiers:
        field = GOOGLE_IDENTIFIER_FIELDS.get(name)
        value = record.get(name)
        if field is None or value in (None, ""):
            continue
        value = str(value)
        if name == "email":
            normalized = _attempt(problems, lambda v=value: normalize.normalize_email(v, gmail_dots=True))
        else:
            normalized = _attempt(problems, lambda v=value: normalize.phone_e164(v, region))
        if normalized:
            entries.append({field: normalize.sha256_hex(normalized)})
    return (entries[:GOOGLE_MAX_IDENTIFIERS_PER_USER] or None), problems


def plain_email(record: Record) -> Built:
    problems: list[str] = []
    value = record.get("email")
    if value in (None, ""):
        return None, ["no email"]
    email = _attempt(problems, lambda: normalize.normalize_email(str(value)))
    if email and normalize.is_sha256_hex(email):
        return None, ["email is a hash; Braze needs the address"]
    return email, problems


def braze_row(record: Record, identifiers: list[str], options: dict) -> Built:
    """Blocklist mode: the address. Subscription mode: a user object keyed by external_id, else email, else
    phone (E.164), the identifiers /users/track accepts."""
    email, problems = plain_email(record)
    if options.get("mode", "blocklist") == "blocklist":
        return email, problems
    user_id = normalize.trim(str(record.get("user_id") or ""))
    if user_id:
        return {"external_id": user_id}, []
    if email:
        return {"email": email}, problems
    phone = record.get("phone")
    region = record.get("country")
    e164 = _attempt(problems, lambda: normalize.phone_e164(str(phone), region)) if phone else None
    return ({"phone": e164} if e164 else None), problems


# What each destination can match a member on, among the audience's identifier columns.
MATCH_KEYS = {
    "meta": ("email", "phone", "user_id", "first_name", "last_name"),
    "google_ads": ("email", "phone"),
    "braze": ("user_id", "email", "phone"),
}


def _or_join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def unmatched_reason(destination: str, record: Record, identifiers: list[str], options: dict) -> str:
    """Why a member got no payload for ``destination``, as a category counted per sync (no values in it)."""
    keys = list(MATCH_KEYS.get(destination, IDENTIFIER_COLUMNS))
    if destination == "braze" and options.get("mode", "blocklist") == "blocklist":
        keys = ["email"]
    elif destination != "braze":
        keys = [name for name in keys if name in identifiers] or keys
    present = [name for name in keys if normalize.trim(str(record.get(name) or ""))]
    if not present:
        return f"no {_or_join(keys)}"
    if (
        destination == "braze"
        and present == ["email"]
        and normalize.is_sha256_hex(str(record["email"]).strip())
    ):
        return "email is a hash (Braze needs the address)"
    return f"invalid {' and '.join(present)}"


def contact_row(record: Record, identifiers: list[str], options: dict) -> Built:
    """Webhook and file: the member's ids and normalized plain identifiers."""
    problems: list[str] = []
    region = record.get("country")
    row: dict[str, str | None] = {"profile_id": str(record["profile_id"])}
    for name in IDENTIFIER_COLUMNS:
        value = record.get(name)
        if value in (None, ""):
            row[name] = None
        elif name == "email":
            row[name] = _attempt(problems, lambda v=value: normalize.normalize_email(str(v)))
        elif name == "phone":
            row[name] = _attempt(problems, lambda v=value: normalize.phone_e164(str(v), region))
        else:
            row[name] = str(value)
    return row, problems


BUILDERS: dict[str, Callable[[Record, list[str], dict], Built]] = {
    "meta": meta_row,
    "google_ads": google_row,
    "braze": braze_row,
    "webhook": contact_row,
    "file": contact_row,
}
