-- Marketing audiences never contain a suppressed profile.
{%- set marketing = ['aud_reengagement', 'aud_trial_not_converted', 'aud_churn_risk_subscribers', 'aud_high_value_customers'] %}
{% for audience in marketing %}
    select
        '{{ audience }}' as audience,
        member.profile_id
    from {{ ref(audience) }} as member
    inner join {{ ref('aud_open_ticket_suppression') }} as suppressed
        on member.profile_id = suppressed.profile_id
    {% if not loop.last %}union all{% endif %}
{% endfor %}
