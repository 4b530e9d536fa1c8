"""One sync asset per (audience, destination), generated from the audience models' meta.

`activation/<audience>__<destination>` depends on the audience model, writes sync state (so it runs in the
warehouse pool) and carries blocking checks for the guards: when one fails nothing was sent, and the check
says why. Run config: `dry_run` (report adds, removes and hashed samples, send nothing), `full_refresh` (send
every member again; also the run tag `interaction_pipeline/full_refresh: "true"`, which the
`full_refresh_audiences` job sets), `allow_large_removal` (accept a change above max_removal_share once) and
`verify_remote` (check the destination still holds what it confirmed, even if checked within the hour).
"""

import dagster as dg

from interaction_pipeline.defs.activation.automation import sync_condition
from interaction_pipeline.defs.activation.keys import ActivationKeys
from interaction_pipeline.defs.activation.metadata import outcome_metadata
from interaction_pipeline.defs.activation.resources import RESOURCE_KEYS
from interaction_pipeline.defs.failures import explained_failures
from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.spec import SyncTarget

GUARD_DESCRIPTIONS = {
    "min_size": "The marketing audience has at least the minimum size for this destination.",
    "max_removal_share": "The sync removes no more than max_removal_share of the confirmed members "
    "(a suppression list still sends its additions and holds only the removals back).",
    "suppression_overlap": "At most max_suppressed_share of this marketing audience is in a suppression "
    "audience; suppressed members are left out of the sync either way.",
}
FULL_REFRESH_TAG = "interaction_pipeline/full_refresh"
# Not blocking: rows a destination did not accept stay unconfirmed and the automation condition retries them.
CONFIRMED_CHECK = "all_changes_confirmed"


class SyncConfig(dg.Config):
    dry_run: bool = False
    full_refresh: bool = False
    allow_large_removal: bool = False
    verify_remote: bool = False


def build_sync_asset(keys: ActivationKeys, target: SyncTarget) -> dg.AssetsDefinition:
    key = keys.sync_key(target)
    resource_key = RESOURCE_KEYS[target.destination]
    guards = keys.plan.guards(target)
    suppressions = keys.plan.suppressions_for(target.audience)

    @dg.asset(
        key=key,
        deps=[keys.model_key(target.audience)],
        group_name="activation",
        pool=WAREHOUSE_POOL,
        required_resource_keys={"warehouse", resource_key},
        check_specs=[
            *(
                dg.AssetCheckSpec(name, asset=key, blocking=True, description=GUARD_DESCRIPTIONS[name])
                for name in guards
            ),
            dg.AssetCheckSpec(
                CONFIRMED_CHECK, asset=key, description="The destination accepted every add and remove sent."
            ),
        ],
        description=f"Syncs audience {target.audience.model} ({target.audience.purpose}) to "
        f"{target.destination}: only adds and removes against the confirmed membership.",
        metadata={"audience": target.audience.model, "destination": target.destination},
        tags={"interaction_pipeline/destination": target.destination},
        automation_condition=sync_condition(dg.AssetCheckKey(key, CONFIRMED_CHECK)),
    )
    def sync_audience(context: dg.AssetExecutionContext, config: SyncConfig) -> dg.MaterializeResult:
        resource = getattr(context.resources, resource_key)
        with explained_failures(), context.resources.warehouse.get_connection() as conn:
            outcome = sync_target(
                conn,
                target,
                resource.destination(),
                suppressions=suppressions,
                dry_run=config.dry_run,
                full_refresh=config.full_refresh or context.run.tags.get(FULL_REFRESH_TAG) == "true",
                allow_large_removal=config.allow_large_removal,
                verify_remote=config.verify_remote or None,
            )
        if outcome.blocked:
            context.log.error(f"sync refused: {outcome.blocked}")
        checks = [
            dg.AssetCheckResult(
                check_name=name,
                passed=outcome.guards.get(name) is None,
                metadata={"reason": outcome.guards.get(name) or "passed"},
            )
            for name in guards
        ]
        checks.append(
            dg.AssetCheckResult(
                check_name=CONFIRMED_CHECK,
                passed=outcome.failed == 0,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={
                    "failed": outcome.failed,
                    "reason": f"{outcome.failed} adds or removes not accepted; sent again on the next sync"
                    if outcome.failed
                    else "passed",
                },
            )
        )
        return dg.MaterializeResult(
            metadata=outcome_metadata(outcome, target, resource.uses_sandbox),
            check_results=checks,
        )

    return sync_audience


def build_activation_assets(keys: ActivationKeys) -> list[dg.AssetsDefinition]:
    return [build_sync_asset(keys, target) for target in keys.plan.targets]
