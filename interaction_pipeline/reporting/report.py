"""The static report: one HTML file a marketer can open without Dagster.

Funnel and engagement charts, the per-campaign email funnel, audience sizes, the audience sync history and the
events per source, read from the warehouse with a read-only connection (safe while Dagster is idle).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from interaction_pipeline import settings
from interaction_pipeline.reporting import chart_data, charts, queries

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1100px; color: #111827; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: .3rem; }
table { border-collapse: collapse; font-size: .85rem; margin-top: .6rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #f3f4f6; text-align: right; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
th { background: #f9fafb; } .muted { color: #6b7280; } img { max-width: 100%; }
td.text { text-align: left; max-width: 28rem; overflow-wrap: anywhere; }
"""
HEADINGS = {  # warehouse column -> what a marketer reads
    "source_name": "source",
    "campaign_name": "campaign",
    "unique_human_openers": "opened",
    "machine_opens": "machine opens",
    "unique_clickers": "clicked",
    "open_rate": "open rate",
    "click_rate": "click rate",
}


def _cell(value) -> str:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return f"<td>{value:.1%}</td>" if 0 <= value <= 1 else f"<td>{value:,.2f}</td>"
    if isinstance(value, int):
        return f"<td>{value:,}</td>"
    if isinstance(value, str) and len(value) > 40:  # a reason or an account: wraps instead of running off
        return f"<td class='text'>{escape(value)}</td>"
    return f"<td>{escape('' if value is None else str(value))}</td>"


def html_table(columns: list[str], rows: list[tuple]) -> str:
    if not rows:
        return "<p class='muted'>nothing yet</p>"
    head = "".join(f"<th>{escape(HEADINGS.get(column, column))}</th>" for column in columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(svg: str, alt: str) -> str:
    return f"<img alt='{escape(alt)}' src='{charts.data_uri(svg)}'>"


def render(connection, warehouse: Path) -> str:
    funnel = chart_data.email_funnel_totals(connection)
    weekly = chart_data.weekly_engagement(connection)
    campaign_columns, campaigns = chart_data.campaign_rows(connection)
    log_columns, log_rows = queries.sync_history(connection)
    sources = queries.events_by_source(connection)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Interaction report</title>"
        f"<style>{STYLE}</style></head><body>",
        "<h1>Interaction report</h1>",
        f"<p class='muted'>Generated {generated} from {escape(str(warehouse))}</p>",
        "<h2>Email funnel</h2>",
        _image(charts.funnel_svg(funnel, "All email campaigns: unique people per step"), "email funnel")
        if funnel
        else "<p class='muted'>the email funnel has not been built yet</p>",
        "<h2>Engagement over time</h2>",
        _image(charts.lines_svg(weekly, "Human engagement per week"), "engagement over time"),
        "<h2>Campaigns</h2>",
        html_table(campaign_columns, campaigns),
        "<h2>Audiences</h2>",
        html_table(["audience", "members"], queries.audience_sizes(connection)),
        "<h2>Audience sync history</h2>",
        "<p class='muted'>One row per sync run, newest first (the detail of each is in "
        "pipeline.audience_sync_log).</p>",
        html_table(log_columns, log_rows),
        "<h2>Events by source</h2>",
        html_table(["source", "kind", "messages", "distinct ids", "first day", "last day"], sources),
        "</body></html>",
    ]
    return "\n".join(parts)


class NoWarehouse(Exception):
    """There is nothing to report on yet."""


def write_report(path: Path | None = None) -> Path:
    warehouse = settings.paths().warehouse
    connection = queries.connect(warehouse)
    if connection is None:
        raise NoWarehouse(f"no warehouse at {warehouse}: run `interaction-pipeline demo` first")
    path = path or settings.paths().exports / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    with connection:
        path.write_text(render(connection, warehouse), encoding="utf-8")
    return path
