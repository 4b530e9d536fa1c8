{{
    config(
        materialized=recomputed_materialization(),
        incremental_strategy='changed_rows',
        unique_key=['source_name', 'campaign_id', 'profile_id'],
    )
}}

{#- Email conversions: a profile converts for a campaign when it purchases (Order Completed or a successful
    Stripe charge) after a human open or a click of that campaign, within var attribution_window_days
    (inclusive). The conversion is credited to the earliest such touch (its variation and day), once per
    campaign and profile, with the amount of the first purchase in the window. Touches and purchases at or after
    as_of are left out. Recomputed on every run from the narrow touches and purchases, since stitching may move
    a touch to another profile; only the rows that changed are written. -#}

with email_touches as (

    select * from {{ ref('int_email_touches') }}
    where {{ before_as_of('touched_at') }}

),

recipient_profiles as (

    select * from {{ ref('int_interaction_recipients_profiled') }}

),

purchases as (

    select * from {{ ref('int_purchases_unioned') }}
    where {{ before_as_of('purchased_at') }}

),

touches as (

    select
        email_touches.source_name,
        email_touches.campaign_id,
        email_touches.message_variation_id,
        recipient_profiles.profile_id,
        email_touches.touched_at
    from email_touches
    inner join recipient_profiles
        on email_touches.recipient_id = recipient_profiles.recipient_id
    where recipient_profiles.profile_id is not null

),

converting_touches as (

    select
        touches.source_name,
        touches.campaign_id,
        touches.message_variation_id,
        touches.profile_id,
        touches.touched_at,
        purchases.purchase_id,
        purchases.purchased_at,
        purchases.amount,
        row_number() over (
            partition by touches.source_name, touches.campaign_id, touches.profile_id
            order by touches.touched_at, purchases.purchased_at, purchases.purchase_id
        ) as touch_rank
    from touches
    inner join purchases
        on
            touches.profile_id = purchases.profile_id
            and purchases.purchased_at > touches.touched_at
            and purchases.purchased_at
            <= {{ dbt.dateadd('day', var('attribution_window_days'), 'touches.touched_at') }}

),

final as (

    select
        source_name,
        campaign_id,
        message_variation_id,
        profile_id,
        touched_at,
        cast(touched_at as date) as touched_on,
        purchase_id,
        purchased_at,
        amount
    from converting_touches
    where touch_rank = 1

)

select * from final
