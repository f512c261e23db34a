"""What the runner can do: job handlers by kind and periodic tasks, registered by their features."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from simulator.jobs.queue import Job
from simulator.registrar import file_under


@dataclass(frozen=True)
class Result:
    """The outcome of one attempt: success, the HTTP status seen (if any) and the error (if any)."""

    ok: bool
    http_status: int | None = None
    error: str = ""


@dataclass(frozen=True)
class RunContext:
    """What a handler or task may use: the database, the settings and the sandbox file path."""

    db: sqlite_utils.Database
    settings: dict


Handler = Callable[[Job, RunContext], Result]
Task = Callable[[RunContext], None]

HANDLERS: dict[str, Handler] = {}
TASKS: dict[str, Task] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler of a job kind."""
    return file_under(HANDLERS, kind)


def periodic(name: str) -> Callable[[Task], Task]:
    """Register a task the lease holder runs on every tick (arrivals, simulated citizens, ...)."""
    return file_under(TASKS, name)
