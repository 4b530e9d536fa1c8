"""The one place that reads the environment.

Everything the product writes lives under ``INTERACTION_PIPELINE_HOME`` (default ``./data``): the spool,
the warehouse file, the sources registry and the Dagster home. Other modules ask this module for paths and
settings and never read ``os.environ`` themselves, so a test points the whole product elsewhere by setting
one variable.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HOME_VARIABLE = "INTERACTION_PIPELINE_HOME"
WAREHOUSE_VARIABLE = "INTERACTION_PIPELINE_WAREHOUSE"
WAREHOUSE_URL_VARIABLE = "INTERACTION_PIPELINE_WAREHOUSE_URL"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# Where `dbt parse` writes the manifest; the DbtProject in defs/transform reads the same file.
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
INSTANCE_CONFIG = Path(__file__).resolve().parent / "dagster.yaml"


class FixableError(Exception):
    """A failure its user can fix: a setting missing or wrong, the warehouse held by another process. The
    message names the cause and the fix in one line; commands and Dagster runs show it without a traceback."""


class SettingError(FixableError, ValueError):
    """A setting has a value the product cannot use."""


@dataclass(frozen=True)
class Paths:
    home: Path

    @property
    def spool(self) -> Path:
        return self.home / "spool"

    @property
    def events_spool(self) -> Path:
        return self.spool / "events"

    @property
    def rejects_spool(self) -> Path:
        return self.spool / "rejects"

    @property
    def warehouse(self) -> Path:
        override = os.environ.get(WAREHOUSE_VARIABLE)
        return Path(override).resolve() if override else self.home / "warehouse.duckdb"

    @property
    def sources_registry(self) -> Path:
        return self.home / "sources.json"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def exports(self) -> Path:
        """Files written by the file destination and the static report."""
        return self.home / "exports"


def paths() -> Paths:
    """Paths for the current environment, resolved to absolute paths (dbt runs from its own folder)."""
    return Paths(home=Path(os.environ.get(HOME_VARIABLE, "data")).resolve())


def warehouse_url() -> str | None:
    """A ``postgresql://`` URL when the warehouse is a Postgres database; None for the embedded DuckDB file.

    The URL may carry a password: pass it to drivers, never print it (`redacted_url` does that)."""
    url = env(WAREHOUSE_URL_VARIABLE)
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ValueError(
            f"{WAREHOUSE_URL_VARIABLE} must be a postgresql:// URL (leave it unset for the DuckDB file), "
            f"got one starting {url.split(':', 1)[0]!r}"
        )
    return url


def env(name: str, default: str | None = None) -> str | None:
    """Read one setting. Secrets pass through here and are never logged by callers."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


REBUILD_WAIT_VARIABLE = "INTERACTION_PIPELINE_REBUILD_WAIT_MINUTES"


def rebuild_wait_minutes() -> int:
    """The longest a change that reached the warehouse waits before the dbt rebuild that includes it.

    Models rebuild as soon as new data lands, but those of one source at most once per this many minutes, so
    a burst of segments or syncs becomes one build. Every other cadence of the automation follows from it.
    """
    raw = env("INTERACTION_PIPELINE_REBUILD_WAIT_MINUTES", "3")
    if not raw.isdigit() or not 1 <= int(raw) <= 60:
        raise ValueError(f"{REBUILD_WAIT_VARIABLE} must be a whole number of minutes, 1 to 60, not {raw!r}")
    return int(raw)


def dev_ports() -> dict[str, int | None]:
    """The ports `make dev` was asked to serve on, by service; None where its own default applies."""
    chosen = {
        "dagster": env("INTERACTION_PIPELINE_DAGSTER_PORT"),
        "collector": env("INTERACTION_PIPELINE_COLLECTOR_PORT"),
        "sandbox": env("INTERACTION_PIPELINE_SANDBOX_PORT"),
    }
    ports: dict[str, int | None] = {}
    for service, raw in chosen.items():
        if raw is not None and not (raw.isdigit() and 0 < int(raw) < 65536):
            variable = f"INTERACTION_PIPELINE_{service.upper()}_PORT"
            raise ValueError(f"{variable} must be a port number, not {raw!r}")
        ports[service] = int(raw) if raw is not None else None
    return ports


def ensure_dagster_home() -> Path:
    """Create the Dagster home with the project's instance config (the shared warehouse pool) if missing.

    Returns the directory; callers export it as ``DAGSTER_HOME`` for Dagster processes they start.
    """
    home = paths().dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = INSTANCE_CONFIG.read_text()
    if not config.exists() or config.read_text() != wanted:
        config.write_text(wanted)
    return home


def child_environment() -> dict[str, str]:
    """Environment for processes we start (dbt, Dagster): the same home, warehouse and Dagster home."""
    current = paths()
    result = dict(os.environ)
    result[HOME_VARIABLE] = str(current.home)
    result[WAREHOUSE_VARIABLE] = str(current.warehouse)
    url = warehouse_url()
    if url:
        result[WAREHOUSE_URL_VARIABLE] = url
    result["DAGSTER_HOME"] = str(current.dagster_home)
    return result


@contextlib.contextmanager
def overridden(name: str, value: str) -> Iterator[None]:
    """Set one setting for this process and the processes it starts until the block ends."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go: a Slack-compatible incoming webhook, email through an SMTP server, or both."""

    webhook_url: str | None
    email_to: tuple[str, ...]
    email_from: str
    smtp_host: str | None
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None
    smtp_security: str  # "starttls", "ssl" or "none"
    dagster_url: str  # where the links in an alert point: the Dagster UI as its readers reach it


SMTP_SECURITY = ("starttls", "ssl", "none")


def alert_settings() -> AlertSettings:
    security = env("INTERACTION_PIPELINE_SMTP_SECURITY", "starttls").lower()
    if security not in SMTP_SECURITY:
        raise SettingError(
            f"INTERACTION_PIPELINE_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not {security!r}"
        )
    port = env("INTERACTION_PIPELINE_SMTP_PORT", "465" if security == "ssl" else "587")
    if not port.isdigit():
        raise SettingError(f"INTERACTION_PIPELINE_SMTP_PORT must be a port number, not {port!r}")
    recipients = env("INTERACTION_PIPELINE_ALERT_EMAIL_TO", "")
    return AlertSettings(
        webhook_url=env("INTERACTION_PIPELINE_ALERT_WEBHOOK_URL"),
        email_to=tuple(address.strip() for address in recipients.split(",") if address.strip()),
        email_from=env("INTERACTION_PIPELINE_ALERT_EMAIL_FROM", "interaction-pipeline@localhost"),
        smtp_host=env("INTERACTION_PIPELINE_SMTP_HOST"),
        smtp_port=int(port),
        smtp_username=env("INTERACTION_PIPELINE_SMTP_USERNAME"),
        smtp_password=env("INTERACTION_PIPELINE_SMTP_PASSWORD"),
        smtp_security=security,
        dagster_url=env("INTERACTION_PIPELINE_DAGSTER_URL", "http://127.0.0.1:3000").rstrip("/"),
    )
