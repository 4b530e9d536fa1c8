"""`interaction-pipeline` command line.

Subcommands load lazily so that `interaction-pipeline collector` starts without importing Dagster or dbt.
"""

from __future__ import annotations

import importlib

import click

from interaction_pipeline import settings

# name -> "module:attribute" of a click command or group
COMMANDS = {
    "collector": "interaction_pipeline.collector.commands:collector",
    "sources": "interaction_pipeline.cli_sources:sources",
    "sandbox": "interaction_pipeline.sandbox.commands:sandbox",
    "audiences": "interaction_pipeline.destinations.commands:audiences",
    "people": "interaction_pipeline.people.commands:people",
    "demo": "interaction_pipeline.demo.commands:demo",
    "report": "interaction_pipeline.reporting.commands:report",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when invoked. A failure its user can fix (a setting,
    a busy warehouse) is printed as its one line, never as a traceback."""

    def __init__(self, *args, lazy_commands: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy_commands)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = self.lazy_commands.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                raise click.ClickException(f"'{name}' is not available in this build") from error
            raise
        return getattr(module, attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except settings.FixableError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
@click.version_option(package_name="interaction_pipeline")
def main() -> None:
    """Self-hosted interaction-data pipeline: collect partner events, sync objects, build audiences."""


if __name__ == "__main__":
    main()
