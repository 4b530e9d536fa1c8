"""The object-source assets: six Stripe, three Zendesk and four Salesforce collections."""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs.ingestion.objects_factory import object_asset
from interaction_pipeline.sources.sync import COLLECTIONS


@dg.definitions
def object_source_assets() -> dg.Definitions:
    return dg.Definitions(
        assets=[
            object_asset(source, collection) for source, names in COLLECTIONS.items() for collection in names
        ]
    )
