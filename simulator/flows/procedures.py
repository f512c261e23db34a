"""A tiny private reader of the procedure catalogue (data/procedures.json) for online submissions.

The catalogue feature owns the full loader; flows only need codes, names, fields, legal
days and fees of procedures that can be submitted online.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "procedures.json"

# Generic names of the handling agency by kind, completed with the province name.
AGENCY_NAMES = {
    "commune_police": "Công an xã",
    "provincial_police": "Công an",
    "commune_people_committee": "UBND xã",
    "justice_department": "Sở Tư pháp",
    "finance_department": "Sở Tài chính",
    "agriculture_environment_department": "Sở Nông nghiệp và Môi trường",
    "social_insurance_office": "Bảo hiểm xã hội",
    "state_treasury": "Kho bạc Nhà nước",
    "construction_department": "Sở Xây dựng",
    "health_department": "Sở Y tế",
    "home_affairs": "Sở Nội vụ",
}

# Names of the fields of activity by sector (TenLinhVuc), enough for a plausible dossier.
SECTOR_FIELDS = {
    "police": "Đăng ký, quản lý cư trú",
    "justice": "Hộ tịch",
    "business": "Thành lập và hoạt động doanh nghiệp",
    "environment": "Môi trường",
    "social_insurance": "Bảo hiểm xã hội",
    "finance": "Tài chính",
    "provincial": "Hành chính công",
}


@lru_cache(maxsize=1)
def _procedures() -> dict[str, dict]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {p["code"]: p for p in raw["procedures"]}


def online_channel(procedure: dict) -> dict | None:
    """The procedure's online channel (kind "2"), or None when it cannot be submitted online."""
    return next((c for c in procedure.get("channels", []) if c["kind"] == "2"), None)


def get(code: str) -> dict | None:
    """One procedure by MaTTHC, or None."""
    return _procedures().get(code)


def online_for_citizens() -> list[dict]:
    """Procedures a citizen can submit online, in catalogue order."""
    return [
        p
        for p in _procedures().values()
        if online_channel(p) and any(a["kind"] == "1" for a in p.get("applicants", []))
    ]


def legal_days(procedure: dict) -> float:
    """Legal processing time of the online channel, in working days."""
    channel = online_channel(procedure) or {}
    return float(channel.get("days", procedure["days"]))


def fees(procedure: dict) -> list[dict]:
    """Fees of the online channel (its own when listed, else the procedure's)."""
    channel = online_channel(procedure) or {}
    return list(channel.get("fees") or procedure.get("fees") or [])
