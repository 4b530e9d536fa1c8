{#- The email funnel's event counts, summed over `daily_counts` (rows of int_campaign_daily_counts with
    channel = 'email'), shared by the daily and the per-campaign funnel so both count the same way. People
    (unique sends, deliveries, bounces, openers, clickers, conversions) come from campaign_people. -#}
{% macro email_funnel_sums(daily_counts) -%}
    {%- set action = daily_counts ~ '.action' -%}
    {%- set events = daily_counts ~ '.event_count' -%}
    {%- set machine_open = daily_counts ~ '.is_machine_open' -%}
        {{ sum_where(events, action ~ " = 'Email Sent'") }} as sent,
        {{ sum_where(events, action ~ " = 'Email Delivered'") }} as delivered,
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

{#- The funnel steps of int_campaign_recipients, in funnel order. -#}
{% macro campaign_steps() -%}
    {{ return(['sent', 'delivered', 'bounced', 'hard_bounced', 'opened', 'clicked', 'unsubscribed', 'spam_reported']) }}
{%- endmacro %}

{#- A complete select: one row per source, campaign, variation (unless `by_variation` is false) and profile that
    `channel`'s campaigns reached before as_of, with the first time of each step before as_of over the profile's
    recipients, and `first_reached_at`: when the campaign first reached the person (sent, delivered or bounced;
    for sources that report none of those, the first open, click, unsubscribe or spam report).
    `campaign_recipients` has the rows of int_campaign_recipients, `recipient_profiles` those of
    int_interaction_recipients_profiled. -#}
{% macro campaign_people(campaign_recipients, recipient_profiles, channel, by_variation=true) -%}
    {%- set keys = [campaign_recipients ~ '.source_name', campaign_recipients ~ '.campaign_id'] -%}
    {%- if by_variation %}{% do keys.append(campaign_recipients ~ '.message_variation_id') %}{% endif -%}
    {%- do keys.append(recipient_profiles ~ '.profile_id') -%}
    select
        people_steps.*,
        coalesce(
            least(people_steps.first_sent_at, people_steps.first_delivered_at, people_steps.first_bounced_at),
            least(
                people_steps.first_opened_at,
                people_steps.first_clicked_at,
                people_steps.first_unsubscribed_at,
                people_steps.first_spam_reported_at
            )
        ) as first_reached_at
    from (
        select
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            {%- for step in campaign_steps() %}
            {%- set column = campaign_recipients ~ '.first_' ~ step ~ '_at' %}
            min(case when {{ before_as_of(column) }} then {{ column }} end) as first_{{ step }}_at
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ campaign_recipients }}
        inner join {{ recipient_profiles }}
            on {{ campaign_recipients }}.recipient_id = {{ recipient_profiles }}.recipient_id
        where {{ campaign_recipients }}.channel = '{{ channel }}' and {{ recipient_profiles }}.profile_id is not null
        group by {{ keys | join(', ') }}
    ) as people_steps
    where
        people_steps.first_sent_at is not null
        {%- for step in campaign_steps()[1:] %}
        or people_steps.first_{{ step }}_at is not null
        {%- endfor %}

{%- endmacro %}

{#- The number of `people` (rows of campaign_people) who reached `step`, and `among` too when given: an
    aggregate. -#}
{% macro people_reaching(people, step, among=none) -%}
    count(
        case
            when {{ people }}.first_{{ step }}_at is not null
                {%- if among %} and {{ people }}.first_{{ among }}_at is not null{% endif %} then 1
        end
    )
{%- endmacro %}

{#- The share of the people who reached `among` that also reached `step`: a rate that divides like by like, so
    it never exceeds 1, and is null (unknown) when nobody reached `among`, e.g. for a source that reports no
    deliveries. An aggregate. -#}
{% macro people_rate(people, step, among) -%}
    {{ safe_ratio(people_reaching(people, step, among), people_reaching(people, among)) }}
{%- endmacro %}

{#- Bounced people: a bounce and never a delivery before as_of (a soft bounce followed by a delivery is a
    delivery). `kind` narrows to 'hard' or 'soft' bounces. An aggregate over rows of campaign_people. -#}
{% macro people_bounced(people, kind=none) -%}
    count(
        case
            when
                {{ people }}.first_bounced_at is not null and {{ people }}.first_delivered_at is null
                {%- if kind == 'hard' %} and {{ people }}.first_hard_bounced_at is not null{% endif %}
                {%- if kind == 'soft' %} and {{ people }}.first_hard_bounced_at is null{% endif %}
                then 1
        end
    )
{%- endmacro %}

{#- The email funnel's people and rates over `people` (rows of campaign_people with the person's conversion:
    `conversion_purchase_id`, null when none, and `conversion_amount`): select-list items for a query grouped by
    the funnel's grain. Every rate's numerator counts only people in its denominator. -#}
{% macro email_funnel_people(people) -%}
        {{ people_reaching(people, 'sent') }} as unique_sends,
        {{ people_reaching(people, 'delivered') }} as unique_deliveries,
        {{ people_bounced(people) }} as bounced,
        {{ people_bounced(people, 'hard') }} as hard_bounced,
        {{ people_bounced(people, 'soft') }} as soft_bounced,
        {{ people_reaching(people, 'opened') }} as unique_human_openers,
        {{ people_reaching(people, 'clicked') }} as unique_clickers,
        count({{ people }}.conversion_purchase_id) as conversions,
        coalesce(sum({{ people }}.conversion_amount), 0) as conversion_revenue,
        {{ people_rate(people, 'delivered', 'sent') }} as delivery_rate,
        {{ safe_ratio(
            'count(case when ' ~ people ~ '.first_sent_at is not null and ' ~ people ~ '.first_bounced_at is not null and '
            ~ people ~ '.first_delivered_at is null then 1 end)',
            people_reaching(people, 'sent')
        ) }} as bounce_rate,
        {{ people_rate(people, 'opened', 'delivered') }} as open_rate,
        {{ people_rate(people, 'clicked', 'delivered') }} as click_rate,
        {{ people_rate(people, 'clicked', 'opened') }} as click_to_open_rate,
        {{ safe_ratio(
            'count(case when ' ~ people ~ '.first_delivered_at is not null and ' ~ people ~ '.conversion_purchase_id is not null then 1 end)',
            people_reaching(people, 'delivered')
        ) }} as conversion_rate,
        {{ people_rate(people, 'unsubscribed', 'delivered') }} as unsubscribe_rate,
        {{ people_rate(people, 'spam_reported', 'delivered') }} as spam_rate
{%- endmacro %}

{#- The columns of email_funnel_people as read from `people_counts` (a left-joined relation holding them): counts
    0 and rates null where it has no row. -#}
{% macro email_funnel_columns(people_counts) -%}
    {%- set counts = [
        'unique_sends', 'unique_deliveries', 'bounced', 'hard_bounced', 'soft_bounced', 'unique_human_openers',
        'unique_clickers', 'conversions', 'conversion_revenue'
    ] -%}
    {%- set rates = [
        'delivery_rate', 'bounce_rate', 'open_rate', 'click_rate', 'click_to_open_rate', 'conversion_rate',
        'unsubscribe_rate', 'spam_rate'
    ] -%}
    {%- for column in counts %}
        coalesce({{ people_counts }}.{{ column }}, 0) as {{ column }},
    {%- endfor %}
    {%- for column in rates %}
        {{ people_counts }}.{{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
