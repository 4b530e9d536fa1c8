"""Salesforce records for the business customers: accounts, contacts, leads and opportunities.

Ids follow Salesforce's 18-character shape with the real key prefixes (001 Account, 003 Contact, 00Q Lead,
006 Opportunity). Every record carries ``SystemModstamp`` (the incremental checkpoint) and ``IsDeleted``.
"""

from __future__ import annotations

import random

from interaction_pipeline.story.people import INDUSTRIES, Profile, company_name
from interaction_pipeline.story.timeline import DAY, HOUR, salesforce_date, salesforce_time

API = "/services/data/v58.0/sobjects"
STAGES = (
    "Prospecting",
    "Qualification",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)


def sf_id(prefix: str, number: int) -> str:
    return f"{prefix}{number:012d}AAA"


def _record(kind: str, record_id: str, created: float, modified: float, **fields) -> dict:
    return {
        "attributes": {"type": kind, "url": f"{API}/{kind}/{record_id}"},
        "Id": record_id,
        "CreatedDate": salesforce_time(created),
        "LastModifiedDate": salesforce_time(modified),
        "SystemModstamp": salesforce_time(modified),
        "IsDeleted": False,
        **fields,
    }


def account_records(seed: int, company: int, now: float) -> dict[str, list[dict]]:
    rng = random.Random(seed * 17 + company)
    created = now - rng.uniform(200, 390) * DAY
    modified = min(created + rng.uniform(1, 200) * DAY, now - HOUR)
    account_id = sf_id("001", company)
    account = _record(
        "Account",
        account_id,
        created,
        modified,
        Name=company_name(company),
        Industry=rng.choice(INDUSTRIES),
        Type="Customer",
        NumberOfEmployees=rng.randint(5, 800),
        Website=f"https://{company_name(company).lower().replace(' ', '')}.example.com",
    )
    opportunities = []
    for number in range(rng.randint(1, 2)):
        stage = rng.choice(STAGES)
        close = min(created + rng.uniform(10, 300) * DAY, now + 60 * DAY)
        opportunities.append(
            _record(
                "Opportunity",
                sf_id("006", company * 10 + number),
                created + number * DAY,
                min(created + number * DAY + rng.uniform(1, 100) * DAY, now - HOUR),
                AccountId=account_id,
                Name=f"{company_name(company)} — Team Coffee {number + 1}",
                StageName=stage,
                Amount=float(rng.choice((990, 1980, 4950, 9900))),
                CloseDate=salesforce_date(close),
                IsClosed=stage.startswith("Closed"),
                IsWon=stage == "Closed Won",
                Probability={"Closed Won": 100, "Closed Lost": 0}.get(stage, 40),
            )
        )
    return {"salesforce/Account": [account], "salesforce/Opportunity": opportunities}


def contact_records(seed: int, profile: Profile, now: float) -> dict[str, list[dict]]:
    """A business customer's contact; half of them came in as a lead that was converted."""
    rng = random.Random(seed * 19 + profile.index)
    contact_id = sf_id("003", profile.index)
    created = profile.signup
    modified = min(created + rng.uniform(0, 120) * DAY, now - HOUR)
    contact = _record(
        "Contact",
        contact_id,
        created,
        modified,
        AccountId=sf_id("001", profile.company),
        FirstName=profile.first_name,
        LastName=profile.last_name,
        Email=profile.email,
        Phone=profile.phone,
        Title=rng.choice(("Office Manager", "Head of People", "CEO", "COO")),
    )
    result = {"salesforce/Contact": [contact]}
    if rng.random() < 0.5:
        result["salesforce/Lead"] = [
            _record(
                "Lead",
                sf_id("00Q", profile.index),
                created - 5 * DAY,
                created,
                FirstName=profile.first_name,
                LastName=profile.last_name,
                Email=profile.email,
                Company=company_name(profile.company),
                Status="Closed - Converted",
                IsConverted=True,
                ConvertedContactId=contact_id,
                ConvertedAccountId=sf_id("001", profile.company),
                LeadSource="Web",
            )
        ]
    return result


def prospect_lead(seed: int, number: int, now: float) -> dict:
    """A lead that never became a customer (not a person of the story)."""
    rng = random.Random(seed * 23 + number)
    created = now - rng.uniform(5, 360) * DAY
    return _record(
        "Lead",
        sf_id("00Q", 90_000_000 + number),
        created,
        min(created + DAY, now - HOUR),
        FirstName="Prospect",
        LastName=f"No{number}",
        Email=f"prospect{number}@leads.example.com",
        Company=f"Prospect Company {number}",
        Status=rng.choice(("Open - Not Contacted", "Working - Contacted", "Closed - Not Converted")),
        IsConverted=False,
        ConvertedContactId=None,
        ConvertedAccountId=None,
        LeadSource="Trade Show",
    )
