{{ config(unique_key='profile_id') }}

{#- Per profile: last human email open, last click, last visit, last purchase, revenue, Stripe subscription,
    open Zendesk tickets, Salesforce account, and an engagement segment measured from the as_of date:
    active (engaged within engagement_active_days), lapsing (within engagement_lapsing_days), dormant (earlier),
    never_engaged. Lifetime revenue counts Stripe payments (int_stripe_payments); order revenue counts Order
    Completed. Everything is as of as_of: engagement and purchases before it, subscriptions and tickets created
    before it (with the status they have now: Stripe and Zendesk keep no history of it). -#}

with profiles as (

    select * from {{ ref('dim_profiles') }}

),

recipients as (

    select * from {{ ref('int_interaction_recipients_profiled') }}
    where profile_id is not null

),

purchases as (

    select * from {{ ref('int_purchases_unioned') }}
    where profile_id is not null and {{ before_as_of('purchased_at') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_priced') }}
    where profile_id is not null and {{ before_as_of('created_at') }}

),

tickets as (

    select * from {{ ref('int_support_tickets_profiled') }}
    where profile_id is not null and {{ before_as_of('created_at') }}

),

identifiers as (

    select * from {{ ref('dim_profile_identifiers') }}

),

salesforce_contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}

),

salesforce_accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

activity as (

    select
        profile_id,
        max(last_human_email_open_at) as last_human_email_open_at,
        max(last_email_click_at) as last_email_click_at,
        max(last_visit_at) as last_visit_at,
        max(last_human_engagement_at) as last_engaged_at
    from recipients
    group by profile_id

),

revenue as (

    select
        profile_id,
        max(purchased_at) as last_purchase_at,
        count(*) as purchases,
        -- Money in cents: a sum of doubles differs in its last digits with the order it is added in.
        {{ round_to("sum(case when purchase_source <> 'order_completed' then amount else 0 end)", 2) }}
            as lifetime_revenue,
        {{ round_to("sum(case when purchase_source = 'order_completed' then amount else 0 end)", 2) }}
            as order_revenue
    from purchases
    group by profile_id

),

ranked_subscriptions as (

    -- A profile's subscription status is its most advanced one: active, past due, trialing, unpaid, incomplete,
    -- then any other in alphabetical order.
    select
        profile_id,
        subscription_status,
        mrr,
        row_number() over (
            partition by profile_id
            order by
                case subscription_status
                    when 'active' then 1
                    when 'past_due' then 2
                    when 'trialing' then 3
                    when 'unpaid' then 4
                    when 'incomplete' then 5
                    else 9
                end,
                subscription_status nulls last
        ) as status_rank
    from subscriptions

),

subscription_summary as (

    select
        profile_id,
        max(case when status_rank = 1 then subscription_status end) as subscription_status,
        {{ round_to('sum(mrr)', 2) }} as mrr
    from ranked_subscriptions
    group by profile_id

),

ticket_summary as (

    select
        profile_id,
        count(case when ticket_status in ('new', 'open', 'pending', 'hold') then 1 end) as open_tickets,
        count(*) as total_tickets
    from tickets
    group by profile_id

),

salesforce_summary as (

    select
        identifiers.profile_id,
        min(salesforce_accounts.account_id) as salesforce_account_id,
        min(salesforce_accounts.account_name) as salesforce_account_name
    from identifiers
    inner join salesforce_contacts
        on
            identifiers.type = 'salesforce_contact_id'
            and identifiers.value = salesforce_contacts.contact_id
    inner join salesforce_accounts
        on salesforce_contacts.account_id = salesforce_accounts.account_id
    group by identifiers.profile_id

),

joined as (

    select
        profiles.profile_id,
        activity.last_human_email_open_at,
        activity.last_email_click_at,
        activity.last_visit_at,
        revenue.last_purchase_at,
        coalesce(revenue.purchases, 0) as purchases,
        coalesce(revenue.lifetime_revenue, 0) as lifetime_revenue,
        coalesce(revenue.order_revenue, 0) as order_revenue,
        subscription_summary.subscription_status,
        coalesce(subscription_summary.mrr, 0) as mrr,
        coalesce(ticket_summary.open_tickets, 0) as open_tickets,
        coalesce(ticket_summary.total_tickets, 0) as total_tickets,
        salesforce_summary.salesforce_account_id,
        salesforce_summary.salesforce_account_name,
        activity.last_engaged_at as last_human_engagement_at,
        nullif(
            greatest(
                coalesce(activity.last_engaged_at, cast('1900-01-01' as {{ dbt.type_timestamp() }})),
                coalesce(revenue.last_purchase_at, cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            ),
            cast('1900-01-01' as {{ dbt.type_timestamp() }})
        ) as last_engaged_at
    from profiles
    left join activity on profiles.profile_id = activity.profile_id
    left join revenue on profiles.profile_id = revenue.profile_id
    left join subscription_summary on profiles.profile_id = subscription_summary.profile_id
    left join ticket_summary on profiles.profile_id = ticket_summary.profile_id
    left join salesforce_summary on profiles.profile_id = salesforce_summary.profile_id

),

final as (

    select
        *,
        case
            when last_engaged_at is null then 'never_engaged'
            when last_engaged_at >= {{ days_before_as_of(var('engagement_active_days')) }} then 'active'
            when last_engaged_at >= {{ days_before_as_of(var('engagement_lapsing_days')) }} then 'lapsing'
            else 'dormant'
        end as engagement_segment
    from joined

)

select * from final
