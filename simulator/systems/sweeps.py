"""The job runner's periodic sweep: ministry results that became ready are sent without waiting for a poll."""

from __future__ import annotations

from simulator.clock import shared_clock
from simulator.jobs.registry import RunContext, periodic
from simulator.systems import registry


@periodic("ministry_results")
def sweep_ministry_results(ctx: RunContext) -> None:
    """Run every system's declared sweep at the sandbox's simulated now."""
    now = shared_clock(ctx.settings["db"]).timestamp()
    for spec in registry.systems():
        if spec.sweep is not None:
            spec.sweep(ctx, now)
