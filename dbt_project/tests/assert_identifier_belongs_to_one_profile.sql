-- An identifier (type, value) must resolve to exactly one profile.
select
    type,
    value,
    count(distinct profile_id) as profiles
from {{ ref('dim_profile_identifiers') }}
group by type, value
having count(distinct profile_id) > 1
