"""Validators for Vietnamese identifiers, by the rules in DOMAIN.md ("Identifier formats").

Each check raises `InvalidIdentifier(field, rule, message)` naming the broken rule, so an API
layer can turn it into a 4xx that names the field. Checksums are small module-level functions
with the source of the rule in their docstring, as Faker does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from simulator.provinces import old_provinces

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Weights of the tax-code check digit (General Department of Taxation, Circular 105/2020 annex).
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

# Health-insurance beneficiary groups (mã đối tượng) and their benefit levels (mức hưởng) are data:
# `data/health_insurance.json`, the group -> level table of Decision 1351/QĐ-BHXH.
_HEALTH_INSURANCE = json.loads((DATA_DIR / "health_insurance.json").read_text(encoding="utf-8"))
BENEFIT_LEVELS: dict[str, int] = {group: int(level) for level, entry in _HEALTH_INSURANCE["levels"].items() for group in entry["groups"]}
BENEFICIARY_GROUPS = tuple(BENEFIT_LEVELS)
CHILD_GROUP = _HEALTH_INSURANCE["child_group"]
CHILD_UNDER_YEARS = _HEALTH_INSURANCE["child_under_years"]

# Minimum marriage age in full years (Law on Marriage and Family 2014, art. 8(1)(a)).
MARRIAGE_MIN_AGE = {"male": 20, "female": 18}

# Tax authority province prefixes of the 10-digit tax code: `data/tax_prefixes.json`.
_TAX_PREFIXES = json.loads((DATA_DIR / "tax_prefixes.json").read_text(encoding="utf-8"))["prefixes"]
TAX_PREFIX_OF_OLD_PROVINCE: dict[str, str] = {row["old_province"]: row["prefix"] for row in _TAX_PREFIXES if not row.get("legacy")}
OLD_PROVINCE_OF_TAX_PREFIX: dict[str, str] = {row["prefix"]: row["old_province"] for row in _TAX_PREFIXES}

# Mobile prefixes in use since the 2018 renumbering (Viettel 032-039, 086, 096-098; Vinaphone
# 081-085, 088, 091, 094; MobiFone 070, 076-079, 089, 090, 093; Vietnamobile 052, 056, 058, 092;
# Gmobile 059, 099; iTel 087).
MOBILE_PREFIXES = (
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "052",
    "056",
    "058",
    "059",
    "070",
    "076",
    "077",
    "078",
    "079",
    "081",
    "082",
    "083",
    "084",
    "085",
    "086",
    "087",
    "088",
    "089",
    "090",
    "091",
    "092",
    "093",
    "094",
    "096",
    "097",
    "098",
    "099",
)

MALE, FEMALE = "male", "female"


class InvalidIdentifier(ValueError):
    """An identifier breaks a format rule; `field` and `rule` say which, `message` says how."""

    def __init__(self, field: str, rule: str, message: str):
        super().__init__(message)
        self.field = field
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class CitizenIdParts:
    """What a 12-digit citizen ID says about its holder."""

    province_code: str  # 3-digit pre-2025 birth-registration province code, e.g. "079"
    sex: str  # MALE or FEMALE
    birth_year: int
    serial: str  # the last 6 digits


def _digits(field: str, s: object, lengths: tuple[int, ...]) -> str:
    """Check `s` is a string of digits of one of `lengths`; return it."""
    if not isinstance(s, str):
        raise InvalidIdentifier(field, "type", f"{field} must be a string, got {type(s).__name__}")
    if len(s) not in lengths:
        want = " or ".join(str(n) for n in lengths)
        raise InvalidIdentifier(field, "length", f"{field} must be {want} digits, got {len(s)}")
    if not s.isascii() or not s.isdigit():
        raise InvalidIdentifier(field, "digits", f"{field} must contain only digits 0-9, got {s!r}")
    return s


def age_on(born: date, on: date) -> int:
    """Age in full years on `on` for someone born on `born`: the one age rule every system uses.

    Birthday-aware (a person is N from their N-th birthday on, not from 1 January of that
    year), as the Law on Marriage and Family art. 8 and the Law on Health Insurance art. 12 count
    ages. Someone born on 29 February turns a year older on 1 March in common years.
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def benefit_level(group: str) -> int:
    """The benefit level (mức hưởng, 1-5) a beneficiary group carries by Decision 1351/QĐ-BHXH."""
    return BENEFIT_LEVELS[group]


def tax_province_prefix(old_province: str) -> str:
    """The tax-code prefix of a pre-2025 province (statistics-office code, 2 digits): 79 -> "03"."""
    return TAX_PREFIX_OF_OLD_PROVINCE[old_province]


