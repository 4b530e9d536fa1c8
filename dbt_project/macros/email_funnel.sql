{#- The email funnel's additive measures, summed over rows of int_campaign_daily_counts (channel = 'email'),
    shared by the daily and the per-campaign funnel so both count the same way. Unique openers and clickers
    come from int_campaign_daily_engagers and conversions from int_email_conversions_attributed, joined in by
    the caller. -#}
{% macro email_funnel_sums() -%}
        {{ count_of("action = 'Email Sent'") }} as sent,
        {{ count_of("action = 'Email Delivered'") }} as delivered,
        {{ count_of("action = 'Email Bounced'") }} as bounced,
        {{ count_of("action = 'Email Bounced' and coalesce(action_detail, 'hard') = 'hard'") }} as hard_bounced,
        {{ count_of("action = 'Email Bounced' and action_detail = 'soft'") }} as soft_bounced,
        {{ count_of("action = 'Email Opened' and not is_machine_open") }} as human_opens,
        {{ count_of("action = 'Email Opened' and is_machine_open") }} as machine_opens,
        {{ count_of("action = 'Email Link Clicked'") }} as clicks,
        {{ count_of("action = 'Unsubscribed'") }} as unsubscribes,
        {{ count_of("action = 'Email Marked as Spam'") }} as spam_reports
{%- endmacro %}

{#- The events of int_campaign_daily_counts rows matching `condition`. -#}
{% macro count_of(condition) -%}
    sum(case when {{ condition }} then event_count else 0 end)
{%- endmacro %}

{#- The funnel's measures in their published order, from the summed counts and the unique engagers. -#}
{% macro email_funnel_measures(counts, engagers) -%}
        {{ counts }}.sent,
        {{ counts }}.delivered,
        {{ counts }}.bounced,
        {{ counts }}.hard_bounced,
        {{ counts }}.soft_bounced,
        {{ counts }}.human_opens,
        {{ counts }}.machine_opens,
        coalesce({{ engagers }}.unique_human_openers, 0) as unique_human_openers,
        {{ counts }}.clicks,
        coalesce({{ engagers }}.unique_clickers, 0) as unique_clickers,
        {{ counts }}.unsubscribes,
        {{ counts }}.spam_reports
{%- endmacro %}

{#- Unique openers and clickers over rows of int_campaign_daily_engagers. Within one day a row is already one
    recipient, so `per_day=true` counts rows instead of distinct recipients. -#}
{% macro email_funnel_unique_engagers(per_day=false) -%}
    {%- if per_day %}
        count(case when action = 'Email Opened' then 1 end) as unique_human_openers,
        count(case when action = 'Email Link Clicked' then 1 end) as unique_clickers
    {%- else %}
        count(distinct case when action = 'Email Opened' then recipient_key end) as unique_human_openers,
        count(distinct case when action = 'Email Link Clicked' then recipient_key end) as unique_clickers
    {%- endif %}
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
