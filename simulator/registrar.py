"""Registration by decorator: a function files itself in a module's table under a name.

Job handlers (`jobs.registry.handler`), periodic tasks (`jobs.registry.periodic`) and the
portal's services (`portal.services.handles`) are found by name in a dict their module owns;
each decorator files the function it wraps there and returns it unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def file_under(table: dict[str, F], name: str) -> Callable[[F], F]:
    """A decorator that stores the function it wraps as `table[name]` and returns it unchanged."""

    def register(fn: F) -> F:
        table[name] = fn
        return fn

    return register
