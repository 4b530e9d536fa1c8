"""`interaction-pipeline sandbox`: serve the local stand-ins for the partner APIs."""

from __future__ import annotations

import click

from interaction_pipeline import partners


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=partners.DEFAULT_SANDBOX_PORT, show_default=True, type=int, help="Port to listen on."
)
@click.option(
    "--seed", default=42, show_default=True, type=int, help="Seed of the demo story the data comes from."
)
@click.option(
    "--size",
    default=5000,
    show_default=True,
    type=int,
    help="Number of people in the demo story (0 starts empty).",
)
@click.option(
    "--rate-limits/--no-rate-limits",
    default=False,
    show_default=True,
    help="Enforce the vendors' rate limits (Stripe 25/s, Zendesk incremental exports 10/min).",
)
def sandbox(host: str, port: int, seed: int, size: int, rate_limits: bool) -> None:
    """Serve stateful stand-ins for Stripe, Zendesk, Salesforce and the audience destinations.

    With no vendor credentials configured, every client points here
    (INTERACTION_PIPELINE_SANDBOX_URL, default http://127.0.0.1:8089). The control API lives under /_sandbox.
    """
    from interaction_pipeline.sandbox.app import seed_from_story
    from interaction_pipeline.sandbox.faults import Faults
    from interaction_pipeline.sandbox.server import build_server
    from interaction_pipeline.sandbox.state import SandboxState

    state = SandboxState(seed=seed, rate_limits_enabled=rate_limits)
    if size > 0 and not seed_from_story(state, seed, size):
        click.echo("demo story generator not available: starting with no objects", err=True)
    server = build_server(state, Faults(seed=seed), host, port)
    click.echo(
        f"sandbox listening on http://{host}:{port} (control API: http://{host}:{port}/_sandbox/health)"
    )
    click.echo(f"clients without credentials call {partners.SANDBOX_URL_VARIABLE}={partners.sandbox_url()}")
    server.run()
