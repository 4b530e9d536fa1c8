"""`build_warehouse`: everything up to the pictures, nothing pushed outward.

Loads the spool, syncs the objects, runs dbt and draws the charts in one run, in dependency order. The demo
runs it to build the warehouse in one go; afterwards the sensors and automation conditions keep it current on
their own, and this job is the button for a full rebuild now. Audience pushes stay with their automation
conditions (or `sync_all_audiences`), behind their guards.
"""

import dagster as dg

ACTIVATION_GROUP = "activation"

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(ACTIVATION_GROUP),
    description="Load events, sync objects, run dbt and draw the charts; audiences are not pushed.",
    tags={"interaction_pipeline/job": "build_warehouse"},
)
