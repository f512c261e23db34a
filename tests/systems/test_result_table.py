"""ResultTable: a request's result is read from its row and announced once, by a poll or the sweep."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import HTTPException

from simulator.app_context import db
from simulator.systems.result_table import ResultTable

# Callbacks go out only for declared events: the test table borrows the environment system's.
TABLE = ResultTable("test_results", "environment.result", ready_column="ready_at")


def wire(row: dict, now: float) -> dict:
    """A result that says what the reader saw, so a callback's body shows when it was built."""
    return {"code": row["code"], "ready": TABLE.is_ready(row, now), "seen_at": now}


@pytest.fixture
def table(app):
    """The test table with three rows of province 56: ready at 100, ready at 200, not scheduled."""
    with app.app_context():
        database = db()
        database.execute(
            "CREATE TABLE test_results (province TEXT, code TEXT, payload TEXT, ready_at REAL, notified_at REAL, "
            "PRIMARY KEY (province, code))"
        )
        for code, ready_at in (("A", 100.0), ("B", 200.0), ("C", None)):
            database.execute("INSERT INTO test_results VALUES ('56', ?, ?, ?, NULL)", [code, f"request {code}", ready_at])
        yield database


def test_read_before_ready_answers_without_calling_back(table, callbacks):
    assert TABLE.read(table, "56", "A", 50.0, wire) == {"code": "A", "ready": False, "seen_at": 50.0}
    assert len(callbacks) == 0


def test_first_read_of_a_ready_row_calls_back_once(table, callbacks):
    first = TABLE.read(table, "56", "A", 150.0, wire)
    again = TABLE.read(table, "56", "A", 160.0, wire)
    assert first["ready"] and again["ready"]
    assert list(callbacks) == [("56", "environment.result", {"code": "A", "ready": True, "seen_at": 150.0})]


def test_unknown_code_or_other_province_reads_none(table):
    assert TABLE.read(table, "56", "Z", 150.0, wire) is None
    assert TABLE.read(table, "01", "A", 150.0, wire) is None


def test_sweep_announces_ready_rows_not_yet_announced_and_skips_unscheduled(table, callbacks):
    TABLE.read(table, "56", "A", 150.0, wire)
    assert TABLE.sweep(table, 250.0, wire) == 1  # B; A was announced by the poll, C has no ready time
    assert TABLE.sweep(table, 10_000.0, wire) == 0
    assert [data["code"] for _, _, data in callbacks] == ["A", "B"]


def test_retry_of_the_same_request_returns_the_stored_row(table):
    row = TABLE.retried(table, "56", "A", lambda stored: stored["payload"] == "request A", "clash")
    assert row["code"] == "A" and row["ready_at"] == 100.0
    assert TABLE.retried(table, "56", "NEW", lambda stored: False, "clash") is None


def test_other_request_under_a_used_code_is_a_409_naming_the_clash(table):
    with pytest.raises(HTTPException) as refused:
        TABLE.retried(table, "56", "A", lambda stored: stored["payload"] == "request X", "Hồ sơ A đã tồn tại")
    assert refused.value.code == 409 and refused.value.data["message"] == "Hồ sơ A đã tồn tại"
