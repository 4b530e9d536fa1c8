"""`interaction-pipeline people forget`: a person leaves every destination, the warehouse (what was received,
what they own, what the models made of it, what was sent), the spool and the exports; everyone else stays."""

from __future__ import annotations

import hashlib
import json

import duckdb
import pytest
import requests
from click.testing import CliRunner

from interaction_pipeline import partners
from interaction_pipeline.cli import main
from interaction_pipeline.destinations.clients import client_for
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.sandbox.server import run_sandbox
from interaction_pipeline.warehouse.schema import ensure_event_tables

ANN = {
    "profile": "p-ann",
    "user": "u-ann",
    "anon": "anon-ann",
    "email": "ann@example.com",
    "stripe": "cus_ann",
}
BOB = {
    "profile": "p-bob",
    "user": "u-bob",
    "anon": "anon-bob",
    "email": "bob@example.com",
    "stripe": "cus_bob",
}
DESTINATIONS = {"meta": partners.meta, "braze": partners.braze, "webhook": partners.audience_webhook}


def message(person: dict, number: int, **fields) -> dict:
    return {
        "messageId": f"{person['user']}-{number}",
        "type": "track",
        "event": "Email Opened",
        "userId": fields.get("userId", person["user"]),
        "anonymousId": person["anon"],
        "context": {"traits": {"email": person["email"].upper()}},
        "properties": {},
        "timestamp": "2026-11-01T10:00:00Z",
    }


def write_warehouse(path) -> None:
    with duckdb.connect(str(path)) as conn:
        ensure_event_tables(conn)
        for person in (ANN, BOB):
            conn.execute(
                "insert into raw_events.messages (message_id, type, user_id, anonymous_id, context) "
                "values (?, 'track', ?, ?, ?), (?, 'page', null, ?, '{}')",
                [f"m-{person['user']}", person["user"], person["anon"], json.dumps({"traits": {}}),
                 f"m2-{person['user']}", person["anon"]],
            )  # fmt: skip
            # a partner that knows the person by email only
            conn.execute(
                "insert into raw_events.messages (message_id, type, context) values (?, 'track', ?)",
                [f"m3-{person['user']}", json.dumps({"traits": {"email": person["email"].title()}})],
            )
            raw = json.dumps({"batch": [{"userId": person["user"], "event": 5}]})
            conn.execute(
                "insert into raw_events.rejects (code, reason, raw, raw_encoding) "
                "values ('bad', 'x', ?, 'utf-8')",
                [raw],
            )
        conn.execute("create schema raw_stripe")
        conn.execute("create table raw_stripe.customers (id varchar, email varchar, data json)")
        conn.execute("create table raw_stripe.subscriptions (id varchar, customer_id varchar, data json)")
        for person in (ANN, BOB):
            conn.execute(
                "insert into raw_stripe.customers values (?, ?, '{}')", [person["stripe"], person["email"]]
            )
            conn.execute(
                "insert into raw_stripe.subscriptions values (?, ?, '{}')",
                [f"sub-{person['user']}", person["stripe"]],
            )
        conn.execute("create schema marts")
        conn.execute(
            "create table marts.dim_profile_identifiers (profile_id varchar, type varchar, value varchar)"
        )
        for person in (ANN, BOB):
            for kind, key in (("user_id", "user"), ("anonymous_id", "anon"), ("email", "email"),
                              ("stripe_customer_id", "stripe")):  # fmt: skip
                conn.execute("insert into marts.dim_profile_identifiers values (?, ?, ?)",
                             [person["profile"], kind, person[key]])  # fmt: skip
        conn.execute("create schema audiences")
        conn.execute(
            "create table audiences.aud_quiet as select * from (values (?, ?, ?), (?, ?, ?)) "
            "t(profile_id, email, user_id)",
            [ANN["profile"], ANN["email"], ANN["user"], BOB["profile"], BOB["email"], BOB["user"]],
        )


def write_spool(home) -> None:
    day = home / "spool" / "events" / "2026-11-01"
    day.mkdir(parents=True)
    lines = [json.dumps(message(person, n)) for person in (ANN, BOB) for n in range(2)]
    (day / "20261101T100000000000Z-aaaa.ndjson").write_text("\n".join(lines) + "\n")
    (day / "20261101T110000000000Z-bbbb.ndjson.open").write_text(json.dumps(message(ANN, 9)) + "\n")
    rejects = home / "spool" / "rejects" / "2026-11-01"
    rejects.mkdir(parents=True)
    refused = {"reason": "bad", "raw": json.dumps({"userId": ANN["user"], "event": 5})}
    (rejects / "20261101T100000000000Z-cccc.ndjson").write_text(json.dumps(refused) + "\n")


def target(destination: str) -> SyncTarget:
    options = {"mode": "blocklist"} if destination == "braze" else {}
    spec = AudienceSpec(
        "quiet", "aud_quiet", '"audiences"."aud_quiet"', "suppression", ["email"], {destination: options}
    )
    return SyncTarget(spec, destination, options)


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def held(url: str) -> dict[str, set[str]]:
    (audience,) = requests.get(f"{url}/meta/_sandbox/audiences", timeout=5).json()["audiences"].values()
    return {
        "meta": {member["EMAIL"] for member in audience["members"]},
        "braze": set(requests.get(f"{url}/braze/_sandbox/state", timeout=5).json()["blocklist"]),
        "webhook": set(
            requests.get(f"{url}/webhook/_sandbox/received", timeout=5).json()["audiences"]["quiet"]
        ),
    }


