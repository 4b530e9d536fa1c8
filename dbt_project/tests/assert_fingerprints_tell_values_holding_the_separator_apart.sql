-- The portable fingerprint (the one engines other than DuckDB use) joins a group's values with '|': groups
-- whose values spell the same when joined, ['a|b'] and ['a', 'b'], must still get different fingerprints.
with groups_of_values as (

    select
        group_name,
        member
    from (
        values
        ('one value holding the separator', 'a|b'),
        ('two values', 'a'),
        ('two values', 'b'),
        ('one value holding an escape', 'a\|b'),
        ('a value ending in an escape', 'a\'),
        ('a value ending in an escape', 'b')
    ) as listed (group_name, member)

),

fingerprints as (

    select
        group_name,
        {{ interaction_pipeline.default__fingerprint_agg('member') }} as fingerprint
    from groups_of_values
    group by group_name

)

select
    first_group.group_name,
    second_group.group_name as same_fingerprint_as
from fingerprints as first_group
inner join fingerprints as second_group
    on
        first_group.fingerprint = second_group.fingerprint
        and first_group.group_name < second_group.group_name
