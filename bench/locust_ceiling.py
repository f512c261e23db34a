"""How many requests per second one Locust worker process drives (FastHttpUser, the kit's client class).

`make bench` runs this file headless in one process pinned to the load core, against the
sandbox's cheapest route (`GET /healthz`: no simulated system, no journal), and reads the
figure from Locust's own statistics. Each answer is checked as the kit checks payloads.
"""

from locust import FastHttpUser, constant, task


class CheapestRoute(FastHttpUser):
    """Calls GET /healthz back to back and checks the reply's status field."""

    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        """One liveness call, its JSON checked."""
        with self.client.get("/healthz", catch_response=True) as reply:
            if reply.status_code != 200 or b'"status":"ok"' not in reply.content:
                reply.failure(f"unexpected reply {reply.status_code}")
