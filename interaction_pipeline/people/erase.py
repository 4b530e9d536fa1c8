"""Deleting a person from the warehouse: what was received about them, what the models made of it, and what
the product remembers sending.

- `raw_events.messages`: messages with their user id or one of their anonymous ids, or naming one of their
  emails in `context`, `traits` or `properties`; `raw_events.rejects`: refused bodies quoting any of them.
- The objects they own: their Stripe customer with its subscriptions, invoices and charges, their Zendesk
  user and the tickets they requested, their Salesforce contact and lead. Companies (Stripe products,
  Zendesk organizations, Salesforce accounts and opportunities) are not a person's and stay.
- Every table the dbt models built (views recompute by themselves): rows with one of their profile ids, user
  ids, anonymous ids or emails, so marts and audiences lose them now, not at the next build.
- Sync state: their confirmed membership at every destination and the sync log's rows about them.
"""

from __future__ import annotations

import duckdb

from interaction_pipeline.people.identity import Person
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE, SYNC_LOG_TABLE

# (table, key column, identifier type whose values it holds); email columns are matched as well
OWNED_OBJECTS = (
    ("raw_stripe.customers", "id", "stripe_customer_id"),
    ("raw_stripe.subscriptions", "customer_id", "stripe_customer_id"),
    ("raw_stripe.invoices", "customer_id", "stripe_customer_id"),
    ("raw_stripe.charges", "customer_id", "stripe_customer_id"),
    ("raw_zendesk.users", "id", "zendesk_user_id"),
    ("raw_zendesk.tickets", "requester_id", "zendesk_user_id"),
    ("raw_salesforce.contacts", "id", "salesforce_contact_id"),
    ("raw_salesforce.leads", "id", "salesforce_lead_id"),
)
MODEL_COLUMNS = {"profile_id": None, "user_id": "user_id", "anonymous_id": "anonymous_id", "email": "email"}
NOT_MODELS = ("pipeline", "main", "information_schema", "pg_catalog")


def _tables(conn: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Every base table (schema.table) with its column names."""
    rows = conn.execute(
        """
        select t.table_schema || '.' || t.table_name, c.column_name
        from information_schema.tables t
        join information_schema.columns c using (table_schema, table_name)
        where t.table_type = 'BASE TABLE'
        """
    ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def _delete(conn: duckdb.DuckDBPyConnection, table: str, where: str, params: list) -> int:
    return conn.execute(f"delete from {table} where {where}", params).fetchone()[0]


def _mentions(column: str, person: Person) -> tuple[str, list]:
    """SQL that is true when the JSON or text in ``column`` quotes one of the person's identifiers."""
    exact = [f'"{value}"' for kind in ("user_id", "anonymous_id") for value in person.values(kind)]
    emails = [f'"{email.lower()}"' for email in person.values("email")]
    clauses = [f"contains(cast({column} as varchar), ?)"] * len(exact)
    clauses += [f"contains(lower(cast({column} as varchar)), ?)"] * len(emails)
    return ("(" + " or ".join(clauses) + ")" if clauses else "false"), exact + emails


def erase_events(conn: duckdb.DuckDBPyConnection, tables: dict, person: Person) -> dict[str, int]:
    counts = {}
    if "raw_events.messages" in tables:
        mentions = [_mentions(column, person) for column in ("context", "traits", "properties")]
        where = " or ".join(
            [
                "list_contains(?::varchar[], user_id) or list_contains(?::varchar[], anonymous_id)",
                *(sql for sql, _ in mentions),
            ]
        )
        params = [person.values("user_id"), person.values("anonymous_id")]
        params += [value for _, values in mentions for value in values]
        counts["raw_events.messages"] = _delete(conn, "raw_events.messages", where, params)
    if "raw_events.rejects" in tables:
        mention, values = _mentions("raw", person)
        counts["raw_events.rejects"] = _delete(conn, "raw_events.rejects", mention, values)
    return counts


def erase_objects(conn: duckdb.DuckDBPyConnection, tables: dict, person: Person) -> dict[str, int]:
    counts = {}
    emails = person.values("email")
    for table, column, kind in OWNED_OBJECTS:
        if table not in tables:
            continue
        where, params = f"list_contains(?::varchar[], cast({column} as varchar))", [person.values(kind)]
        if "email" in tables[table]:
            where, params = f"{where} or list_contains(?::varchar[], lower(email))", [*params, emails]
        counts[table] = _delete(conn, table, where, params)
    return counts


def erase_models(conn: duckdb.DuckDBPyConnection, tables: dict, person: Person) -> dict[str, int]:
    counts = {}
    values = {"profile_id": sorted(person.profile_ids)}
    values.update({column: person.values(kind) for column, kind in MODEL_COLUMNS.items() if kind})
    for table, columns in sorted(tables.items()):
        schema = table.split(".", 1)[0]
        matched = [column for column in MODEL_COLUMNS if column in columns and values[column]]
        if schema in NOT_MODELS or schema.startswith("raw_") or not matched:
            continue
        where = " or ".join(
            f"list_contains(?::varchar[], lower({c}))"
            if c == "email"
            else f"list_contains(?::varchar[], {c})"
            for c in matched
        )
        counts[table] = _delete(conn, table, where, [values[column] for column in matched])
    return counts


def erase_sync_state(conn: duckdb.DuckDBPyConnection, tables: dict, person: Person) -> dict[str, int]:
    counts = {}
    for table in (MEMBERSHIP_TABLE, SYNC_LOG_TABLE):
        if table in tables:
            counts[table] = _delete(
                conn, table, "list_contains(?::varchar[], member_key)", [sorted(person.profile_ids)]
            )
    return counts


def erase(conn: duckdb.DuckDBPyConnection, person: Person) -> dict[str, int]:
    """Delete ``person`` everywhere in the warehouse; rows deleted per table (tables that held them only)."""
    tables = _tables(conn)
    counts: dict[str, int] = {}
    for step in (erase_events, erase_objects, erase_models, erase_sync_state):
        counts.update(step(conn, tables, person))
    return {table: count for table, count in counts.items() if count}