@pytest.fixture
def synced(pipeline_home, monkeypatch):
    """The warehouse and spool above, the audience synced to the sandbox's Meta, Braze and webhook and to
    files; yields the sandbox URL."""
    write_warehouse(pipeline_home / "warehouse.duckdb")
    write_spool(pipeline_home)
    with run_sandbox() as sandbox:
        monkeypatch.setenv(partners.SANDBOX_URL_VARIABLE, sandbox.url)
        with duckdb.connect(str(pipeline_home / "warehouse.duckdb")) as conn:
            for name, resolve in DESTINATIONS.items():
                assert sync_target(conn, target(name), client_for(resolve())).added == 2
            assert sync_target(conn, target("file"), FileDestination()).added == 2
        assert held(sandbox.url) == {
            "meta": {sha(ANN["email"]), sha(BOB["email"])},
            "braze": {ANN["email"], BOB["email"]},
            "webhook": {ANN["user"], BOB["user"]},
        }
        yield sandbox.url


def rows(home, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_forgetting_a_person_removes_them_everywhere_and_keeps_everyone_else(synced, pipeline_home):
    result = CliRunner().invoke(
        main, ["people", "forget", "Ann@Example.com", "--yes"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert held(synced) == {"meta": {sha(BOB["email"])}, "braze": {BOB["email"]}, "webhook": {BOB["user"]}}

    assert sorted(rows(pipeline_home, "select message_id from raw_events.messages")) == [
        ("m-u-bob",),
        ("m2-u-bob",),
        ("m3-u-bob",),
    ]
    assert [raw for (raw,) in rows(pipeline_home, "select raw from raw_events.rejects")] == [
        json.dumps({"batch": [{"userId": BOB["user"], "event": 5}]})
    ]
    assert rows(pipeline_home, "select id from raw_stripe.customers") == [(BOB["stripe"],)]
    assert rows(pipeline_home, "select customer_id from raw_stripe.subscriptions") == [(BOB["stripe"],)]
    assert rows(pipeline_home, "select distinct profile_id from marts.dim_profile_identifiers") == [
        ("p-bob",)
    ]
    assert rows(pipeline_home, "select profile_id from audiences.aud_quiet") == [("p-bob",)]
    assert rows(pipeline_home, "select distinct member_key from pipeline.audience_membership") == [("p-bob",)]
    assert rows(
        pipeline_home, "select count(*) from pipeline.audience_sync_log where member_key = 'p-ann'"
    ) == [(0,)]

    spool = pipeline_home / "spool"
    closed = (spool / "events" / "2026-11-01" / "20261101T100000000000Z-aaaa.ndjson").read_text()
    assert [json.loads(line)["userId"] for line in closed.splitlines()] == [BOB["user"], BOB["user"]]
    assert (spool / "rejects" / "2026-11-01" / "20261101T100000000000Z-cccc.ndjson").read_text() == ""
    (added,) = (pipeline_home / "exports" / "audiences" / "quiet").glob("*/added.csv")
    assert duckdb.sql(f"select email from '{added}'").fetchall() == [(BOB["email"],)]

    assert "1 spool segments are still being written" in result.output  # the open one, not touched
    assert "ann@example.com" not in " ".join(
        line for line in result.output.splitlines() if "forgotten" in line
    )


def test_nothing_is_erased_while_a_destination_refuses_the_removal(synced, pipeline_home):
    requests.post(
        f"{synced}/_sandbox/faults", json={"rules": [{"prefix": "/braze", "status": 500}]}, timeout=5
    )
    result = CliRunner().invoke(main, ["people", "forget", ANN["user"], "--yes"])
    assert result.exit_code == 1
    assert "did not take the removal, so nothing else was deleted yet" in result.output
    assert rows(pipeline_home, "select count(*) from raw_events.messages where user_id = 'u-ann'") == [(1,)]
    assert held(synced)["meta"] == {sha(BOB["email"])}  # the others took it already
    requests.delete(f"{synced}/_sandbox/faults", timeout=5)
    again = CliRunner().invoke(main, ["people", "forget", ANN["user"], "--yes"])
    assert again.exit_code == 0, again.output
    assert held(synced)["braze"] == {BOB["email"]}


def test_forgetting_on_a_postgres_warehouse_is_refused_in_one_line_before_anything_is_touched(
    pipeline_home, monkeypatch
):
    monkeypatch.setenv("INTERACTION_PIPELINE_WAREHOUSE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(main, ["people", "forget", "mary@example.com", "--yes"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: people forget works on the embedded DuckDB warehouse only; with "
        "INTERACTION_PIPELINE_WAREHOUSE_URL set, delete the person's rows in Postgres "
        "and re-run the audience syncs"
    ]
