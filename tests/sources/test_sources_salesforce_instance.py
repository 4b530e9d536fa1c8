"""Our Salesforce client signs in at the login URL and then reads from the instance the token names."""

from __future__ import annotations

import pytest
from sources_helpers import FAST_HTTP, populate

from interaction_pipeline.sandbox.state import SANDBOX_SALESFORCE_CLIENT_ID, SANDBOX_SALESFORCE_CLIENT_SECRET
from interaction_pipeline.sources.salesforce import SalesforceClient

pytestmark = pytest.mark.slow


def test_data_calls_go_to_the_instance_url_from_the_token_not_to_the_login_url(sandbox):
    populate(sandbox.state, 3)
    client = SalesforceClient(
        f"{sandbox.url}/salesforce", SANDBOX_SALESFORCE_CLIENT_ID, SANDBOX_SALESFORCE_CLIENT_SECRET, FAST_HTTP
    )

    batches = list(client.query_all_pages("SELECT Id FROM Account", "accounts"))

    assert client.instance_url == sandbox.url
    assert client.http.last_response.url.startswith(f"{sandbox.url}/services/data/")
    assert sum(len(batch) for batch in batches) == len(
        sandbox.state.vendors["salesforce"].list_objects("Account")
    )
