"""Request bodies ministry systems receive, as connectors send them (shared by the systems tests).

The bodies are data (`bodies.json`); each helper returns a fresh copy with the test's overrides.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

_BODIES = json.loads((Path(__file__).parent / "bodies.json").read_text(encoding="utf-8"))


def body(kind: str, **overrides) -> dict:
    """A fresh copy of the `kind` body of bodies.json, with `overrides` replacing its fields."""
    return {**copy.deepcopy(_BODIES[kind]), **overrides}


def request_fields(id12: str, **extra) -> dict:
    """A population request as connectors send it, for citizen `id12`."""
    return body("population_request", SoDinhDanh=id12, **extra)


def birth(code: str = _BODIES["birth"]["maHoSo"], **overrides) -> dict:
    """A birth registration (the married persona's child): dossier `code`."""
    return body("birth", **{"maHoSo": code, **overrides})


def submission(code: str = _BODIES["environment_dossier"]["maHoSoMCDT"], **overrides) -> dict:
    """An environmental permit dossier for a registered enterprise in Khánh Hòa: dossier `code`."""
    return body("environment_dossier", **{"maHoSoMCDT": code, **overrides})
