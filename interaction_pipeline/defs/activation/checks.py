"""Suppression overlap as a blocking check on each marketing audience model itself.

The sync assets refuse to send such an audience anyway (their own `no_suppressed_members` check); this check
puts the same finding on the model, where it is made, and blocks anything downstream of the model in runs that
build it.
"""

import dagster as dg

from interaction_pipeline.defs.activation.keys import ActivationKeys
from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.destinations import guards
from interaction_pipeline.destinations.spec import AudienceSpec


def build_suppression_check(keys: ActivationKeys, spec: AudienceSpec) -> dg.AssetChecksDefinition:
    suppressions = keys.plan.suppressions_for(spec)

    @dg.asset_check(
        asset=keys.model_key(spec),
        name="no_suppressed_members",
        blocking=True,
        pool=WAREHOUSE_POOL,
        required_resource_keys={"warehouse"},
        description="No member of this marketing audience is in a suppression audience "
        f"({', '.join(s.name for s in suppressions)}) by profile_id, email or phone.",
    )
    def no_suppressed_members(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        with context.resources.warehouse.get_connection() as conn:
            count, sample, problems = guards.suppressed_members(conn, spec, suppressions)
        reason = guards.describe_suppression(spec, suppressions, count, sample, problems)
        return dg.AssetCheckResult(
            passed=reason is None,
            metadata={"reason": reason or "passed", "suppressed_members": count, "sample": ", ".join(sample)},
        )

    return no_suppressed_members


def build_suppression_checks(keys: ActivationKeys) -> list[dg.AssetChecksDefinition]:
    audiences = keys.plan.audiences
    return [build_suppression_check(keys, spec) for spec in audiences if keys.plan.suppressions_for(spec)]
