"""What is wrong right now, read from the Dagster instance: one line per subject.

- a sync asset whose last run was blocked by a guard or left changes unconfirmed (`partial`);
- a blocking check whose last evaluation failed (the sync guards excepted: their sync says it), and the
  `active_sources_fresh` check, which names sources that went quiet;
- no events loaded at all for longer than the quiet-source setting (every source quiet, or the loader
  stopped), which no check can notice since checks run with loads.
"""

from __future__ import annotations

import time

import dagster as dg

from interaction_pipeline.defs.ingestion.events_checks import MESSAGES_KEY, quiet_hours

SYNC_GROUP_PREFIX = "activation"
ALWAYS_WATCHED_CHECKS = {"active_sources_fresh"}  # a warning, not blocking, but a quiet source is news


def sync_problems(instance: dg.DagsterInstance, keys: list[dg.AssetKey]) -> dict[str, str]:
    found = {}
    for key, event in instance.get_latest_materialization_events(keys).items():
        metadata = event.asset_materialization.metadata if event and event.asset_materialization else {}
        status = metadata["status"].value if "status" in metadata else None
        if status not in ("blocked", "partial"):
            continue
        if status == "partial":
            reason = (
                f"{metadata['failed'].value} changes were not accepted; they are sent again on the next sync"
            )
        else:
            reason = metadata["reason"].value
        found[f"sync:{key.to_user_string()}"] = f"{status}: {reason}"
    return found


def _check_summary(evaluation: dg.AssetCheckEvaluation) -> str:
    metadata = evaluation.metadata
    for name in ("reason", "silent_sources"):
        if name in metadata:
            return f"{name.replace('_', ' ')}: {metadata[name].value}"
    return evaluation.description or "failed"


def check_problems(instance: dg.DagsterInstance, checks: list[dg.AssetCheckKey]) -> dict[str, str]:
    found = {}
    for key in checks:
        record = instance.get_latest_asset_check_evaluation_record(key)
        event = record.event.dagster_event if record and record.event else None
        evaluation = event.event_specific_data if event else None
        if isinstance(evaluation, dg.AssetCheckEvaluation) and not evaluation.passed:
            found[f"check:{key.asset_key.to_user_string()}:{key.name}"] = _check_summary(evaluation)
    return found


def quiet_events_problem(instance: dg.DagsterInstance, now: float | None = None) -> dict[str, str]:
    """The events load's last run, materialization or observation, is older than the quiet hours."""
    latest = [
        records[0].timestamp
        for fetch in (instance.fetch_materializations, instance.fetch_observations)
        if (records := fetch(MESSAGES_KEY, limit=1).records)
    ]
    hours = quiet_hours()
    if not latest or (now or time.time()) - max(latest) < hours * 3600:
        return {}
    return {
        "events:quiet": f"no events were loaded in the last {hours:g} hours: are the collector and "
        "the spool sensor running, and do the partners still send?"
    }


def watched_checks(repository: dg.RepositoryDefinition) -> list[dg.AssetCheckKey]:
    graph = repository.asset_graph
    return sorted(
        (
            key
            for key in graph.asset_check_keys
            if key.asset_key.path[0] != SYNC_GROUP_PREFIX
            and (graph.get_check_spec(key).blocking or key.name in ALWAYS_WATCHED_CHECKS)
        ),
        key=lambda key: key.to_user_string(),
    )


def sync_keys(repository: dg.RepositoryDefinition) -> list[dg.AssetKey]:
    graph = repository.asset_graph
    return sorted(
        (key for key in graph.materializable_asset_keys if key.path[0] == SYNC_GROUP_PREFIX),
        key=lambda key: key.to_user_string(),
    )


def current_problems(instance: dg.DagsterInstance, repository: dg.RepositoryDefinition) -> dict[str, str]:
    return {
        **sync_problems(instance, sync_keys(repository)),
        **check_problems(instance, watched_checks(repository)),
        **quiet_events_problem(instance),
    }
