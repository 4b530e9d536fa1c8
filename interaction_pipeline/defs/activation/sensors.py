"""Sync audiences when their dbt models materialize.

The cursor maps each audience model's asset key to the storage id of the last materialization acted on; a new
one requests a run of that audience's sync assets, with the storage id in the run key so a replayed tick never
syncs the same materialization twice.
"""

from __future__ import annotations

import json

import dagster as dg

from interaction_pipeline.defs.activation.audience_targets import ActivationPlan


def new_materializations(
    instance: dg.DagsterInstance, plan: ActivationPlan, cursor: dict[str, int]
) -> tuple[list[dg.RunRequest], dict[str, int]]:
    requests, advanced = [], dict(cursor)
    for model_key, sync_keys in plan.sync_keys_by_model().items():
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


def build_audience_sensor(plan: ActivationPlan) -> dg.SensorDefinition:
    watched = list(plan.sync_keys_by_model())

    @dg.sensor(
        name="audience_sync_sensor",
        target=dg.AssetSelection.assets(
            *[key for keys in plan.sync_keys_by_model().values() for key in keys]
        ),
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Requests audience syncs when an audience model materializes.",
    )
    def audience_sync_sensor(context: dg.SensorEvaluationContext):
        cursor = json.loads(context.cursor) if context.cursor else {}
        requests, advanced = new_materializations(context.instance, plan, cursor)
        if not requests:
            return dg.SkipReason(f"no new materialization of the {len(watched)} audience models")
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(advanced, sort_keys=True))

    return audience_sync_sensor
