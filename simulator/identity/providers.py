"""Faker providers for Vietnamese identities: `Faker("vi_VN")` plus `add_provider(...)`.

The people and enterprises come from the sandbox's one population: `fake.sandbox_citizen()` and
`fake.sandbox_enterprise()` return records of people and enterprises every sandbox system
answers for identically (the name beside an ID is that person's name in `/population`, the card
is the one social insurance shows), so a vendor's own test suite can generate test data the
sandbox knows. The population is the one of the sandbox's default seed; `sandbox_provider(seed,
missing_share)` binds another (use the seed your sandbox runs with).

The format-level providers (`vn_full_name`, `citizen_id`, `tax_code`, `health_card`, ...) make
values valid by the rules (names in Vietnamese order, IDs, tax codes with the tax authority's
province prefix and check digit, cards whose level matches their group) but name nobody in
particular: use them to test format handling, and `sandbox_*` for people that exist. All
randomness comes from the generator, so `fake.seed_instance(...)` makes output reproducible.

    fake = Faker("vi_VN")
    for provider in ALL_PROVIDERS:
        fake.add_provider(provider)
    fake.sandbox_citizen(min_age=18), fake.sandbox_enterprise(status="active"), fake.tax_code(branch=True)
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from faker.providers import BaseProvider

from simulator import config
from simulator.identity.kinship import compose_id
from simulator.identity.population import Population
from simulator.identity.reference_data import communes, names, tables
from simulator.identity.rules import (
    BENEFICIARY_GROUPS,
    FEMALE,
    MALE,
    MOBILE_PREFIXES,
    TAX_PREFIX_OF_OLD_PROVINCE,
    age_on,
    benefit_level,
    tax_check_digit,
)
from simulator.provinces import all_provinces, old_provinces
from simulator.provinces import province as province_by_code

# Prefixes the tax authority still issues codes under (one per pre-2025 province).
_ISSUING_TAX_PREFIXES = tuple(sorted(set(TAX_PREFIX_OF_OLD_PROVINCE.values())))
# Draws before a filter is declared unsatisfiable (a match is normally found in a few).
_MAX_DRAWS = 2000


class VietnameseNameProvider(BaseProvider):
    """Names in Vietnamese order (family, middle, given) with middle names matching the sex."""

    def _sex(self, sex: str | None) -> str:
        return sex or self.random_element((MALE, FEMALE))

    def vn_name_parts(self, sex: str | None = None) -> tuple[str, str, str]:
        """(family, middle, given) for a person of `sex` ("male"/"female", random if None)."""
        sex = self._sex(sex)
        t = tables()
        r = self.generator.random
        return (
            t["family"].pick(r.random()),
            t[f"middle_{sex}"].pick(r.random()),
            t[f"given_{sex}"].pick(r.random()),
        )

    def vn_full_name(self, sex: str | None = None) -> str:
        """A full name as written, e.g. "Nguyễn Văn An"."""
        return " ".join(self.vn_name_parts(sex))

    def vn_full_name_male(self) -> str:
        """A male full name."""
        return self.vn_full_name(MALE)

    def vn_full_name_female(self) -> str:
        """A female full name."""
        return self.vn_full_name(FEMALE)


class CitizenIdProvider(BaseProvider):
    """12-digit citizen IDs (CCCD) and old 9-digit ID card numbers (CMND)."""

    def citizen_id(self, sex: str | None = None, birth_year: int | None = None, province3: str | None = None) -> str:
        """A citizen ID valid by the rules: pre-2025 province, sex/century digit, year, serial."""
        r = self.generator.random
        province3 = province3 or "0" + r.choice(sorted(old_provinces()))
        sex = sex or r.choice((MALE, FEMALE))
        birth_year = birth_year or r.randint(1930, date.today().year)
        return compose_id(province3, sex, birth_year, r.randrange(10**6))

    def old_id_9(self) -> str:
        """An old 9-digit identity card number (not all zeros)."""
        return f"{self.generator.random.randrange(10_000_000, 10**9):09d}"


class InsuranceCodeProvider(BaseProvider):
    """Social-insurance (BHXH) codes and health-insurance (BHYT) card numbers."""

    def bhxh_code(self) -> str:
        """A 10-digit BHXH code."""
        return f"{self.generator.random.randrange(10**10):010d}"

    def health_card(self, bhxh_code: str | None = None) -> str:
        """A 15-character card: beneficiary group, its level (Decision 1351/QĐ-BHXH), province, BHXH code."""
        r = self.generator.random
        province_code = r.choice(all_provinces()).code
        group = r.choice(BENEFICIARY_GROUPS)
        return f"{group}{benefit_level(group)}{province_code}{bhxh_code or self.bhxh_code()}"


class TaxCodeProvider(BaseProvider):
    """Tax / enterprise codes (MST) with the right check digit."""

    def tax_code(self, branch: bool = False, dashed: bool = True) -> str:
        """A 10-digit code, or with `branch` a 13-digit branch code (`-NNN`, or plain if not dashed)."""
        r = self.generator.random
        while True:
            head = f"{r.choice(_ISSUING_TAX_PREFIXES)}{r.randrange(1, 10**7):07d}"
            check = tax_check_digit(head)
            if check is not None:  # why: a remainder of 0 has no valid digit; draw again
                break
        code = f"{head}{check}"
        if branch:
            code += ("-" if dashed else "") + f"{r.randint(1, 999):03d}"
        return code


class MobileProvider(BaseProvider):
    """Vietnamese mobile numbers with in-use prefixes."""

    def vn_mobile(self) -> str:
        """A 10-digit mobile number, e.g. 0912345678."""
        r = self.generator.random
        return r.choice(MOBILE_PREFIXES) + f"{r.randrange(10**7):07d}"


class VietnameseAddressProvider(BaseProvider):
    """Addresses on the 34-province, two-tier map with commune codes."""

    def vn_address(self, province_code: str | None = None) -> dict:
        """{province_code, province_name, commune_code, commune_name, detail}."""
        r = self.generator.random
        prov = next(p for p in all_provinces() if p.code == province_code) if province_code else None
        prov = prov or r.choice(all_provinces())
        commune = r.choice(communes(prov.code))
        n = names()
        if commune["name"].startswith("Phường"):
            detail = f"Số {r.randint(1, 300)} đường {r.choice(n['street_names'])}"
        else:
            detail = f"{r.choice(n['hamlet_words'][:3])} {r.randint(1, 15)}"
        return {
            "province_code": prov.code,
            "province_name": prov.full_name,
            "commune_code": commune["code"],
            "commune_name": commune["name"],
            "detail": detail,
        }

    def vn_address_line(self, province_code: str | None = None) -> str:
        """An address as one line: detail, commune, province."""
        a = self.vn_address(province_code)
        return f"{a['detail']}, {a['commune_name']}, {a['province_name']}"


class SandboxPopulationProvider(BaseProvider):
    """People and enterprises of the sandbox population (the default seed; see `sandbox_provider`)."""

    seed: int = config.SETTINGS["seed"].default
    missing_share: float = config.SETTINGS["missing_share"].default

    def sandbox_population(self) -> Population:
        """The population this provider draws from (shared per seed, like the server's)."""
        return _population(self.seed, self.missing_share)

    def sandbox_citizen(
        self,
        sex: str | None = None,
        min_age: int = 0,
        max_age: int = 100,
        province: str | None = None,
        alive: bool = True,
    ) -> dict:
        """A citizen of the population, as every system shows them (flat dict, ISO dates).

        Filters: `sex` ("male"/"female"), full age between `min_age` and `max_age` today
        (birthday-aware), birth-registration `province` (a current 2-digit code), `alive`.
        Keys: citizen_id, full_name, family_name, middle_name, given_name, sex, birth_date, age,
        marital_status, deceased, phone, province_code, commune_code, address_detail,
        bhxh_code and health_card (None when not insured).
        """
        if not 0 <= min_age <= max_age <= 125:
            raise ValueError(f"need 0 <= min_age <= max_age <= 125, got {min_age}..{max_age}")
        pop = self.sandbox_population()
        r = self.generator.random
        old_codes = province_by_code(province).old_codes if province else tuple(sorted(old_provinces()))
        for _ in range(_MAX_DRAWS):
            person_sex = sex or r.choice((MALE, FEMALE))
            year = r.randint(pop.today.year - max_age - 1, pop.today.year - min_age)
            if year < 1900:
                continue
            id12 = compose_id("0" + r.choice(old_codes), person_sex, year, r.randrange(10**6))
            person = pop.citizen(id12)
            if person is None or (alive and person.deceased):
                continue
            age = age_on(person.birth_date, pop.today)
            if not min_age <= age <= max_age:
                continue
            insured = pop.insurance(id12)
            return {
                "citizen_id": id12,
                "full_name": person.name.full,
                "family_name": person.name.family,
                "middle_name": person.name.middle,
                "given_name": person.name.given,
                "sex": person.sex,
                "birth_date": person.birth_date.isoformat(),
                "age": age,
                "marital_status": person.marital_status,
                "deceased": person.deceased,
                "phone": person.phone,
                "province_code": person.permanent_residence.province_code,
                "commune_code": person.permanent_residence.commune_code,
                "address_detail": person.permanent_residence.detail,
                "bhxh_code": insured.bhxh_code if insured else None,
                "health_card": insured.health_card if insured else None,
            }
        raise ValueError(f"no citizen matches sex={sex} age {min_age}..{max_age} province={province}")

    def sandbox_enterprise(self, status: str | None = None) -> dict:
        """An enterprise registered in the population (business registration answers for it).

        `status`: "active", "suspended", "dissolved" or "pending_dissolution" (any if None).
        Keys: msdn, name, short_name, kind, legal_status, province_code, representative_id,
        representative_name.
        """
        pop = self.sandbox_population()
        r = self.generator.random
        for _ in range(_MAX_DRAWS * 5):
            head = f"{r.choice(_ISSUING_TAX_PREFIXES)}{r.randrange(1, 10**7):07d}"
            check = tax_check_digit(head)
            if check is None:
                continue
            ent = pop.enterprise(f"{head}{check}")
            if ent is None or (status and ent.legal_status != status):
                continue
            return {
                "msdn": ent.msdn,
                "name": ent.name,
                "short_name": ent.short_name,
                "kind": ent.kind,
                "legal_status": ent.legal_status,
                "province_code": ent.head_office.province_code,
                "representative_id": ent.representative.id,
                "representative_name": ent.representative.name.full,
            }
        raise ValueError(f"no enterprise with status {status!r} found")


def sandbox_provider(seed: int, missing_share: float | None = None) -> type[SandboxPopulationProvider]:
    """A `SandboxPopulationProvider` bound to another seed (the one your sandbox runs with)."""
    share = config.SETTINGS["missing_share"].default if missing_share is None else missing_share
    return type("SandboxPopulationProvider", (SandboxPopulationProvider,), {"seed": seed, "missing_share": share})


@lru_cache(maxsize=8)
def _population(seed: int, missing_share: float) -> Population:
    return Population(seed, missing_share, cache_size=4096)


ALL_PROVIDERS = (
    VietnameseNameProvider,
    CitizenIdProvider,
    InsuranceCodeProvider,
    TaxCodeProvider,
    MobileProvider,
    VietnameseAddressProvider,
    SandboxPopulationProvider,
)
