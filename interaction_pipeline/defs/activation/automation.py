"""When an audience sync asset runs, as an automation condition.

A sync is requested when its audience's membership changed: the audience model's data version is a digest of
its members (`defs/transform/membership.py`), so a rebuild with the same members requests nothing. It is also
requested once when it never ran and its audience exists, and again at the next five-minute mark while its
destination has left changes unconfirmed.

It waits while its audience model is being rebuilt (in progress, or requested in the same evaluation), so it
always reads the newest membership, and it is never requested while a run of it is still to come.
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs import cadence

AC = dg.AutomationCondition


def membership_changed() -> dg.AutomationCondition:
    return (
        AC.any_deps_match(AC.data_version_changed())
        .since(AC.newly_requested())
        .with_label("the audience's members changed since the last sync")
    )


def never_synced() -> dg.AutomationCondition:
    return (
        (AC.missing() & ~AC.any_deps_missing())
        .newly_true()
        .with_label("never synced, and the audience is built")
    )


def unconfirmed_changes(confirmed_check: dg.AssetCheckKey) -> dg.AutomationCondition:
    check_failed = AC.any_checks_match(AC.check_failed()).allow(dg.AssetSelection.checks(confirmed_check))
    retry_due = AC.cron_tick_passed(cadence.RETRY_UNCONFIRMED_CRON).since(AC.newly_requested())
    return (
        check_failed.with_label("the destination left changes unconfirmed")
        & retry_due.with_label("a five-minute mark passed since the last try")
    ).with_label("retry unconfirmed changes every 5 min")


def sync_condition(confirmed_check: dg.AssetCheckKey) -> dg.AutomationCondition:
    audience_rebuilding = AC.any_deps_match(AC.in_progress() | AC.will_be_requested()).with_label(
        "the audience is being rebuilt"
    )
    return (
        (membership_changed() | never_synced() | unconfirmed_changes(confirmed_check))
        & ~AC.in_progress()
        & ~AC.any_deps_missing()
        & ~audience_rebuilding
    ).with_label("sync when the audience's members change")
