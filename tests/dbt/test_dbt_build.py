"""The fixture story through a real `dbt build`: funnels and audiences computed by hand (see
tests/fixtures/warehouse_story.py) must come out of the models."""

from __future__ import annotations

import hashlib

import pytest

pytestmark = pytest.mark.slow


def _profile_id(anchor: str) -> str:
    return hashlib.md5(anchor.encode()).hexdigest()


def test_build_passes_every_data_test_and_unit_test(built_warehouse):
    results = built_warehouse.run_results()
    assert results and all(result["status"] in ("success", "pass") for result in results)
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    assert len(unit_tests) >= 7


def test_spring_campaign_funnel_matches_the_story(built_warehouse):
    [row] = built_warehouse.query(
        "select sent, delivered, bounced, hard_bounced, soft_bounced, human_opens, machine_opens, "
        "unique_human_openers, clicks, unsubscribes, spam_reports, conversions, conversion_revenue, "
        "delivery_rate, open_rate, click_to_open_rate, conversion_rate "
        "from marts.fct_email_campaign_funnel where campaign_id = 'cmp_spring'"
    )
    assert row == (5, 4, 1, 0, 1, 3, 3, 3, 2, 1, 1, 2, 170.0, 0.8, 0.75, 0.6667, 0.5)


def test_daily_funnel_credits_conversions_to_the_touch_variation_and_day(built_warehouse):
    rows = built_warehouse.query(
        "select message_variation_id, cast(event_date as varchar), sent, delivered, unique_human_openers, "
        "clicks, conversions from marts.fct_email_funnel_daily where campaign_id = 'cmp_spring' "
        "and (sent + delivered + unique_human_openers + clicks + conversions) > 0 order by 1, 2"
    )
    assert rows == [
        ("var_a", "2026-10-22", 3, 2, 2, 2, 1),  # alice converts (order), frank's order is too late
        ("var_b", "2026-10-22", 1, 1, 0, 0, 0),  # bob: machine opens only
        ("var_b", "2026-10-26", 1, 1, 1, 0, 1),  # quinn converts through a Stripe payment
    ]


def test_push_and_in_app_funnels_follow_their_steps(built_warehouse):
    push = built_warehouse.query(
        "select source_name, sent, received, tapped from marts.fct_push_funnel_daily order by 1"
    )
    assert push == [("braze-prod", 1, 0, 1), ("iterable-prod", 0, 1, 1)]
    [in_app] = built_warehouse.query(
        "select viewed, clicked, click_rate_of_viewed from marts.fct_in_app_funnel_daily"
    )
    assert in_app == (1, 1, 1.0)


def test_suppression_holds_every_unresolved_ticket_status_and_nothing_else(built_warehouse):
    members = built_warehouse.query("select email from audiences.aud_open_ticket_suppression order by 1")
    assert [email for (email,) in members] == [
        "alice@example.com",  # open
        "nora@example.com",  # hold
        "pat@example.com",  # pending
        "rita@example.com",  # new (her Zendesk external_id 'null' is blocked, her email still matches)
    ]


def test_reengagement_holds_human_openers_without_recent_purchase_or_visit(built_warehouse):
    members = built_warehouse.query("select email, phone, user_id from audiences.aud_reengagement")
    # pat is suppressed, frank visited, bob's opens are machine opens, sven opened 181 days ago.
    assert members == [("carol@example.com", None, None)]


def test_marketer_audiences_pick_the_profiles_the_story_describes(built_warehouse):
    def emails(audience: str) -> list[str]:
        return [
            email for (email,) in built_warehouse.query(f"select email from audiences.{audience} order by 1")
        ]

    assert emails("aud_trial_not_converted") == ["leo@example.com"]
    assert emails("aud_churn_risk_subscribers") == ["mia@example.com"]  # alice is active but suppressed
    assert emails("aud_high_value_customers") == ["kate@example.com"]


def test_identity_merges_across_tools_and_respects_merge_protection(built_warehouse):
    identifiers = dict(
        ((kind, value), profile)
        for profile, kind, value in built_warehouse.query(
            "select profile_id, identifier_type, identifier_value from intermediate.int_identifiers_stitched"
        )
    )
    holders = {
        profile
        for (profile,) in built_warehouse.query(
            "select profile_id from marts.dim_profile_identifiers where value = 'shared@example.com'"
        )
    }
    kate = _profile_id("email:kate@example.com")
    assert identifiers["stripe_customer_id", "cus_kate"] == kate
    assert identifiers["zendesk_user_id", "1002"] == kate
    assert identifiers["salesforce_contact_id", "003K"] == kate
    # Two user ids share an email: they stay two profiles and both hold it; events naming the email alone
    # count for the user id seen first with it.
    assert identifiers["user_id", "u_ivan"] == _profile_id("user_id:u_ivan")
    assert identifiers["user_id", "u_jack"] == _profile_id("user_id:u_jack")
    assert identifiers["email", "shared@example.com"] == identifiers["user_id", "u_ivan"]
    assert holders == {_profile_id("user_id:u_ivan"), _profile_id("user_id:u_jack")}
    # 'anonymous', 'null' and '0' are blocked: they link nobody and are not identifiers.
    assert identifiers["user_id", "u_gina"] != identifiers["user_id", "u_hank"]
    assert not {("anonymous_id", "anonymous"), ("user_id", "null"), ("email", "0")} & identifiers.keys()
    # Customer.io sent carol's email as anonymousId.
    assert ("email", "carol@example.com") in identifiers
    assert identifiers["anonymous_id", "anon-frank"] == identifiers["user_id", "u_frank"]


