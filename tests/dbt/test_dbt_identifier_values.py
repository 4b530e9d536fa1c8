"""Identifier values are data, not syntax: ids holding the characters keys and labels are built with stay
apart from ids that merely spell the same when joined."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import duckdb
import pytest
from conftest import BuiltWarehouse, run_dbt
from fixtures.warehouse_fixture import AS_OF, insert_messages
from fixtures.warehouse_story import _identify, _page

pytestmark = pytest.mark.slow

NOON = datetime.combine(AS_OF, datetime.min.time()) + timedelta(hours=12)


def test_ids_holding_the_key_separator_stay_two_people(built_warehouse: BuiltWarehouse, tmp_path):
    """(user 'a|', anonymous 'c') and (user 'a', anonymous '|c') joined with '|' read the same, 'a||c', yet
    they are two people: two records, two recipients and two profiles."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.path, warehouse)
    people = [("a|", "c"), ("a", "|c")]
    messages = []
    for user, anonymous in people:
        messages += [
            _identify(NOON - timedelta(days=2), user=user, anonymous=anonymous),
            _page(NOON - timedelta(days=1), user=user, anonymous=anonymous),
        ]
    with duckdb.connect(str(warehouse)) as con:
        insert_messages(con, messages, loaded_at=datetime.combine(AS_OF, datetime.min.time()))
    result = run_dbt(["run"], warehouse=warehouse, target=tmp_path / "target")
    assert result.returncode == 0, result.stdout[-3000:]

    with duckdb.connect(str(warehouse)) as con:
        stitched = dict(
            con.execute(
                "select identifier_type || ' ' || identifier_value, profile_anchor "
                "from intermediate.int_identifiers_stitched where identifier_value in ('a|', 'c', 'a', '|c')"
            ).fetchall()
        )
        recipients = con.execute(
            "select recipients.user_id, recipients.anonymous_id, profiles.user_id "
            "from intermediate.int_interaction_recipients_profiled as recipients "
            "inner join marts.dim_profiles as profiles using (profile_id) "
            "where recipients.user_id in ('a|', 'a') order by 1"
        ).fetchall()
    assert stitched == {
        "user_id a|": "user_id:a|",
        "anonymous_id c": "user_id:a|",
        "user_id a": "user_id:a",
        "anonymous_id |c": "user_id:a",
    }
    assert recipients == [("a", "|c", "a"), ("a|", "c", "a|")]
