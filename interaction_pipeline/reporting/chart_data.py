"""The numbers behind the charts, read from the funnel marts (one warehouse connection)."""

from __future__ import annotations

import itertools
from datetime import date

EMAIL_CAMPAIGNS = "marts.fct_email_campaign_funnel"
EMAIL_DAILY = "marts.fct_email_funnel_daily"
PUSH_DAILY = "marts.fct_push_funnel_daily"
IN_APP_DAILY = "marts.fct_in_app_funnel_daily"

FUNNEL_STEPS = (
    ("Sent", "sum(greatest(sent, delivered + bounced))"),  # sources without "Email Sent" start at delivery
    ("Delivered", "sum(delivered)"),
    ("Opened (human)", "sum(unique_human_openers)"),
    ("Clicked", "sum(unique_clickers)"),
    ("Bought within 7 days", "sum(conversions)"),  # after a human open or a click; not a subset of clicks
)
WEEKLY_SERIES = (  # (label, table, measure)
    ("Email opens (human)", EMAIL_DAILY, "human_opens"),
    ("Email clicks", EMAIL_DAILY, "clicks"),
    ("Push taps", PUSH_DAILY, "tapped"),
    ("In-app clicks", IN_APP_DAILY, "clicked"),
)


def table_exists(connection, qualified: str) -> bool:
    schema, name = qualified.split(".")
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found[0])


def email_funnel_totals(connection) -> list[tuple[str, int]]:
    """Unique people at each step, summed over every email campaign of every source."""
    if not table_exists(connection, EMAIL_CAMPAIGNS):
        return []
    row = connection.execute(
        f"select {', '.join(sql for _, sql in FUNNEL_STEPS)} from {EMAIL_CAMPAIGNS}"
    ).fetchone()
    return [(label, int(value or 0)) for (label, _), value in zip(FUNNEL_STEPS, row, strict=True)]


def steps_never_grow(funnel: list[tuple[str, int]]) -> bool:
    """Sent ≥ delivered ≥ opened ≥ clicked. Purchases are left out: they follow opens as well as clicks."""
    counts = [value for _, value in funnel[:4]]
    return bool(funnel) and all(earlier >= later for earlier, later in itertools.pairwise(counts))


def campaign_rows(connection) -> tuple[list[str], list[tuple]]:
    """Per campaign: the funnel counts and rates, newest campaigns first."""
    if not table_exists(connection, EMAIL_CAMPAIGNS):
        return [], []
    columns = [
        "source_name",
        "campaign_name",
        "sent",
        "delivered",
        "unique_human_openers",
        "machine_opens",
        "unique_clickers",
        "unsubscribes",
        "conversions",
        "open_rate",
        "click_rate",
    ]
    cursor = connection.execute(
        f"select {', '.join(columns)} from {EMAIL_CAMPAIGNS} order by first_event_at desc nulls last"
    )
    return columns, cursor.fetchall()


def weekly_engagement(connection) -> dict[str, list[tuple[date, float]]]:
    """Weekly totals of human engagement per channel (weeks start on Monday; the unfinished last week is left
    out so the lines do not fall off at the end)."""
    series: dict[str, list[tuple[date, float]]] = {}
    for label, table, measure in WEEKLY_SERIES:
        if not table_exists(connection, table):
            continue
        rows = connection.execute(
            f"select date_trunc('week', event_date)::date as week, sum({measure})::double precision "
            f"from {table} where event_date < (select date_trunc('week', max(event_date)) from {table}) "
            f"group by week order by week"
        ).fetchall()
        if rows:
            series[label] = [(week, value) for week, value in rows]
    return series
