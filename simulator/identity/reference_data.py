"""The identity data (names, communes, catalogues), loaded once and shaped for fast draws.

Communes are the official list in force since 1 July 2025 (3,321 phường / xã / đặc khu with
their statistics-office codes), read from the maintained `vietnam-provinces` package, so every
address and commune agency names a real commune.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from vietnam_provinces import Ward

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


@lru_cache(maxsize=1)
def _official_communes() -> dict[str, list[dict]]:
    """Province code (2 digits) → its communes [{code (5 digits), name}] in code order."""
    by_province: dict[str, list[dict]] = {}
    for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        by_province.setdefault(f"{int(ward.province_code):02d}", []).append(
            {"code": f"{int(ward.code):05d}", "name": " ".join(ward.name.split())}
        )
    return by_province


def communes(province_code: str) -> list[dict]:
    """Communes of a current province (official post-July-2025 list): [{code, name}]."""
    return _official_communes()[province_code]


@lru_cache(maxsize=1)
def commune_index() -> dict[str, tuple[str, str]]:
    """Commune code → (province code, commune name), for checking addresses."""
    return {c["code"]: (p, c["name"]) for p, cs in _official_communes().items() for c in cs}


def catalogues() -> dict:
    """VSIC industries, enterprise types and statuses, name words, hospital and employer kinds."""
    return load("catalogues")
