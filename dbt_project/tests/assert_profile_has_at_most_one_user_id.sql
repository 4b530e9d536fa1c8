-- Merge protection: no profile holds two user ids.
select
    profile_id,
    count(*) as user_ids
from {{ ref('dim_profile_identifiers') }}
where type = 'user_id'
group by profile_id
having count(*) > 1
