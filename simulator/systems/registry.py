"""The one registry of simulated systems: each declares itself once, everything else reads it.

A system (the portal, the NGSP gateway, each ministry system) is one module that declares a
`SystemSpec` at import with `declare(...)`: its name (the fault engine's `match.system`, the
journal's `system`, the gateway segment `/ngsp/{name}/...`), its own URL prefix, its error
format, the operations the fault engine reports for it, the result events it pushes to
connectors (and how the job runner's periodic sweep sends them), the settings it reads and
its dashboard labels. The gateway, the fault classifier and rule validation, the fault
engine's error bodies, the runner's sweep, the push events, the dashboard and the docs read
`systems()`; adding a system is one module plus one line in `MODULES` (see docs/extending.md).

Names are spelled with underscores everywhere (`civil_status`, not `civil-status`), and a
ministry system's own prefix is `/` + its name, so a path, a rule and a journal row agree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

# Modules that declare a system, in the order the dashboard draws them. Ministry modules also
# expose `blp`, the flask-smorest blueprint mounted on their prefix.
MODULES: tuple[str, ...] = (
    "simulator.portal.routes",
    "simulator.gateway.routes",
    "simulator.systems.population",
    "simulator.systems.civil_status",
    "simulator.systems.judicial_record",
    "simulator.systems.business_registration",
    "simulator.systems.social_insurance",
    "simulator.systems.environment",
    "simulator.systems.payment.routes",
)


@dataclass(frozen=True)
class SystemSpec:
    """One simulated system as the rest of the sandbox sees it."""

    name: str
    module: str  # the declaring module's __name__ (orders the registry as MODULES does)
    label_vi: str
    label_en: str
    sector_vi: str
    sector_en: str
    # The ministry system's own URL prefix (`/population`); None for the portal and the gateway.
    prefix: str | None = None
    # What the fault engine reports as `operation` for this system (rules may name only these).
    operations: tuple[str, ...] = ()
    # Result events the system pushes to connectors (`civil_status.result`).
    events: tuple[str, ...] = ()
    # error_body(status, message, code=None) -> dict: the system's own error reply.
    error_body: Callable[..., dict] | None = None
    # render(status, body, code) -> Response for a non-JSON error (e.g. a SOAP Fault).
    render: Callable | None = None
    # Names of the settings (`simulator.config`) the system reads; the docs list them under it.
    settings: tuple[str, ...] = field(default=())
    # sweep(ctx, now) -> int: send the result events that became due by simulated POSIX time
    # `now` without waiting for a poll (called by the job runner's periodic sweep).
    sweep: Callable | None = None
    # Whether its result events are posted flat (the message at the top level, as the payment
    # platform's callback is) rather than inside the portal's `{event, data}` envelope.
    flat_events: bool = False

    @property
    def is_ministry(self) -> bool:
        """Whether this is a ministry system reached through the gateway (it has its own prefix)."""
        return self.prefix is not None

    def as_dict(self) -> dict:
        """The system as the dashboard's state endpoint and the docs list it."""
        return {
            "name": self.name,
            "label_vi": self.label_vi,
            "label_en": self.label_en,
            "sector_vi": self.sector_vi,
            "sector_en": self.sector_en,
            "prefix": self.prefix,
            "operations": list(self.operations),
            "events": list(self.events),
            "settings": list(self.settings),
        }


_DECLARED: dict[str, SystemSpec] = {}
# `systems()` in order, computed once after every module is imported (the gateway asks on every
# call); a later `declare` clears it.
_ORDERED: tuple[SystemSpec, ...] | None = None


def declare(spec: SystemSpec) -> SystemSpec:
    """Declare a system (called once at its module's import); the fault engine reads its error format from here."""
    if spec.prefix is not None and spec.prefix != "/" + spec.name:
        raise ValueError(f"system {spec.name!r}: its prefix must be /{spec.name}, got {spec.prefix!r}")
    global _ORDERED
    _DECLARED[spec.name] = spec
    _ORDERED = None
    return spec


def withdraw(name: str) -> None:
    """Remove a declared system (a test-only or plug-in system going away); unknown names are ignored."""
    global _ORDERED
    _DECLARED.pop(name, None)
    _ORDERED = None


def load() -> None:
    """Import every system module, so the registry is complete whoever asks first."""
    for module in MODULES:
        importlib.import_module(module)


def systems() -> tuple[SystemSpec, ...]:
    """Every declared system, in `MODULES` order."""
    global _ORDERED
    if _ORDERED is None:
        load()
        order = {module: i for i, module in enumerate(MODULES)}
        _ORDERED = tuple(sorted(_DECLARED.values(), key=lambda s: order.get(s.module, len(order))))
    return _ORDERED


def names() -> tuple[str, ...]:
    """Every system name, in order."""
    return tuple(s.name for s in systems())


def get(name: str) -> SystemSpec | None:
    """The system called `name`, or None."""
    systems()  # imports every system module once
    return _DECLARED.get(name)


def ministry_systems() -> tuple[SystemSpec, ...]:
    """The ministry systems (each with its own prefix and a route through the gateway)."""
    return tuple(s for s in systems() if s.is_ministry)


def prefixes() -> dict[str, str]:
    """Ministry system name -> its own URL prefix (a new dict; the gateway routes with `prefix_of`)."""
    return {s.name: s.prefix for s in ministry_systems()}


def prefix_of(name: str) -> str | None:
    """The URL prefix of ministry system `name`, or None (no new dict: the gateway asks on every call)."""
    spec = _DECLARED.get(name) if _ORDERED is not None else get(name)
    return spec.prefix if spec is not None else None


def by_path(path: str) -> SystemSpec | None:
    """The ministry system owning `path`, by its own prefix or its gateway route `/ngsp/{name}/`."""
    for spec in ministry_systems():
        if path == spec.prefix or path.startswith(spec.prefix + "/") or path.startswith(f"/ngsp/{spec.name}/"):
            return spec
    return None


def result_events() -> tuple[str, ...]:
    """Every result event a system pushes to connectors, in registry order."""
    return tuple(event for spec in systems() for event in spec.events)


def flat_events() -> tuple[str, ...]:
    """The result events posted flat (outside the portal's envelope)."""
    return tuple(event for spec in systems() if spec.flat_events for event in spec.events)
