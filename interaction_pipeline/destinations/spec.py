"""Audiences as declared in the dbt manifest: `config.meta.audience` on models under marts/audiences.

An audience model `aud_<name>` yields one row per `profile_id` with identifier columns; its meta block says
which identifiers to send, where to, and the guards. Guard settings a model leaves out come from
`meta.audience_defaults`, which `dbt_project.yml` sets for the whole audiences folder (`+meta:`), then from
the defaults below. One `SyncTarget` is one (audience, destination) pair, the unit the sync engine and the
Dagster assets work on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DESTINATIONS = ("meta", "google_ads", "braze", "webhook", "file")
PURPOSES = ("marketing", "suppression")
# Ad platforms do not match small lists reliably, and Segment refuses them below 100:
# https://www.twilio.com/docs/segment/connections/destinations/catalog/personas-facebook-custom-audiences
DEFAULT_MIN_SIZE = {"meta": 100, "google_ads": 100}
# A broken upstream (an empty join, a bad filter) shows as most of an audience leaving at once.
DEFAULT_MAX_REMOVAL_SHARE = 0.5
# A marketing model that joins its suppression audiences leaves only a few suppressed members behind (a
# ticket opened since it was built, the same person under another profile); more means the join is missing.
DEFAULT_MAX_SUPPRESSED_SHARE = 0.02


@dataclass(frozen=True)
class AudienceSpec:
    name: str  # model name without the aud_ prefix, e.g. "reengagement"
    model: str  # dbt model name, e.g. "aud_reengagement"
    relation: str  # quoted schema.table to select from
    purpose: str  # "marketing" or "suppression"
    identifiers: list[str]
    destinations: dict[str, dict[str, Any]]
    min_size: int | None = None
    max_removal_share: float = DEFAULT_MAX_REMOVAL_SHARE
    max_suppressed_share: float = DEFAULT_MAX_SUPPRESSED_SHARE
    columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SyncTarget:
    audience: AudienceSpec
    destination: str
    options: dict[str, Any]
    # Where the destination keeps its lists (`Destination.account`: endpoint and account, never a secret); set
    # by the engine from the client it syncs with.
    account: str = ""

    @property
    def state_key(self) -> str:
        """What the sync state of this target is kept under (see `warehouse.sync_state`)."""
        return state_key(self.destination, self.account)

    @property
    def platform_minimum(self) -> int:
        """The smallest list the destination matches reliably (0 when it has no such limit)."""
        return DEFAULT_MIN_SIZE.get(self.destination, 0)

    @property
    def min_size(self) -> int:
        """The size below which a sync is refused. Never for a suppression list: holding one back would
        market to the very people it must exclude, so its platform minimum is only reported."""
        if self.audience.purpose == "suppression":
            return 0
        if self.audience.min_size is not None:
            return self.audience.min_size
        return self.platform_minimum

    @property
    def key(self) -> str:
        return f"{self.audience.name}__{self.destination}"


def state_key(destination: str, account: str) -> str:
    """``meta@graph.facebook.com/act_123``: what a destination confirmed holds for that account only, so
    pointing it at another account (the sandbox, then a real one) starts from nothing confirmed."""
    return f"{destination}@{account}" if account else destination


def destination_of(key: str) -> tuple[str, str]:
    """(destination, account) of a state key; the account is empty for state kept before accounts were."""
    destination, _, account = key.partition("@")
    return destination, account


def audience_name(model: str) -> str:
    return model.removeprefix("aud_")


def audiences_from_manifest(manifest: dict[str, Any]) -> list[AudienceSpec]:
    """Every model whose config meta (or meta) carries an `audience` block, sorted by name."""
    specs = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model":
            continue
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        block = meta.get("audience")
        if not block:
            continue
        guards = _guard_settings(node["name"], {**(meta.get("audience_defaults") or {}), **block})
        destinations = {
            name: dict(options or {}) for name, options in (block.get("destinations") or {}).items()
        }
        unknown = set(destinations) - set(DESTINATIONS)
        if unknown:
            raise ValueError(f"audience {node['name']}: unknown destinations {sorted(unknown)}")
        if block.get("purpose", "marketing") not in PURPOSES:
            raise ValueError(f"audience {node['name']}: purpose must be one of {list(PURPOSES)}")
        alias = node.get("alias") or node["name"]
        specs.append(
            AudienceSpec(
                name=audience_name(node["name"]),
                model=node["name"],
                relation=f'"{node["schema"]}"."{alias}"',
                purpose=block.get("purpose", "marketing"),
                identifiers=list(block.get("identifiers") or ["email"]),
                destinations=destinations,
                **guards,
                columns=list((node.get("columns") or {}).keys()),
            )
        )
    return sorted(specs, key=lambda spec: spec.name)


def _guard_settings(model: str, block: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {"min_size": block.get("min_size")}
    for name, default in (
        ("max_removal_share", DEFAULT_MAX_REMOVAL_SHARE),
        ("max_suppressed_share", DEFAULT_MAX_SUPPRESSED_SHARE),
    ):
        value = block.get(name)
        value = default if value is None else value
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ValueError(f"audience {model}: {name} must be a share between 0 and 1, not {value!r}")
        settings[name] = float(value)
    return settings


def sync_targets(specs: list[AudienceSpec]) -> list[SyncTarget]:
    return [
        SyncTarget(audience=spec, destination=name, options=options)
        for spec in specs
        for name, options in spec.destinations.items()
    ]


def find_audience(specs: list[AudienceSpec], name: str) -> AudienceSpec:
    for spec in specs:
        if name in (spec.name, spec.model):
            return spec
    known = ", ".join(spec.name for spec in specs) or "none"
    raise KeyError(f"no audience named {name!r} (audiences: {known})")
