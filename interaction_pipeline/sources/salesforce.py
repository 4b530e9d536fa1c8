"""Salesforce client: OAuth client-credentials token, field discovery, and SOQL through ``queryAll``.

The token comes from the login URL; every data call goes to the ``instance_url`` the token names (the org's
My Domain host), and ``nextRecordsUrl`` is a path on that host.

``queryAll`` (unlike ``query``) also returns soft-deleted records with ``IsDeleted = true``, which is how
deletes reach the warehouse. Results arrive in batches, each linked to the next until ``done``.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from interaction_pipeline.sources.http import HttpClient, HttpSettings, SourceAuthError

API_VERSION = "v58.0"
BATCH_SIZE = 2000
SOBJECTS = {"accounts": "Account", "contacts": "Contact", "leads": "Lead", "opportunities": "Opportunity"}
COLLECTIONS = tuple(SOBJECTS)
# Field types SOQL cannot select in bulk queries or that carry no row data.
SKIPPED_FIELD_TYPES = {"base64", "address", "location"}
CREDENTIAL_SETTINGS = "SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET"


class SalesforceClient:
    def __init__(
        self, login_url: str, client_id: str, client_secret: str, http_settings: HttpSettings | None = None
    ) -> None:
        self.login_url = login_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.http = HttpClient("salesforce", CREDENTIAL_SETTINGS, http_settings)
        self.instance_url: str | None = None

    def authenticate(self) -> None:
        # The token endpoint answers 400 `invalid_client` for wrong credentials, 401 for some org settings.
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        body = self.http.request_json(
            "POST", f"{self.login_url}/services/oauth2/token", auth_statuses=(400, 401), data=form
        )
        if "access_token" not in body or not body.get("instance_url"):
            raise SourceAuthError(
                f"salesforce: the token request was refused ({body.get('error')}: "
                f"{body.get('error_description')}); check {CREDENTIAL_SETTINGS}"
            )
        # The org's own host: data calls go there, not to the login URL.
        self.instance_url = body["instance_url"].rstrip("/")
        self.http.session.headers["Authorization"] = f"Bearer {body['access_token']}"

    def describe_fields(self, sobject: str, collection: str) -> list[str]:
        body = self._get(f"/services/data/{API_VERSION}/sobjects/{sobject}/describe", collection)
        return [field["name"] for field in body["fields"] if field.get("type") not in SKIPPED_FIELD_TYPES]

    def query_all_pages(self, soql: str, collection: str) -> Iterator[list[dict]]:
        """Batches of records for a SOQL query, deleted records included."""
        path = f"/services/data/{API_VERSION}/queryAll?q={quote(soql)}"
        while path:
            body = self._get(path, collection, headers={"Sforce-Query-Options": f"batchSize={BATCH_SIZE}"})
            yield body.get("records", [])
            path = None if body.get("done", True) else body.get("nextRecordsUrl")

    def _get(self, path: str, collection: str, headers: dict | None = None) -> dict:
        if self.instance_url is None:
            self.authenticate()
        try:
            return self.http.get_json(f"{self.instance_url}{path}", headers=headers, collection=collection)
        except SourceAuthError:
            # Access tokens expire; one fresh token is worth a try before failing the sync.
            self.authenticate()
            return self.http.get_json(f"{self.instance_url}{path}", headers=headers, collection=collection)
