{%- set window_start -%}
    {{ dbt.dateadd('day', -90, 'cast(cast(' ~ as_of_timestamp() ~ ' as date) as ' ~ dbt.type_timestamp() ~ ')') }}
{%- endset -%}
{{
    config(
        unique_key='recipient_id',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where window_start <> " ~ window_start ~ "{% endif %}",
    )
}}

{#- Human email opens, clicks, visits and orders of each recipient from midnight UTC 90 days before the as_of
    day until as_of. Counted per recipient (user id, email, anonymous id), not per profile, so stitching never
    invalidates a row: dim_profile_traits rolls the rows up to profiles.
    Incremental within a day: the window starts at a midnight, so runs on the same day add the counts of newly
    loaded events to their recipient's row; the first run of a new day finds rows of the old window, empties
    the table (pre-hook) and counts the new window from scratch. An event is counted when it is loaded if it
    happened before as_of then (one dated later than its load is left for the next day's recount). -#}

with window_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        occurred_at >= {{ window_start }}
        and {{ before_as_of('occurred_at') }}
        and (action in ('Email Opened', 'Email Link Clicked', 'Order Completed') or {{ is_visit('action') }})
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'last_loaded_at') }}
        {%- endif %}

),

new_counts as (

    select
        {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
        count(case when action = 'Email Opened' and not is_machine_open then 1 end) as email_opens_90d,
        count(case when action = 'Email Link Clicked' then 1 end) as email_clicks_90d,
        count(case when {{ is_visit('action') }} then 1 end) as visits_90d,
        count(case when action = 'Order Completed' then 1 end) as orders_90d,
        max(loaded_at) as last_loaded_at
    from window_events
    group by user_id, email, anonymous_id

),

candidates as (

    select * from new_counts

    {% if is_incremental() -%}
        union all

        select
            existing.recipient_id,
            existing.email_opens_90d,
            existing.email_clicks_90d,
            existing.visits_90d,
            existing.orders_90d,
            existing.last_loaded_at
        from {{ this }} as existing
        where existing.recipient_id in (select new_counts.recipient_id from new_counts)
    {%- endif %}

),

final as (

    select
        recipient_id,
        sum(email_opens_90d) as email_opens_90d,
        sum(email_clicks_90d) as email_clicks_90d,
        sum(visits_90d) as visits_90d,
        sum(orders_90d) as orders_90d,
        {{ window_start }} as window_start,
        max(last_loaded_at) as last_loaded_at
    from candidates
    group by recipient_id

)

select * from final
