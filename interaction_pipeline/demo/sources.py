"""The demo's event sources and their write keys.

The registry stores only digests of write keys, so the demo keeps the keys it was given in its own file
(``<home>/demo/write_keys.json``, local to the demo's home) to reuse them on the next run. A source that
already exists without a known key gets a fresh key added (the same thing ``sources rotate`` does), so running
the demo again never creates duplicate sources.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from interaction_pipeline import settings
from interaction_pipeline.collector import registry


def demo_dir() -> Path:
    path = settings.paths().home / "demo"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _known_keys(path: Path) -> dict[str, str]:
    return json.loads(path.read_text()) if path.exists() else {}


def ensure_sources(sources: list[tuple[str, str]]) -> dict[str, str]:
    """Make sure every ``(name, kind)`` source exists; return ``{name: write key}`` the collector accepts."""
    registry_path = settings.paths().sources_registry
    keys_path = demo_dir() / "write_keys.json"
    known = _known_keys(keys_path)
    existing = {source.name: source for source in registry.load_sources(registry_path)}
    write_keys = {}
    for name, kind in sources:
        source = existing.get(name)
        key = known.get(name)
        if source is None:
            _, key = registry.create_source(registry_path, name, kind)
        elif key is None or not any(
            entry["sha256"] == registry.digest(key).hex() for entry in source.write_keys
        ):
            _, key = registry.rotate_key(registry_path, name)
        write_keys[name] = key
    keys_path.write_text(json.dumps(write_keys, indent=2))
    keys_path.chmod(0o600)
    return write_keys


def ensure_signing_keys(sources: list[tuple[str, str]]) -> dict[str, str]:
    """Give every source whose partner signs its webhooks (Customer.io) a signing key, as a user would paste
    Customer.io's into ``sources secret``; return ``{name: signing key}`` for the partner stand-ins."""
    from interaction_pipeline.collector.webhooks.partners import PARTNERS

    registry_path = settings.paths().sources_registry
    keys_path = demo_dir() / "signing_keys.json"
    known = _known_keys(keys_path)
    signing_keys = {}
    for name, kind in sources:
        partner = PARTNERS.get(kind)
        if partner is None or partner.signature is None:
            continue
        signing_keys[name] = known.get(name) or secrets.token_hex(32)
        registry.set_signing_secret(registry_path, name, signing_keys[name])
    keys_path.write_text(json.dumps(signing_keys, indent=2))
    keys_path.chmod(0o600)
    return signing_keys
