"""The kit's own Locust command-line options and the per-process run context.

Every option can also come from the environment (`LOCUST_<NAME>`) or a Locust config file,
which is how the runner and distributed workers receive them.
"""

from __future__ import annotations

import itertools

from locust import events

from loadtests import wire
from loadtests.cli_options import add_shared

DEFAULT_PUSH_PATH = "/webhooks/dvcqg"


@events.init_command_line_parser.add_listener
def add_kit_options(parser) -> None:
    """Register the kit's options on Locust's parser (shown under `locust --help`)."""
    group = parser.add_argument_group("national portal sandbox load kit")
    shared = (
        "--province",
        "--seed",
        "--portal-username",
        "--portal-password",
        "--admin-token",
        "--connector-url",
        "--push-secret",
        "--ca-file",
    )
    add_shared(group, *shared, connector_url="http://127.0.0.1:9000" + DEFAULT_PUSH_PATH)
    group.add_argument(
        "--target",
        choices=["sandbox", "connector"],
        default="sandbox",
        help="sandbox: the users act as a connector; connector: drive a connector under test",
    )
    group.add_argument("--run-id", default="", help="id shared by every process of one run (keeps MaHoSo unique)")
    group.add_argument("--shape", default="steady", help="load shape name in the shapes file")
    group.add_argument("--shape-file", default="", help="YAML file of shapes (default loadtests/shapes.yaml)")
    group.add_argument("--step-pause", type=float, default=0.2, help="seconds an officer waits between steps")
    group.add_argument("--arrival-rate", type=float, default=0.0, help="open model: dossiers per second (total)")
    group.add_argument("--arrival-users", type=int, default=1, help="open model: users sharing the arrival rate")
    group.add_argument("--max-in-flight", type=int, default=200, help="open model: dossiers in flight per user")
    group.add_argument(
        "--push-via",
        choices=["auto", "portal", "direct"],
        default="auto",
        help="online dossiers via the portal's flows API, or pushed by the kit itself",
    )
    group.add_argument("--submission-batch", type=int, default=1, help="online dossiers per submission call")
    group.add_argument("--e2e-timeout", type=float, default=30.0, help="seconds before a pushed dossier is lost")
    group.add_argument("--e2e-poll", type=float, default=0.1, help="seconds between e2e watch polls (resolution)")


# One counter per Locust process; with the worker index and run id it makes codes unique.
_counter = itertools.count()
_fallback_run_id = wire.new_run_id()


def next_dossier_code(environment) -> str:
    """A fresh MaHoSo for this process (unique across workers of the same run and across runs)."""
    options = environment.parsed_options
    worker = getattr(environment.runner, "worker_index", 0) or 0
    return wire.dossier_code(options.province, options.run_id or _fallback_run_id, worker, next(_counter))
