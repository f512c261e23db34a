"""Generated identifiers pass independent re-implementations of the DOMAIN.md rules; bad ones are refused.

The validators below are written from the rule text and never import simulator.identity.rules, so a bug
in the module's own checks cannot hide a bug in the generators.
"""

import random
import re
from datetime import date

import pytest

from simulator.identity.rules import (
    InvalidIdentifier,
    check_bhxh_code,
    check_citizen_id,
    check_health_card,
    check_old_id_9,
    check_phone,
    check_tax_code,
    tax_check_digit,
)
from tests.identity.conftest import TODAY
from tests.identity.official import PRE_2025_PROVINCES, TAX_PREFIX_OF_STAT_CODE, is_valid_mst
from tests.identity.samples import ids_born_1900s, weighted

CURRENT_PROVINCES = {f"{n:02d}" for n in (
    1, 4, 8, 11, 12, 14, 15, 19, 20, 22, 24, 25, 31, 33, 37, 38, 40, 42, 44, 46, 48, 51, 52, 56, 66, 68, 75,
    79, 80, 82, 86, 91, 92, 96)}  # fmt: skip
GROUPS = {"DN", "HX", "CH", "NN", "TK", "HC", "XK", "HT", "TB", "NO", "CT", "XB", "TN", "CS", "XN", "MS", "CC",
          "CK", "CB", "KC", "HD", "TE", "BT", "HN", "DT", "DK", "XD", "TS", "TC", "TQ", "TA", "TY", "HG", "LS",
          "PV", "CN", "HS", "SV", "GB", "GD", "QN", "CA", "CY"}  # fmt: skip
MOBILE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}$")


def is_citizen_id(s: str, this_year: int) -> bool:
    if not re.fullmatch(r"\d{12}", s) or s[0] != "0" or s[1:3] not in PRE_2025_PROVINCES:
        return False
    year = 1900 + 100 * (int(s[3]) // 2) + int(s[4:6])
    return year <= this_year


def citizen_id_sex_year(s: str) -> tuple[str, int]:
    return ("male" if int(s[3]) % 2 == 0 else "female"), 1900 + 100 * (int(s[3]) // 2) + int(s[4:6])


def is_tax_code(s: str) -> bool:
    m = re.fullmatch(r"(\d{10})(?:-?(\d{3}))?", s)
    if not m or (m.group(2) is not None and m.group(2) == "000"):
        return False
    head = m.group(1)
    if head[2:9] == "0000000":
        return False
    total = sum(int(d) * w for d, w in zip(head[:9], [31, 29, 23, 19, 17, 13, 7, 5, 3]))
    if total % 11 == 0:
        return False
    return (10 - total % 11) % 10 == int(head[9])


def is_bhxh(s: str) -> bool:
    return re.fullmatch(r"\d{10}", s) is not None


def is_health_card(s: str) -> bool:
    return len(s) == 15 and s[:2] in GROUPS and s[2] in "12345" and re.fullmatch(r"\d{12}", s[3:]) is not None


def is_mobile(s: str) -> bool:
    return MOBILE.fullmatch(s) is not None


# --- generated identifiers pass ------------------------------------------------------------
N = 10_000


def test_generated_citizen_ids_are_valid(fake):
    for _ in range(N):
        assert is_citizen_id(fake.citizen_id(), date.today().year)


def test_generated_citizen_ids_encode_requested_sex_and_year(fake):
    for sex, year in [("male", 1958), ("female", 1999), ("male", 2004), ("female", 2020)]:
        assert citizen_id_sex_year(fake.citizen_id(sex=sex, birth_year=year)) == (sex, year)


def test_generated_tax_codes_are_valid(fake):
    for _ in range(N):
        assert is_tax_code(fake.tax_code())
        assert is_tax_code(fake.tax_code(branch=True))
        assert is_tax_code(fake.tax_code(branch=True, dashed=False))


def test_generated_bhxh_codes_health_cards_and_phones_are_valid(fake):
    for _ in range(N):
        assert is_bhxh(fake.bhxh_code())
        assert is_health_card(fake.health_card())
        assert is_mobile(fake.vn_mobile())


def test_population_identifiers_are_valid(population):
    """IDs of relatives, BHXH codes, cards and phones the population derives pass too."""
    checked = 0
    for id12 in ids_born_1900s(random.Random(5), 1500, born_from=1940):
        citizen = population.citizen(id12)
        if citizen is None:
            continue
        assert is_mobile(citizen.phone)
        for rel in (citizen.father, citizen.mother, citizen.spouse, citizen.household_head):
            if rel is not None:
                assert is_citizen_id(rel.id, TODAY.year)
        record = population.insurance(id12)
        if record is not None:
            checked += 1
            assert is_bhxh(record.bhxh_code) and is_health_card(record.health_card)
            assert record.health_card.endswith(record.bhxh_code)
            assert record.health_card[3:5] in CURRENT_PROVINCES
    assert checked > 500


def test_generated_enterprise_codes_are_valid(population):
    found = 0
    for id12 in ids_born_1900s(random.Random(9), 3000, born_from=1955):
        for msdn in population.enterprises_of(id12):
            found += 1
            # The prefix is the tax authority's code of the representative's birth province, not the
            # statistics-office code (independent table in tests/identity/official.py; stdnum agrees).
            assert is_tax_code(msdn) and is_valid_mst(msdn)
            assert msdn[:2] == TAX_PREFIX_OF_STAT_CODE[id12[1:3]], (msdn, id12)
    assert found > 20


def test_known_valid_tax_codes_pass_both_validators():
    for code in ("0100233488", "0314409058", "0100109106", "0100112437"):
        assert is_tax_code(code)
        assert check_tax_code(code) == code
    assert check_tax_code("0100233488-001") == "0100233488"
    assert check_tax_code("0100233488001") == "0100233488"


# --- invalid identifiers are refused, naming the rule ---------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("SoDinhDanh", "07919012345", "length"),
        ("SoDinhDanh", "0791901234567", "length"),
        ("SoDinhDanh", "07919012345a", "digits"),
        ("SoDinhDanh", "079A90123456", "digits"),
        ("SoDinhDanh", "003190123456", "province"),
        ("SoDinhDanh", "179190123456", "province"),
        ("SoDinhDanh", "079490123456", "century_digit"),
        ("SoDinhDanh", "079990123456", "century_digit"),
        ("SoDinhDanh", "079299123456", "birth_year"),
        ("MaSoThue", "0100233489", "check_digit"),
        ("MaSoThue", "0100233488-000", "branch"),
        ("MaSoThue", "0100233488000", "branch"),
        ("MaSoThue", "010023348", "length"),
        ("MaSoThue", "01002334a8", "digits"),
        ("MaSoThue", "0100000000", "serial"),
    ],
)
def test_invalid_identifiers_raise_naming_the_field_and_the_rule(field, value, rule):
    check = {"SoDinhDanh": lambda v: check_citizen_id(v, TODAY), "MaSoThue": check_tax_code}[field]
    with pytest.raises(InvalidIdentifier) as info:
        check(value)
    assert info.value.rule == rule and info.value.field == field
    assert field in info.value.message


