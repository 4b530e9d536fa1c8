"""zenpy, pointed at the sandbox by host alone (``ZENPY_FORCE_NETLOC``), works as against Zendesk."""

from __future__ import annotations

from itertools import islice

import pytest
from zenpy import Zenpy
from zenpy.lib.exception import APIException, RatelimitBudgetExceeded, RecordNotFoundException

from interaction_pipeline.sandbox.server import run_sandbox
from interaction_pipeline.sandbox.state import SANDBOX_ZENDESK_EMAIL, SANDBOX_ZENDESK_TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture
def sandbox(monkeypatch):
    with run_sandbox(seed=13) as running:
        # zenpy's own switches for a Zendesk that is not at https://<subdomain>.zendesk.com
        monkeypatch.setenv("ZENPY_FORCE_NETLOC", running.url.removeprefix("http://"))
        monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
        for i in range(7):
            running.control("POST", "/objects/zendesk/tickets", {"subject": f"Ticket {i}", "status": "open"})
            running.control("POST", "/objects/zendesk/users", {"name": f"User {i}", "active": True})
        running.control("POST", "/objects/zendesk/organizations", {"name": "Org"})
        # Exports leave out the last minute's changes.
        running.control("POST", "/clock", {"advance_seconds": 61})
        yield running


def zenpy(token: str = SANDBOX_ZENDESK_TOKEN, **options) -> Zenpy:
    return Zenpy(subdomain="sandbox", email=SANDBOX_ZENDESK_EMAIL, token=token, disable_cache=True, **options)


def ids(objects, bound: int = 1_000) -> list[int]:
    # Bounded, so a cursor that led nowhere new would fail here instead of paging forever.
    return [obj.id for obj in islice(objects, bound)]


def test_the_cursor_export_pages_forward_to_the_end_of_the_stream(sandbox):
    sandbox.control("DELETE", "/requests")

    tickets = ids(zenpy().tickets.incremental(start_time=0, per_page=3))

    assert tickets == list(range(1, 8))
    assert sandbox.control("GET", "/requests")["zendesk"] == 3


def test_a_reversed_cursor_export_pages_back_to_the_first_change(sandbox):
    sandbox.control("PATCH", "/objects/zendesk/users/2", {"name": "Renamed"})
    sandbox.control("POST", "/clock", {"advance_seconds": 61})
    # In change order the users are 1, 3, 4, 5, 6, 7, 2: pages [1, 3], [4, 5], [6, 7], [2].
    forward = zenpy().users.incremental(start_time=0, per_page=2)
    assert ids(islice(forward, 6)) == [1, 3, 4, 5, 6, 7]

    back = ids(reversed(forward))

    assert back == [4, 5, 1, 3]


def test_tickets_users_and_organizations_are_shown_by_id(sandbox):
    client = zenpy()

    ticket, user, organization = client.tickets(id=3), client.users(id=4), client.organizations(id=1)

    assert (ticket.id, ticket.subject, ticket.status) == (3, "Ticket 2", "open")
    assert (user.id, user.name) == (4, "User 3")
    assert organization.name == "Org"


def test_deleted_tickets_are_not_found_while_deleted_users_show_as_inactive(sandbox):
    sandbox.control("DELETE", "/objects/zendesk/tickets/2")
    sandbox.control("DELETE", "/objects/zendesk/users/2")
    sandbox.control("POST", "/clock", {"advance_seconds": 61})
    client = zenpy()

    with pytest.raises(RecordNotFoundException):
        client.tickets(id=2)
    exported = {t.id: t.status for t in client.tickets.incremental(start_time=0)}

    assert client.users(id=2).active is False
    assert exported[2] == "deleted"


def test_an_unknown_record_and_a_wrong_token_become_zenpys_own_errors(sandbox):
    with pytest.raises(RecordNotFoundException):
        zenpy().tickets(id=999)
    with pytest.raises(APIException) as unauthorized:
        zenpy(token="wrong").tickets(id=1)

    assert unauthorized.value.response.status_code == 401


def test_the_export_rate_limit_answers_429_and_zenpy_gives_up_past_its_budget(sandbox):
    sandbox.control("PUT", "/rate-limits", {"enabled": True})
    for _ in range(10):
        ids(zenpy().organizations.incremental(start_time=0))

    with pytest.raises(RatelimitBudgetExceeded):
        zenpy(ratelimit_budget=1).tickets.incremental(start_time=0)


def test_zenpy_waits_out_retry_after_and_then_gets_the_ticket(sandbox):
    # With seed 4 the first draw at rate 0.5 fails and the second passes.
    rules = {"/zendesk/api/v2/tickets": {"rate": 0.5, "kinds": ["429"], "retry_after": 1}}
    sandbox.control("PUT", "/faults", {"seed": 4, "rules": rules})

    ticket = zenpy().tickets(id=5)

    assert ticket.subject == "Ticket 4"
    assert sandbox.control("GET", "/faults")["injected"] == {"429": 1}
