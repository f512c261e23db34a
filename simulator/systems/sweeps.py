"""The job runner's periodic sweep: ministry results that became ready are sent without waiting for a poll."""

from __future__ import annotations

from simulator.clock import shared_clock
from simulator.jobs.registry import RunContext, periodic


@periodic("ministry_results")
def sweep_ministry_results(ctx: RunContext) -> None:
    """Finish due civil-status dossiers and queue judicial-record and environment callbacks."""
    from simulator.systems import environment, judicial_record
    from simulator.systems.civil_status import store as civil_status

    now = shared_clock(ctx.settings["db"]).timestamp()
    civil_status.sweep_ready(ctx.db, now)
    judicial_record.sweep_ready(ctx.db, now)
    environment.sweep_ready(ctx.db, now, ctx.settings["environment_median_minutes"])
