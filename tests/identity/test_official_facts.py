"""The facts a Vietnamese official would check, on thousands of derived people, by independent validators.

Ages by dateutil, benefit levels by the Decision 1351/QĐ-BHXH table typed in `official.py`, tax codes
by python-stdnum and the tax authority's prefix list, communes by the vietnam-provinces package: none
of them is the generator's own code.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest
from faker import Faker
from vietnam_provinces import Ward

from simulator.flows import citizens
from simulator.identity.population import Population
from simulator.identity.providers import ALL_PROVIDERS, sandbox_provider
from tests.identity.official import (
    BENEFIT_LEVEL,
    MARRIAGE_AGE,
    TAX_PREFIX_OF_STAT_CODE,
    TAX_PREFIXES,
    TE_UNDER,
    full_age,
    is_valid_mst,
)
from tests.identity.samples import random_msts, sample_ids

# A day that puts the edge personas on both sides of their birthdays.
EDGE_DAY = date(2026, 11, 28)
DATA = Path(__file__).resolve().parents[2] / "simulator" / "data"
OFFICIAL_COMMUNES = {f"{int(w.code):05d}": f"{int(w.province_code):02d}" for w in Ward.iter_all()}
SAMPLE = 6000


@pytest.fixture(scope="module")
def edge_population() -> Population:
    return Population(seed=20250701, today=EDGE_DAY)


@pytest.fixture(scope="module")
def sampled(edge_population):
    people = [edge_population.citizen(i) for i in sample_ids(SAMPLE, 16, EDGE_DAY.year)]
    return [p for p in people if p is not None]


def test_the_sample_is_large_and_varied(sampled):
    assert len(sampled) > SAMPLE * 0.95
    assert sum(p.marital_status == "married" for p in sampled) > 1000
    assert sum(full_age(p.birth_date, EDGE_DAY) < TE_UNDER for p in sampled) > 100


def test_nobody_is_married_below_the_legal_age(edge_population, sampled):
    checked = 0
    for person in sampled:
        if person.spouse is None:
            continue
        spouse = edge_population.citizen(person.spouse.id)
        assert spouse.spouse.id == person.id
        for someone in (person, spouse):
            assert full_age(someone.birth_date, EDGE_DAY) >= MARRIAGE_AGE[someone.sex], someone
        checked += 1
    assert checked > 1000


def test_born_in_the_boundary_year_but_before_the_birthday_is_single(edge_population, sampled):
    # Women born in 2008 after 28 Nov and men born in 2006 after 28 Nov are not of age yet.
    young = [p for p in sampled if (p.sex, p.birth_year) in {("female", 2008), ("male", 2006)}]
    not_yet = [p for p in young if full_age(p.birth_date, EDGE_DAY) < MARRIAGE_AGE[p.sex]]
    assert not_yet and all(p.spouse is None and p.marital_status == "single" for p in not_yet)


def test_health_cards_carry_the_decision_1351_level_and_te_is_under_full_six(edge_population, sampled):
    checked = te = 0
    for person in sampled:
        record = edge_population.insurance(person.id)
        if record is None:
            continue
        checked += 1
        group, level = record.health_card[:2], int(record.health_card[2])
        assert group == record.beneficiary_group and level == record.benefit_level == BENEFIT_LEVEL[group]
        under_six = full_age(person.birth_date, EDGE_DAY) < TE_UNDER
        assert (group == "TE") == under_six, (person.id, person.birth_date, group)
        if group == "TE":
            te += 1
            sixth = person.birth_date.replace(year=person.birth_date.year + 6) if (
                person.birth_date.month, person.birth_date.day) != (2, 29) else date(person.birth_date.year + 6, 3, 1)  # fmt: skip
            assert record.card_valid_to < sixth
    assert checked > 3000 and te > 50


def test_the_benefit_table_is_the_decision_table():
    data = json.loads((DATA / "health_insurance.json").read_text(encoding="utf-8"))
    table = {g: int(level) for level, entry in data["levels"].items() for g in entry["groups"]}
    assert table == BENEFIT_LEVEL and "1351" in data["_source"]


def test_addresses_name_official_communes_of_their_province(sampled):
    for person in sampled:
        for place in (person.permanent_residence, person.current_residence, person.birth_place, person.home_town):
            assert OFFICIAL_COMMUNES[place.commune_code] == place.province_code, place


def test_agencies_are_built_from_official_commune_names():
    raw = json.loads((DATA / "agencies.json").read_text(encoding="utf-8"))
    names_by_province: dict[str, set[str]] = {}
    for ward in Ward.iter_all():
        names_by_province.setdefault(f"{int(ward.province_code):02d}", set()).add(" ".join(ward.name.split()))
    for province, names in raw["communes"].items():
        assert set(names) <= names_by_province[province], province


def test_enterprise_codes_carry_the_tax_authority_prefix_of_the_representative(edge_population):
    found = 0
    for msdn in random_msts(random.Random(5), TAX_PREFIXES, SAMPLE):
        ent = edge_population.enterprise(msdn)
        if ent is None:
            continue
        found += 1
        assert is_valid_mst(ent.msdn)
        assert ent.msdn[:2] == TAX_PREFIX_OF_STAT_CODE[ent.representative.id[1:3]]
        assert full_age(edge_population.citizen(ent.representative.id).birth_date, ent.first_registered) >= 18
    assert found > 3000


def test_ho_chi_minh_city_codes_start_with_03_not_79(edge_population):
    assert edge_population.enterprise("0303000023").head_office.province_code == "79"
    assert is_valid_mst("0303000023") and edge_population.enterprise("7903000028") is None


@pytest.mark.parametrize(
    "pid, born, married_ok",
    [("001308000014", date(2008, 11, 20), True), ("001308000015", date(2008, 12, 1), False),
     ("079206000016", date(2006, 11, 25), True)],
)  # fmt: skip
def test_edge_age_personas(edge_population, pid, born, married_ok):
    person = edge_population.citizen(pid)
    assert person.birth_date == born and person.marital_status == "single"
    assert (full_age(born, EDGE_DAY) >= MARRIAGE_AGE[person.sex]) is married_ok


def test_child_turning_six_this_year_holds_a_te_card(edge_population):
    child = edge_population.citizen("048320000017")
    card = edge_population.insurance("048320000017")
    assert full_age(child.birth_date, EDGE_DAY) == 5 and EDGE_DAY.year - child.birth_year == 6
    assert card.health_card.startswith("TE1") and card.card_valid_to == date(2026, 12, 14)


def test_widow_persona_reads_widowed_and_her_husband_deceased(edge_population):
    widow = edge_population.citizen("040162000018")
    husband = edge_population.citizen(widow.spouse.id)
    assert widow.marital_status == "widowed" and husband.deceased and husband.death_date == date(2025, 3, 10)
    assert husband.spouse.id == widow.id


def test_faker_citizens_are_people_of_the_population(edge_population):
    fake = Faker("vi_VN")
    for provider in ALL_PROVIDERS:
        fake.add_provider(provider)
    fake.seed_instance(7)
    population = fake.sandbox_population()
    for _ in range(300):
        record = fake.sandbox_citizen(min_age=18)
        person = population.citizen(record["citizen_id"])
        assert person.name.full == record["full_name"] and person.birth_date.isoformat() == record["birth_date"]
        assert full_age(person.birth_date, population.today) >= 18 and not person.deceased
        if record["health_card"]:
            assert population.insurance(record["citizen_id"]).health_card == record["health_card"]
    for status in ("active", "dissolved"):
        ent = fake.sandbox_enterprise(status=status)
        assert population.enterprise(ent["msdn"]).name == ent["name"] and ent["legal_status"] == status
        assert population.enterprises_of(ent["representative_id"]) == [ent["msdn"]]


def test_faker_binds_another_seed():
    fake = Faker("vi_VN")
    fake.add_provider(sandbox_provider(99, 0.0))
    fake.seed_instance(1)
    record = fake.sandbox_citizen(sex="female", min_age=30, max_age=40, province="79")
    person = Population(99, 0.0).citizen(record["citizen_id"])
    assert person.name.full == record["full_name"] and person.sex == "female"
    assert record["citizen_id"][1:3] in {"74", "77", "79"}  # Bình Dương, Bà Rịa - Vũng Tàu, Ho Chi Minh City
    with pytest.raises(ValueError):
        fake.sandbox_citizen(min_age=40, max_age=30)


def test_online_applicants_are_living_adults_of_the_population(edge_population):
    for n in range(300):
        person = citizens.applicant(random.Random(n), "56", 20250701, edge_population)
        citizen = edge_population.citizen(person.citizen_id)
        assert citizen is not None and not citizen.deceased and citizen.name.full == person.name
        assert full_age(citizen.birth_date, EDGE_DAY) >= 18 and citizen.phone == person.phone
