"""The one registry of simulated systems: each declares itself once, everything else reads it.

A system (the portal, the NGSP gateway, each ministry system) is one module that declares a
`SystemSpec` at import: `SPEC = declare(system(name, __name__, ...))`. What it does is said in
code: the operations the fault engine reports for it, the result events it pushes to
connectors (and how the job runner's periodic sweep sends them) and its error format. How it
is presented is data, in `simulator/data/systems.json`: the declaring module (imported by
`load`, in the order the dashboard draws systems), its labels and sector, the description its
OpenAPI tag carries and the settings it reads. `blueprint(spec)` builds a system's
flask-smorest blueprint from the same facts. The gateway, the fault classifier and rule
validation, the fault engine's error bodies, the runner's sweep, the push events, the
dashboard and the docs read `systems()`; adding a system is one module plus its entry in
systems.json (see docs/extending.md).

Names are spelled with underscores everywhere (`civil_status`, not `civil-status`), and a
ministry system's own prefix is `/` + its name, so a path, a rule and a journal row agree.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_smorest import Blueprint

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "systems.json"


@dataclass(frozen=True)
class Labels:
    """How the dashboard and the docs present a system: its name and sector in Vietnamese and English."""

    label_vi: str
    label_en: str
    sector_vi: str
    sector_en: str
    # The OpenAPI description of the system's blueprint (its tag in /docs).
    description: str = ""


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict]:
    """The systems.json entries by system name, in file order."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {entry["name"]: entry for entry in data["systems"]}


def modules() -> tuple[str, ...]:
    """The modules that declare a system, in the order the dashboard draws them."""
    return tuple(entry["module"] for entry in _entries().values())


@dataclass(frozen=True)
class SystemSpec:
    """One simulated system as the rest of the sandbox sees it."""

    name: str
    module: str  # the declaring module's __name__ (orders the registry as systems.json does)
    labels: Labels
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
        labels = {key: value for key, value in asdict(self.labels).items() if key != "description"}
        return {
            "name": self.name,
            **labels,
            "prefix": self.prefix,
            "operations": list(self.operations),
            "events": list(self.events),
            "settings": list(self.settings),
        }


def system(name: str, module: str, *, ministry: bool = True, labels: Labels | None = None, **facts: Any) -> SystemSpec:
    """A system's spec: its labels and settings from systems.json (or given, for a system not listed there).

    A ministry system's prefix is `/` + its name; `facts` are the other `SystemSpec` fields
    (operations, events, error_body, render, sweep, flat_events).
    """
    entry = _entries().get(name)
    if labels is None:
        if entry is None:
            raise ValueError(f"system {name!r} has no entry in {DATA_FILE.name}: add one or pass labels=")
        labels = Labels(entry["label_vi"], entry["label_en"], entry["sector_vi"], entry["sector_en"], entry["description"])
    if "settings" not in facts and entry is not None:
        facts["settings"] = tuple(entry["settings"])
    return SystemSpec(name, module, labels, prefix="/" + name if ministry else None, **facts)


def blueprint(spec: SystemSpec, url_prefix: str | None = None) -> Blueprint:
    """The system's flask-smorest blueprint: named after it, on its own prefix, described as in systems.json."""
    return Blueprint(spec.name, spec.module, url_prefix=url_prefix or spec.prefix, description=spec.labels.description)


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
    for module in modules():
        importlib.import_module(module)


def systems() -> tuple[SystemSpec, ...]:
    """Every declared system, in systems.json order (a system not listed there last)."""
    global _ORDERED
    if _ORDERED is None:
        load()
        order = {module: i for i, module in enumerate(modules())}
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
