"""Open model: dossiers arrive at a fixed rate whatever the target's speed.

A closed model (N officers, each waiting for the previous reply) slows down with the
target, so a slow target "hides" by receiving less load. Here every arrival runs in its own
greenlet: the arrival rate stays fixed, dossiers pile up in flight, and when the in-flight
cap is reached the arrival is recorded as a failure ("arrival dropped") instead of being
silently delayed.
"""

from __future__ import annotations

import time

import gevent.pool
from locust import events, task

from loadtests.users.base import PortalUser


class DossierArrivals(PortalUser):
    """Paces dossier arrivals at `--arrival-rate` per second, shared by `--arrival-users` users."""

    def on_start(self) -> None:
        """Log in and start the arrival clock."""
        super().on_start()
        options = self.environment.parsed_options
        self.interval = options.arrival_users / options.arrival_rate if options.arrival_rate > 0 else 1.0
        self.in_flight = gevent.pool.Pool(options.max_in_flight)
        self.next_arrival = time.monotonic()

    def wait_time(self) -> float:
        """Time until the next scheduled arrival: a fixed schedule, so slow replies never stretch it."""
        self.next_arrival += self.interval
        return max(0.0, self.next_arrival - time.monotonic())

    @task
    def arrive(self) -> None:
        """One dossier arrives: handled in its own greenlet, or dropped when too many are in flight."""
        if self.in_flight.full():
            events.request.fire(
                request_type="ARRIVAL",
                name="arrival dropped (target too slow)",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"{self.in_flight.size} dossiers already in flight"),
                context={},
            )
            return
        self.in_flight.spawn(self.file_and_walk, self.new_code(), self.environment.parsed_options.step_pause)

    def on_stop(self) -> None:
        """Stop the dossiers still in flight with the user."""
        self.in_flight.kill(block=False)


@events.init.add_listener
def _size_arrival_users(environment, **_kwargs) -> None:
    # fixed_count is global across workers, so the total arrival rate stays what was asked for.
    options = environment.parsed_options
    if options is not None:
        DossierArrivals.fixed_count = max(1, options.arrival_users)
