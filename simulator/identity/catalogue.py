"""The identity data files (names, communes, catalogues), loaded once and shaped for fast draws."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from simulator.identity.derive import Weighted

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@lru_cache(maxsize=4)
def load(name: str) -> dict:
    """The parsed JSON data file `simulator/data/<name>.json`."""
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def tables() -> dict[str, Weighted]:
    """Weighted tables for names and personal facts, keyed by topic."""
    names = load("names")
    return {
        "family": Weighted(names["family_names"]),
        "middle_male": Weighted(names["middle_names_male"]),
        "middle_female": Weighted(names["middle_names_female"]),
        "given_male": Weighted([(n, 1) for n in names["given_names_male"]]),
        "given_female": Weighted([(n, 1) for n in names["given_names_female"]]),
        "ethnicity": Weighted(names["ethnic_groups"]),
        "religion": Weighted(names["religions"]),
        "blood": Weighted(names["blood_groups"]),
    }


def names() -> dict:
    """The raw names data file (street names, hamlet words, ...)."""
    return load("names")


def communes(province_code: str) -> list[dict]:
    """Communes of a current province: [{code, name}], at least six."""
    return load("communes")["communes"][province_code]


@lru_cache(maxsize=1)
def commune_index() -> dict[str, tuple[str, str]]:
    """Commune code → (province code, commune name), for checking addresses."""
    return {c["code"]: (p, c["name"]) for p, cs in load("communes")["communes"].items() for c in cs}


def catalogues() -> dict:
    """VSIC industries, enterprise types and statuses, name words, hospital and employer kinds."""
    return load("catalogues")
