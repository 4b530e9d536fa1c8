{#- The email funnel's measures over rows of int_interaction_events (channel = 'email'), shared by the
    daily and the per-campaign funnel so both count the same way. Conversions are joined in by the caller. -#}
{% macro email_funnel_counts() -%}
        count(case when action = 'Email Sent' then 1 end) as sent,
        count(case when action = 'Email Delivered' then 1 end) as delivered,
        count(case when action = 'Email Bounced' then 1 end) as bounced,
        count(case when action = 'Email Bounced' and coalesce(action_detail, 'hard') = 'hard' then 1 end)
            as hard_bounced,
        count(case when action = 'Email Bounced' and action_detail = 'soft' then 1 end) as soft_bounced,
        count(case when action = 'Email Opened' and not is_machine_open then 1 end) as human_opens,
        count(case when action = 'Email Opened' and is_machine_open then 1 end) as machine_opens,
        count(distinct case when action = 'Email Opened' and not is_machine_open then recipient_key end)
            as unique_human_openers,
        count(case when action = 'Email Link Clicked' then 1 end) as clicks,
        count(distinct case when action = 'Email Link Clicked' then recipient_key end) as unique_clickers,
        count(case when action = 'Unsubscribed' then 1 end) as unsubscribes,
        count(case when action = 'Email Marked as Spam' then 1 end) as spam_reports
{%- endmacro %}

{% macro email_funnel_rates() -%}
        {{ safe_ratio('delivered', 'sent') }} as delivery_rate,
        {{ safe_ratio('bounced', 'sent') }} as bounce_rate,
        {{ safe_ratio('unique_human_openers', 'delivered') }} as open_rate,
        {{ safe_ratio('unique_clickers', 'delivered') }} as click_rate,
        {{ safe_ratio('unique_clickers', 'unique_human_openers') }} as click_to_open_rate,
        {{ safe_ratio('conversions', 'delivered') }} as conversion_rate,
        {{ safe_ratio('unsubscribes', 'delivered') }} as unsubscribe_rate,
        {{ safe_ratio('spam_reports', 'delivered') }} as spam_rate
{%- endmacro %}