def test_wrong_length_message_says_how_many_digits():
    with pytest.raises(InvalidIdentifier, match="must be 12 digits, got 11"):
        check_citizen_id("07919012345")


def test_prefix_with_remainder_zero_has_no_check_digit():
    # 0100000011: 29*1 + 3*1 ... find a nine-digit prefix whose weighted sum is 0 mod 11.
    prefix = next(f"01{n:07d}" for n in range(1, 10**4) if weighted(f"01{n:07d}") % 11 == 0)
    assert tax_check_digit(prefix) is None
    for digit in "0123456789":
        with pytest.raises(InvalidIdentifier) as info:
            check_tax_code(prefix + digit)
        assert info.value.rule == "check_digit"


@pytest.mark.parametrize(
    ("check", "value", "rule"),
    [
        (check_bhxh_code, "123456789", "length"),
        (check_health_card, "ZZ479123456789", "length"),
        (check_health_card, "ZZ4791234567890", "group"),
        (check_health_card, "DN6791234567890", "level"),
        (check_health_card, "DN47912345678X0", "bhxh_code"),
        (check_phone, "0951234567", "prefix"),
        (check_phone, "091234567", "length"),
        (check_old_id_9, "000000000", "all_zero"),
    ],
)
def test_other_invalid_identifiers_raise_naming_the_rule(check, value, rule):
    with pytest.raises(InvalidIdentifier) as info:
        check(value)
    assert info.value.rule == rule


def test_valid_citizen_id_is_parsed():
    parts = check_citizen_id("079190123456", TODAY)
    assert (parts.province_code, parts.sex, parts.birth_year) == ("079", "female", 1990)
    assert check_citizen_id("001220000012", TODAY).birth_year == 2020
