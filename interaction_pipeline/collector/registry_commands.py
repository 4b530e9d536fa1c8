"""`interaction-pipeline sources create|list|rotate|revoke`: manage event sources and their write keys."""

from __future__ import annotations

import click

from interaction_pipeline import settings
from interaction_pipeline.collector.registry import (
    KINDS,
    RegistryError,
    create_source,
    load_sources,
    revoke_key,
    rotate_key,
)


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
    """Create an event source and print its write key once (the last line of output)."""
    try:
        source, write_key = create_source(_registry_path(), name, kind, list(origins) or None)
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created source {source.name} ({source.kind}), key id {source.write_keys[0]['key_id']}.")
    click.echo("Copy the write key now; it is stored only as a hash and cannot be shown again:")
    click.echo(write_key)


@click.command("list")
def list_sources() -> None:
    """List event sources with their kinds and key ids (never the keys)."""
    sources = load_sources(_registry_path())
    if not sources:
        click.echo("No sources yet. Create one with: interaction-pipeline sources create NAME --kind KIND")
        return
    for source in sources:
        key_ids = ", ".join(entry["key_id"] for entry in source.write_keys) or "(no active keys)"
        origins = ", ".join(source.allowed_origins)
        click.echo(f"{source.name}\tkind={source.kind}\tkeys={key_ids}\torigins={origins}")


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
