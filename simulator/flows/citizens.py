"""A tiny local generator of applicants: Vietnamese names and valid 12-digit citizen IDs.

The full population module lives elsewhere; this one only needs plausible, deterministic
applicants for online submissions. ID rule (DOMAIN.md): 3-digit pre-2025 province code of
birth registration + gender/century digit (0/1 male/female born 1900-1999, 2/3 born
2000-2099) + last two digits of the birth year + 6 digits.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from simulator.provinces import all_provinces

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MALE_MIDDLE = ("Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh")
FEMALE_MIDDLE = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Thùy")
MALE_GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn")
FEMALE_GIVEN = ("Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Trang", "Yến")


@dataclass(frozen=True)
class Applicant:
    """An online applicant: name in Vietnamese order, citizen ID, birth year, contact and TechID."""

    name: str
    citizen_id: str
    birth_year: int
    female: bool
    phone: str
    email: str
    tech_id: str


def gender_century_digit(birth_year: int, female: bool) -> int:
    """The 4th digit of a citizen ID: 0/1 for 1900-1999, 2/3 for 2000-2099, and so on by century."""
    century = (birth_year - 1900) // 100
    return century * 2 + (1 if female else 0)


def old_codes_of(province: str) -> tuple[str, ...]:
    """The pre-2025 province codes merged into a current province (itself when not merged)."""
    found = next((p for p in all_provinces() if p.code == province), None)
    return found.old_codes if found and found.old_codes else (province,)


def applicant(rng: random.Random, province: str, seed: int) -> Applicant:
    """A deterministic applicant drawn from `rng`, born in (a pre-2025 part of) `province` mostly."""
    female = rng.random() < 0.5
    family = rng.choice(FAMILY)
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    birth_year = rng.randint(1950, 2006)
    origin = rng.choice(old_codes_of(province)) if rng.random() < 0.85 else rng.choice(old_codes_of("01"))
    citizen_id = f"{int(origin):03d}{gender_century_digit(birth_year, female)}{birth_year % 100:02d}"
    citizen_id += f"{rng.randrange(1_000_000):06d}"
    tech = hashlib.sha256(f"{seed}:techid:{citizen_id}".encode()).hexdigest()
    return Applicant(
        name=f"{family} {middle} {given}",
        citizen_id=citizen_id,
        birth_year=birth_year,
        female=female,
        phone="09" + f"{rng.randrange(100_000_000):08d}",
        email=f"cd{citizen_id[-6:]}@example.vn",
        tech_id=f"{tech[:8]}-{tech[8:12]}-{tech[12:16]}-{tech[16:20]}-{tech[20:32]}",
    )
