"""Hand-drawn SVG charts and the static HTML report, on a real DuckDB warehouse file."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta

import duckdb
from click.testing import CliRunner
from fixtures.funnel_marts import write_funnel_marts

from interaction_pipeline.reporting import chart_data, charts
from interaction_pipeline.reporting.commands import report

SVG = "{http://www.w3.org/2000/svg}"


def test_the_funnel_chart_is_valid_svg_with_one_bar_and_share_per_step():
    svg = charts.funnel_svg([("Sent", 1000), ("Delivered", 970), ("Opened (human)", 250)], "Funnel")
    root = ElementTree.fromstring(svg)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("rx")]
    assert len(bars) == 3
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[0] > widths[1] > widths[2]
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "970 (97.0%)" in texts and "250 (25.0%)" in texts


def test_the_line_chart_draws_one_line_per_series_and_escapes_names():
    start = date(2026, 1, 5)
    series = {
        "Opens <human>": [(start + timedelta(weeks=n), 10.0 * n) for n in range(10)],
        "Clicks": [(start + timedelta(weeks=n), float(n)) for n in range(10)],
    }
    root = ElementTree.fromstring(charts.lines_svg(series, "Weekly"))
    assert len(list(root.iter(f"{SVG}polyline"))) == 2
    assert "Opens <human>" in [text.text for text in root.iter(f"{SVG}text")]


def test_an_empty_line_chart_says_there_is_no_data():
    assert "no data yet" in charts.lines_svg({}, "Weekly")


def test_markdown_image_embeds_the_svg_as_a_base64_data_uri():
    svg = charts.funnel_svg([("Sent", 1)], "x")
    markdown = charts.markdown_image(svg, "funnel")
    prefix = "![funnel](data:image/svg+xml;base64,"
    assert markdown.startswith(prefix)
    assert base64.b64decode(markdown[len(prefix) : -1]).decode() == svg


def test_funnel_totals_start_at_delivery_for_sources_without_sends(tmp_path):
    write_funnel_marts(tmp_path / "w.duckdb")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as connection:
        totals = dict(chart_data.email_funnel_totals(connection))
    assert totals == {
        "Sent": 1000 + 512,
        "Delivered": 1470,
        "Opened (human)": 370,
        "Clicked": 40,
        "Bought within 7 days": 8,
    }


def test_report_command_writes_charts_campaigns_audiences_and_sync_history(pipeline_home):
    write_funnel_marts(pipeline_home / "warehouse.duckdb")
    result = CliRunner().invoke(report, [])
    assert result.exit_code == 0, result.output
    html = (pipeline_home / "exports" / "report.html").read_text()
    assert html.count("data:image/svg+xml;base64,") == 2
    for expected in ("Spring Sale", "Tea of the Month", "aud_reengagement", "<td>42</td>", "meta", "25.8%"):
        assert expected in html


def test_the_report_shows_one_readable_row_per_sync_run(pipeline_home):
    write_funnel_marts(pipeline_home / "warehouse.duckdb")
    assert CliRunner().invoke(report, []).exit_code == 0
    html = (pipeline_home / "exports" / "report.html").read_text()
    section = html.split("<h2>Audience sync history</h2>", 1)[1].split("<h2>", 1)[0]
    rows = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("</tr>")[:-1]
    assert len(rows) == 2  # two runs; their batch and drift entries are not rows of their own
    blocked, completed = rows
    assert "<td>blocked</td>" in blocked and "sync would remove 40 of 42 confirmed members" in blocked
    assert "<td>completed</td>" in completed and "the audience was emptied" in completed
    assert "graph.facebook.com/act_42" in completed
    assert "{" not in section  # no JSON


def test_report_command_explains_when_there_is_no_warehouse(pipeline_home):
    result = CliRunner().invoke(report, [])
    assert result.exit_code != 0
    assert "run `interaction-pipeline demo` first" in result.output


def test_report_command_writes_where_it_is_told(pipeline_home, tmp_path):
    write_funnel_marts(pipeline_home / "warehouse.duckdb")
    target = tmp_path / "elsewhere" / "report.html"
    result = CliRunner().invoke(report, ["--output", str(target)])
    assert result.exit_code == 0, result.output
    assert str(target) in result.output and "Spring Sale" in target.read_text()


def test_a_funnel_step_larger_than_the_one_before_is_caught():
    assert chart_data.steps_never_grow([("Sent", 10), ("Delivered", 9), ("Opened", 4), ("Clicked", 1)])
    assert not chart_data.steps_never_grow([("Sent", 10), ("Delivered", 9), ("Opened", 12), ("Clicked", 1)])
    assert not chart_data.steps_never_grow([])
