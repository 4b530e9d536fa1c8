"""Sync assets in Dagster: the default removal guard and its one-time acceptance, unmatched members counted
with their reasons, full refresh by run config or by the full refresh job, a destination checked on demand."""

import dagster as dg
import duckdb
import requests
from activation_helpers import KEYS, check_reasons, latest_metadata, materialize, write_audiences

from interaction_pipeline.defs.activation.definitions import (
    FULL_REFRESH_JOB,
    SYNC_ALL_JOB,
    activation_definitions,
)
from interaction_pipeline.sandbox.server import run_sandbox


def exported(home, name: str) -> list[list[str]]:
    """Emails of every `name` file the promo exports wrote, oldest run first."""
    runs = sorted((home / "exports" / "audiences" / "promo").glob(f"*/{name}"))
    return [sorted(e for (e,) in duckdb.sql(f"select email from '{path}'").fetchall()) for path in runs]


def test_a_large_removal_fails_its_check_until_run_config_accepts_it_once(activation):
    home, assets, resources = activation
    emails = [f"p{i}@x.com" for i in range(10)]
    write_audiences(home / "warehouse.duckdb", emails, [])
    with dg.DagsterInstance.ephemeral() as instance:
        assert materialize(assets, resources, "promo__file", instance).success
        write_audiences(home / "warehouse.duckdb", emails[:4], [])
        refused = materialize(assets, resources, "promo__file", instance)
        passed, reason = check_reasons(refused)["max_removal_share"]
        assert not refused.success and not passed
        assert (
            "would remove 6 of 10 confirmed members of promo from file (60%), above max_removal_share 50%"
            in (reason)
        )
        assert "--allow-large-removal (or run config allow_large_removal: true)" in reason
        config = {"ops": {"activation__promo__file": {"config": {"allow_large_removal": True}}}}
        assert materialize(assets, resources, "promo__file", instance, run_config=config).success
        assert latest_metadata(instance, "promo__file")["removed"] == 6
    assert exported(home, "removed.csv") == [emails[4:]]


def test_members_a_destination_cannot_match_are_counted_with_their_reason(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", None, "not an email", "c@x.com"], [])
    dry_run = {"ops": {"activation__promo__meta": {"config": {"dry_run": True}}}}
    with dg.DagsterInstance.ephemeral() as instance:
        assert materialize(assets, resources, "promo__meta", instance, run_config=dry_run).success
        meta = latest_metadata(instance, "promo__meta")
        assert materialize(assets, resources, "promo__file", instance).success
        file = latest_metadata(instance, "promo__file")
    assert (meta["to_add"], meta["unmatched"]) == (2, 2)
    assert meta["unmatched_reasons"] == {"invalid email": 1, "no email or phone": 1}
    # A user id is enough for the file: every member is exported, the bad address left blank.
    assert (file["added"], file["unmatched"], file["unmatched_reasons"]) == (4, 0, {})


def test_a_full_refresh_resends_everyone_by_run_config_or_by_the_full_refresh_job(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "b@x.com"], [])
    defs = activation_definitions(KEYS)
    with dg.DagsterInstance.ephemeral() as instance:
        assert materialize(assets, resources, "promo__file", instance).success
        write_audiences(home / "warehouse.duckdb", ["a@x.com", "b@x.com", "c@x.com"], [])
        config = {"ops": {"activation__promo__file": {"config": {"full_refresh": True}}}}
        assert materialize(assets, resources, "promo__file", instance, run_config=config).success
        metadata = latest_metadata(instance, "promo__file")
        assert (metadata["added"], metadata["resent"], metadata["full_refresh"]) == (1, 3, True)
        job = next(job for job in defs.jobs if job.name == FULL_REFRESH_JOB)
        assert job.tags["interaction_pipeline/full_refresh"] == "true"
        tagged = materialize(assets, resources, "promo__file", instance, tags=dict(job.tags))
        assert tagged.success and latest_metadata(instance, "promo__file")["resent"] == 3
        assert materialize(assets, resources, "promo__file", instance).success
        assert latest_metadata(instance, "promo__file")["requests"] == 0
    assert exported(home, "members.csv") == [["a@x.com", "b@x.com", "c@x.com"]] * 2


def test_every_sync_runs_daily_to_check_its_destination_and_renew_memberships(activation):
    (schedule,) = activation_definitions(KEYS).schedules
    assert schedule.name == "audience_upkeep_schedule"
    assert schedule.job_name == SYNC_ALL_JOB and schedule.cron_schedule == "17 4 * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_run_config_checks_the_destination_now_and_a_deleted_list_is_rebuilt(activation, monkeypatch):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "b@x.com"], [])
    with run_sandbox() as sandbox, dg.DagsterInstance.ephemeral() as instance:
        monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", sandbox.url)
        assert materialize(assets, resources, "promo__meta", instance).success
        requests.post(f"{sandbox.url}/meta/_sandbox/reset", json={}, timeout=5).raise_for_status()
        assert materialize(assets, resources, "promo__meta", instance).success  # checked within the hour
        assert latest_metadata(instance, "promo__meta")["requests"] == 0
        config = {"ops": {"activation__promo__meta": {"config": {"verify_remote": True}}}}
        assert materialize(assets, resources, "promo__meta", instance, run_config=config).success
        assert latest_metadata(instance, "promo__meta")["added"] == 2
        (audience,) = (
            requests.get(f"{sandbox.url}/meta/_sandbox/audiences", timeout=5).json()["audiences"].values()
        )
        assert len(audience["members"]) == 2
