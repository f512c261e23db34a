"""Procedures (TTHC), their fields of activity (lĩnh vực) and sectors, read from data/.

`procedures.json` and `fields.json` are the one source of truth; this module only reads
them (cached) into frozen records so callers cannot change the shared catalogue.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent.parent / "data"

# National codes start 1. or 2.; local ones other digits (`3.000181.000.00.00.H22`).
PROCEDURE_CODE = re.compile(r"^([1-9]\.\d{6})(?:\.(\S+))?$")


@dataclass(frozen=True)
class Fee:
    """One fee or charge (phí, lệ phí) in VND."""

    amount: int
    description: str


@dataclass(frozen=True)
class Channel:
    """A way to submit (KENH: 1 in person, 2 online, 3 postal) with its time and fees."""

    kind: str
    days: float
    note: str
    fees: tuple[Fee, ...]


@dataclass(frozen=True)
class Document:
    """One document of the dossier (thành phần hồ sơ): how many originals and copies."""

    name: str
    originals: int
    copies: int


@dataclass(frozen=True)
class LegalDocument:
    """A legal basis (căn cứ pháp lý): document number and title."""

    number: str
    title: str


@dataclass(frozen=True)
class Applicant:
    """Who may apply; `kind` is the dossier's LoaiDoiTuong (1 citizen ... 4 other)."""

    kind: str
    name: str


@dataclass(frozen=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính) of the national catalogue."""

    code: str
    name: str
    sector: str
    field_code: str
    level: str
    days: float
    code_certainty: str
    system: str | None
    agency_kind: str
    channels: tuple[Channel, ...]
    fees: tuple[Fee, ...]
    documents: tuple[Document, ...]
    steps: tuple[str, ...]
    results: tuple[str, ...]
    legal_basis: tuple[LegalDocument, ...]
    requirements: str
    applicants: tuple[Applicant, ...]

    @property
    def online_channel(self) -> Channel | None:
        """The online channel (kind "2"), or None when the procedure cannot be submitted online."""
        return next((c for c in self.channels if c.kind == "2"), None)

    @property
    def field(self) -> Field:
        """The procedure's field of activity."""
        found = field(self.field_code)
        if found is None:  # guarded by the data tests; a clear error beats an AttributeError later
            raise LookupError(f"procedure {self.code} names unknown field {self.field_code}")
        return found


@dataclass(frozen=True)
class Field:
    """A field of activity (lĩnh vực) within a sector."""

    code: str
    name: str
    sector: str


@dataclass(frozen=True)
class Sector:
    """One of the sectors of DOMAIN.md (plus `provincial`), with the ministry and systems behind it."""

    key: str
    name: str
    ministry: str
    ministry_code: str
    systems: tuple[str, ...]


def read_data(name: str) -> dict[str, Any]:
    """The parsed JSON file `name` of simulator/data (uncached: callers cache what they build)."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _fees(raw: list[dict]) -> tuple[Fee, ...]:
    return tuple(Fee(int(f["amount"]), f["description"]) for f in raw)


def _procedure(raw: dict) -> Procedure:
    fees = _fees(raw["fees"])
    return Procedure(
        code=raw["code"],
        name=raw["name"],
        sector=raw["sector"],
        field_code=raw["field"],
        level=raw["level"],
        days=raw["days"],
        code_certainty=raw["code_certainty"],
        system=raw["system"],
        agency_kind=raw["agency_kind"],
        # A channel without its own fees charges the procedure's fees.
        channels=tuple(Channel(c["kind"], c["days"], c["note"], _fees(c["fees"]) if "fees" in c else fees) for c in raw["channels"]),
        fees=fees,
        documents=tuple(Document(d["name"], d["originals"], d["copies"]) for d in raw["documents"]),
        steps=tuple(raw["steps"]),
        results=tuple(raw["results"]),
        legal_basis=tuple(LegalDocument(lb["number"], lb["title"]) for lb in raw["legal_basis"]),
        requirements=raw["requirements"],
        applicants=tuple(Applicant(a["kind"], a["name"]) for a in raw["applicants"]),
    )


@lru_cache(maxsize=1)
def procedures() -> tuple[Procedure, ...]:
    """Every procedure of the catalogue, in file order."""
    return tuple(_procedure(p) for p in read_data("procedures.json")["procedures"])


def online_for_citizens() -> tuple[Procedure, ...]:
    """Procedures a citizen can submit online, in catalogue order."""
    return tuple(p for p in procedures() if p.online_channel and any(a.kind == "1" for a in p.applicants))


@lru_cache(maxsize=1)
def _procedures_by_code() -> dict[str, Procedure]:
    return {p.code: p for p in procedures()}


def split_procedure_code(code: str) -> tuple[str, str | None] | None:
    """Split `2.000477.000.00.00.H56` into the national code and the agency suffix; None if malformed."""
    match = PROCEDURE_CODE.match(code.strip())
    return (match.group(1), match.group(2)) if match else None


def procedure(code: str) -> Procedure | None:
    """The procedure with this national code or a provincial variant of it (`1.001193.000.00.12.H56`)."""
    parts = split_procedure_code(code)
    return _procedures_by_code().get(parts[0]) if parts else None


@lru_cache(maxsize=1)
def sectors() -> tuple[Sector, ...]:
    """The sectors procedures are grouped in (police, justice, business, ...)."""
    return tuple(
        Sector(s["key"], s["name"], s["ministry"], s["ministry_code"], tuple(s["systems"])) for s in read_data("fields.json")["sectors"]
    )


def sector(key: str) -> Sector | None:
    """The sector with this key, or None."""
    return next((s for s in sectors() if s.key == key), None)


@lru_cache(maxsize=1)
def fields() -> tuple[Field, ...]:
    """Every field of activity (lĩnh vực)."""
    return tuple(Field(f["code"], f["name"], f["sector"]) for f in read_data("fields.json")["fields"])


@lru_cache(maxsize=1)
def _fields_by_code() -> dict[str, Field]:
    return {f.code: f for f in fields()}


def field(code: str) -> Field | None:
    """The field with this code (MALINHVUC), or None."""
    return _fields_by_code().get(code)
