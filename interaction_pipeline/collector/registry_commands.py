"""`interaction-pipeline sources create|list|rotate|revoke|secret`: event sources, their write keys and
partner signing secrets."""

from __future__ import annotations

import click
from rich import box
from rich.console import Console
from rich.table import Table

from interaction_pipeline import settings
from interaction_pipeline.collector.registry import (
    KINDS,
    RegistryError,
    create_source,
    load_sources,
    revoke_key,
    rotate_key,
    set_signing_secret,
)
from interaction_pipeline.collector.webhooks.partners import PARTNERS
from interaction_pipeline.collector.webhooks.setup import endpoint, instructions, public_url, test_command


def _registry_path():
    return settings.paths().sources_registry


@click.command()
@click.argument("name")
@click.option("--kind", required=True, help=f"Partner or client kind: {', '.join(KINDS)}.")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    help="Browser origin allowed to send with this key (repeatable; default: any origin).",
)
def create(name: str, kind: str, origins: tuple[str, ...]) -> None:
    """Create an event source, say where it goes in the partner, and print its write key once (last line)."""
    try:
        source, write_key = create_source(_registry_path(), name, kind, list(origins) or None)
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created source {source.name} ({source.kind}), key id {source.write_keys[0]['key_id']}.")
    for line in instructions(source.kind):
        click.echo(line.replace("sources secret NAME", f"sources secret {source.name}"))
    click.echo("Test it with the collector running, the key below in WRITE_KEY (200 means key and URL work):")
    click.echo(f"  {test_command(source.kind)}")
    click.echo("Copy the write key now; it is stored only as a hash and cannot be shown again:")
    click.echo(write_key)


@click.command("list")
def list_sources() -> None:
    """List event sources with their kinds, endpoints and key ids (never the keys)."""
    sources = load_sources(_registry_path())
    if not sources:
        click.echo("No sources yet. Create one with: interaction-pipeline sources create NAME --kind KIND")
        return
    table = Table(
        title=f"Event sources of the collector at {public_url()}", title_justify="left", box=box.SIMPLE_HEAD
    )
    for column in ("source", "kind", "sends to", "key ids"):
        table.add_column(column, overflow="fold")
    table.add_column("origins", min_width=7, overflow="fold")
    table.add_column("signed", no_wrap=True)
    for source in sources:
        table.add_row(
            source.name,
            source.kind,
            endpoint(source.kind).removeprefix(public_url()).replace("<write key>", "<key>"),
            ", ".join(entry["key_id"] for entry in source.write_keys) or "no active key",
            ", ".join(source.allowed_origins),
            "set" if source.signing_secret_added_at else "-",
        )
    Console().print(table)


@click.command()
@click.argument("name")
def rotate(name: str) -> None:
    """Add a new write key to a source; the old keys keep working until revoked."""
    try:
        key_id, write_key = rotate_key(_registry_path(), name)
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Added key {key_id} to {name}. Old keys work until you revoke them. The new write key:")
    click.echo(write_key)


@click.command()
@click.argument("name")
@click.argument("key_id")
def revoke(name: str, key_id: str) -> None:
    """Revoke one write key of a source (the collector stops accepting it within a second)."""
    try:
        revoke_key(_registry_path(), name, key_id)
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Revoked key {key_id} of {name}.")


@click.command()
@click.argument("name")
@click.option(
    "--from-env",
    "variable",
    metavar="VARIABLE",
    help="Read the secret from this environment variable instead of standard input.",
)
@click.option(
    "--remove", is_flag=True, help="Forget the source's signing secret (requests are then unsigned)."
)
def secret(name: str, variable: str | None, remove: bool) -> None:
    """Attach a partner's signing secret (Customer.io's webhook signing key) to a source.

    The secret is read from standard input (typed hidden, or piped) or from an environment variable named
    with --from-env, never from the command line, so it stays out of shell history and process lists.
    """
    sources = {source.name: source for source in load_sources(_registry_path())}
    if name not in sources:
        raise click.ClickException(f"no source named {name!r}")
    partner = PARTNERS.get(sources[name].kind)
    if not remove and (partner is None or partner.signature is None):
        raise click.ClickException(f"{sources[name].kind} sources do not sign their requests")
    value = None
    if not remove:
        value = settings.env(variable) if variable else _secret_from_stdin()
        if not value:
            where = f"the environment variable {variable}" if variable else "standard input"
            raise click.ClickException(f"no secret was given: {where} is empty")
    try:
        set_signing_secret(_registry_path(), name, value)
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    done = "Removed the signing secret of" if remove else "Stored the signing secret for"
    click.echo(f"{done} {name}; the collector picks it up within a second.")


def _secret_from_stdin() -> str:
    stdin = click.get_text_stream("stdin")
    if stdin.isatty():
        return click.prompt("Signing secret", hide_input=True, default="", show_default=False)
    return stdin.readline().strip()
