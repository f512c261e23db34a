"""Faker providers for Vietnamese identities: `Faker("vi_VN")` plus `add_provider(...)`.

Faker's own vi_VN person provider writes the given name first and mixes "Thị" into male names,
and its `ssn()` is a US number, so these replace them. All randomness comes from the generator,
so `Faker.seed(...)` / `fake.seed_instance(...)` make output reproducible.

    fake = Faker("vi_VN")
    for provider in ALL_PROVIDERS:
        fake.add_provider(provider)
    fake.vn_full_name(sex="female"), fake.citizen_id(), fake.tax_code(branch=True)
"""

from __future__ import annotations

from datetime import date

from faker.providers import BaseProvider

from simulator.identity.catalogue import communes, names, tables
from simulator.identity.kinship import compose_id
from simulator.identity.rules import BENEFICIARY_GROUPS, FEMALE, MALE, MOBILE_PREFIXES, tax_check_digit
from simulator.provinces import all_provinces, old_provinces


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

    def citizen_id(
        self, sex: str | None = None, birth_year: int | None = None, province3: str | None = None
    ) -> str:
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
        """A 15-character card: beneficiary group, benefit level 1-5, province, BHXH code."""
        r = self.generator.random
        province_code = r.choice(all_provinces()).code
        return (
            f"{r.choice(BENEFICIARY_GROUPS)}{r.randint(1, 5)}{province_code}{bhxh_code or self.bhxh_code()}"
        )


class TaxCodeProvider(BaseProvider):
    """Tax / enterprise codes (MST) with the right check digit."""

    def tax_code(self, branch: bool = False, dashed: bool = True) -> str:
        """A 10-digit code, or with `branch` a 13-digit branch code (`-NNN`, or plain if not dashed)."""
        r = self.generator.random
        while True:
            head = f"{r.choice(all_provinces()).code}{r.randrange(1, 10**7):07d}"
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


ALL_PROVIDERS = (
    VietnameseNameProvider,
    CitizenIdProvider,
    InsuranceCodeProvider,
    TaxCodeProvider,
    MobileProvider,
    VietnameseAddressProvider,
)
