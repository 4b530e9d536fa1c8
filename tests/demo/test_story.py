"""The demo story: deterministic, shaped like the vendors' data, and rich enough for both audiences."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from interaction_pipeline.story.generator import OBJECT_COLLECTIONS, WEBHOOK_SOURCES, generate_story
from interaction_pipeline.story.timeline import segment_time

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def story():
    return generate_story(seed=7, size=500, now=NOW)


@pytest.fixture(scope="module")
def events(story):
    return list(story.events())


@pytest.fixture(scope="module")
def truth(story):
    return story.ground_truth()


def test_the_same_seed_size_and_now_give_the_same_story(story, events):
    again = generate_story(seed=7, size=500, now=NOW)
    assert list(again.events()) == events
    assert again.objects == story.objects


def test_another_seed_gives_another_story(events):
    other = list(generate_story(seed=8, size=500, now=NOW).events())
    assert other != events


def test_every_message_has_a_unique_id_an_identity_and_a_timestamp_in_the_last_year(events):
    segment = [message for source, message in events if source not in WEBHOOK_SOURCES]
    ids = [message["messageId"] for message in segment]
    assert len(ids) == len(set(ids))
    oldest, newest = segment_time((NOW - timedelta(days=365)).timestamp()), segment_time(NOW.timestamp())
    for message in segment:
        assert message.get("userId") or message.get("anonymousId")
        assert oldest <= message["timestamp"] <= newest
        assert message["type"] in {"track", "identify", "page"}
        assert message["type"] != "track" or message["event"]
        assert len(json.dumps(message)) < 32 * 1024


def test_every_source_sends_and_the_average_person_has_dozens_of_events(story, events):
    sent_by = {source for source, _ in events}
    assert sent_by == {name for name, _ in story.sources}
    assert 40 <= len(events) / story.size <= 120


def test_partner_webhook_events_have_unique_ids_the_partners_shape_and_a_time_in_the_last_year(events):
    oldest, newest = (NOW - timedelta(days=365)).timestamp(), NOW.timestamp()
    braze = [event for source, event in events if source == "braze"]
    customerio = [event for source, event in events if source == "customerio"]
    assert len({event["id"] for event in braze}) == len(braze)
    assert len({event["event_id"] for event in customerio}) == len(customerio)
    for event in braze:
        assert set(event) == {"event_type", "id", "time", "user", "properties"}
        assert event["user"]["external_user_id"] and event["user"]["user_id"]
        assert oldest <= event["time"] <= newest
    for event in customerio:
        assert {event["object_type"], event["metric"]} <= {
            "email",
            "delivered",
            "opened",
            "clicked",
            "bounced",
            "unsubscribed",
            "spammed",
        }
        assert oldest <= event["timestamp"] <= newest


def test_braze_email_events_carry_campaign_properties_and_the_recipient_email(events):
    braze_email = [e for source, e in events if source == "braze" and ".email." in e["event_type"]]
    for event in braze_email:
        properties = event["properties"]
        for key in (
            "campaign_id",
            "campaign_name",
            "message_variation_id",
            "dispatch_id",
            "send_id",
            "app_id",
        ):
            assert properties[key]
        assert "@" in properties["email_address"]
    opens = [e for e in braze_email if e["event_type"] == "users.messages.email.Open"]
    machine = [e for e in opens if e["properties"].get("machine_open") == "true"]
    assert 0 < len(machine) < len(opens)


def test_email_rates_look_like_real_campaigns(truth):
    braze = [c for c in truth["email_campaigns"].values() if c["source"] == "braze"]
    sent = sum(c["sent"] for c in braze)
    delivered = sum(c["delivered"] for c in braze)
    assert 0.95 <= delivered / sent <= 0.99
    assert 0.18 <= sum(c["opened"] for c in braze) / delivered <= 0.35
    assert 0.08 <= sum(c["machine_opened"] for c in braze) / delivered <= 0.16
    assert 0.01 <= sum(c["clicked"] for c in braze) / delivered <= 0.05
    for campaign in braze:
        assert campaign["sent"] >= campaign["delivered"] >= campaign["opened"] >= campaign["clicked"]


def test_customerio_names_some_recipients_by_email_only(events):
    customerio = [event["data"] for source, event in events if source == "customerio"]
    by_email = [data for data in customerio if "customer_id" not in data]
    assert by_email and all(data["recipient"] == data["identifiers"]["email"] for data in by_email)
    assert any("customer_id" in data for data in customerio)


def test_visitors_browse_anonymously_before_they_identify_with_mixed_case_emails(events):
    website = [m for source, m in events if source == "website"]
    assert any(m["type"] == "page" and "userId" not in m for m in website)
    emails = [m["traits"]["email"] for m in website if m["type"] == "identify"]
    assert any(email != email.lower() for email in emails)
    orders = [m for m in website if m.get("event") == "Order Completed"]
    assert orders and all(m["properties"]["order_id"] and m["properties"]["products"] for m in orders)


def test_partner_events_follow_their_specs(events):
    names = {(source, m.get("event")) for source, m in events if source not in WEBHOOK_SOURCES}
    assert ("chatlio", "Live Chat Conversation Started") in names
    assert ("delighted", "Survey Question Answered") in names
    assert ("statsig", "statsig::experiment_exposure") in names
    survey = next(m for source, m in events if source == "delighted")
    assert 0 <= survey["properties"]["score"] <= 10


def test_objects_have_the_vendor_shapes(story):
    objects = story.objects
    assert set(objects) == set(OBJECT_COLLECTIONS)
    assert all(objects[name] for name in OBJECT_COLLECTIONS)
    customer = objects["stripe/customers"][0]
    assert customer["id"].startswith("cus_") and customer["object"] == "customer"
    assert isinstance(customer["created"], int)
    statuses = {s["status"] for s in objects["stripe/subscriptions"]}
    assert {"active", "canceled", "past_due", "trialing"} <= statuses
    assert objects["stripe/subscriptions"][0]["items"]["data"][0]["price"]["id"].startswith("price_")
    intervals = {p["recurring"]["interval"] for p in objects["stripe/prices"]}
    assert intervals == {"month", "year"}
    ticket = objects["zendesk/tickets"][0]
    assert isinstance(ticket["id"], int) and ticket["created_at"].endswith("Z")
    assert {"new", "open", "pending", "hold", "solved", "closed"} <= {
        t["status"] for t in objects["zendesk/tickets"]
    }
    account = objects["salesforce/Account"][0]
    assert account["attributes"]["type"] == "Account" and account["IsDeleted"] is False
    assert account["Id"].startswith("001") and len(account["Id"]) == 18
    assert account["SystemModstamp"].endswith("+0000")


def test_object_ids_are_unique_per_collection(story):
    for name, items in story.objects.items():
        key = "Id" if name.startswith("salesforce") else "id"
        assert len({item[key] for item in items}) == len(items), name


def test_both_reference_audiences_have_members_and_exclude_each_other(truth):
    suppressed = truth["audiences"]["open_tickets"]
    reengagement = truth["audiences"]["reengagement"]
    assert suppressed["size"] >= 10 and reengagement["size"] >= 10
    assert not set(suppressed["user_ids"]) & set(reengagement["user_ids"])
    assert all(email == email.lower() for email in reengagement["emails"])


def test_reengagement_members_neither_visited_nor_bought_in_the_window(events, truth):
    members = set(truth["audiences"]["reengagement"]["user_ids"])
    recent = {
        m.get("userId")
        for source, m in events
        if source not in WEBHOOK_SOURCES
        and (m["type"] == "page" or m.get("event") == "Order Completed")
        and m["timestamp"] >= truth["window_start"]
    }
    assert not members & recent


def test_ground_truth_is_written_as_json(story, truth, tmp_path):
    path = story.write_ground_truth(tmp_path / "truth.json")
    assert json.loads(path.read_text()) == json.loads(json.dumps(truth))


def test_no_two_people_share_an_email_or_a_phone(story):
    people = list(story.profiles())
    emails = [person.email.lower() for person in people]
    phones = [person.phone for person in people if person.phone]
    assert len(set(emails)) == len(emails)
    assert len(set(phones)) == len(phones) > story.size // 3
