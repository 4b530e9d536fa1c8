"""The event-source registry: who may send events, under which write keys.

A source is ``{name, kind, allowed_origins, write_keys}``. Only SHA-256 digests of write keys are stored
(a JSON file, replaced atomically), so the file is not a secret. Several keys may be active at once, which
is how a key is rotated: add a new one, paste it into the partner's UI, revoke the old one.

Partner signing secrets (Customer.io's webhook signing key) cannot be digests: the collector must recompute
the partner's HMAC with them. They live in a second file beside the registry, ``source_secrets.json``, created
with mode 0600 and never printed or logged (:mod:`.secrets`).

The collector reads both files and reloads them when they change, so ``sources create``, ``sources revoke``
and ``sources secret`` take effect without a restart.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from interaction_pipeline.collector.secrets import SecretStore, read_secrets, secrets_path, write_secrets
from interaction_pipeline.collector.timestamps import format_utc, now_utc

logger = logging.getLogger("interaction_pipeline.collector.registry")

KINDS = (
    "braze",
    "customerio",
    "iterable",
    "leanplum",
    "chatlio",
    "gladly",
    "freshchat",
    "intercom",
    "delighted",
    "wootric",
    "statsig",
    "optimizely",
    "twilio",
    "website",
    "server",
)
# Source names end up in spool lines, warehouse rows, file names and terminals: letters, digits, - and _ only.
SOURCE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Browser sources get the client IP recorded, as Segment does for client-side libraries.
CLIENT_SIDE_KINDS = frozenset({"website"})
RELOAD_CHECK_SECONDS = 1.0


class RegistryError(Exception):
    """A registry change that cannot be made (unknown kind, duplicate name, unknown key id)."""


@dataclass
class Source:
    name: str
    kind: str
    allowed_origins: list[str] = field(default_factory=lambda: ["*"])
    write_keys: list[dict] = field(default_factory=list)
    created_at: str = ""
    signing_secret_added_at: str | None = None  # the secret itself is in source_secrets.json

    def allows_origin(self, origin: str | None) -> bool:
        return origin is None or "*" in self.allowed_origins or origin in self.allowed_origins


def digest(write_key: str) -> bytes:
    return hashlib.sha256(write_key.encode("utf-8", "surrogatepass")).digest()


def new_write_key() -> str:
    return secrets.token_urlsafe(32)


def load_sources(path: Path) -> list[Source]:
    if not path.exists():
        return []
    document = orjson.loads(path.read_bytes() or b"{}")
    return [Source(**entry) for entry in document.get("sources", [])]


def save_sources(path: Path, sources: list[Source]) -> None:
    """Replace the registry file atomically (temp file, fsync, rename, fsync the folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"version": 1, "sources": [source.__dict__ for source in sources]}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(orjson.dumps(document, option=orjson.OPT_INDENT_2))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@contextmanager
def locked_sources(path: Path):
    """Read, change and save the registry under an exclusive lock so two CLI calls never race."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        sources = load_sources(path)
        yield sources
        save_sources(path, sources)


def _key_entry(write_key: str) -> dict:
    return {"key_id": "key_" + secrets.token_hex(4), "sha256": digest(write_key).hex(), "created_at": _now()}


def _now() -> str:
    return format_utc(now_utc())


def _find(sources: list[Source], name: str) -> Source:
    for source in sources:
        if source.name == name:
            return source
    raise RegistryError(f"no source named {name!r}")


def create_source(
    path: Path, name: str, kind: str, allowed_origins: list[str] | None = None
) -> tuple[Source, str]:
    """Add a source with one fresh write key; returns the source and the key (shown once, never stored)."""
    if kind not in KINDS:
        raise RegistryError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if not SOURCE_NAME.fullmatch(name):
        raise RegistryError(
            f"invalid source name {name!r}: use 1 to 64 letters, digits, '-' and '_' (e.g. braze-prod)"
        )
    write_key = new_write_key()
    with locked_sources(path) as sources:
        if any(source.name == name for source in sources):
            raise RegistryError(f"a source named {name!r} already exists")
        source = Source(name, kind, allowed_origins or ["*"], [_key_entry(write_key)], _now())
        sources.append(source)
    return source, write_key


def rotate_key(path: Path, name: str) -> tuple[str, str]:
    """Add a second key to a source; returns (key_id, write_key). The old keys keep working."""
    write_key = new_write_key()
    with locked_sources(path) as sources:
        entry = _key_entry(write_key)
        _find(sources, name).write_keys.append(entry)
    return entry["key_id"], write_key


def revoke_key(path: Path, name: str, key_id: str) -> None:
    with locked_sources(path) as sources:
        source = _find(sources, name)
        remaining = [entry for entry in source.write_keys if entry["key_id"] != key_id]
        if len(remaining) == len(source.write_keys):
            raise RegistryError(f"source {name!r} has no key {key_id!r}")
        source.write_keys = remaining


def set_signing_secret(path: Path, name: str, secret: str | None) -> None:
    """Attach a partner's signing secret to a source, or remove it with ``None``.

    The secret goes to the 0600 secrets file; the registry records only when it was added.
    """
    if secret is not None and not secret.strip():
        raise RegistryError("the signing secret is empty")
    with locked_sources(path) as sources:
        source = _find(sources, name)
        secrets = read_secrets(secrets_path(path))
        if secret is None:
            secrets.pop(name, None)
            source.signing_secret_added_at = None
        else:
            secrets[name] = secret.strip()
            source.signing_secret_added_at = _now()
        write_secrets(secrets_path(path), secrets)


class Registry:
    """The collector's read-only view of the registry file, reloaded when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._signature: tuple | None = None
        self._checked_at = 0.0
        self._by_digest: dict[bytes, tuple[bytes, Source]] = {}
        self.sources: list[Source] = []
        self.secrets = SecretStore(secrets_path(path))
        self.reload_if_changed(force=True)

    def reload_if_changed(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked_at < RELOAD_CHECK_SECONDS:
            return
        self._checked_at = now
        self.secrets.reload_if_changed()
        try:
            stat = self.path.stat()
            signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            signature = None
        if signature == self._signature and not force:
            return
        try:
            sources = load_sources(self.path) if signature else []
            by_digest = {
                bytes.fromhex(entry["sha256"]): source for source in sources for entry in source.write_keys
            }
        except (ValueError, TypeError, KeyError) as error:
            # A hand-edited file that does not parse: keep serving with the sources we had.
            logger.error(
                "cannot read the sources registry %s (%s); keeping the last good one", self.path, error
            )
            self._signature = signature
            return
        self._signature = signature
        self.sources = sources
        self._by_digest = {stored: (stored, source) for stored, source in by_digest.items()}

    def authenticate(self, write_key: str) -> Source | None:
        """The source owning this key, or None.

        The presented key is hashed first; the lookup is by digest, so timing reveals nothing about stored
        keys, and the matching digest is confirmed with a constant-time comparison.
        """
        self.reload_if_changed()
        presented = digest(write_key)
        stored, source = self._by_digest.get(presented, (b"", None))
        return source if source is not None and hmac.compare_digest(stored, presented) else None

    def signing_secret(self, source: Source) -> str | None:
        return self.secrets.get(source.name)

    def allows_origin_anywhere(self, origin: str) -> bool:
        """For CORS preflights, which carry no key: is the origin allowed by any source?"""
        self.reload_if_changed()
        return any(source.allows_origin(origin) for source in self.sources)
