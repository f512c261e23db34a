"""The 34 provincial units since 1 July 2025 and the 63 pre-2025 codes, read from data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "provinces.json"


@dataclass(frozen=True)
class Province:
    """A provincial unit: statistics-office code, short name, kind and the old codes merged into it."""

    code: str
    name: str
    kind: str
    full_name: str
    old_codes: tuple[str, ...]

    @property
    def agency_suffix(self) -> str:
        """The `H` + code suffix used in agency and unit codes (e.g. `H56`)."""
        return f"H{self.code}"


@lru_cache(maxsize=1)
def _load() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def all_provinces() -> tuple[Province, ...]:
    """Every current province, in code order."""
    return tuple(Province(p["code"], p["name"], p["kind"], p["full_name"], tuple(p["old_codes"])) for p in _load()["provinces"])


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Province]:
    return {p.code: p for p in all_provinces()}


def province(code: str) -> Province | None:
    """The current province with this 2-digit code, or None."""
    return _by_code().get(code)


@lru_cache(maxsize=1)
def old_provinces() -> dict[str, str]:
    """The 63 pre-2025 province codes mapped to their names (used by citizen IDs)."""
    return {p["code"]: p["name"] for p in _load()["old_provinces"]}


@lru_cache(maxsize=1)
def _successor() -> dict[str, str]:
    return {old: p.code for p in all_provinces() for old in p.old_codes}


def successor_of(old_code: str) -> Province | None:
    """The current province an old (pre-2025) province code was merged into."""
    new = _successor().get(old_code)
    return province(new) if new else None
