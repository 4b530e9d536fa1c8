{#- A visit: a page view, a screen view or an app open (Application Opened). What the re-engagement audience,
    the 90-day counts and every last_visit_at mean by "visited". -#}
{% macro is_visit(action) -%}
    {{ action }} in ('Page Viewed', 'Screen Viewed', 'Application Opened')
{%- endmacro %}

{#- The latest time of each kind of engagement among `events` (rows of int_interaction_events): select-list
    items of a query grouped by recipient, shared by the incremental recipients and their as_of view so both
    mean the same by an open, a click, a visit and human engagement. -#}
{% macro latest_engagement_times(events) -%}
    max(case when {{ events }}.action = 'Email Opened' and not {{ events }}.is_machine_open then {{ events }}.occurred_at end)
        as last_human_email_open_at,
    max(case when {{ events }}.action = 'Email Link Clicked' then {{ events }}.occurred_at end) as last_email_click_at,
    max(case when {{ is_visit(events ~ '.action') }} then {{ events }}.occurred_at end) as last_visit_at,
    max(case when {{ events }}.is_human_engagement then {{ events }}.occurred_at end) as last_human_engagement_at
{%- endmacro %}

{#- True for NPS answers among `events` (rows of int_interaction_events): the answers whose latest per recipient
    is the recipient's NPS score. -#}
{% macro is_nps_answer(events) -%}
    {{ events }}.action = 'Survey Question Answered' and upper({{ events }}.survey_type) = 'NPS'
{%- endmacro %}
