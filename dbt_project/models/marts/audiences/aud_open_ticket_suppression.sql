{#- Everyone with a Zendesk ticket still being worked on (new, open, pending, hold): pushed as an exclusion
    list so nobody is upsold while waiting on support. Solved and closed tickets do not count. Tickets created
    at or after as_of are left out; a ticket's status is the one it has now (Zendesk keeps no history of it). -#}

with tickets as (

    select * from {{ ref('int_support_tickets_profiled') }}

),

profiles as (

    select * from {{ ref('dim_profiles') }}

),

open_ticket_profiles as (

    select
        profile_id,
        count(*) as open_tickets,
        max(updated_at) as last_ticket_update_at
    from tickets
    where
        ticket_status in ('new', 'open', 'pending', 'hold')
        and profile_id is not null
        and {{ before_as_of('created_at') }}
    group by profile_id

),

final as (

    select
        profiles.profile_id,
        profiles.email,
        profiles.phone,
        profiles.user_id,
        profiles.first_name,
        profiles.last_name,
        profiles.country,
        open_ticket_profiles.open_tickets,
        open_ticket_profiles.last_ticket_update_at
    from open_ticket_profiles
    inner join profiles
        on open_ticket_profiles.profile_id = profiles.profile_id

)

select * from final
