"""Warehouse tables of the object sources: one per collection, typed key columns taken from the JSON object.

Each column is an SQL expression over ``d``, the vendor's object as JSON, so extraction happens inside DuckDB
in one bulk statement. Vendor timestamps become naive UTC TIMESTAMPs whatever the session time zone.
"""

from __future__ import annotations

from dataclasses import dataclass


def _text(path: str) -> str:
    return f"d->>'$.{path}'"


def _ref(field: str) -> str:
    """A Stripe reference that is an id string, or an expanded object with an id."""
    return f"coalesce(d->>'$.{field}.id', d->>'$.{field}')"


def _unix(path: str) -> str:
    return f"make_timestamp(try_cast(d->>'$.{path}' as bigint) * 1000000)"


def _iso(path: str) -> str:
    return f"timezone('UTC', try_cast(d->>'$.{path}' as timestamptz))"


def _cast(path: str, sql_type: str) -> str:
    return f"try_cast(d->>'$.{path}' as {sql_type})"


@dataclass(frozen=True)
class TableSpec:
    source: str
    collection: str
    id_type: str
    id_expression: str
    columns: tuple[tuple[str, str, str], ...]  # (name, SQL type, expression over d)

    @property
    def schema(self) -> str:
        return f"raw_{self.source}"

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.collection}"

    @property
    def key(self) -> str:
        return f"{self.source}/{self.collection}"


def _stripe(collection: str, *columns: tuple[str, str, str]) -> TableSpec:
    return TableSpec(
        "stripe", collection, "varchar", _text("id"), (*columns, ("created", "timestamp", _unix("created")))
    )


def _zendesk(collection: str, *columns: tuple[str, str, str]) -> TableSpec:
    return TableSpec(
        "zendesk",
        collection,
        "bigint",
        _cast("id", "bigint"),
        (
            *columns,
            ("created_at", "timestamp", _iso("created_at")),
            ("updated_at", "timestamp", _iso("updated_at")),
        ),
    )


def _salesforce(collection: str, *columns: tuple[str, str, str]) -> TableSpec:
    return TableSpec(
        "salesforce",
        collection,
        "varchar",
        _text("Id"),
        (*columns, ("system_modstamp", "timestamp", _iso("SystemModstamp"))),
    )


def _first_item(field: str) -> str:
    return f"d->'$.items.data[0]'->>'$.{field}'"


SPECS: dict[str, TableSpec] = {
    spec.key: spec
    for spec in (
        _stripe("customers", ("email", "varchar", _text("email")), ("name", "varchar", _text("name"))),
        _stripe(
            "subscriptions",
            ("customer_id", "varchar", _ref("customer")),
            ("status", "varchar", _text("status")),
            ("price_id", "varchar", f"coalesce(d->'$.items.data[0]'->>'$.price.id', {_ref('plan')})"),
            (
                "quantity",
                "bigint",
                f"coalesce({_cast('quantity', 'bigint')}, try_cast({_first_item('quantity')} as bigint))",
            ),
            (
                "current_period_start",
                "timestamp",
                f"coalesce({_unix('current_period_start')}, make_timestamp("
                f"try_cast({_first_item('current_period_start')} as bigint) * 1000000))",
            ),
            (
                "current_period_end",
                "timestamp",
                f"coalesce({_unix('current_period_end')}, make_timestamp("
                f"try_cast({_first_item('current_period_end')} as bigint) * 1000000))",
            ),
            ("canceled_at", "timestamp", _unix("canceled_at")),
            ("ended_at", "timestamp", _unix("ended_at")),
        ),
        _stripe(
            "invoices",
            ("customer_id", "varchar", _ref("customer")),
            (
                "subscription_id",
                "varchar",
                f"coalesce({_ref('subscription')}, d->>'$.parent.subscription_details.subscription')",
            ),
            ("status", "varchar", _text("status")),
            ("amount_due", "bigint", _cast("amount_due", "bigint")),
            ("amount_paid", "bigint", _cast("amount_paid", "bigint")),
            ("currency", "varchar", _text("currency")),
        ),
        _stripe(
            "charges",
            ("customer_id", "varchar", _ref("customer")),
            ("invoice_id", "varchar", _ref("invoice")),
            ("amount", "bigint", _cast("amount", "bigint")),
            ("currency", "varchar", _text("currency")),
            ("status", "varchar", _text("status")),
            ("paid", "boolean", _cast("paid", "boolean")),
        ),
        _stripe(
            "products", ("name", "varchar", _text("name")), ("active", "boolean", _cast("active", "boolean"))
        ),
        _stripe(
            "prices",
            ("product_id", "varchar", _ref("product")),
            ("unit_amount", "bigint", _cast("unit_amount", "bigint")),
            ("currency", "varchar", _text("currency")),
            ("recurring_interval", "varchar", _text("recurring.interval")),
        ),
        _zendesk(
            "tickets",
            ("requester_id", "bigint", _cast("requester_id", "bigint")),
            ("organization_id", "bigint", _cast("organization_id", "bigint")),
            ("status", "varchar", _text("status")),
            ("priority", "varchar", _text("priority")),
            ("subject", "varchar", _text("subject")),
        ),
        _zendesk(
            "users",
            ("email", "varchar", _text("email")),
            ("external_id", "varchar", _text("external_id")),
            ("name", "varchar", _text("name")),
            ("phone", "varchar", _text("phone")),
            ("organization_id", "bigint", _cast("organization_id", "bigint")),
            ("role", "varchar", _text("role")),
        ),
        _zendesk("organizations", ("name", "varchar", _text("name"))),
        _salesforce(
            "accounts",
            ("name", "varchar", _text("Name")),
            ("industry", "varchar", _text("Industry")),
            ("created_date", "timestamp", _iso("CreatedDate")),
        ),
        _salesforce(
            "contacts",
            ("account_id", "varchar", _text("AccountId")),
            ("email", "varchar", _text("Email")),
            ("first_name", "varchar", _text("FirstName")),
            ("last_name", "varchar", _text("LastName")),
            ("phone", "varchar", _text("Phone")),
        ),
        _salesforce(
            "leads",
            ("email", "varchar", _text("Email")),
            ("company", "varchar", _text("Company")),
            ("status", "varchar", _text("Status")),
            ("converted_contact_id", "varchar", _text("ConvertedContactId")),
        ),
        _salesforce(
            "opportunities",
            ("account_id", "varchar", _text("AccountId")),
            ("stage_name", "varchar", _text("StageName")),
            ("amount", "double", _cast("Amount", "double")),
            ("close_date", "date", _cast("CloseDate", "date")),
            ("is_won", "boolean", _cast("IsWon", "boolean")),
        ),
    )
}
