"""Agencies (cơ quan): templates of agencies.json instantiated for each of the 34 provinces.

Codes: `000.00.NN.H56` for province-level bodies (00 People's Committee, 01 one-stop
centre, 10 Home Affairs, 12 Justice, 15 Finance, 17 Construction, 18 Health, 20 Police,
21 Agriculture and Environment, 22 Social Insurance, 23 State Treasury), `H56.NN` for a
commune People's Committee and `H56.NN.20` for that commune's police (NN = 01, 02, ... in
the order of the province's commune list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from simulator.catalogue.procedures import Procedure, procedures, read_data
from simulator.provinces import Province, all_provinces, province

# Province suffix in an agency code: `000.00.01.H56` and `H56.14` both carry `H56`.
AGENCY_PROVINCE = re.compile(r"(?:^|\.)H(\d\d)(?:\.|$)")


@dataclass(frozen=True)
class Agency:
    """A concrete agency of one province, instantiated from a template of agencies.json."""

    code: str
    name: str
    kind: str
    generic_name: str
    level: str
    province_code: str
    sectors: tuple[str, ...]
    receives: bool
    commune: str | None = None


def _province_label(p: Province) -> str:
    # Agency names use the lower-case kind: "Sở Tư pháp tỉnh Khánh Hòa", "... thành phố Hà Nội".
    return f"{p.kind.lower()} {p.name}"


def _instantiate(template: dict, p: Province, **extra: str) -> Agency:
    values = {"H": p.agency_suffix, "province": _province_label(p), **extra}
    if "commune" in extra:
        # Inside a name the unit kind is lower case: "Ủy ban nhân dân phường Nha Trang".
        values["commune"] = extra["commune"][:1].lower() + extra["commune"][1:]
    return Agency(
        code=template["code"].format(**values),
        name=template["name"].format(**values),
        kind=template["kind"],
        generic_name=template["generic_name"],
        level=template["level"],
        province_code=p.code,
        sectors=tuple(template["sectors"]),
        receives=template["receives"],
        commune=extra.get("commune"),
    )


@lru_cache(maxsize=1)
def _all_agencies() -> tuple[Agency, ...]:
    raw = read_data("agencies.json")
    result: list[Agency] = []
    for p in all_provinces():
        result.extend(_instantiate(t, p) for t in raw["province_templates"])
        for serial, commune in enumerate(raw["communes"][p.code], start=1):
            for t in raw["commune_templates"]:
                result.append(_instantiate(t, p, NN=f"{serial:02d}", commune=commune))
    return tuple(result)


@lru_cache(maxsize=1)
def _agencies_by_code() -> dict[str, Agency]:
    return {a.code: a for a in _all_agencies()}


def agencies(province_code: str | None = None) -> tuple[Agency, ...]:
    """Every agency, or those of one province (2-digit code); an unknown province gives ()."""
    if province_code is None:
        return _all_agencies()
    return tuple(a for a in _all_agencies() if a.province_code == province_code)


def agency(code: str) -> Agency | None:
    """The agency with this code (`000.00.12.H56`, `H56.01`), or None."""
    return _agencies_by_code().get(code.strip())


def agency_kinds() -> frozenset[str]:
    """The template kinds agencies are instantiated from (what `Procedure.agency_kind` names)."""
    return frozenset(a.kind for a in _all_agencies())


def province_of_agency(code: str) -> str | None:
    """The 2-digit province code inside an agency code (`000.00.01.H56` and `H56.14` give "56").

    Works for codes we do not list too, as long as the `H` + digits part names a current province.
    """
    match = AGENCY_PROVINCE.search(code.strip())
    if not match or province(match.group(1)) is None:
        return None
    return match.group(1)


def agency_procedures(code: str) -> tuple[Procedure, ...]:
    """Procedures an agency decides, plus, for a receiving desk, every procedure of its level."""
    found = agency(code)
    if found is None:
        return ()
    return tuple(p for p in procedures() if p.level == found.level and (p.agency_kind == found.kind or found.receives))


def implementing_agency(proc: Procedure, agency_code: str | None) -> Agency | None:
    """The concrete agency deciding `proc` for a caller identified by `agency_code`, if it can be told.

    Province-level procedures resolve in the caller's province; commune-level ones only when
    the caller is itself a commune agency (its own committee or police).
    """
    if not agency_code:
        return None
    province_code = province_of_agency(agency_code)
    if province_code is None:
        return None
    caller = agency(agency_code)
    for candidate in agencies(province_code):
        if candidate.kind != proc.agency_kind or candidate.level != proc.level:
            continue
        if proc.level == "Tỉnh" or (caller is not None and caller.commune == candidate.commune):
            return candidate
    return None


@cache
def generic_agency_name(kind: str) -> str:
    """The province-independent name of an agency kind ("Sở Tư pháp", "Ủy ban nhân dân cấp xã")."""
    templates = read_data("agencies.json")
    for t in templates["province_templates"] + templates["commune_templates"]:
        if t["kind"] == kind:
            return t["generic_name"]
    raise LookupError(f"unknown agency kind {kind}")
