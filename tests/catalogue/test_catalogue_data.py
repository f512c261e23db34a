"""The catalogue data files: procedures, fields and agencies are complete and consistent."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from simulator import catalogue
from simulator.catalogue.procedures import DATA_DIR
from simulator.provinces import all_provinces

RAW = json.loads((DATA_DIR / "procedures.json").read_text(encoding="utf-8"))
SECTORS = {"police", "justice", "business", "environment", "social_insurance", "finance"}
SYSTEMS = {
    "population",
    "civil_status",
    "judicial_record",
    "business_registration",
    "environment",
    "social_insurance",
    "payment",
    None,
}


def test_at_least_forty_eight_procedures_over_all_six_sectors() -> None:
    procs = catalogue.procedures()
    assert len(procs) >= 48
    counts = Counter(p.sector for p in procs)
    assert SECTORS <= set(counts)
    assert all(counts[s] >= 5 for s in SECTORS)


def test_codes_are_unique_and_national_form() -> None:
    codes = [p.code for p in catalogue.procedures()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[12]\.\d{6}", c) for c in codes)


def test_known_codes_name_the_right_procedure() -> None:
    assert catalogue.procedure("1.001193").name == "Đăng ký khai sinh"
    assert catalogue.procedure("1.000894").name == "Đăng ký kết hôn"
    assert catalogue.procedure("2.000488").name.startswith("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam")
    # The DOMAIN.md example codes resolve.
    assert catalogue.procedure("1.001612") and catalogue.procedure("2.000477")


@pytest.mark.parametrize("proc", catalogue.procedures(), ids=lambda p: p.code)
def test_every_procedure_is_complete(proc: catalogue.Procedure) -> None:
    assert proc.name and proc.requirements
    assert proc.sector == proc.field.sector
    assert catalogue.sector(proc.sector) is not None
    assert proc.level in {"Tỉnh", "Xã"}
    assert proc.days > 0 and (proc.days * 2) == int(proc.days * 2)
    assert proc.system in SYSTEMS
    assert proc.system is None or proc.system in catalogue.sector(proc.sector).systems
    assert proc.agency_kind in catalogue.agency_kinds()
    assert proc.code_certainty in {"believed", "plausible"}
    assert proc.channels and len({c.kind for c in proc.channels}) == len(proc.channels)
    for channel in proc.channels:
        assert channel.kind in {"1", "2", "3"}
        assert channel.days > 0 and channel.note
        for fee in channel.fees:
            assert isinstance(fee.amount, int) and fee.amount >= 0 and fee.description
    assert proc.documents and proc.steps and proc.results and proc.legal_basis and proc.applicants
    assert all(d.originals >= 0 and d.copies >= 0 and d.originals + d.copies >= 1 for d in proc.documents)
    assert all(a.kind in {"1", "2", "3", "4"} for a in proc.applicants)


def test_raw_fees_are_integers_in_the_file_itself() -> None:
    # The loader converts with int(); check the file so a float or string never hides there.
    for raw in RAW["procedures"]:
        fees = raw["fees"] + [f for c in raw["channels"] for f in c.get("fees", [])]
        assert fees, raw["code"]
        assert all(type(f["amount"]) is int and f["amount"] >= 0 for f in fees), raw["code"]


def test_an_agency_of_the_right_kind_and_level_exists_for_every_procedure_in_every_province() -> None:
    for p in all_provinces():
        offered = {(a.kind, a.level) for a in catalogue.agencies(p.code)}
        for proc in catalogue.procedures():
            assert (proc.agency_kind, proc.level) in offered, (p.code, proc.code)


def test_every_sector_has_fields_and_field_codes_are_unique() -> None:
    codes = [f.code for f in catalogue.fields()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"G\d\d-[A-Z]{2}\d\d", c) for c in codes)
    sector_keys = {s.key for s in catalogue.sectors()}
    assert all(f.sector in sector_keys for f in catalogue.fields())
    assert SECTORS <= {f.sector for f in catalogue.fields()}


def test_every_field_has_a_procedure() -> None:
    used = {p.field_code for p in catalogue.procedures()}
    assert {f.code for f in catalogue.fields()} == used
