"""The systems the dashboard draws: the portal, the NGSP gateway and the ministry systems.

Read from the one registry (`simulator.systems.registry`), so names match the fault engine's
system names (`match.system` in rules, `system` in the journal) and labels are declared once.
"""

from __future__ import annotations

from simulator.systems.registry import SystemSpec, systems


def map_systems() -> tuple[SystemSpec, ...]:
    """Every system of the map, in the registry's order."""
    return systems()


def system_names() -> tuple[str, ...]:
    """The names of every system of the map."""
    return tuple(s.name for s in systems())
