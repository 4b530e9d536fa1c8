{{ config(unique_key='purchase_id') }}

{#- Order Completed events with the profile that ordered. Incremental: orders loaded since the newest one here
    are added, and orders already here are rewritten only when their recipient now belongs to another
    profile, so a run reads the new events and a small lookup, never the event history. -#}

with order_events as (

    select * from {{ ref('int_interaction_events') }}
    where
        action = 'Order Completed'
        {% if is_incremental() -%}
            and loaded_at > {{ newest_loaded_at(this, 'loaded_at') }}
        {%- endif %}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

new_orders as (

    select
        message_id as purchase_id,
        {{ recipient_id('user_id', 'email', 'anonymous_id') }} as recipient_id,
        occurred_at as purchased_at,
        cast(revenue as {{ type_double() }}) as amount,
        currency,
        loaded_at
    from order_events

),

orders as (

    select
        new_orders.purchase_id,
        recipient_profiles.profile_id,
        new_orders.recipient_id,
        new_orders.purchased_at,
        new_orders.amount,
        new_orders.currency,
        new_orders.loaded_at
    from new_orders
    left join recipient_profiles
        on new_orders.recipient_id = recipient_profiles.recipient_id

    {% if is_incremental() -%}
        union all

        {{ rows_with_moved_profile(this, 'recipient_profiles', [
            'purchase_id', 'profile_id', 'recipient_id', 'purchased_at', 'amount', 'currency', 'loaded_at'
        ]) }}
    {%- endif %}

)

select * from orders
