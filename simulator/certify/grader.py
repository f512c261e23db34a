"""Grading: each requirement's check reads the campaign record and the connector's exchanges.

The checks live in `simulator.certify.checks`, one module per thing they check; this module
joins their declarations into one table (requirement id → check) and runs the profile's
requirements. What a check answers (pass, fail, not exercised, inconclusive) is described in
`simulator.certify.checks.context`.
"""

from __future__ import annotations

from collections.abc import Callable

from simulator.certify.capture import Exchange
from simulator.certify.checks import faults, ministries, progress, pushes, syncs
from simulator.certify.checks.context import INCONCLUSIVE, Context, Result
from simulator.certify.options import Options
from simulator.certify.record import CampaignRecord
from simulator.certify.requirements import Requirement, for_profile

Check = Callable[[Context, Requirement], Result]


def joined(*tables: dict[str, Check]) -> dict[str, Check]:
    """The modules' check tables as one; a requirement id declared twice is an error, never a silent override."""
    out: dict[str, Check] = {}
    for table in tables:
        twice = sorted(out.keys() & table.keys())
        if twice:
            raise ValueError(f"requirement(s) {', '.join(twice)} declared by two check modules")
        out.update(table)
    return out


CHECKS = joined(pushes.CHECKS, syncs.CHECKS, progress.CHECKS, faults.CHECKS, ministries.CHECKS)


def grade(record: CampaignRecord, exchanges: list[Exchange], options: Options) -> list[Result]:
    """Every requirement of the profile, graded; a phase that did not run leaves its checks inconclusive."""
    ctx = Context(record, exchanges, options)
    out = []
    for req in for_profile(options.profile):
        if req.phase not in record.phases:
            out.append(Result(req, INCONCLUSIVE, f"phase {req.phase} did not run" + (" (the check stopped early)" if record.error else "")))
            continue
        out.append(CHECKS[req.id](ctx, req))
    return out
