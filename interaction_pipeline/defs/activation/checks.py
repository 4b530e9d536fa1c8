"""Suppression overlap as a blocking check on each marketing audience model itself.

The sync assets leave suppressed members out and refuse to send when too many are suppressed (their own
`suppression_overlap` check); this check puts the same finding on the model, where it is made, and blocks
anything downstream of the model in runs that build it.
"""

import dagster as dg

from interaction_pipeline.defs.activation.keys import ActivationKeys
from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.destinations import diff, guards
from interaction_pipeline.destinations.spec import AudienceSpec
from interaction_pipeline.destinations.suppression import find_suppressed


def build_suppression_check(keys: ActivationKeys, spec: AudienceSpec) -> dg.AssetChecksDefinition:
    suppressions = keys.plan.suppressions_for(spec)

    @dg.asset_check(
        asset=keys.model_key(spec),
        name="suppression_overlap",
        blocking=True,
        pool=WAREHOUSE_POOL,
        required_resource_keys={"warehouse"},
        description="At most max_suppressed_share of this marketing audience is in a suppression audience "
        f"({', '.join(s.name for s in suppressions)}) by profile_id, user_id, email or phone; syncs leave "
        "those members out.",
    )
    def suppression_overlap(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        with context.resources.warehouse.get_connection() as conn:
            diff.stage_audience(conn, spec)
            overlap = find_suppressed(conn, suppressions)
        reason = guards.suppression_problem(spec, suppressions, overlap)
        return dg.AssetCheckResult(
            passed=reason is None,
            metadata={
                "reason": reason or "passed",
                "suppressed_members": overlap.suppressed,
                "suppressed_share": overlap.share,
                "sample": ", ".join(overlap.sample),
            },
        )

    return suppression_overlap


def build_suppression_checks(keys: ActivationKeys) -> list[dg.AssetChecksDefinition]:
    audiences = keys.plan.audiences
    return [build_suppression_check(keys, spec) for spec in audiences if keys.plan.suppressions_for(spec)]
