"""`interaction-pipeline people forget EMAIL|USER_ID`: a person taken out of every destination, the warehouse,
the spool and the exports, in that order.

The destinations go first: removing someone needs what the warehouse remembers sending them. If one does not
take the removal, nothing else is deleted and the command can simply run again. The warehouse is then erased
in one transaction; the spool and the exports follow. The warehouse is held for writing throughout, so no
Dagster run loads or rebuilds the person halfway through.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from interaction_pipeline import settings
from interaction_pipeline.people.erase import erase
from interaction_pipeline.people.exports import scrub_exports
from interaction_pipeline.people.identity import find_person
from interaction_pipeline.people.removals import Removal, send_removals
from interaction_pipeline.people.spool import scrub_spool
from interaction_pipeline.warehouse.access import open_warehouse

NOT_REMOVED = (
    'Not removed here (docs/production.md, "Forgetting a person"): the partner tools and object sources '
    "themselves (delete the person in Braze, Stripe, Zendesk, Salesforce too, or the next sync brings them "
    "back), copies of exported files, backups, and Dagster's run history (counts and a few masked sample "
    "rows per sync)."
)


@click.group()
def people() -> None:
    """People in the warehouse: forget one everywhere the product keeps them."""


def _removals_table(removals: list[Removal]) -> Table:
    table = Table("audience", "destination", "account", "removed", "note", title="Destinations")
    for removal in removals:
        removed = f"{removal.removed} of {removal.confirmed}" if not removal.note else "-"
        table.add_row(removal.audience, removal.destination, removal.account, removed, removal.note)
    return table


@people.command()
@click.argument("identifier")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(identifier: str, yes: bool) -> None:
    """Forget a person (an email or a user id) everywhere: destinations, warehouse, spool, exports."""
    if settings.warehouse_url():
        # Erasing reads and deletes with DuckDB's catalog; on Postgres it would erase an unused file instead.
        raise click.ClickException(
            "people forget works on the embedded DuckDB warehouse only; with "
            f"{settings.WAREHOUSE_URL_VARIABLE} set, delete the person's rows in Postgres "
            "and re-run the audience syncs"
        )
    paths = settings.paths()
    if not paths.warehouse.exists():
        raise click.ClickException(f"no warehouse at {paths.warehouse}: there is nobody to forget")
    console = Console(highlight=False)
    with open_warehouse(paths.warehouse) as conn:
        person = find_person(conn, identifier)
        console.print(f"{identifier} is {person.describe()}")
        if not yes and not click.confirm(
            "Remove them from every destination, the warehouse, spool and exports?"
        ):
            raise SystemExit(1)
        removals = send_removals(conn, person)
        if removals:
            console.print(_removals_table(removals))
        failed = [removal for removal in removals if removal.failed]
        if failed:
            raise click.ClickException(
                f"{len(failed)} destinations did not take the removal, so nothing else was deleted yet; run "
                "the command again once they answer (interaction-pipeline audiences history shows why)"
            )
        conn.begin()
        counts = erase(conn, person)
        conn.commit()
        conn.execute("checkpoint")
    spool = scrub_spool(paths.spool, person)
    export_rows, export_files = scrub_exports(paths.exports / "audiences", person)
    table = Table("where", "removed", title=f"{identifier} forgotten")
    for where, count in counts.items():
        table.add_row(where, f"{count:,} rows")
    table.add_row("spool", f"{spool.lines:,} lines in {spool.segments} segments")
    table.add_row("exports", f"{export_rows:,} rows in {export_files} files")
    console.print(table)
    if spool.open_segments:
        console.print(
            f"[yellow]{len(spool.open_segments)} spool segments are still being written and were not "
            "checked: run this again once the collector has closed them (within a minute).[/yellow]"
        )
    console.print(NOT_REMOVED, soft_wrap=True)
