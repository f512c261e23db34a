"""The filters of the request journal and the request capture: what each one means in SQL, once.

Both tables answer the same questions (which system, which client, since when, ...); the admin
API, the dashboard and `requests tail` pass filters by name, and `where` turns the ones given
(not None) into one WHERE clause. A name this table does not know is a programming error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any


def posix(value: Any) -> float:
    """POSIX seconds from a number, an aware/naive datetime or an ISO 8601 string."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        return datetime.fromisoformat(value).timestamp()
    return float(value)


def _fault(value: str) -> tuple[str, Any]:
    # A row's fault is "latency,error": match one effect name; "none" is a request nothing touched.
    return ("fault IS NULL", None) if value == "none" else ("(',' || fault || ',') LIKE ?", f"%,{value},%")


def _condition(sql: str, convert: Callable[[Any], Any]) -> Callable[[Any], tuple[str, Any]]:
    return lambda value: (sql, convert(value))


CONDITIONS: dict[str, Callable[[Any], tuple[str, Any]]] = {
    "system": _condition("system = ?", str),
    "operation": _condition("operation = ?", str),
    "client": _condition("client = ?", str),
    "province": _condition("province = ?", str),
    "status": _condition("status = ?", int),
    "fault": _fault,
    "body_contains": _condition("instr(request_body, ?) > 0", str),  # the capture only
    "since": _condition("ts >= ?", posix),
    "until": _condition("ts < ?", posix),
    "after_id": _condition("id > ?", int),
}


def where(**filters: Any) -> tuple[str, list]:
    """`WHERE ...` and its parameters for every filter given (None means not filtered), or ("", [])."""
    unknown = set(filters) - set(CONDITIONS)
    if unknown:
        raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
    clauses, params = [], []
    for name, value in filters.items():
        if value is None:
            continue
        clause, param = CONDITIONS[name](value)
        clauses.append(clause)
        if param is not None:
            params.append(param)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
