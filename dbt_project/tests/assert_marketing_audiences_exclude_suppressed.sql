-- Marketing audiences never contain a suppressed profile, nor an email or phone a suppressed profile holds
-- (suppression wins over a shared email or phone).
{%- set marketing = ['aud_reengagement', 'aud_trial_not_converted', 'aud_churn_risk_subscribers', 'aud_high_value_customers'] %}
with suppressed as (

    select * from {{ ref('aud_open_ticket_suppression') }}

),

suppressed_emails as (

    select held.value as email
    from {{ ref('dim_profile_identifiers') }} as held
    inner join suppressed
        on held.profile_id = suppressed.profile_id
    where held.type = 'email'

),

members as (
{% for audience in marketing %}
    select
        '{{ audience }}' as audience,
        profile_id,
        email,
        phone
    from {{ ref(audience) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
)

select
    members.audience,
    members.profile_id,
    'suppressed profile' as problem
from members
inner join suppressed
    on members.profile_id = suppressed.profile_id

union all

select
    members.audience,
    members.profile_id,
    'email of a suppressed profile' as problem
from members
inner join suppressed_emails
    on members.email = suppressed_emails.email

union all

select
    members.audience,
    members.profile_id,
    'phone of a suppressed profile' as problem
from members
inner join suppressed
    on {{ digits_only('members.phone') }} = {{ digits_only('suppressed.phone') }}
where {{ digits_only('members.phone') }} <> ''
