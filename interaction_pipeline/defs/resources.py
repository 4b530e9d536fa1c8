"""Resources shared by every stage. Paths come from `interaction_pipeline.settings`."""

from __future__ import annotations

from typing import Self

import dagster as dg
from dagster_duckdb import DuckDBResource

from interaction_pipeline import partners, settings

# DuckDB allows one writing process per file: every asset that writes the warehouse declares this pool, and
# the instance config (interaction_pipeline/dagster.yaml) gives pools a single slot.
WAREHOUSE_POOL = "duckdb_warehouse"


def warehouse_resource() -> DuckDBResource:
    return DuckDBResource(database=str(settings.paths().warehouse))


class PartnerResource(dg.ConfigurableResource):
    """A vendor's environment variables as fields, named in lower case and passed as `dg.EnvVar` (the UI
    shows the variable, never its value). `interaction_pipeline.partners` turns them into the live API or
    the sandbox when a run uses the resource."""

    interaction_pipeline_sandbox_url: str | None = None

    @classmethod
    def from_environment(cls) -> Self:
        """Every field whose variable is set, as that variable."""
        names = [name.upper() for name in cls.model_fields]
        return cls(**{name.lower(): dg.EnvVar(name) for name in names if settings.env(name)})

    def env(self, name: str) -> str | None:
        return getattr(self, name.lower(), None) or None

    def endpoint(self) -> partners.Endpoint:
        raise NotImplementedError

    @property
    def uses_sandbox(self) -> bool:
        return self.endpoint().uses_sandbox


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"warehouse": warehouse_resource()})
