"""Personas: fixed identifiers with known outcomes, read from `simulator/data/personas.json`.

Tests and trainers pick an outcome by picking an identifier. The population honours the
identity-related outcomes itself; judicial and payment outcomes are read by the modules that
imitate those systems through `persona_outcome(identifier)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from simulator.identity.reference_data import load

# Outcomes the population itself acts on; the rest are for other systems.
CITIZEN_OUTCOMES = frozenset(
    {
        "not_found",
        "deceased",
        "residence_changed",
        "married",
        "single_adult",
        "expired_health_card",
        "no_insurance",
        "child_born_2020",
        "adult_just_18",
        "minor_turning_18",
        "adult_just_20",
        "child_turning_6",
        "widowed",
    }
)
ENTERPRISE_OUTCOMES = frozenset({"enterprise_dissolved", "enterprise_suspended"})


@dataclass(frozen=True)
class Persona:
    """One documented identifier and the outcome every system gives it."""

    identifier: str
    kind: str  # "citizen" (12-digit ID) or "enterprise" (10-digit msdn)
    outcome: str
    description_en: str
    description_vi: str
    systems: tuple[str, ...]
    facts: dict = field(default_factory=dict, hash=False)  # outcome details, e.g. death_date


@lru_cache(maxsize=1)
def personas() -> tuple[Persona, ...]:
    """Every persona, in file order."""
    return tuple(
        Persona(
            p["identifier"],
            p["kind"],
            p["outcome"],
            p["description_en"],
            p["description_vi"],
            tuple(p["systems"]),
            dict(p.get("facts", {})),
        )
        for p in load("personas")["personas"]
    )


@lru_cache(maxsize=1)
def _by_identifier() -> dict[str, Persona]:
    return {p.identifier: p for p in personas()}


def persona_for(identifier: str) -> Persona | None:
    """The persona with this identifier, or None for an ordinary identifier."""
    return _by_identifier().get(identifier)


def persona_outcome(identifier: str) -> str | None:
    """The outcome key of a persona identifier (e.g. "payment_declined"), or None."""
    persona = _by_identifier().get(identifier)
    return persona.outcome if persona else None


def with_outcome(outcome: str) -> Persona:
    """The (first) persona with this outcome; KeyError if none."""
    for persona in personas():
        if persona.outcome == outcome:
            return persona
    raise KeyError(outcome)
