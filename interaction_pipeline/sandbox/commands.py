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
@click.option(
    "--tls-cert",
    type=click.Path(exists=True, dir_okay=False),
    help="Serve HTTPS with this certificate (PEM), for SDKs that only speak HTTPS, like simple-salesforce.",
)
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False), help="The certificate's key (PEM).")
def sandbox(
    host: str, port: int, seed: int, size: int, rate_limits: bool, tls_cert: str | None, tls_key: str | None
) -> None:
    """Serve stateful stand-ins for Stripe, Zendesk, Salesforce and the audience destinations.

    With no vendor credentials configured, every client points here
    (INTERACTION_PIPELINE_SANDBOX_URL, default http://127.0.0.1:8089). The control API lives under /_sandbox.
    """
    from interaction_pipeline.sandbox.app import seed_from_story
    from interaction_pipeline.sandbox.faults import Faults
    from interaction_pipeline.sandbox.server import TlsFiles, build_server
    from interaction_pipeline.sandbox.state import SandboxState

    if bool(tls_cert) != bool(tls_key):
        raise click.UsageError("--tls-cert and --tls-key go together: give both or neither")
    tls = TlsFiles(tls_cert, tls_key) if tls_cert and tls_key else None
    state = SandboxState(seed=seed, rate_limits_enabled=rate_limits)
    if size > 0 and not seed_from_story(state, seed, size):
        click.echo("demo story generator not available: starting with no objects", err=True)
    server = build_server(state, Faults(seed=seed), host, port, tls)
    scheme = "https" if tls else "http"
    click.echo(
        f"sandbox listening on {scheme}://{host}:{port} "
        f"(control API: {scheme}://{host}:{port}/_sandbox/health)"
    )
    click.echo(f"clients without credentials call {partners.SANDBOX_URL_VARIABLE}={partners.sandbox_url()}")
    server.run()
