"""Sync assets in Dagster: guards as blocking checks that say why, and dry runs that send nothing."""

import dagster as dg
import duckdb
from activation_helpers import KEYS, check_reasons, latest_metadata, materialize, write_audiences

from interaction_pipeline.defs.activation.checks import build_suppression_checks


def test_a_suppressed_member_is_left_out_of_the_export_and_counted(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "B@x.com", "c@x.com"], ["b@x.com"])
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize(assets, resources, "promo__file", instance)
        metadata = latest_metadata(instance, "promo__file")
    assert result.success
    assert check_reasons(result)["suppression_overlap"] == (True, "passed")
    assert (metadata["suppressed"], metadata["members"], metadata["added"]) == (1, 2, 2)
    (added,) = (home / "exports" / "audiences" / "promo").glob("*/added.csv")
    assert sorted(duckdb.sql(f"select email from '{added}'").fetchall()) == [("a@x.com",), ("c@x.com",)]


def test_an_overlap_that_means_a_missing_suppression_join_fails_the_blocking_check(activation):
    home, assets, resources = activation
    promo = [f"p{i}@x.com" for i in range(30)]
    write_audiences(home / "warehouse.duckdb", promo, promo[:12])
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize(assets, resources, "promo__file", instance)
    assert not result.success
    passed, reason = check_reasons(result)["suppression_overlap"]
    assert not passed
    assert reason.startswith(
        "12 of 30 members of marketing audience promo (40%) are in suppression audiences"
    )
    assert not (home / "exports").exists()


def test_a_clean_audience_passes_its_checks_and_exports(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "c@x.com"], ["b@x.com"])
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize(assets, resources, "promo__file", instance)
    assert result.success
    assert check_reasons(result)["suppression_overlap"] == (True, "passed")
    assert len(list((home / "exports" / "audiences" / "promo").glob("*/added.csv"))) == 1


def test_dry_run_config_reports_hashed_samples_and_contacts_nobody(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "c@x.com"], ["b@x.com"])
    config = {"ops": {"activation__promo__meta": {"config": {"dry_run": True}}}}
    with dg.DagsterInstance.ephemeral() as instance:
        assert materialize(assets, resources, "promo__meta", instance, run_config=config).success
        metadata = instance.get_latest_materialization_event(
            dg.AssetKey(["activation", "promo__meta"])
        ).asset_materialization.metadata
    assert (metadata["dry_run"].value, metadata["details"].value["to_add"], metadata["added"].value) == (
        True,
        2,
        0,
    )
    assert metadata["sandbox"].value is True
    sample = metadata["sample_adds"].value[0]
    assert sample["member_key"] == "aud_promo-0" and len(sample["payload"][0]) == 64
    with duckdb.connect(str(home / "warehouse.duckdb")) as conn:
        assert conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'pipeline'"
        ).fetchall() == [(0,)]


def test_a_dry_run_keeps_no_plaintext_identifier_in_dagsters_event_log(activation, tmp_path):
    """The file destination writes plaintext rows: dry-run samples are masked before Dagster stores them."""
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["ana.lopez@example.com", "c@x.com"], ["b@x.com"])
    config = {"ops": {"activation__promo__file": {"config": {"dry_run": True}}}}
    storage = tmp_path / "dagster"
    storage.mkdir()
    with dg.DagsterInstance.local_temp(str(storage)) as instance:
        assert materialize(assets, resources, "promo__file", instance, run_config=config).success
        metadata = instance.get_latest_materialization_event(
            dg.AssetKey(["activation", "promo__file"])
        ).asset_materialization.metadata
    sample = metadata["sample_adds"].value[0]
    assert sample["member_key"] == "aud_promo-0" and sample["payload"]["email"] == "[email]"
    stored = b"".join(path.read_bytes() for path in storage.rglob("*") if path.is_file())
    assert stored and b"ana.lopez" not in stored


def test_the_marketing_model_itself_carries_a_blocking_suppression_check(activation):
    home, _, resources = activation
    promo = [f"p{i}@x.com" for i in range(30)]
    write_audiences(home / "warehouse.duckdb", promo, [email.upper() for email in promo[:12]])
    (check,) = build_suppression_checks(KEYS)
    assert check.check_keys == {dg.AssetCheckKey(dg.AssetKey("aud_promo"), "suppression_overlap")}
    result = check(dg.build_asset_check_context(resources={"warehouse": resources["warehouse"]}))
    assert not result.passed
    assert result.metadata["suppressed_members"].value == 12
    assert result.metadata["reason"].value.startswith("12 of 30 members of marketing audience promo")
    write_audiences(home / "warehouse.duckdb", promo, promo[:1])
    tolerated = check(dg.build_asset_check_context(resources={"warehouse": resources["warehouse"]}))
    assert tolerated.passed and tolerated.metadata["suppressed_members"].value == 1


def test_every_sync_keeps_a_few_sample_rows_with_their_emails_masked(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "c@x.com"], ["b@x.com"])
    with dg.DagsterInstance.ephemeral() as instance:
        assert materialize(assets, resources, "promo__file", instance).success
        metadata = latest_metadata(instance, "promo__file")
    assert metadata["dry_run"] is False
    assert [row["payload"]["email"] for row in metadata["sample_adds"]] == ["[email]", "[email]"]
    assert [row["member_key"] for row in metadata["sample_adds"]] == ["aud_promo-0", "aud_promo-1"]
    assert "a@x.com" not in repr(metadata) and "c@x.com" not in repr(metadata)
