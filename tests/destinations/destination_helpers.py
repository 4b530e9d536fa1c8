"""Audience rows, audience tables, sync targets and what the sandbox stand-ins hold, shared by the
destination tests."""

from __future__ import annotations

import hashlib

import requests

from interaction_pipeline import partners
from interaction_pipeline.destinations.braze import BrazeDestination
from interaction_pipeline.destinations.google_ads import GoogleAdsDestination
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.destinations.webhook import WebhookDestination
from interaction_pipeline.http_client import RetryPolicy
from interaction_pipeline.warehouse.engine import Connection

FAST = RetryPolicy(attempts=4, backoff=0.01, backoff_max=0.05)


def member(i: int) -> dict:
    return {
        "profile_id": f"p{i:05d}",
        "email": f" Person.{i}@Example.com ",
        "phone": f"(415) 555-{i % 10000:04d}" if i % 3 else None,
        "user_id": f"u{i}",
        "country": "US",
    }


def write_audience(conn, name: str, members: list[dict]) -> None:
    conn.execute("create schema if not exists audiences")
    conn.execute(f"drop table if exists audiences.{name}")
    conn.execute(
        f"create table audiences.{name} (profile_id varchar, email varchar, phone varchar, "
        "user_id varchar, country varchar)"
    )
    conn.executemany(
        f"insert into audiences.{name} values (?, ?, ?, ?, ?)",
        [[m["profile_id"], m["email"], m["phone"], m["user_id"], m["country"]] for m in members],
    )


def make_target(destination: str, options: dict | None = None, **audience) -> SyncTarget:
    spec = AudienceSpec(
        name=audience.pop("name", "test"),
        model="aud_test",
        relation=audience.pop("relation", '"audiences"."aud_test"'),
        purpose=audience.pop("purpose", "marketing"),
        identifiers=audience.pop("identifiers", ["email", "phone"]),
        destinations={destination: options or {}},
        **audience,
    )
    return SyncTarget(audience=spec, destination=destination, options=options or {})


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def client(url: str, destination: str, *, timeout: float = 5.0, policy: RetryPolicy = FAST, **options):
    """A fresh client of ``destination`` pointed at the sandbox at ``url``."""
    if destination == "meta":
        return MetaDestination(f"{url}/meta", "t", "act_1", timeout=timeout, policy=policy, **options)
    if destination == "google_ads":
        return google_ads(url, "1", timeout=timeout, policy=policy, poll_seconds=0.01, **options)
    if destination == "braze":
        return BrazeDestination(f"{url}/braze", "k", timeout=timeout, policy=policy)
    return WebhookDestination(f"{url}/webhook/audiences", "sandbox", timeout=timeout, policy=policy)


def google_ads(url: str, customer_id: str, **options) -> GoogleAdsDestination:
    """A Google Ads client of the sandbox at ``url``, authenticated with the refresh token it issues to."""
    credentials = partners.google_ads({partners.SANDBOX_URL_VARIABLE: url}.get).credentials
    given = {**credentials, "customer_id": customer_id, **options}
    return GoogleAdsDestination(f"{url}/google-ads", **given)


def held(url: str, destination: str, remote_id: str | None, audience: str = "test") -> set[str]:
    """SHA-256 of the emails the stand-in of ``destination`` holds for the audience."""
    if destination == "meta":
        audience = requests.get(f"{url}/meta/_sandbox/audiences", timeout=5).json()["audiences"][remote_id]
        return {m["EMAIL"] for m in audience["members"]}
    if destination == "google_ads":
        lists = requests.get(f"{url}/google-ads/_sandbox/user_lists", timeout=5).json()["user_lists"]
        return {e["hashedEmail"] for m in lists[remote_id]["members"] for e in m if "hashedEmail" in e}
    if destination == "braze":
        return {sha(e) for e in requests.get(f"{url}/braze/_sandbox/state", timeout=5).json()["blocklist"]}
    received = requests.get(f"{url}/webhook/_sandbox/received", timeout=5).json()["audiences"]
    members = received.get(audience, [])
    return {sha(f"person.{m.removeprefix('u')}@example.com") for m in members}


def remote_id(conn: Connection, destination: str) -> str | None:
    """The id of the list the product created at ``destination`` (at whichever account it synced to)."""
    rows = conn.execute(
        "select remote_id from pipeline.audience_remote_lists where split_part(destination, '@', 1) = ?",
        [destination],
    ).fetchall()
    return rows[0][0] if rows else None
