"""Request bodies ministry systems receive, as connectors send them (shared by the systems tests)."""

from __future__ import annotations


def request_fields(id12: str, **extra) -> dict:
    """A population request as connectors send it."""
    return {
        "MaYeuCau": "YC-1",
        "MaDVC": "1.001193",
        "MaTichHop": "LGSP-H56",
        "MaCanBo": "CB01",
        "SoDinhDanh": id12,
        **extra,
    }
