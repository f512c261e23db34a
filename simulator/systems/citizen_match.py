"""Matching what a caller declares (name, birth date) against the population, as officials compare them.

Public clients send the name as typed (`Nguyễn Văn An`), upper-cased, or stripped of diacritics
and spaces (`NGUYENVANAN`: OpenCPS `tracuu_csdldc`, a court system's `ConvertToUnsign`), and the
birth date in one of the wire's declared date shapes (`wire_formats.DECLARED_DATES`:
`yyyyMMdd`, `yyyy-MM-dd`, `dd/MM/yyyy`) or as a year alone. Two names match when their
letters match once diacritics, `đ`, case, spaces and punctuation are set aside; a year alone
matches the year of birth. The population database and the judicial record system both use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from simulator.identity.records import Citizen
from simulator.wire_formats import DECLARED_DATES, parse_declared_date

_NOT_ALNUM = re.compile(r"[^0-9a-z]")


def name_key(name: str) -> str:
    """A name reduced to its bare letters: 'Đào Văn Tài' and 'DAOVANTAI' give the same key."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _NOT_ALNUM.sub("", text.casefold())


def same_name(declared: str, recorded: str) -> bool:
    """Whether a declared name is the recorded one, ignoring diacritics, case and spacing."""
    return bool(name_key(declared)) and name_key(declared) == name_key(recorded)


@dataclass(frozen=True)
class DeclaredBirth:
    """A declared birth date: a full date, or only a year."""

    day: date | None
    year: int

    def matches(self, born: date) -> bool:
        """Whether the citizen born on `born` has this declared birth date (or year)."""
        return born == self.day if self.day is not None else born.year == self.year


def parse_birth(value, field: str = "NgayThangNamSinh") -> DeclaredBirth | None:
    """A declared birth date from a string or `{NgayThangNam, Nam}`; None when absent; ValueError naming the problem."""
    if isinstance(value, dict):
        value = value.get("NgayThangNam") or value.get("Nam") or ""
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise ValueError(f"{field} must be a date string or {{NgayThangNam, Nam}}")
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        return DeclaredBirth(None, int(text))
    try:
        day = parse_declared_date(text)
    except ValueError:
        raise ValueError(f"{field} must be {', '.join(DECLARED_DATES.values())} or a year yyyy, got {text!r}") from None
    return DeclaredBirth(day, day.year)


def mismatches(citizen: Citizen, name: str = "", birth: DeclaredBirth | None = None) -> list[str]:
    """What a declaration gets wrong about a citizen (empty when everything declared matches)."""
    problems = []
    if name and not same_name(name, citizen.name.full):
        problems.append("họ tên không khớp với CSDL quốc gia về dân cư")
    if birth is not None and not birth.matches(citizen.birth_date):
        problems.append("ngày sinh không khớp với CSDL quốc gia về dân cư")
    return problems
