"""The journal's and the capture's filters: one table of what each means in SQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlite_utils

from simulator.faults.filters import where


def test_no_filter_given_is_no_where_clause():
    assert where() == ("", [])
    assert where(system=None, since=None) == ("", [])


def test_given_filters_are_joined_with_their_values_converted():
    clause, params = where(system="portal", status="503", since=datetime(2026, 1, 1, tzinfo=UTC), after_id="7")
    assert clause == "WHERE system = ? AND status = ? AND ts >= ? AND id > ?"
    assert params == ["portal", 503, 1767225600.0, 7]


def test_a_fault_filter_matches_one_effect_of_a_combined_label_and_none_matches_untouched_requests():
    db = sqlite_utils.Database(memory=True)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, fault TEXT)")
    db.execute("INSERT INTO t (fault) VALUES ('latency,error'), ('error'), ('errors'), (NULL)")

    def ids(**filters) -> list[int]:
        clause, params = where(**filters)
        return [row[0] for row in db.execute(f"SELECT id FROM t {clause} ORDER BY id", params)]

    assert ids(fault="error") == [1, 2]
    assert ids(fault="none") == [4]


def test_an_unknown_filter_is_refused_by_name():
    with pytest.raises(TypeError, match="colour"):
        where(colour="red")
