"""Enterprises of the business registration system, each represented by a real citizen.

An msdn (10-digit enterprise code whose prefix is the tax authority's province prefix, 01 Hà Nội,
03 Ho Chi Minh City, ...; see `data/tax_prefixes.json`) and its legal
representative's ID are a bijection (`kinship.Structure.representative_of` / `msdn_of`), so
`enterprise(msdn).representative` and `enterprises_of(id)` always agree; a citizen represents
at most one enterprise; the head office is in the current province the prefix's old province
merged into. Codes whose prefix is no issuing tax prefix, and 13-digit
branch codes, are not registered here (None).
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from typing import TYPE_CHECKING

from simulator.identity.derive import digest, rng, unit
from simulator.identity.kinship import parts_of
from simulator.identity.personas import persona_for
from simulator.identity.records import Enterprise, Industry, Relative
from simulator.identity.reference_data import catalogues
from simulator.identity.rules import OLD_PROVINCE_OF_TAX_PREFIX, check_tax_code
from simulator.provinces import successor_of

if TYPE_CHECKING:
    from simulator.identity.population import Population

_STATUS_WEIGHTS = (("active", 90), ("suspended", 4), ("dissolved", 4), ("pending_dissolution", 2))
_PERSONA_STATUS = {"enterprise_dissolved": "dissolved", "enterprise_suspended": "suspended"}
_NAME_PREFIX = {
    "TNHH MTV": "Công ty TNHH Một thành viên",
    "TNHH": "Công ty TNHH",
    "CP": "Công ty Cổ phần",
    "DNTN": "Doanh nghiệp tư nhân",
}
_SHORT_SUFFIX = {"TNHH MTV": "CO., LTD", "TNHH": "CO., LTD", "CP": "JSC", "DNTN": "ENTERPRISE"}


def _ascii_upper(text: str) -> str:
    """Vietnamese text without diacritics, upper case (how short names are usually written)."""
    stripped = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in stripped if not unicodedata.combining(ch)).upper()


def _representative(population: Population, msdn: str) -> str | None:
    """The representative's ID when the msdn is a registered enterprise, else None."""
    if not isinstance(msdn, str) or len(msdn) != 10:
        check_tax_code(msdn)  # raises for malformed input; valid branch codes fall through
        return None
    check_tax_code(msdn)
    rep = population.structure.representative_of(msdn)
    if rep is None or not population.exists(rep):
        return None
    if persona_for(msdn) is None and unit(population.seed, "enterprise-exists", msdn) < population.missing_share:
        return None
    return rep


def derive_enterprise(population: Population, msdn: str) -> Enterprise | None:
    """The enterprise registered under `msdn`, or None (raises InvalidIdentifier if malformed)."""
    rep = _representative(population, msdn)
    if rep is None:
        return None
    cat = catalogues()
    r = rng(population.seed, "enterprise", msdn)
    types = cat["enterprise_types"]
    long_kind, abbr, _ = r.choices(types, weights=[t[2] for t in types])[0]
    word = r.choice(cat["enterprise_name_words"])
    sector = r.choice(cat["sector_words"])
    name = f"{_NAME_PREFIX[abbr]} {sector} {word}"

    rep_year = parts_of(rep).birth_year
    start = max(date(rep_year + 23, 1, 1), date(1995, 1, 1))
    first = start + timedelta(days=r.randrange((date(2025, 6, 30) - start).days))
    persona = persona_for(msdn)
    if persona is not None and persona.outcome in _PERSONA_STATUS:
        status = _PERSONA_STATUS[persona.outcome]
    else:
        status = r.choices([s for s, _ in _STATUS_WEIGHTS], weights=[w for _, w in _STATUS_WEIGHTS])[0]
    since = first
    if status != "active":
        since = first + timedelta(days=r.randrange(1, max(2, (date(2025, 6, 30) - first).days)))

    vsic = r.sample(cat["vsic"], r.randint(1, 5))
    industries = tuple(Industry(code, label, i == 0) for i, (code, label) in enumerate(vsic))
    return Enterprise(
        msdn=msdn,
        name=name,
        short_name=f"{_ascii_upper(word)} {_SHORT_SUFFIX[abbr]}",
        kind=long_kind,
        first_registered=first,
        legal_status=status,
        legal_status_name=cat["legal_statuses"][status],
        status_since=since,
        representative=Relative(rep, population.name_of(rep, parts_of(rep))),
        head_office=population.place_in(successor_of(OLD_PROVINCE_OF_TAX_PREFIX[msdn[:2]]).code, digest(population.seed, "office", msdn)),
        industries=industries,
    )


def enterprises_of(population: Population, citizen_id: str) -> list[str]:
    """msdn codes of the enterprises this citizen legally represents (zero or one)."""
    p = population.parse(citizen_id)
    if not population.exists(citizen_id):
        return []
    msdn = population.structure.msdn_of(p)
    if msdn is None or _representative(population, msdn) != citizen_id:
        return []
    return [msdn]
