"""The kit's locustfile: every persona plus the data-driven load shape.

Pick personas by class name on the command line (the runner does this from the run
definition), e.g.

    locust -f loadtests/locustfile.py --headless -H http://127.0.0.1:8000 \
        -u 10 -r 5 -t 60s --shape peak_hour DeskOfficer StatusPoller

`-u` is the peak number of users, `-t` the duration; the shape (`--shape`, from
loadtests/shapes.yaml) decides how many users run at each moment.
"""

from __future__ import annotations

from locust import LoadTestShape

from loadtests import abort  # noqa: F401 - registers --thresholds-from and the abort_on_fail watch
from loadtests.shapes import DEFAULT_SHAPES_FILE, get_shape
from loadtests.users.arrivals import DossierArrivals
from loadtests.users.desk import DeskOfficer
from loadtests.users.online import OnlineSubmissionDriver
from loadtests.users.poller import StatusPoller

__all__ = ["DeskOfficer", "DossierArrivals", "OnlineSubmissionDriver", "StatusPoller", "DataShape"]


class DataShape(LoadTestShape):
    """Plays the stages of `--shape` scaled to `-u` peak users over `-t` seconds."""

    # Read -u and -t ourselves: they are the peak and the duration the relative stages scale to.
    use_common_options = True

    def tick(self) -> tuple[int, float] | None:
        """(users, spawn rate) now, or None to end the run."""
        options = self.runner.environment.parsed_options
        if not hasattr(self, "_shape"):
            self._shape = get_shape(options.shape, options.shape_file or DEFAULT_SHAPES_FILE)
        duration = float(options.run_time or 60)
        target = self._shape.target(self.get_run_time(), duration, max(1, options.num_users or 1))
        if target is None:
            return None
        # Open model: the arrival users are fixed-count users on top of the shape, which shapes
        # only the closed-model personas (Locust spawns fixed-count users out of the total).
        arrival_users = options.arrival_users if options.arrival_rate > 0 else 0
        return target[0] + arrival_users, target[1]
