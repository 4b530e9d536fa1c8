"""Where a destination keeps its lists, as the sync state names it: the host and path of its API and the
account there (`meta@graph.facebook.com/act_123`, `braze@rest.iad-01.braze.com`).

Never a secret: no user info and no query values (a webhook URL may carry a token in its query, so a query
is kept only as a short digest, which still tells two receivers apart). The sandbox is one stand-in whatever
port it runs on, so its state is kept under `sandbox/...`.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from interaction_pipeline.destinations.spec import SyncTarget, destination_of
from interaction_pipeline.warehouse import sync_state
from interaction_pipeline.warehouse.engine import MISSING_RELATION, Connection

SANDBOX = "sandbox"


def url_account(url: str) -> str:
    """``host[:port]/path`` of ``url``, with a digest of its query when it has one."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    account = (f"{host}:{parts.port}" if parts.port else host) + parts.path.rstrip("/")
    if parts.query:
        account += "?" + hashlib.sha256(parts.query.encode()).hexdigest()[:12]
    return account


def in_sandbox(account: str, url: str) -> str:
    """``account`` of a client given ``url`` in the sandbox, with the sandbox's host and port left out."""
    parts = urlsplit(url)
    return account.replace(url_account(f"{parts.scheme}://{parts.netloc}"), SANDBOX, 1)


def saved_remote_id(conn: Connection, target: SyncTarget) -> str | None:
    """The id of the list the product created for ``target`` at its account, if any."""
    try:
        return sync_state.remote_list_id(conn, target.audience.name, target.state_key)
    except MISSING_RELATION:  # a preview on a warehouse that never synced
        return None


def new_account_note(conn: Connection, target: SyncTarget) -> str | None:
    """What to tell the user when ``target``'s account has nothing confirmed while another account of the
    same destination has: the first sync to a real account after the sandbox, or to a new account."""
    try:
        pairs = sync_state.synced_pairs(conn)
    except MISSING_RELATION:
        return None
    if pairs.get((target.audience.name, target.state_key)):
        return None
    others = []
    for (audience, key), confirmed in sorted(pairs.items()):
        destination, account = destination_of(key)
        if audience == target.audience.name and destination == target.destination and confirmed:
            others.append(f"{account or 'state from before accounts were recorded'}: {confirmed}")
    if not others:
        return None
    return (
        f"{target.destination} account {target.account} has nothing confirmed yet, so this sync starts "
        f"clean and sends every member; what other accounts confirmed stays as it was, unused "
        f"({'; '.join(others)})"
    )