def test_unknown_event_names_are_kept_and_reported_per_source(built_warehouse):
    rows = built_warehouse.query(
        "select source_name, source_event_name, events from marts.fct_unknown_event_names order by 1"
    )
    assert rows == [("braze-prod", "Mystery Thing", 2), ("website-prod", "custom_event_x", 1)]


def test_chat_survey_and_experiment_marts(built_warehouse):
    chats = built_warehouse.query(
        "select conversation_id, duration_seconds, customer_messages, agent_messages, agent_name, is_ended "
        "from marts.fct_live_chat_conversations order by 1"
    )
    assert chats == [("conv_1", 300.0, 1, 1, "Sam", True), ("g_1", 3600.0, 0, 0, "Lee", True)]
    [nps] = built_warehouse.query(
        "select responses, promoters, detractors, net_promoter_score from marts.fct_survey_scores"
    )
    assert nps == (2, 1, 1, 0.0)
    variations = built_warehouse.query(
        "select variation_id, exposed_profiles, converted_profiles "
        "from marts.fct_experiment_variations order by 1"
    )
    assert variations == [("control", 1, 0), ("treatment", 1, 1)]


def test_profile_engagement_summarises_money_support_and_crm(built_warehouse):
    [alice] = built_warehouse.query(
        "select lifetime_revenue, order_revenue, subscription_status, mrr, open_tickets, engagement_segment "
        f"from marts.dim_profile_engagement where profile_id = '{_profile_id('user_id:u_alice')}'"
    )
    assert alice == (20.0, 120.0, "active", 20.0, 1, "active")
    [kate] = built_warehouse.query(
        "select lifetime_revenue, subscription_status, salesforce_account_name, engagement_segment "
        f"from marts.dim_profile_engagement where profile_id = '{_profile_id('email:kate@example.com')}'"
    )
    assert kate == (600.0, "canceled", "Kate Corp", "lapsing")


def test_audience_models_declare_the_activation_contract(built_warehouse):
    nodes = [n for n in built_warehouse.manifest()["nodes"].values() if n["name"].startswith("aud_")]
    assert {n["name"] for n in nodes} >= {"aud_open_ticket_suppression", "aud_reengagement"}
    assert len(nodes) >= 4
    formats = []
    for node in nodes:
        # A stored table, not a view: activation reads it as it was built.
        assert node["schema"] == "audiences" and node["config"]["materialized"] in ("table", "incremental")
        stored = built_warehouse.query(
            "select table_type from information_schema.tables "
            f"where table_schema = 'audiences' and table_name = '{node['name']}'"
        )
        assert stored == [("BASE TABLE",)]
        assert node["original_file_path"].startswith("models/marts/audiences/")
        audience = node["config"]["meta"]["audience"]
        assert audience["purpose"] in ("suppression", "marketing") and audience["destinations"]
        formats.append(audience["destinations"].get("file", {}).get("format"))
        columns = [name for (name,) in built_warehouse.query(
            f"select column_name from information_schema.columns where table_schema = 'audiences' "
            f"and table_name = '{node['name']}'"
        )]  # fmt: skip
        assert {"profile_id", "email", "phone", "user_id"} <= set(columns)
        assert set(audience["identifiers"]) <= set(columns)
    suppression = next(n for n in nodes if n["name"] == "aud_open_ticket_suppression")["config"]["meta"][
        "audience"
    ]
    assert suppression["purpose"] == "suppression"
    assert suppression["destinations"] == {"meta": {}, "google_ads": {}, "braze": {"mode": "blocklist"}}
    assert "csv" in formats


def test_models_land_only_in_the_four_dbt_schemas(built_warehouse):
    schemas = {s for (s,) in built_warehouse.query(
        "select distinct table_schema from information_schema.tables where table_schema not like 'raw_%'"
    )}  # fmt: skip
    assert schemas == {"staging", "intermediate", "marts", "audiences"}
