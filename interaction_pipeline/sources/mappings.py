"""How each vendor's objects fill their warehouse tables: one SQL expression over ``d`` (the object as JSON)
for the id and for every typed column, so extraction happens inside the warehouse in one bulk statement.
Vendor timestamps become naive UTC TIMESTAMPs whatever the session time zone.

The expressions are written once against a small vocabulary (a text at a path, a cast that yields null
instead of failing, Unix seconds, an ISO-8601 text) that each engine renders in its own JSON syntax:
DuckDB's ``d->>'$.a.b'`` and ``try_cast``, Postgres's ``d#>>'{a,b}'`` and the ``pipeline.try_*`` functions
`object_store` creates there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interaction_pipeline.warehouse.engine import Connection, engine_of
from interaction_pipeline.warehouse.object_tables import OBJECT_TABLES, ObjectTable


class DuckDBJson:
    def text(self, path: str) -> str:
        return f"d->>'$.{path}'"

    def cast(self, path: str, sql_type: str) -> str:
        return f"try_cast({self.text(path)} as {sql_type})"

    def unix(self, path: str) -> str:
        return f"make_timestamp({self.cast(path, 'bigint')} * 1000000)"

    def iso(self, path: str) -> str:
        return f"timezone('UTC', {self.cast(path, 'timestamptz')})"


class PostgresJson:
    def text(self, path: str) -> str:
        keys = [key for key in re.split(r"[.\[\]]", path) if key]
        return "d#>>'{" + ",".join(keys) + "}'"

    def cast(self, path: str, sql_type: str) -> str:
        return f"pipeline.try_{sql_type}({self.text(path)})"

    def unix(self, path: str) -> str:
        return f"(to_timestamp({self.cast(path, 'bigint')}) at time zone 'UTC')"

    def iso(self, path: str) -> str:
        return f"({self.cast(path, 'timestamptz')} at time zone 'UTC')"


@dataclass(frozen=True)
class ObjectMapping:
    table: ObjectTable
    expressions: dict[str, str]  # "id" and every column of the table -> SQL over d

    def __post_init__(self) -> None:
        wanted, given = {"id", *self.table.column_names}, set(self.expressions)
        if wanted != given:
            raise ValueError(
                f"{self.table.table}: no expression for {sorted(wanted - given)}, "
                f"no column for {sorted(given - wanted)}"
            )


def _build(j: DuckDBJson | PostgresJson) -> dict[str, ObjectMapping]:
    _text, _cast, _unix, _iso = j.text, j.cast, j.unix, j.iso

    def _ref(field: str) -> str:
        """A Stripe reference that is an id string, or an expanded object with an id."""
        return f"coalesce({_text(field + '.id')}, {_text(field)})"

    def _period(field: str) -> str:
        """Stripe moved a subscription's period from the subscription to its items; read either."""
        return f"coalesce({_unix(field)}, {_unix('items.data[0].' + field)})"

    def _stripe(collection: str, **columns: str) -> ObjectMapping:
        table = OBJECT_TABLES[f"stripe/{collection}"]
        return ObjectMapping(table, {"id": _text("id"), **columns, "created": _unix("created")})

    def _zendesk(collection: str, **columns: str) -> ObjectMapping:
        expressions = {"id": _cast("id", "bigint"), **columns}
        expressions.update(created_at=_iso("created_at"), updated_at=_iso("updated_at"))
        return ObjectMapping(OBJECT_TABLES[f"zendesk/{collection}"], expressions)

    def _salesforce(collection: str, **columns: str) -> ObjectMapping:
        expressions = {"id": _text("Id"), **columns, "system_modstamp": _iso("SystemModstamp")}
        return ObjectMapping(OBJECT_TABLES[f"salesforce/{collection}"], expressions)

    return {
        mapping.table.key: mapping
        for mapping in (
            _stripe("customers", email=_text("email"), name=_text("name")),
            _stripe(
                "subscriptions",
                customer_id=_ref("customer"),
                status=_text("status"),
                price_id=f"coalesce({_text('items.data[0].price.id')}, {_ref('plan')})",
                quantity=f"coalesce({_cast('quantity', 'bigint')}, "
                f"{_cast('items.data[0].quantity', 'bigint')})",
                current_period_start=_period("current_period_start"),
                current_period_end=_period("current_period_end"),
                canceled_at=_unix("canceled_at"),
                ended_at=_unix("ended_at"),
            ),
            _stripe(
                "invoices",
                customer_id=_ref("customer"),
                subscription_id=f"coalesce({_ref('subscription')}, "
                f"{_text('parent.subscription_details.subscription')})",
                status=_text("status"),
                amount_due=_cast("amount_due", "bigint"),
                amount_paid=_cast("amount_paid", "bigint"),
                currency=_text("currency"),
            ),
            _stripe(
                "charges",
                customer_id=_ref("customer"),
                invoice_id=_ref("invoice"),
                amount=_cast("amount", "bigint"),
                currency=_text("currency"),
                status=_text("status"),
                paid=_cast("paid", "boolean"),
            ),
            _stripe("products", name=_text("name"), active=_cast("active", "boolean")),
            _stripe(
                "prices",
                product_id=_ref("product"),
                unit_amount=_cast("unit_amount", "bigint"),
                currency=_text("currency"),
                recurring_interval=_text("recurring.interval"),
            ),
            _zendesk(
                "tickets",
                requester_id=_cast("requester_id", "bigint"),
                organization_id=_cast("organization_id", "bigint"),
                status=_text("status"),
                priority=_text("priority"),
                subject=_text("subject"),
            ),
            _zendesk(
                "users",
                email=_text("email"),
                external_id=_text("external_id"),
                name=_text("name"),
                phone=_text("phone"),
                organization_id=_cast("organization_id", "bigint"),
                role=_text("role"),
            ),
            _zendesk("organizations", name=_text("name")),
            _salesforce(
                "accounts", name=_text("Name"), industry=_text("Industry"), created_date=_iso("CreatedDate")
            ),
            _salesforce(
                "contacts",
                account_id=_text("AccountId"),
                email=_text("Email"),
                first_name=_text("FirstName"),
                last_name=_text("LastName"),
                phone=_text("Phone"),
            ),
            _salesforce(
                "leads",
                email=_text("Email"),
                company=_text("Company"),
                status=_text("Status"),
                converted_contact_id=_text("ConvertedContactId"),
            ),
            _salesforce(
                "opportunities",
                account_id=_text("AccountId"),
                stage_name=_text("StageName"),
                amount=_cast("Amount", "double"),
                close_date=_cast("CloseDate", "date"),
                is_won=_cast("IsWon", "boolean"),
            ),
        )
    }


MAPPINGS = _build(DuckDBJson())
POSTGRES_MAPPINGS = _build(PostgresJson())


def mapping_for(conn: Connection, key: str) -> ObjectMapping:
    """The mapping of ``source/collection`` in the SQL of ``conn``'s engine."""
    return (POSTGRES_MAPPINGS if engine_of(conn) == "postgres" else MAPPINGS)[key]
