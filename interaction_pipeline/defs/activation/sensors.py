"""Sync audiences when their dbt models materialize, and retry syncs that left changes unconfirmed.

The cursor maps each audience model's asset key to the storage id of the last materialization acted on; a new
one requests a run of that audience's sync assets, with the storage id in the run key so a replayed tick never
syncs the same materialization twice. A sync whose last materialization reports `failed` rows (a destination
that was down) is requested again once it is `RETRY_AFTER_SECONDS` old, so the rows do not wait for the next
model build.
"""

from __future__ import annotations

import json
import time

import dagster as dg

from interaction_pipeline.defs.activation.keys import ActivationKeys


def new_materializations(
    instance: dg.DagsterInstance, keys: ActivationKeys, cursor: dict[str, int]
) -> tuple[list[dg.RunRequest], dict[str, int]]:
    requests, advanced = [], dict(cursor)
    for model_key, sync_keys in keys.sync_keys_by_model().items():
        records = instance.fetch_materializations(model_key, limit=1).records
        if not records:
            continue
        storage_id = records[0].storage_id
        name = model_key.to_user_string()
        if storage_id <= cursor.get(name, 0):
            continue
        advanced[name] = storage_id
        requests.append(
            dg.RunRequest(
                run_key=f"{name}:{storage_id}",
                asset_selection=sync_keys,
                tags={"interaction_pipeline/audience_model": name},
            )
        )
    return requests, advanced


RETRY_AFTER_SECONDS = 300


def unfinished_syncs(
    instance: dg.DagsterInstance, keys: ActivationKeys, cursor: dict[str, int], now: float
) -> tuple[list[dg.RunRequest], dict[str, int]]:
    requests, advanced = [], dict(cursor)
    for target in keys.plan.targets:
        key = keys.sync_key(target)
        records = instance.fetch_materializations(key, limit=1).records
        if not records:
            continue
        record, name = records[0], f"retry:{key.to_user_string()}"
        if record.storage_id <= cursor.get(name, 0) or now - record.timestamp < RETRY_AFTER_SECONDS:
            continue
        failed = record.asset_materialization.metadata.get("failed")
        if not failed or not failed.value:
            continue
        advanced[name] = record.storage_id
        requests.append(
            dg.RunRequest(
                run_key=f"{name}:{record.storage_id}",
                asset_selection=[key],
                tags={"interaction_pipeline/retry": key.to_user_string()},
            )
        )
    return requests, advanced


def build_audience_sensor(keys: ActivationKeys) -> dg.SensorDefinition:
    watched = list(keys.sync_keys_by_model())

    @dg.sensor(
        name="audience_sync_sensor",
        target=dg.AssetSelection.assets(
            *[key for sync_keys in keys.sync_keys_by_model().values() for key in sync_keys]
        ),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Syncs audiences when their models materialize; retries syncs left unfinished.",
    )
    def audience_sync_sensor(context: dg.SensorEvaluationContext):
        cursor = json.loads(context.cursor) if context.cursor else {}
        requests, advanced = new_materializations(context.instance, keys, cursor)
        requested = {key for request in requests for key in request.asset_selection or []}
        retries, advanced = unfinished_syncs(context.instance, keys, advanced, time.time())
        requests += [r for r in retries if not set(r.asset_selection or []) & requested]
        if not requests:
            return dg.SkipReason(
                f"no new materialization of the {len(watched)} audience models and no sync to retry"
            )
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(advanced, sort_keys=True))

    return audience_sync_sensor
