"""Vendor paths answered at the sandbox's root, for clients that are given a host rather than a base URL.

A Salesforce token names its instance as scheme and host only, and zenpy is pointed at a Zendesk by host
(``ZENPY_FORCE_NETLOC``); both then call the vendor's real paths (``/services/...``, ``/api/v2/...``) at the
root. Those paths belong to one vendor each, so the sandbox serves them by handing the request to that
vendor's mount: fault rules, request counts and routes see ``/salesforce/services/...`` whichever way the
client came. Links a vendor builds from the request use ``public_path`` to keep the client's own form.
"""

from __future__ import annotations

ORIGINAL_PATH = "interaction_pipeline.original_path"


class RootPaths:
    """ASGI middleware: a request under one of ``roots`` (root prefix -> mount) goes to that mount."""

    def __init__(self, app, roots: dict[str, str]) -> None:
        self.app = app
        self.roots = roots

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            mount = next((mount for root, mount in self.roots.items() if path.startswith(root)), None)
            if mount is not None:
                raw_path = scope.get("raw_path") or path.encode()
                scope = {
                    **scope,
                    "path": mount + path,
                    "raw_path": mount.encode() + raw_path,
                    ORIGINAL_PATH: path,
                }
        await self.app(scope, receive, send)


def public_path(scope) -> str:
    """The path as the client sent it."""
    return scope.get(ORIGINAL_PATH, scope["path"])
