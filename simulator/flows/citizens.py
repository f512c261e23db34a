"""Online applicants, drawn from the one population every system answers for.

An applicant is a living adult of the sandbox population (`simulator.identity`): the name,
citizen ID, phone and birth year on an online submission are that person's, so a connector that
looks the applicant up in the population database (or in insurance, civil status, ...) finds
the same person. Draws are deterministic in the caller's `random.Random`; the birth province is
mostly a pre-2025 part of the submitting province.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from flask import has_app_context

from simulator import config
from simulator.identity import Population
from simulator.identity.kinship import compose_id
from simulator.identity.rules import FEMALE, MALE, age_on
from simulator.portal.accounts import tech_id
from simulator.provinces import all_provinces
from simulator.systems import people

ADULT_AGE = 18
# Draws allowed before giving up (about 1 in 30 draws is a missing or dead person; never 200 in a row).
MAX_DRAWS = 200


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


def old_codes_of(province: str) -> tuple[str, ...]:
    """The pre-2025 province codes merged into a current province (itself when not merged)."""
    found = next((p for p in all_provinces() if p.code == province), None)
    return found.old_codes if found and found.old_codes else (province,)


def population_for(seed: int) -> Population:
    """The population of `seed`: the running app's (same missing share and cache), else the defaults."""
    if has_app_context():
        current = people.current_population()
        if current.seed == seed:
            return current
    return people.population(seed, config.SETTINGS["missing_share"].default)


def applicant(rng: random.Random, province: str, seed: int, population: Population | None = None) -> Applicant:
    """A living adult of the population drawn from `rng`, born in (a pre-2025 part of) `province` mostly."""
    pop = population or population_for(seed)
    for _ in range(MAX_DRAWS):
        sex = FEMALE if rng.random() < 0.5 else MALE
        birth_year = rng.randint(1950, pop.today.year - ADULT_AGE)
        origin = rng.choice(old_codes_of(province)) if rng.random() < 0.85 else rng.choice(old_codes_of("01"))
        citizen_id = compose_id(f"0{origin}", sex, birth_year, rng.randrange(1_000_000))
        person = pop.citizen(citizen_id)
        if person is None or person.deceased or age_on(person.birth_date, pop.today) < ADULT_AGE:
            continue
        return Applicant(
            name=person.name.full,
            citizen_id=citizen_id,
            birth_year=person.birth_year,
            female=person.sex == FEMALE,
            phone=person.phone,
            email=f"cd{citizen_id[-6:]}@example.vn",
            tech_id=tech_id(seed, citizen_id),  # what TraCuuTechID answers for this ID
        )
    raise RuntimeError(f"no living adult found in {MAX_DRAWS} draws (missing_share {pop.missing_share})")
