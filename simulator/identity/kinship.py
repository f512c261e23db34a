"""Structural links between identifiers: spouse, father, BHXH code and enterprise code.

All links are computed from identifiers alone, so every system derives the same family:

* **Spouse** — an involution on IDs. A man `(province, year, serial)` is paired with the woman
  `(province, year + gap(serial), F(serial))` where F is a keyed Feistel permutation of the
  6-digit serial; from the woman, F⁻¹ recovers the man's serial, hence the gap and his year.
  So `partner(partner(x)) == x` for every ID, and whether the couple is married is decided
  once, on the husband's ID (see `Population`), so both sides agree.
* **Father** — the child's ID keeps its birth province and the last three serial digits (the
  "clan": family name, ethnicity and home town hang on it) and gets an older birth year and
  new leading serial digits. Several candidates are tried in order; the population picks the
  first that exists, is married and whose wife is of child-bearing age. The mother is the
  father's wife, so `citizen(father).spouse == mother`.
* **BHXH code** — a mixed-radix index of (province, sex, birth year 1930-2030, serial <
  BHXH_SERIAL_CAP) scrambled by a Feistel bijection on 10-digit numbers. Ten digits cannot
  hold all 12-digit IDs (63 x 2 x 101 x 10^6 > 10^10), so IDs whose serial is at or above the
  cap, or born outside 1930-2030, have no social-insurance record (about 21% of serials).
* **Enterprise code** — an msdn `PP SSSSSSS C` maps one-to-one onto a legal representative:
  PP is the tax authority's province prefix (`data/tax_prefixes.json`: 01 Hà Nội, 03 Ho Chi
  Minh City, ...), naming the pre-2025 province the representative was born in; the first serial digit
  picks sex and birth decade (1955-1999), the other six are Feistel-permuted into the ID's
  serial. The inverse tells whether an ID represents an enterprise (about 7% of adults born
  1955-1999), so `enterprises_of(id)` and `enterprise(msdn).representative` always agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from simulator.identity.derive import DecimalFeistel, number
from simulator.identity.rules import (
    FEMALE,
    MALE,
    OLD_PROVINCE_OF_TAX_PREFIX,
    TAX_PREFIX_OF_OLD_PROVINCE,
    CitizenIdParts,
    tax_check_digit,
)
from simulator.provinces import old_provinces

# Age gap (years the wife is younger) drawn by the husband's serial; mostly 1-5, sometimes older wives.
SPOUSE_GAPS = (-3, -2, -1, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 10)
FATHER_ATTEMPTS = 6

BHXH_FIRST_YEAR, BHXH_YEARS = 1930, 101
_OLD_CODES = tuple(sorted(old_provinces()))
BHXH_SERIAL_CAP = 10**10 // (len(_OLD_CODES) * 2 * BHXH_YEARS)  # 785,793
_BHXH_SPACE = len(_OLD_CODES) * 2 * BHXH_YEARS * BHXH_SERIAL_CAP

REP_FIRST_YEAR = 1955


def compose_id(province3: str, sex: str, year: int, serial: int) -> str:
    """The 12-digit ID for a birth province (3 digits), sex, birth year and 6-digit serial."""
    digit = (year - 1900) // 100 * 2 + (1 if sex == FEMALE else 0)
    return f"{province3}{digit}{year % 100:02d}{serial:06d}"


def parts_of(id12: str) -> CitizenIdParts:
    """Decode a 12-digit ID already known to be valid (no checks, for derived IDs)."""
    digit = int(id12[3])
    return CitizenIdParts(id12[:3], FEMALE if digit % 2 else MALE, 1900 + digit // 2 * 100 + int(id12[4:6]), id12[6:])


class Structure:
    """The seed's structural links between identifiers (pure functions, no storage)."""

    def __init__(self, seed: int):
        self.seed = seed
        self._serials = DecimalFeistel(1000, f"{seed}:spouse")
        self._bhxh = DecimalFeistel(100_000, f"{seed}:bhxh")
        self._reps = DecimalFeistel(1000, f"{seed}:representative")

    # --- spouse -------------------------------------------------------------------------
    def _gap(self, husband_serial: int) -> int:
        return SPOUSE_GAPS[number(self.seed, "gap", str(husband_serial)) % len(SPOUSE_GAPS)]

    def partner(self, p: CitizenIdParts, max_year: int) -> str | None:
        """The ID this person would be married to, or None when it falls outside 1900..max_year."""
        serial = int(p.serial)
        if p.sex == MALE:
            year, sex, other = p.birth_year + self._gap(serial), FEMALE, self._serials.forward(serial)
        else:
            other = self._serials.inverse(serial)
            year, sex = p.birth_year - self._gap(other), MALE
        if not 1900 <= year <= max_year:
            return None
        return compose_id(p.province_code, sex, year, other)

    # --- father -------------------------------------------------------------------------
    def father_candidates(self, id12: str, p: CitizenIdParts) -> Iterator[str]:
        """Candidate fathers' IDs, in the order the population tries them."""
        clan = int(p.serial) % 1000
        for attempt in range(FATHER_ATTEMPTS):
            n = number(self.seed, "father", f"{id12}:{attempt}")
            year = p.birth_year - 22 - n % 19  # fathers are 22-40 years older
            if year < 1900:
                return
            yield compose_id(p.province_code, MALE, year, (n >> 8) % 1000 * 1000 + clan)

    # --- BHXH code ----------------------------------------------------------------------
    def bhxh_of(self, p: CitizenIdParts) -> str | None:
        """The 10-digit BHXH code of an ID, or None when the ID is outside the insurable space."""
        serial, offset = int(p.serial), p.birth_year - BHXH_FIRST_YEAR
        if serial >= BHXH_SERIAL_CAP or not 0 <= offset < BHXH_YEARS:
            return None
        prov = _OLD_CODES.index(p.province_code[1:])
        index = ((prov * 2 + (p.sex == FEMALE)) * BHXH_YEARS + offset) * BHXH_SERIAL_CAP + serial
        return f"{self._bhxh.forward(index):010d}"

    def id_of_bhxh(self, code: str) -> str | None:
        """The 12-digit ID a BHXH code belongs to, or None when the code was never issued."""
        index = self._bhxh.inverse(int(code))
        if index >= _BHXH_SPACE:
            return None
        rest, serial = divmod(index, BHXH_SERIAL_CAP)
        rest, offset = divmod(rest, BHXH_YEARS)
        prov, female = divmod(rest, 2)
        return compose_id("0" + _OLD_CODES[prov], FEMALE if female else MALE, BHXH_FIRST_YEAR + offset, serial)

    # --- enterprise representative ------------------------------------------------------
    def representative_of(self, msdn: str) -> str | None:
        """The legal representative's ID encoded by a 10-digit msdn, or None if PP is no issuing prefix.

        PP is the tax authority's province prefix (01 Hà Nội, 03 Ho Chi Minh City, ...); the
        representative was born in that pre-2025 province. Legacy prefixes (Hà Tây 05) issue nothing.
        """
        old = OLD_PROVINCE_OF_TAX_PREFIX.get(msdn[:2])
        if old is None or TAX_PREFIX_OF_OLD_PROVINCE.get(old) != msdn[:2]:
            return None
        s7 = int(msdn[2:9])
        d, r = divmod(s7, 1_000_000)
        year = REP_FIRST_YEAR + d // 2 * 9 + (r // 7) % 9
        return compose_id("0" + old, FEMALE if d % 2 else MALE, year, self._reps.forward(r))

    def msdn_of(self, p: CitizenIdParts) -> str | None:
        """The msdn this ID represents (inverse of `representative_of`), or None."""
        r = self._reps.inverse(int(p.serial))
        prefix = TAX_PREFIX_OF_OLD_PROVINCE.get(p.province_code[1:])
        if prefix is None:
            return None
        k = p.birth_year - REP_FIRST_YEAR - (r // 7) % 9
        if k < 0 or k % 9 or k // 9 > 4:
            return None
        s7 = (k // 9 * 2 + (p.sex == FEMALE)) * 1_000_000 + r
        head = f"{prefix}{s7:07d}"
        check = tax_check_digit(head)
        if s7 == 0 or check is None:
            return None
        return f"{head}{check}"
