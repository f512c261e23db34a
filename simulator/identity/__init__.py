"""The synthetic Vietnamese population: citizens, insurance and enterprises derived from (seed, ID)."""

from simulator.identity.overlays import apply_overlays
from simulator.identity.personas import persona_for, persona_outcome, personas
from simulator.identity.population import Population
from simulator.identity.rules import InvalidIdentifier
from simulator.identity.wire import to_bhxh, to_congdan, to_doanhnghiep

__all__ = [
    "InvalidIdentifier",
    "Population",
    "apply_overlays",
    "persona_for",
    "persona_outcome",
    "personas",
    "to_bhxh",
    "to_congdan",
    "to_doanhnghiep",
]
