"""Every persona behaves as its description says."""

from datetime import date

import pytest

from simulator.identity.personas import persona_for, persona_outcome, personas, with_outcome
from simulator.identity.population import Population
from simulator.identity.rules import check_citizen_id, check_tax_code
from tests.identity.conftest import TODAY
from tests.identity.official import full_age

REQUIRED = {"not_found", "deceased", "residence_changed", "married", "single_adult", "expired_health_card",
            "no_insurance", "enterprise_dissolved", "enterprise_suspended", "judicial_conviction",
            "judicial_rejected", "payment_declined", "payment_pending", "child_born_2020", "slow_ministry"}  # fmt: skip


def test_personas_cover_every_outcome_with_valid_identifiers():
    assert len(personas()) >= 14
    assert {p.outcome for p in personas()} >= REQUIRED
    for p in personas():
        assert p.description_en and p.description_vi and p.systems
        if p.kind == "citizen":
            check_citizen_id(p.identifier, TODAY)
        else:
            check_tax_code(p.identifier)
        assert persona_for(p.identifier) is p and persona_outcome(p.identifier) == p.outcome
    assert persona_outcome("079190123456") is None


@pytest.fixture(params=[20250701, 1, 99], ids=lambda s: f"seed{s}")
def any_population(request) -> Population:
    """Personas must hold whatever the sandbox seed."""
    return Population(seed=request.param, today=TODAY)


def test_not_found(any_population):
    pid = with_outcome("not_found").identifier
    assert any_population.citizen(pid) is None and any_population.insurance(pid) is None


def test_deceased(any_population):
    citizen = any_population.citizen(with_outcome("deceased").identifier)
    assert citizen.deceased and citizen.death_date == date(2024, 3, 15)


def test_residence_changed(any_population):
    citizen = any_population.citizen(with_outcome("residence_changed").identifier)
    assert citizen.current_residence.province_code != citizen.permanent_residence.province_code


def test_married_has_a_spouse_who_names_them_back(any_population):
    citizen = any_population.citizen(with_outcome("married").identifier)
    assert citizen.marital_status == "married"
    spouse = any_population.citizen(citizen.spouse.id)
    assert spouse.spouse.id == citizen.id


def test_single_adult(any_population):
    citizen = any_population.citizen(with_outcome("single_adult").identifier)
    assert citizen.spouse is None and citizen.marital_status == "single"
    assert TODAY.year - citizen.birth_year >= 18


def test_expired_health_card(any_population):
    record = any_population.insurance(with_outcome("expired_health_card").identifier)
    assert record.card_valid_to < TODAY


def test_no_insurance(any_population):
    pid = with_outcome("no_insurance").identifier
    assert any_population.citizen(pid) is not None
    assert any_population.insurance(pid) is None


@pytest.mark.parametrize(("outcome", "status"), [("enterprise_dissolved", "dissolved"),
                                                 ("enterprise_suspended", "suspended")])  # fmt: skip
def test_enterprise_status(any_population, outcome, status):
    msdn = with_outcome(outcome).identifier
    ent = any_population.enterprise(msdn)
    assert ent.legal_status == status
    assert any_population.enterprises_of(ent.representative.id) == [msdn]
    assert any_population.to_doanhnghiep(ent)["TinhTrangPhapLy"][0]["MaTinhTrangPhapLy"] == status


def test_child_born_2020(any_population):
    pid = with_outcome("child_born_2020").identifier
    assert pid[3] in "23"
    child = any_population.citizen(pid)
    assert child.birth_year == 2020 and child.spouse is None
    assert child.father is not None and child.household_head.id == child.father.id
    # children under full six years hold a TE card, pupils an HS card (birthday-aware)
    expected = "TE" if full_age(child.birth_date, TODAY) < 6 else "HS"
    assert any_population.insurance(pid).beneficiary_group == expected


@pytest.mark.parametrize("outcome", ["judicial_conviction", "judicial_rejected", "payment_declined",
                                     "payment_pending", "slow_ministry"])  # fmt: skip
def test_other_system_outcomes_are_ordinary_living_citizens(any_population, outcome):
    pid = with_outcome(outcome).identifier
    assert persona_outcome(pid) == outcome
    citizen = any_population.citizen(pid)
    assert citizen is not None and not citizen.deceased
