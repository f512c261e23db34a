"""What every example builder shares: the ids the examples use, the seed-derived context and the registry.

A builder is registered with `@example(method, path template)` and returns the operation's
body examples; `apply` (the package) puts them into the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.clients import ProvinceClient
from simulator.identity.personas import with_outcome
from simulator.identity.population import Population
from simulator.identity.records import Citizen

PROVINCE = "56"
# The unit whose dossiers the examples carry, and one dossier code per system (codes must not clash).
AGENCY = f"000.00.01.H{PROVINCE}"
DAY = "261126"
PORTAL_DOSSIER = f"{AGENCY}-{DAY}-0001"
CODES = {
    "births": f"{AGENCY}-{DAY}-0101",
    "deaths": f"{AGENCY}-{DAY}-0102",
    "marriages": f"{AGENCY}-{DAY}-0103",
    "marital": f"{AGENCY}-{DAY}-0104",
    "judicial": f"{AGENCY}-{DAY}-0201",
    "lltp": f"{AGENCY}-{DAY}-0202",
    "environment": f"{AGENCY}-{DAY}-0301",
}
PAYMENT_REFERENCE = f"{PORTAL_DOSSIER}-LP01"
MESSAGES_REFERENCE = f"{PORTAL_DOSSIER}-LP02"
TIME = "20261126090000"
ENTERPRISE = "0100233488"
RULE_ID = "population-slow"
SESSION_NOTE = "Replace with the `session` that POST /dvcqg/api/auth answers (its own example logs in as province 56)."
SESSION_PLACEHOLDER = "<session from POST /dvcqg/api/auth>"
TOKEN_NOTE = "The payer page token: the last path segment of `UrlThanhToan` in the reply to a payment INIT (POST /payment/init's example)."
SOAP_TYPES = ("text/xml", "application/xml", "application/soap+xml")
SOAP_NS = "http://dancuquocgia.bca"


@dataclass(frozen=True)
class Context:
    """What the examples are derived from: the seed's province 56 client and population."""

    client: ProvinceClient
    population: Population

    def citizen(self, outcome: str) -> Citizen:
        """The population record of the persona with this outcome."""
        return self.population.citizen(with_outcome(outcome).identifier)


# A body example: {media type: {example name: {"summary", "value", optional "description"}}}.
Bodies = dict[str, dict[str, dict[str, Any]]]
Builder = Callable[[Context], Bodies]
EXAMPLES: dict[tuple[str, str], Builder] = {}


def example(method: str, path: str) -> Callable[[Builder], Builder]:
    """Register the body example builder of one operation."""

    def register(fn: Builder) -> Builder:
        EXAMPLES[(method.lower(), path)] = fn
        return fn

    return register


def one(value: Any, summary: str, description: str = "", media: str = "application/json") -> Bodies:
    """A single example for one media type."""
    entry = {"summary": summary, "value": value}
    if description:
        entry["description"] = description
    return {media: {"default": entry}}
