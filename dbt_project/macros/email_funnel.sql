{#- The email funnel's additive measures, summed over `daily_counts` (rows of int_campaign_daily_counts with
    channel = 'email'), shared by the daily and the per-campaign funnel so both count the same way. Unique
    openers and clickers come from int_campaign_daily_engagers and conversions from
    int_email_conversions_attributed, joined in by the caller. -#}
{% macro email_funnel_sums(daily_counts) -%}
    {%- set action = daily_counts ~ '.action' -%}
    {%- set events = daily_counts ~ '.event_count' -%}
    {%- set detail = daily_counts ~ '.action_detail' -%}
    {%- set machine_open = daily_counts ~ '.is_machine_open' -%}
        {{ sum_where(events, action ~ " = 'Email Sent'") }} as sent,
        {{ sum_where(events, action ~ " = 'Email Delivered'") }} as delivered,
        {{ sum_where(events, action ~ " = 'Email Bounced'") }} as bounced,
        {{ sum_where(events, action ~ " = 'Email Bounced' and coalesce(" ~ detail ~ ", 'hard') = 'hard'") }}
            as hard_bounced,
        {{ sum_where(events, action ~ " = 'Email Bounced' and " ~ detail ~ " = 'soft'") }} as soft_bounced,
        {{ sum_where(events, action ~ " = 'Email Opened' and not " ~ machine_open) }} as human_opens,
        {{ sum_where(events, action ~ " = 'Email Opened' and " ~ machine_open) }} as machine_opens,
        {{ sum_where(events, action ~ " = 'Email Link Clicked'") }} as clicks,
        {{ sum_where(events, action ~ " = 'Unsubscribed'") }} as unsubscribes,
        {{ sum_where(events, action ~ " = 'Email Marked as Spam'") }} as spam_reports
{%- endmacro %}

{#- The sum of `column` over the rows matching `condition` (0 when none do). -#}
{% macro sum_where(column, condition) -%}
    sum(case when {{ condition }} then {{ column }} else 0 end)
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

{#- Unique openers and clickers over `daily_engagers` (rows of int_campaign_daily_engagers). Within one day a
    row is already one recipient, so `per_day=true` counts rows instead of distinct recipients. -#}
{% macro email_funnel_unique_engagers(daily_engagers, per_day=false) -%}
    {%- set action = daily_engagers ~ '.action' -%}
    {%- if per_day %}
        count(case when {{ action }} = 'Email Opened' then 1 end) as unique_human_openers,
        count(case when {{ action }} = 'Email Link Clicked' then 1 end) as unique_clickers
    {%- else %}
        count(distinct case when {{ action }} = 'Email Opened' then {{ daily_engagers }}.recipient_key end)
            as unique_human_openers,
        count(distinct case when {{ action }} = 'Email Link Clicked' then {{ daily_engagers }}.recipient_key end)
            as unique_clickers
    {%- endif %}
{%- endmacro %}

{#- The rates between the funnel's steps, from `funnel`'s measures (email_funnel_measures plus conversions). -#}
{% macro email_funnel_rates(funnel) -%}
        {{ safe_ratio(funnel ~ '.delivered', funnel ~ '.sent') }} as delivery_rate,
        {{ safe_ratio(funnel ~ '.bounced', funnel ~ '.sent') }} as bounce_rate,
        {{ safe_ratio(funnel ~ '.unique_human_openers', funnel ~ '.delivered') }} as open_rate,
        {{ safe_ratio(funnel ~ '.unique_clickers', funnel ~ '.delivered') }} as click_rate,
        {{ safe_ratio(funnel ~ '.unique_clickers', funnel ~ '.unique_human_openers') }} as click_to_open_rate,
        {{ safe_ratio(funnel ~ '.conversions', funnel ~ '.delivered') }} as conversion_rate,
        {{ safe_ratio(funnel ~ '.unsubscribes', funnel ~ '.delivered') }} as unsubscribe_rate,
        {{ safe_ratio(funnel ~ '.spam_reports', funnel ~ '.delivered') }} as spam_rate
{%- endmacro %}
