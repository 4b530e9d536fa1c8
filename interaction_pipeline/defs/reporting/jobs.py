"""`build_warehouse`: everything up to the pictures, nothing pushed outward.

Loads the spool, syncs the objects, runs dbt and draws the charts in one run, in dependency order. The demo
runs it, and in the UI it is the one button that rebuilds the warehouse; audience pushes stay with the
audience sensor (or `sync_all_audiences`), behind their guards.
"""

import dagster as dg

ACTIVATION_GROUP = "activation"

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(ACTIVATION_GROUP),
    description="Load events, sync objects, run dbt and draw the charts; audiences are not pushed.",
    tags={"interaction_pipeline/job": "build_warehouse"},
)