def century_of(digit: int) -> int:
    """First year of the century encoded by a citizen ID's gender/century digit (0/1 → 1900)."""
    return 1900 + (digit // 2) * 100


def check_citizen_id(s: str, today: date | None = None) -> CitizenIdParts:
    """Validate a 12-digit citizen ID (CCCD / SoDinhDanh) and return what it encodes.

    Rule (Circular 59/2021/TT-BCA): 3-digit birth-registration province code (one of the 63
    pre-2025 codes, zero-padded) + gender/century digit (even male, odd female; 0/1 1900s,
    2/3 2000s, 4/5 2100s, ...) + last two digits of the birth year + 6 serial digits.
    """
    field = "SoDinhDanh"
    s = _digits(field, s, (12,))
    today = today or date.today()
    if s[0] != "0" or s[1:3] not in old_provinces():
        raise InvalidIdentifier(field, "province", f"{field} must start with a pre-2025 province code (001..096), got {s[:3]}")
    digit = int(s[3])
    century = century_of(digit)
    if century > today.year:
        raise InvalidIdentifier(
            field,
            "century_digit",
            f"{field} gender/century digit {digit} means born {century}-{century + 99}, in the future",
        )
    year = century + int(s[4:6])
    if year > today.year:
        raise InvalidIdentifier(field, "birth_year", f"{field} encodes birth year {year}, in the future")
    return CitizenIdParts(s[:3], MALE if digit % 2 == 0 else FEMALE, year, s[6:])


def check_old_id_9(s: str) -> str:
    """Validate an old 9-digit identity card number (CMND): 9 digits, not all zero."""
    s = _digits("SoCMND", s, (9,))
    if s == "000000000":
        raise InvalidIdentifier("SoCMND", "all_zero", "SoCMND must not be all zeros")
    return s


def tax_check_digit(first9: str) -> int | None:
    """Check digit for the first nine digits of a tax code, or None when no digit is valid.

    Rule (DOMAIN.md): 10 - (sum(w_i * d_i) mod 11) with weights 31, 29, 23, 19, 17, 13, 7, 5, 3;
    a remainder of 0 would need check value 10, so such prefixes are never issued.
    """
    remainder = sum(w * int(d) for w, d in zip(TAX_WEIGHTS, first9, strict=True)) % 11
    return None if remainder == 0 else (10 - remainder) % 10


def check_tax_code(s: str) -> str:
    """Validate a tax / enterprise code (MST): 10 digits, or 13 with a branch suffix NNN != 000.

    Accepts `0100233488`, `0100233488-001` and `0100233488001`; returns the 10-digit head.
    """
    field = "MaSoThue"
    if not isinstance(s, str):
        raise InvalidIdentifier(field, "type", f"{field} must be a string, got {type(s).__name__}")
    head, branch = s, None
    if len(s) == 14 and s[10] == "-":
        head, branch = s[:10], s[11:]
    elif len(s) == 13:
        head, branch = s[:10], s[10:]
    elif len(s) != 10:
        raise InvalidIdentifier(field, "length", f"{field} must be 10 or 13 digits, got {len(s)} characters")
    _digits(field, head, (10,))
    if branch is not None:
        _digits(field, branch, (3,))
        if branch == "000":
            raise InvalidIdentifier(field, "branch", f"{field} branch suffix must not be 000")
    if head[2:9] == "0000000":
        raise InvalidIdentifier(field, "serial", f"{field} serial digits 3-9 must not all be zero")
    expected = tax_check_digit(head[:9])
    if expected is None:
        raise InvalidIdentifier(field, "check_digit", f"{field} prefix {head[:9]} has no valid check digit")
    if int(head[9]) != expected:
        raise InvalidIdentifier(field, "check_digit", f"{field} check digit must be {expected}, got {head[9]}")
    return head


def check_bhxh_code(s: str) -> str:
    """Validate a social-insurance code (mã BHXH): 10 digits."""
    return _digits("MaSoBHXH", s, (10,))


def check_health_card(s: str) -> tuple[str, int, str, str]:
    """Validate a 15-character health-insurance card number; return (group, level, province, bhxh).

    Layout (Decision 1351/QĐ-BHXH): 2-letter beneficiary group + benefit level 1-5 + 2-digit
    province code + the holder's 10-digit BHXH code. A level other than the group's (`benefit_level`)
    is well-formed but names no issued card: a lookup answers that the card does not match.
    """
    field = "MaTheBHYT"
    if not isinstance(s, str):
        raise InvalidIdentifier(field, "type", f"{field} must be a string, got {type(s).__name__}")
    if len(s) != 15:
        raise InvalidIdentifier(field, "length", f"{field} must be 15 characters, got {len(s)}")
    if s[:2] not in BENEFICIARY_GROUPS:
        raise InvalidIdentifier(field, "group", f"{field} beneficiary group {s[:2]!r} is not a known group")
    if s[2] not in "12345":
        raise InvalidIdentifier(field, "level", f"{field} benefit level must be 1-5, got {s[2]!r}")
    if not (s[3:5].isascii() and s[3:5].isdigit()):
        raise InvalidIdentifier(field, "province", f"{field} province must be 2 digits, got {s[3:5]!r}")
    try:
        check_bhxh_code(s[5:])
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(field, "bhxh_code", f"{field} must end with a BHXH code: {exc.message}") from None
    return s[:2], int(s[2]), s[3:5], s[5:]


def check_phone(s: str) -> str:
    """Validate a Vietnamese mobile number: 10 digits starting with an in-use mobile prefix."""
    s = _digits("SoDienThoai", s, (10,))
    if s[:3] not in MOBILE_PREFIXES:
        raise InvalidIdentifier("SoDienThoai", "prefix", f"SoDienThoai prefix {s[:3]} is not a mobile prefix")
    return s
