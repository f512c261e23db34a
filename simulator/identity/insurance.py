"""Social and health insurance participants, derived from the population's citizens.

A participant is found by 12-digit ID or by 10-digit BHXH code; the two are a bijection
(`kinship.Structure.bhxh_of` / `id_of_bhxh`). IDs outside the insurable space, and the
`no_insurance` persona, have no record. Beneficiary group by full age (`rules.age_on`,
birthday-aware): under 6 TE (Law on Health Insurance art. 12), 6-17 HS, 18-22 SV or GD, retired
HT or GD, otherwise a working-age group; the benefit level is always the group's level in
Decision 1351/QĐ-BHXH (`data/health_insurance.json`). A child registered through civil status is
insured from its registration. Cards are annual (1 January to 31 December of `today`'s year) and
a TE card ends the day before the 6th birthday; the `expired_health_card` persona's card ended on 31 December of the previous year; a
deceased person's card ends on the death date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from simulator.identity.derive import rng
from simulator.identity.kinship import parts_of
from simulator.identity.personas import persona_for
from simulator.identity.records import Contributions, HouseholdMember, InsuranceRecord
from simulator.identity.reference_data import catalogues, communes
from simulator.identity.rules import (
    CHILD_GROUP,
    CHILD_UNDER_YEARS,
    MALE,
    InvalidIdentifier,
    age_on,
    benefit_level,
    check_bhxh_code,
)
from simulator.provinces import province

if TYPE_CHECKING:
    from simulator.identity.population import Population

# (group, weight) for working-age people (our design); each group's level comes from the table.
_WORKING_GROUPS = (("DN", 45), ("HC", 10), ("CH", 5), ("GD", 25), ("HN", 5), ("CN", 5), ("DT", 5))
_EMPLOYED = frozenset({"DN", "HC", "CH"})


def _anniversary(born: date, years: int) -> date:
    """The date someone born on `born` turns `years` (29 February birthdays fall on 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def resolve_holder(population: Population, identifier: str) -> tuple[str, str] | None:
    """(citizen ID, BHXH code) for either kind of identifier, or None when none is issued."""
    if isinstance(identifier, str) and len(identifier) == 12:
        p = population.parse(identifier)
        code = population.structure.bhxh_of(p)
        return (identifier, code) if code else None
    if isinstance(identifier, str) and len(identifier) == 10:
        check_bhxh_code(identifier)
        id12 = population.structure.id_of_bhxh(identifier)
        if id12 is None:
            return None
        try:
            population.parse(id12)  # a code may decode to a birth year still in the future
        except InvalidIdentifier:
            return None
        return id12, identifier
    raise InvalidIdentifier("MaSoBHXH", "length", "identifier must be a 12-digit SoDinhDanh or a 10-digit MaSoBHXH")


def derive_insurance(population: Population, identifier: str, citizen=None) -> InsuranceRecord | None:
    """The insurance record for a citizen ID or BHXH code, or None (see the module docstring).

    `citizen` is the person when the caller already has them and the derived population does not
    (a child registered through civil status); it must be the person `identifier` resolves to.
    """
    resolved = resolve_holder(population, identifier)
    if resolved is None:
        return None
    id12, code = resolved
    persona = persona_for(id12)
    if persona is not None and persona.outcome == "no_insurance":
        return None
    if citizen is None:
        citizen = population.citizen(id12)
    elif citizen.id != id12:
        raise ValueError(f"citizen {citizen.id} is not the holder of {identifier}")
    if citizen is None:
        return None
    today = population.today
    r = rng(population.seed, "insurance", id12)
    age = age_on(citizen.birth_date, today)
    retired_at = 60 if citizen.sex == MALE else 55
    if age < CHILD_UNDER_YEARS:
        group = CHILD_GROUP
    elif age < 18:
        group = "HS"
    elif age < 23:
        group = "SV" if r.random() < 0.6 else "GD"
    elif age >= retired_at:
        group = "HT" if r.random() < 0.6 else "GD"
    else:
        group = r.choices([g for g, _ in _WORKING_GROUPS], weights=[w for _, w in _WORKING_GROUPS])[0]
    level = benefit_level(group)
    home = citizen.permanent_residence
    card = f"{group}{level}{home.province_code}{code}"

    valid_from = max(date(today.year, 1, 1), citizen.birth_date)
    valid_to = date(today.year, 12, 31)
    if group == CHILD_GROUP:
        # The TE card covers the child until the day before the 6th birthday.
        sixth = _anniversary(citizen.birth_date, CHILD_UNDER_YEARS)
        valid_to = min(valid_to, sixth - timedelta(days=1))
    if persona is not None and persona.outcome == "expired_health_card":
        valid_from, valid_to = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    elif citizen.death_date is not None:
        valid_from, valid_to = date(citizen.death_date.year, 1, 1), citizen.death_date

    cat = catalogues()
    kind = r.choice(cat["hospital_kinds"])
    if kind.endswith("tỉnh"):
        hospital_name = f"{kind} {province(home.province_code).name}"
    else:
        commune = r.choice(communes(home.province_code))["name"]
        hospital_name = f"{kind} {commune.split(' ', 1)[1]}"
    hospital_code = f"{home.province_code}{r.randrange(1, 300):03d}"

    if group in _EMPLOYED:
        employer = f"{r.choice(cat['employer_kinds'])} {r.choice(cat['enterprise_name_words'])}"
        months = r.randint(1, max(1, (age - 21) * 12))
        contributions = Contributions(months, employer, r.randrange(4_960, 30_000) * 1000)
    elif group == "HT":
        contributions = Contributions(r.randint(240, 420), None, 0)
    else:
        contributions = Contributions(0, None, 0)

    return InsuranceRecord(
        bhxh_code=code,
        citizen_id=id12,
        name=citizen.name,
        birth_date=citizen.birth_date,
        sex=citizen.sex,
        health_card=card,
        beneficiary_group=group,
        benefit_level=level,
        card_valid_from=valid_from,
        card_valid_to=valid_to,
        hospital_code=hospital_code,
        hospital_name=hospital_name,
        contributions=contributions,
        household=_household(population, citizen),
    )


def _household(population: Population, citizen) -> tuple[HouseholdMember, ...]:
    """The insurance household: its head, the head's spouse and this person (children are not
    enumerable from IDs, so other members appear only on their own records)."""
    head = citizen.household_head
    members = [HouseholdMember(head.id, head.name, "Chủ hộ")]
    head_parts = parts_of(head.id)
    spouse = population.spouse_id(head.id, head_parts)
    if spouse is not None:
        relation = "Vợ" if head_parts.sex == MALE else "Chồng"
        members.append(HouseholdMember(spouse, population.name_of(spouse, parts_of(spouse)), relation))
    if citizen.id not in {m.id for m in members}:
        parent_ids = {rel.id for rel in (citizen.father, citizen.mother) if rel}
        relation = "Con" if head.id in parent_ids else "Thành viên"
        members.append(HouseholdMember(citizen.id, citizen.name, relation))
    return tuple(members)
