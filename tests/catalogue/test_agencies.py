"""Agencies: instantiated for all 34 provinces, codes that parse back to their province."""

from __future__ import annotations

import re

import pytest

from simulator import catalogue
from simulator.provinces import all_provinces

PROVINCE_CODES = [p.code for p in all_provinces()]


def _province_independently(code: str) -> str:
    # An independent reading of the scheme: the part that is `H` + two digits.
    return next(part[1:] for part in code.split(".") if re.fullmatch(r"H\d\d", part))


def test_all_34_provinces_have_agencies() -> None:
    assert len(PROVINCE_CODES) == 34
    for code in PROVINCE_CODES:
        kinds = {a.kind for a in catalogue.agencies(code)}
        assert {"public_service_centre", "justice_department", "provincial_police"} <= kinds
        assert "commune_people_committee" in kinds and "commune_police" in kinds


def test_agency_codes_are_unique_and_parse_back_to_their_province() -> None:
    every = catalogue.agencies()
    assert len({a.code for a in every}) == len(every)
    for ag in every:
        assert catalogue.province_of_agency(ag.code) == ag.province_code
        assert _province_independently(ag.code) == ag.province_code
        assert catalogue.agency(ag.code) == ag


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("000.00.01.H56", "56"),
        ("H56.14", "56"),
        ("000.00.00.H01", "01"),
        ("H96.03.20", "96"),
        ("000.00.01.H22", "22"),
        ("000.00.01.H99", None),
        ("XYZ", None),
        ("H5.01", None),
        ("000.00.01.H560", None),
    ],
)
def test_province_of_agency(code: str, expected: str | None) -> None:
    assert catalogue.province_of_agency(code) == expected


def test_names_use_the_province_kind() -> None:
    assert catalogue.agency("000.00.12.H56").name == "Sở Tư pháp tỉnh Khánh Hòa"
    assert catalogue.agency("000.00.12.H01").name == "Sở Tư pháp thành phố Hà Nội"
    assert catalogue.agency("000.00.20.H79").name == "Công an thành phố Hồ Chí Minh"
    assert catalogue.agency("H56.01").name == "Ủy ban nhân dân phường Nha Trang"


def test_commune_agencies_follow_the_h_province_serial_scheme() -> None:
    communes = [a for a in catalogue.agencies("56") if a.level == "Xã"]
    assert communes
    for ag in communes:
        assert re.fullmatch(r"H56\.\d\d(\.20)?", ag.code)
        assert ag.commune


def test_unknown_agency_and_province() -> None:
    assert catalogue.agency("000.00.99.H56") is None
    assert catalogue.agencies("99") == ()
    assert catalogue.agency_procedures("nope") == ()


def test_agency_procedures_decided_and_received() -> None:
    justice = {p.code for p in catalogue.agency_procedures("000.00.12.H56")}
    assert "2.000488" in justice and "1.001193" not in justice
    centre = {p.code for p in catalogue.agency_procedures("000.00.01.H56")}
    assert justice < centre and all(catalogue.procedure(c).level == "Tỉnh" for c in centre)
    commune = {p.code for p in catalogue.agency_procedures("H56.01")}
    assert {"1.001193", "1.004222"} <= commune


def test_implementing_agency_resolution() -> None:
    birth = catalogue.procedure("1.001193")
    record = catalogue.procedure("2.000488")
    assert catalogue.implementing_agency(record, "000.00.01.H56").code == "000.00.12.H56"
    assert catalogue.implementing_agency(record, "H56.02").code == "000.00.12.H56"
    assert catalogue.implementing_agency(birth, "H56.02").code == "H56.02"
    assert catalogue.implementing_agency(birth, "H56.02.20").code == "H56.02"
    assert catalogue.implementing_agency(birth, "000.00.01.H56") is None
    assert catalogue.implementing_agency(record, None) is None
    assert catalogue.implementing_agency(record, "000.00.01.H99") is None
