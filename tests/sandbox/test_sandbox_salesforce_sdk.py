"""simple-salesforce, signed in by client credentials and following the token's instance_url, just works.

simple-salesforce only speaks HTTPS and builds its login URL from a ``*.salesforce.com`` domain, so the
sandbox runs with a loopback certificate and the token comes from the SDK's own ``token_login`` given the
sandbox's token URL: the same request (HTTP Basic client authentication) the SDK sends to a My Domain.
"""

from __future__ import annotations

import base64
import gc
from datetime import UTC, datetime, timedelta

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)
from simple_salesforce.login import token_login

from interaction_pipeline.sandbox.server import run_sandbox
from interaction_pipeline.sandbox.state import SANDBOX_SALESFORCE_CLIENT_ID, SANDBOX_SALESFORCE_CLIENT_SECRET

pytestmark = pytest.mark.slow
SMALL_BATCHES = {"Sforce-Query-Options": "batchSize=200"}


@pytest.fixture
def sandbox(loopback_tls):
    with run_sandbox(seed=11, tls=loopback_tls) as running:
        store = running.state.vendors["salesforce"]
        for i in range(450):
            store.create("Account", {"Name": f"Account {i}", "Industry": "Software" if i % 3 else "Retail"})
        yield running


@pytest.fixture
def session(sandbox, loopback_tls):
    trusting = requests.Session()
    trusting.verify = loopback_tls.certfile
    # Otherwise REQUESTS_CA_BUNDLE, where set, replaces the session's own bundle on every request.
    trusting.trust_env = False
    yield trusting
    # A TLS server stops only once its clients' sockets are closed: close the pool, and collect the
    # responses still held by the test's exceptions, whose sockets stay open until then.
    trusting.close()
    gc.collect()


def sign_in(sandbox, session, secret: str = SANDBOX_SALESFORCE_CLIENT_SECRET) -> tuple[str, str]:
    basic = base64.b64encode(f"{SANDBOX_SALESFORCE_CLIENT_ID}:{secret}".encode()).decode()
    return token_login(
        f"{sandbox.url}/salesforce/services/oauth2/token",
        {"grant_type": "client_credentials"},
        "sandbox",
        SANDBOX_SALESFORCE_CLIENT_ID,
        {"Authorization": f"Basic {basic}"},
        None,
        session,
    )


@pytest.fixture
def sf(sandbox, session) -> Salesforce:
    token, instance = sign_in(sandbox, session)
    return Salesforce(instance_url=f"https://{instance}", session_id=token, session=session)


def accounts(sandbox) -> list[dict]:
    return sandbox.state.vendors["salesforce"].list_objects("Account")


def test_the_token_names_an_instance_by_host_alone_and_the_sdk_queries_it_at_its_default_version(
    sandbox, session
):
    token, instance = sign_in(sandbox, session)
    sf = Salesforce(instance_url=f"https://{instance}", session_id=token, session=session)

    result = sf.query("SELECT Id, Name FROM Account LIMIT 5")

    assert instance == sandbox.url.removeprefix("https://")
    assert sf.sf_version == "59.0" and result["totalSize"] == 5
    assert result["records"][0]["attributes"]["url"].startswith("/services/data/v59.0/sobjects/Account/")


def test_query_all_follows_next_records_url_through_every_batch(sf, sandbox):
    sandbox.control("DELETE", "/requests")

    records = list(sf.query_all_iter("SELECT Id, Name FROM Account", headers=SMALL_BATCHES))

    assert [r["Id"] for r in records] == [a["Id"] for a in accounts(sandbox)]
    assert sandbox.control("GET", "/requests")["salesforce"] == 3


def test_soql_where_conditions_filter_records(sf, sandbox):
    cutoff = accounts(sandbox)[99]["SystemModstamp"]

    retail = sf.query_all(
        f"SELECT Id, Industry FROM Account WHERE Industry = 'Retail' AND SystemModstamp > {cutoff}"
    )

    expected = [a["Id"] for a in accounts(sandbox)[100:] if a["Industry"] == "Retail"]
    assert [r["Id"] for r in retail["records"]] == expected and retail["totalSize"] == len(expected)


