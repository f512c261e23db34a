"""Dossier status codes 1–10 and the transitions between them, read from data."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "statuses.json"


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def statuses() -> dict[int, dict]:
    """Every status code mapped to its Vietnamese name, English name and finality."""
    return {s["code"]: s for s in _data()["statuses"]}


def name(code: int) -> str:
    """The Vietnamese name of a status code."""
    return statuses()[code]["name"]


def can_move(current: int, new: int) -> bool:
    """Whether a dossier in status `current` may move to `new` (repeating a non-final status is allowed)."""
    return new in _data()["transitions"].get(str(current), [])


def allowed_next(current: int) -> list[int]:
    """The statuses a dossier in `current` may move to, for error messages and docs."""
    return list(_data()["transitions"].get(str(current), []))


def parse(raw: object) -> int | None:
    """Parse a status as sent by connectors ("4", 4, " 4 ") into an int 1–10, or None if invalid."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        return None
    return value if value in statuses() else None
