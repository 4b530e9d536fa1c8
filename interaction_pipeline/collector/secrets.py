"""Partner signing secrets, the one kind of credential the collector must keep usable.

A write key is only compared, so only its digest is stored. A signing secret (Customer.io's webhook signing
key) is an HMAC key: the collector recomputes the partner's signature with it, so a digest cannot work. It is
kept as protected as a local file can be: ``source_secrets.json`` beside the registry, created 0600 (and put
back to 0600 on every write), replaced atomically, never printed, never logged, never in the registry file
that ``sources list`` and the debugger read. Put the product home on an encrypted volume for more.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import orjson

logger = logging.getLogger("interaction_pipeline.collector.secrets")


def secrets_path(registry_path: Path) -> Path:
    return registry_path.with_name("source_secrets.json")


def read_secrets(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    document = orjson.loads(path.read_bytes() or b"{}")
    return {name: entry["secret"] for name, entry in document.get("secrets", {}).items()}


def write_secrets(path: Path, secrets: dict[str, str]) -> None:
    """Replace the file atomically; the temporary file is created 0600 so the secret is never readable."""
    document = {"version": 1, "secrets": {name: {"secret": secret} for name, secret in secrets.items()}}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(handle, 0o600)
        os.write(handle, orjson.dumps(document, option=orjson.OPT_INDENT_2))
        os.fsync(handle)
    finally:
        os.close(handle)
    os.replace(temporary, path)


class SecretStore:
    """The collector's view of the secrets file, reloaded when it changes (checked with the registry)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._signature: tuple | None = None
        self._secrets: dict[str, str] = {}
        self.reload_if_changed()

    def reload_if_changed(self) -> None:
        try:
            stat = self.path.stat()
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            signature = None
        if signature == self._signature:
            return
        try:
            self._secrets = read_secrets(self.path) if signature else {}
        except (ValueError, TypeError, KeyError) as error:
            logger.error("cannot read %s (%s); keeping the secrets it had", self.path, type(error).__name__)
            return
        self._signature = signature

    def get(self, name: str) -> str | None:
        return self._secrets.get(name)
