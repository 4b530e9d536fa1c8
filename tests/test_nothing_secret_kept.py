"""Everything the product writes, scanned for the write keys and the personal data sent to it.

Events with emails and phone numbers go through the collector (accepted, rejected and refused, plain and
gzipped, with keys in headers, in bodies and in escaped spellings, and after a crash), are loaded by the
Dagster asset, and an audience holding the same people is synced and dry-run. Then: no write key anywhere;
emails and phone numbers only in the raw events (the events spool and `raw_events.messages`) and in the
audience table that was their input.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import dagster as dg
import duckdb
import orjson
import pytest
from dagster_dbt import DbtCliResource, dbt_assets
from fixtures.live_server import free_port, start_collector

from interaction_pipeline import settings
from interaction_pipeline.collector.app import create_app
from interaction_pipeline.collector.registry import create_source
from interaction_pipeline.defs.activation.definitions import activation_definitions
from interaction_pipeline.defs.activation.keys import activation_keys
from interaction_pipeline.defs.activation.resources import destination_resources
from interaction_pipeline.defs.ingestion.events_assets import raw_events_messages
from interaction_pipeline.defs.resources import warehouse_resource
from interaction_pipeline.destinations.plan import load_plan
from interaction_pipeline.sandbox.server import run_sandbox

pytestmark = pytest.mark.slow

EMAIL, PHONE, PHONE_DIGITS = "ana.lopez@example.com", "+1 415 555 0100", "4155550100"
BAD_EMAIL, BAD_PHONE = "ana.lopez(at)example", "+44 20 7946 09"
PERSONAL = [EMAIL, "ana.lopez", PHONE, "415 555 0100", PHONE_DIGITS, BAD_EMAIL, "7946 09"]
# Audiences promo (to meta and file) and hold (suppression), as in the activation tests.
AUDIENCES_MANIFEST = Path(__file__).parent / "activation" / "fixtures" / "manifest.json"
# Where personal data belongs: the raw events and the audience the test wrote itself.
PERSONAL_DATA_TABLES = {"raw_events.messages", "audiences.aud_promo", "audiences.aud_hold"}


def _send_everything(collector, keys: dict[str, str]) -> None:
    website, braze = keys["website"], keys["braze-prod"]
    traits = {"email": EMAIL, "phone": PHONE}
    accepted = {"writeKey": website, "batch": [
        {"type": "identify", "userId": "u-1", "traits": traits},
        {"type": "track", "userId": "u-1", "event": "Order Completed", "properties": {"email": EMAIL}},
        {"type": "identify", "traits": traits, "context": {"note": f"call {PHONE}"}},  # rejected: no ids
    ]}  # fmt: skip
    assert collector.post("/v1/batch", orjson.dumps(accepted)).json()["accepted"] == 2
    escaped = '{"write\\u004bey": "' + website + '", "batch": "not a list", "traits": {"email": "' + EMAIL
    escaped += '"}}'
    assert collector.post("/v1/batch", escaped.encode()).status == 400
    typo = orjson.dumps({"writeKey": website[:-2] + "xx", "userId": "u-1", "event": "e", "traits": traits})
    assert collector.post("/v1/track", gzip.compress(typo), {"Content-Encoding": "gzip"}).status == 401
    truncated = gzip.compress(orjson.dumps({"writeKey": website, "traits": traits}))[:-10]
    assert collector.post("/v1/batch", truncated, {"Content-Encoding": "gzip"}).status == 400
    currents = {"events": [
        {"event_type": "users.messages.email.Open", "id": "e-1", "time": 1764583200,
         "user": {"external_user_id": "u-1"}, "properties": {"email_address": EMAIL}},
        {"event_type": "users.messages.email.Open", "id": "e-2", "properties": {"email_address": BAD_EMAIL}},
    ]}  # fmt: skip
    bearer = {"Authorization": f"Bearer {braze}"}
    assert collector.post("/webhooks/braze", orjson.dumps(currents), bearer).json()["accepted"] >= 1
    assert collector.post(f"/webhooks/braze/{braze[:-3]}zzz", orjson.dumps(currents)).status == 401


class _Collector:
    def __init__(self, port: int) -> None:
        self.port = port

    def post(self, path: str, body: bytes, headers: dict | None = None):
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", path, body, {"Content-Type": "application/json", **(headers or {})})
            response = connection.getresponse()
            return _Answer(response.status, response.read())
        finally:
            connection.close()


class _Answer:
    def __init__(self, status: int, body: bytes) -> None:
        self.status, self.body = status, body

    def json(self) -> dict:
        return orjson.loads(self.body)


def _leave_a_torn_segment(home: Path, key: str) -> None:
    """What a crash mid-write leaves: an open segment whose last line is cut off."""
    day = home / "spool" / "events" / "2026-11-29"
    day.mkdir(parents=True)
    torn = b'{"messageId":"m-0","writeKey":"' + key.encode() + b'","traits":{"email":"' + EMAIL.encode()
    (day / "20261129T100000000000Z-aaaaaaaa.ndjson.open").write_bytes(torn)


def _run_collector(home: Path, keys: dict[str, str]) -> None:
    app = create_app()
    port = free_port()
    server, thread = start_collector(app, port)
    try:
        _send_everything(_Collector(port), keys)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _write_audiences(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema if not exists audiences")
        for table in ("aud_promo", "aud_hold"):
            conn.execute(f"create table audiences.{table} (profile_id varchar, email varchar, phone varchar)")
        conn.executemany(
            "insert into audiences.aud_promo values (?, ?, ?)",
            [["p-1", EMAIL, PHONE], ["p-2", BAD_EMAIL, BAD_PHONE], ["p-3", "b@example.org", None]],
        )


@dbt_assets(manifest=AUDIENCES_MANIFEST)
def fixture_audiences(context, dbt: DbtCliResource):
    yield from ()  # never run: the test writes the audience tables itself


def _load_and_sync(instance: dg.DagsterInstance) -> None:
    keys = activation_keys(load_plan(AUDIENCES_MANIFEST), [fixture_audiences])
    resources = {**destination_resources(), "warehouse": warehouse_resource()}
    loaded = dg.materialize([raw_events_messages], resources=resources, instance=instance)
    assert loaded.success
    _write_audiences(settings.paths().warehouse)
    assets = [
        asset for asset in activation_definitions(keys).assets if isinstance(asset, dg.AssetsDefinition)
    ]
    for key, config in (("promo__meta", {}), ("promo__file", {"dry_run": True})):
        run_config = {"ops": {f"activation__{key}": {"config": config}}}
        selection = [dg.AssetKey(["activation", key])]
        result = dg.materialize(
            assets, selection=selection, resources=resources, instance=instance, run_config=run_config
        )
        assert result.success


def _files_under(root: Path, skip: tuple[Path, ...] = ()) -> dict[Path, bytes]:
    return {
        path: path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not any(path.is_relative_to(folder) for folder in skip)
    }


def _table_texts(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = conn.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
        return {
            f"{schema}.{table}": str(conn.execute(f'select * from "{schema}"."{table}"').fetchall())
            for schema, table in tables
        }


def test_no_key_anywhere_and_personal_data_only_in_the_raw_events(pipeline_home, monkeypatch):
    keys = {
        name: create_source(settings.paths().sources_registry, name, kind)[1]
        for name, kind in (("website", "website"), ("braze-prod", "braze"))
    }
    secrets = [*keys.values(), *(key[:-3] for key in keys.values())]
    log_file = pipeline_home / "logs" / "product.log"
    log_file.parent.mkdir()
    handler = logging.FileHandler(log_file)
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        _leave_a_torn_segment(pipeline_home, keys["website"])
        _run_collector(pipeline_home, keys)
        with run_sandbox() as sandbox:
            monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", sandbox.url)
            (pipeline_home / "dagster").mkdir()
            with dg.DagsterInstance.local_temp(str(pipeline_home / "dagster")) as instance:
                _load_and_sync(instance)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()

    files = _files_under(pipeline_home, skip=(pipeline_home / "exports",))
    tables = _table_texts(settings.paths().warehouse)
    raw_events = settings.paths().events_spool
    events = b"".join(data for path, data in files.items() if path.is_relative_to(raw_events))
    # The scan means something only if the data arrived where it belongs.
    assert EMAIL.encode() in events and EMAIL in tables["raw_events.messages"]
    assert "[email]" in tables["raw_events.rejects"] and "invalid" in tables["pipeline.audience_sync_log"]
    assert b"truncated a torn tail" in log_file.read_bytes()

    for secret in secrets:
        assert [str(path) for path, data in files.items() if secret.encode() in data] == []
        assert [name for name, text in tables.items() if secret in text] == []
    kept = {path: data for path, data in files.items() if not path.is_relative_to(raw_events)}
    kept.pop(settings.paths().warehouse, None)  # scanned table by table above
    for value in PERSONAL:
        assert [str(path) for path, data in kept.items() if value.encode() in data] == [], value
        found = [name for name, text in tables.items() if value in text]
        assert set(found) <= PERSONAL_DATA_TABLES, (value, found)
