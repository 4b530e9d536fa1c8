"""Collector settings, read once at start-up through :mod:`interaction_pipeline.settings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from interaction_pipeline import settings

# Segment's HTTP Tracking API limits, counted on the bytes as they stream in and again after gzip:
# https://www.twilio.com/docs/segment/connections/sources/catalog/libraries/server/http-api
MAX_MESSAGE_BYTES = 32 * 1024
MAX_REQUEST_BYTES = 500 * 1024
MAX_BATCH_MESSAGES = 2500
MAX_MESSAGE_ID_CHARS = 100


@dataclass(frozen=True)
class CollectorConfig:
    events_spool: Path
    rejects_spool: Path
    sources_registry: Path
    admin_token: str | None = None
    segment_max_bytes: int = 64 * 1024 * 1024
    segment_max_age_seconds: float = 60.0
    max_pending_bytes: int = 64 * 1024 * 1024
    retry_after_seconds: int = 2
    debugger_buffer: int = 500
    # The rejects spool budget (bytes of reject records per second, and the burst allowed at once).
    rejects_client_rate: float = 16 * 1024
    rejects_client_burst: float = 256 * 1024
    rejects_source_rate: float = 64 * 1024
    rejects_source_burst: float = 1024 * 1024

    @classmethod
    def from_environment(cls) -> CollectorConfig:
        paths = settings.paths()
        return cls(
            events_spool=paths.events_spool,
            rejects_spool=paths.rejects_spool,
            sources_registry=paths.sources_registry,
            admin_token=settings.env("INTERACTION_PIPELINE_ADMIN_TOKEN"),
            segment_max_bytes=int(
                settings.env("INTERACTION_PIPELINE_COLLECTOR_SEGMENT_MAX_BYTES", "67108864")
            ),
            segment_max_age_seconds=float(
                settings.env("INTERACTION_PIPELINE_COLLECTOR_SEGMENT_MAX_AGE_SECONDS", "60")
            ),
            max_pending_bytes=int(
                settings.env("INTERACTION_PIPELINE_COLLECTOR_MAX_PENDING_BYTES", "67108864")
            ),
        )
