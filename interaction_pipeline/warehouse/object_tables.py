"""The object-source tables: one per vendor collection, in the schema ``raw_<source>``.

Every table holds the latest state per ``id``: typed key columns, the whole object as JSON (``data``), when it
was synced (``_synced_at``) and whether the vendor deleted it (``is_deleted``). The dbt sources read these
columns; `interaction_pipeline.sources` says how each vendor's objects fill them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectTable:
    source: str
    collection: str
    id_type: str
    columns: tuple[tuple[str, str], ...]  # typed key columns besides the id: (name, SQL type)

    @property
    def schema(self) -> str:
        return f"raw_{self.source}"

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.collection}"

    @property
    def key(self) -> str:
        return f"{self.source}/{self.collection}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _stripe(collection: str, *columns: tuple[str, str]) -> ObjectTable:
    return ObjectTable("stripe", collection, "varchar", (*columns, ("created", "timestamp")))


def _zendesk(collection: str, *columns: tuple[str, str]) -> ObjectTable:
    timestamps = (("created_at", "timestamp"), ("updated_at", "timestamp"))
    return ObjectTable("zendesk", collection, "bigint", (*columns, *timestamps))


def _salesforce(collection: str, *columns: tuple[str, str]) -> ObjectTable:
    return ObjectTable("salesforce", collection, "varchar", (*columns, ("system_modstamp", "timestamp")))


OBJECT_TABLES: dict[str, ObjectTable] = {
    table.key: table
    for table in (
        _stripe("customers", ("email", "varchar"), ("name", "varchar")),
        _stripe(
            "subscriptions",
            ("customer_id", "varchar"),
            ("status", "varchar"),
            ("price_id", "varchar"),
            ("quantity", "bigint"),
            ("current_period_start", "timestamp"),
            ("current_period_end", "timestamp"),
            ("canceled_at", "timestamp"),
            ("ended_at", "timestamp"),
        ),
        _stripe(
            "invoices",
            ("customer_id", "varchar"),
            ("subscription_id", "varchar"),
            ("status", "varchar"),
            ("amount_due", "bigint"),
            ("amount_paid", "bigint"),
            ("currency", "varchar"),
        ),
        _stripe(
            "charges",
            ("customer_id", "varchar"),
            ("invoice_id", "varchar"),
            ("amount", "bigint"),
            ("currency", "varchar"),
            ("status", "varchar"),
            ("paid", "boolean"),
        ),
        _stripe("products", ("name", "varchar"), ("active", "boolean")),
        _stripe(
            "prices",
            ("product_id", "varchar"),
            ("unit_amount", "bigint"),
            ("currency", "varchar"),
            ("recurring_interval", "varchar"),
        ),
        _zendesk(
            "tickets",
            ("requester_id", "bigint"),
            ("organization_id", "bigint"),
            ("status", "varchar"),
            ("priority", "varchar"),
            ("subject", "varchar"),
        ),
        _zendesk(
            "users",
            ("email", "varchar"),
            ("external_id", "varchar"),
            ("name", "varchar"),
            ("phone", "varchar"),
            ("organization_id", "bigint"),
            ("role", "varchar"),
        ),
        _zendesk("organizations", ("name", "varchar")),
        _salesforce("accounts", ("name", "varchar"), ("industry", "varchar"), ("created_date", "timestamp")),
        _salesforce(
            "contacts",
            ("account_id", "varchar"),
            ("email", "varchar"),
            ("first_name", "varchar"),
            ("last_name", "varchar"),
            ("phone", "varchar"),
        ),
        _salesforce(
            "leads",
            ("email", "varchar"),
            ("company", "varchar"),
            ("status", "varchar"),
            ("converted_contact_id", "varchar"),
        ),
        _salesforce(
            "opportunities",
            ("account_id", "varchar"),
            ("stage_name", "varchar"),
            ("amount", "double"),
            ("close_date", "date"),
            ("is_won", "boolean"),
        ),
    )
}