def test_records_are_retrieved_by_id_and_deleted_ones_are_reported_as_deleted(sf, sandbox):
    first, second = accounts(sandbox)[:2]
    before = datetime.now(UTC) - timedelta(minutes=1)
    sandbox.control("DELETE", f"/objects/salesforce/Account/{second['Id']}")

    record = sf.Account.get(first["Id"])
    only_name = sf.Account.get(first["Id"], params={"fields": "Name"})
    with pytest.raises(SalesforceResourceNotFound) as deleted:
        sf.Account.get(second["Id"])
    report = sf.Account.deleted(before, datetime.now(UTC) + timedelta(minutes=1))
    with_deleted = sf.query_all(
        f"SELECT Id, IsDeleted FROM Account WHERE Id = '{second['Id']}'", include_deleted=True
    )

    assert (record["Id"], record["Name"], record["attributes"]["type"]) == (
        first["Id"],
        "Account 0",
        "Account",
    )
    assert set(only_name) == {"attributes", "Name"}
    assert deleted.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"
    assert [d["id"] for d in report["deletedRecords"]] == [second["Id"]]
    assert with_deleted["records"][0]["IsDeleted"] is True
    assert sf.query_all(f"SELECT Id FROM Account WHERE Id = '{second['Id']}'")["totalSize"] == 0


def test_every_version_from_31_to_68_is_listed_and_served(sf, sandbox, session):
    listed = session.get(f"{sandbox.url}/services/data/").json()
    oldest = Salesforce(instance_url=sandbox.url, session_id=sf.session_id, session=session, version="31.0")
    newest = Salesforce(instance_url=sandbox.url, session_id=sf.session_id, session=session, version="68.0")
    retired = Salesforce(instance_url=sandbox.url, session_id=sf.session_id, session=session, version="30.0")

    assert [v["version"] for v in listed] == [f"{n}.0" for n in range(31, 69)]
    assert listed[-1] == {"label": "Winter '27", "url": "/services/data/v68.0", "version": "68.0"}
    assert oldest.query("SELECT Id FROM Account LIMIT 1")["totalSize"] == 1
    assert newest.query("SELECT Id FROM Account LIMIT 1")["totalSize"] == 1
    with pytest.raises(SalesforceResourceNotFound):
        retired.query("SELECT Id FROM Account LIMIT 1")


def test_bad_credentials_sessions_queries_and_objects_become_the_sdks_own_errors(sf, sandbox, session):
    expired = Salesforce(instance_url=sandbox.url, session_id="00Dexpired", session=session)

    with pytest.raises(SalesforceAuthenticationFailed) as refused:
        sign_in(sandbox, session, secret="wrong")
    with pytest.raises(SalesforceExpiredSession):
        expired.query("SELECT Id FROM Account")
    with pytest.raises(SalesforceMalformedRequest) as malformed:
        sf.query("SELECT Id FROM Account WHERE Name LIKE 'A%'")
    with pytest.raises(SalesforceResourceNotFound):
        sf.Widget.describe()

    assert refused.value.code == "invalid_client"
    assert malformed.value.content[0]["errorCode"] == "MALFORMED_QUERY"


def test_api_usage_is_reported_and_a_rate_limited_request_is_the_sdks_general_error(sf, sandbox):
    sf.query("SELECT Id FROM Account LIMIT 1")
    used = sf.api_usage["api-usage"].used
    sandbox.control(
        "PUT", "/faults", {"rules": {"/salesforce/services/data": {"rate": 1.0, "kinds": ["429"]}}}
    )

    with pytest.raises(SalesforceGeneralError) as limited:
        sf.query("SELECT Id FROM Account LIMIT 1")

    assert used >= 1 and sf.api_usage["api-usage"].total == 15_000
    assert limited.value.status == 429
