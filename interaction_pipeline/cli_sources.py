"""`interaction-pipeline sources ...`: event sources (write keys) and object-source syncs share one group."""

from __future__ import annotations

import click

from interaction_pipeline.cli import LazyGroup

# Event-source commands live beside the write-key registry, `sync` beside the object-source clients.
SOURCE_COMMANDS = {
    "create": "interaction_pipeline.collector.registry_commands:create",
    "list": "interaction_pipeline.collector.registry_commands:list_sources",
    "rotate": "interaction_pipeline.collector.registry_commands:rotate",
    "revoke": "interaction_pipeline.collector.registry_commands:revoke",
    "secret": "interaction_pipeline.collector.registry_commands:secret",
    "sync": "interaction_pipeline.sources.commands:sync",
}


@click.group(cls=LazyGroup, lazy_commands=SOURCE_COMMANDS)
def sources() -> None:
    """Event sources (create, list, rotate, revoke write keys; partner signing secrets) and object syncs."""
