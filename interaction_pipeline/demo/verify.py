"""Compare what the warehouse built with what the story says it must contain (its ground truth).

The demo prints the result, so a newcomer sees not only numbers but that they are the right numbers: every
event arrived once, each campaign's funnel and both reference audiences equal the story's own count.
"""

from __future__ import annotations

from dataclasses import dataclass

from interaction_pipeline.warehouse.engine import WAREHOUSE_ERRORS

FUNNEL_COLUMNS = {  # ground-truth field -> column of marts.fct_email_campaign_funnel
    "sent": "sent",
    "delivered": "delivered",
    "opened": "unique_human_openers",
    "clicked": "unique_clickers",
    "conversions": "conversions",
}
AUDIENCES = {"open_tickets": "aud_open_ticket_suppression", "reengagement": "aud_reengagement"}


@dataclass
class Verdict:
    check: str
    ok: bool
    detail: str


EVENTS_CHECK = "every event sent is in raw_events.messages once"
FUNNEL_CHECK = "email funnel per campaign equals the story"


def _events(connection, truth: dict) -> Verdict:
    counts = dict(
        connection.execute("select source_name, count(*) from raw_events.messages group by 1").fetchall()
    )
    expected = truth["events_by_source"]
    wrong = {
        name: (counts.get(name, 0), want) for name, want in expected.items() if counts.get(name, 0) != want
    }
    detail = f"{sum(counts.values()):,} messages" if not wrong else f"(found, expected): {wrong}"
    return Verdict(EVENTS_CHECK, not wrong, detail)


def _funnels(connection, truth: dict) -> Verdict:
    columns = ", ".join(FUNNEL_COLUMNS.values())
    rows = connection.execute(
        f"select source_name || ':' || campaign_id, {columns} from marts.fct_email_campaign_funnel"
    ).fetchall()
    found = {key: dict(zip(FUNNEL_COLUMNS, values, strict=True)) for key, *values in rows}
    expected = {
        key: {field: campaign.get(field) for field in FUNNEL_COLUMNS}
        for key, campaign in truth["email_campaigns"].items()
    }
    wrong = sorted(key for key in found.keys() | expected.keys() if found.get(key) != expected.get(key))
    detail = f"{len(found)} campaigns" if not wrong else f"{len(wrong)} campaigns differ, e.g. {wrong[:3]}"
    return Verdict(FUNNEL_CHECK, not wrong, detail)


def _audience(connection, truth: dict, name: str, model: str) -> Verdict:
    rows = connection.execute(f"select user_id, lower(email) from audiences.{model}").fetchall()
    expected = truth["audiences"][name]
    ok = (
        sorted(user for user, _ in rows) == expected["user_ids"]
        and sorted(e for _, e in rows) == expected["emails"]
    )
    return Verdict(f"{model} equals the story", ok, f"{len(rows)} members, the story says {expected['size']}")


def verify(connection, truth: dict) -> list[Verdict]:
    checks = [
        (EVENTS_CHECK, lambda: _events(connection, truth)),
        (FUNNEL_CHECK, lambda: _funnels(connection, truth)),
    ]
    for name, model in AUDIENCES.items():
        checks.append(
            (
                f"{model} equals the story",
                lambda name=name, model=model: _audience(connection, truth, name, model),
            )
        )
    return [_guarded(title, check) for title, check in checks]


def _guarded(title: str, check) -> Verdict:
    """A table that was not built is a failed check with its reason, not a crash of the summary."""
    try:
        return check()
    except WAREHOUSE_ERRORS as error:
        return Verdict(title, False, str(error).splitlines()[0])
