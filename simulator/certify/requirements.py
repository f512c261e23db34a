"""The requirements a connector is graded on, read from `requirements.json` (one source of truth)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("requirements.json")
PROFILES = ("basic", "full")
LEVELS = ("required", "recommended")


@dataclass(frozen=True)
class Requirement:
    """One graded rule: id, short title, the rule itself, where it comes from, how binding it is."""

    id: str
    title: str
    rule: str
    source: str
    level: str
    profile: str
    phase: str

    @property
    def required(self) -> bool:
        """True when failing it fails the run."""
        return self.level == "required"


@lru_cache(maxsize=1)
def all_requirements() -> tuple[Requirement, ...]:
    """Every requirement, in the order of the data file."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))["requirements"]
    out = tuple(Requirement(**item) for item in raw)
    for req in out:
        if req.level not in LEVELS or req.profile not in PROFILES:
            raise ValueError(f"{DATA_FILE.name}: {req.id} has level {req.level!r} / profile {req.profile!r}")
    return out


def for_profile(profile: str) -> tuple[Requirement, ...]:
    """The requirements a profile grades: basic grades basic ones, full grades all."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (expected one of: {', '.join(PROFILES)})")
    rank = PROFILES.index(profile)
    return tuple(r for r in all_requirements() if PROFILES.index(r.profile) <= rank)


def by_id(requirement_id: str) -> Requirement:
    """One requirement by its id (KeyError if unknown)."""
    for req in all_requirements():
        if req.id == requirement_id:
            return req
    raise KeyError(requirement_id)
