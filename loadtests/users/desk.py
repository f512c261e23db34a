"""The one-stop desk officer: receives a citizen, files the dossier, walks it to "result returned"."""

from __future__ import annotations

from locust import between, task

from loadtests.users.base import PortalUser


class DeskOfficer(PortalUser):
    """Closed model: each officer handles one dossier after another, with a short pause between citizens."""

    weight = 3
    wait_time = between(0.5, 1.5)

    @task
    def handle_citizen(self) -> None:
        """Look up the citizen, sync a new dossier (unique MaHoSo) and report progress 4 → 9 → 10."""
        self.file_and_walk(self.new_code(), self.environment.parsed_options.step_pause)
