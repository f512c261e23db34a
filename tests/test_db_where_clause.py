"""`where_clause`: optional filters become one WHERE clause and its parameters, in order."""

import sqlite3

from simulator.db import where_clause


def test_filters_left_out_do_not_narrow_the_query():
    assert where_clause(("province = ?", None), ("status = ?", "")) == ("", [])
    assert where_clause() == ("", [])


def test_given_filters_are_joined_with_and_in_order():
    clause, params = where_clause(("province = ?", "56"), ("status = ?", None), ("received >= ?", "20260101000000"))
    assert clause == " WHERE province = ? AND received >= ?"
    assert params == ["56", "20260101000000"]


def test_a_zero_is_a_filter_not_an_absence():
    assert where_clause(("status = ?", 0)) == (" WHERE status = ?", [0])


def test_the_clause_selects_what_sqlite_selects_with_the_same_filters():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (province TEXT, status INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [("56", 0), ("56", 2), ("01", 2)])
    clause, params = where_clause(("province = ?", "56"), ("status = ?", 2))
    assert conn.execute(f"SELECT province, status FROM t{clause}", params).fetchall() == [("56", 2)]
    clause, params = where_clause(("province = ?", None), ("status = ?", 2))
    assert sorted(conn.execute(f"SELECT province FROM t{clause}", params).fetchall()) == [("01",), ("56",)]
