"""The status poller: what citizens' enquiries and dashboards cost the portal."""

from __future__ import annotations

import random

from locust import between, task

from loadtests import wire
from loadtests.users.base import PortalUser, recent_codes


class StatusPoller(PortalUser):
    """Reads dossiers back: TraCuuHoSo on recently synced codes and the REST listing."""

    weight = 1
    wait_time = between(0.5, 2.0)

    @task(3)
    def look_up_dossier(self) -> None:
        """TraCuuHoSo on a code synced in this process (or an unknown one, answered with result [])."""
        province = self.environment.parsed_options.province
        code = random.choice(recent_codes) if recent_codes else f"{wire.agency_code(province)}-000101-0001"
        self.call("TraCuuHoSo", mahoso=code)

    @task(1)
    def list_dossiers(self) -> None:
        """The REST listing of the province's dossiers in processing, newest first."""
        province = self.environment.parsed_options.province
        with self.client.get(
            f"/api/v1/dossiers?province={province}&page_size=20",
            headers={"Authorization": f"Bearer {self.session}"},
            name="REST /api/v1/dossiers",
            catch_response=True,
        ) as response:
            if response.status_code == 401:
                response.failure("session rejected; re-authenticating")
                self.login()
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "items" not in (response.text or ""):
                response.failure("listing without items")
