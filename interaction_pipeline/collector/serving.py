"""How uvicorn serves the collector: the guarded HTTP protocol, no WebSockets, no access log."""

from __future__ import annotations

import uvicorn

from interaction_pipeline.collector.connections import ConnectionLimits, protocol_class


def server_config(
    app, host: str, port: int, limits: ConnectionLimits | None = None, log_level: str = "info"
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol_class(limits or ConnectionLimits()),
        ws="none",
        # No access log: it would record query strings (the debugger's ?token=) and costs throughput.
        access_log=False,
        timeout_graceful_shutdown=30,
        log_level=log_level,
    )
