"""The records a population derives: citizens, insurance participants and enterprises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PersonName:
    """A Vietnamese name in its own order: family (họ), middle (chữ đệm), given (tên)."""

    family: str
    middle: str
    given: str

    @property
    def full(self) -> str:
        """The name as written: "Nguyễn Văn An"."""
        return " ".join(part for part in (self.family, self.middle, self.given) if part)


@dataclass(frozen=True)
class Place:
    """An address on the two-tier map since July 2025: province, commune and a free-text detail."""

    province_code: str
    commune_code: str
    detail: str = ""


@dataclass(frozen=True)
class Relative:
    """Another citizen named on a record (parent, spouse, household head, child)."""

    id: str
    name: PersonName


@dataclass(frozen=True)
class Citizen:
    """A person in the population database, derived from (seed, 12-digit ID) plus overlays."""

    id: str
    name: PersonName
    sex: str  # "male" / "female"
    birth_date: date
    ethnicity: str
    religion: str
    marital_status: str  # "single", "married", "widowed", "divorced"
    blood_group: str
    nationality: str
    old_id: str | None  # 9-digit CMND for people who held one
    birth_place: Place
    home_town: Place
    permanent_residence: Place
    current_residence: Place
    father: Relative | None
    mother: Relative | None
    spouse: Relative | None
    household_head: Relative
    phone: str
    deceased: bool = False
    death_date: date | None = None
    children: tuple[Relative, ...] = field(default_factory=tuple)

    @property
    def birth_year(self) -> int:
        """Year of birth (also encoded in the ID)."""
        return self.birth_date.year


@dataclass(frozen=True)
class HouseholdMember:
    """A member of a health-insurance household (hộ gia đình tham gia BHYT)."""

    id: str
    name: PersonName
    relation: str  # "Chủ hộ", "Vợ", "Chồng", "Con", "Bản thân"


@dataclass(frozen=True)
class Contributions:
    """Summary of social-insurance contributions."""

    months: int
    employer: str | None
    salary_base: int  # VND per month, 0 when not contributing


@dataclass(frozen=True)
class InsuranceRecord:
    """A social and health insurance participant, keyed by BHXH code and citizen ID."""

    bhxh_code: str
    citizen_id: str
    name: PersonName
    birth_date: date
    sex: str
    health_card: str  # 15 characters
    beneficiary_group: str
    benefit_level: int
    card_valid_from: date
    card_valid_to: date
    hospital_code: str  # registered primary care facility (mã KCB ban đầu)
    hospital_name: str
    contributions: Contributions
    household: tuple[HouseholdMember, ...]


@dataclass(frozen=True)
class Industry:
    """A line of business (VSIC 2018 4-digit code)."""

    code: str
    name: str
    main: bool


@dataclass(frozen=True)
class Enterprise:
    """An enterprise in the business registration system, keyed by its 10-digit msdn."""

    msdn: str
    name: str
    short_name: str
    kind: str
    first_registered: date
    legal_status: str  # key into catalogues.legal_statuses: active, suspended, dissolved, ...
    legal_status_name: str
    status_since: date
    representative: Relative
    head_office: Place
    industries: tuple[Industry, ...]
