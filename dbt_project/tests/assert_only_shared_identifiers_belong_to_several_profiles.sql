-- Several profiles hold an identifier only when it was identified with several user ids (a family's shared
-- email), and then each of them is a user id's profile.
with stitched as (

    select * from {{ ref('int_identifiers_stitched') }}

),

held as (

    select * from {{ ref('dim_profile_identifiers') }}

),

user_id_profiles as (

    select distinct profile_id from held where type = 'user_id'

),

held_by_several as (

    select
        type,
        value
    from held
    group by type, value
    having count(distinct profile_id) > 1

),

problems as (

    select
        held_by_several.type,
        held_by_several.value,
        'held by several profiles without being shared by user ids' as problem
    from held_by_several
    inner join stitched
        on held_by_several.type = stitched.identifier_type and held_by_several.value = stitched.identifier_value
    where stitched.identified_user_ids < 2

    union all

    select
        held.type,
        held.value,
        'shared with a profile that has no user id' as problem
    from held
    inner join held_by_several
        on held.type = held_by_several.type and held.value = held_by_several.value
    left join user_id_profiles
        on held.profile_id = user_id_profiles.profile_id
    where user_id_profiles.profile_id is null

)

select * from problems
