"""Command line of the reference connector: `python -m loadtests.reference_connector --help`."""

from gevent import monkey

# Before anything imports sockets or ssl: every wait (portal calls, sleeps) becomes a greenlet switch.
monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

import gevent  # noqa: E402
import gevent.event  # noqa: E402
import requests  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

from loadtests.cli_options import add_shared, credentials  # noqa: E402
from loadtests.reference_connector.app import PUSH_PATH, ConnectorApp  # noqa: E402
from loadtests.reference_connector.inbox import Inbox  # noqa: E402
from loadtests.reference_connector.portal import GatewayClient, PortalClient, RetryPolicy  # noqa: E402
from loadtests.reference_connector.processor import Processor, WalkSettings  # noqa: E402

log = logging.getLogger("reference_connector")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The connector's options."""
    parser = argparse.ArgumentParser(
        prog="python -m loadtests.reference_connector",
        description="The reference provincial connector: receives portal pushes and syncs dossiers back.",
        epilog="Example: python -m loadtests.reference_connector --sandbox http://127.0.0.1:8000 "
        "--province 56 --port 9000 --secret S --admin-token T",
    )
    parser.add_argument("--sandbox", default="http://127.0.0.1:8000", help="portal (sandbox) base URL")
    add_shared(parser, "--province", "--seed", "--portal-username", "--portal-password", "--admin-token", "--ca-file")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=9000, help="port to listen on")
    parser.add_argument("--secret", required=True, help="HMAC secret shared with the portal for pushes")
    parser.add_argument("--state", default=":memory:", help="SQLite file of the inbox (durable de-duplication)")
    parser.add_argument("--walk-seconds", type=float, default=3.0, help="time to walk a dossier 2 → 4 → 9 → 10")
    parser.add_argument("--batch-interval", type=float, default=0.5, help="seconds between progress batches")
    parser.add_argument("--workers", type=int, default=8, help="greenlets processing deliveries")
    parser.add_argument("--retry-attempts", type=int, default=6, help="attempts per portal call on faults")
    parser.add_argument("--retry-base", type=float, default=0.2, help="first backoff step, seconds (doubles)")
    parser.add_argument("--retry-cap", type=float, default=10.0, help="longest backoff, seconds")
    parser.add_argument("--max-skew", type=float, default=300.0, help="oldest accepted push timestamp, seconds")
    parser.add_argument("--public-url", default="", help="push URL to register (default http://host:port/...)")
    return parser.parse_args(argv)


def register(args: argparse.Namespace, push_url: str) -> None:
    """PUT /sandbox/connectors/<province> {url, secret}; a sandbox without the admin API is only logged."""
    try:
        response = requests.put(
            f"{args.sandbox.rstrip('/')}/sandbox/connectors/{args.province}",
            json={"url": push_url, "secret": args.secret},
            headers={"Authorization": f"Bearer {args.admin_token}"},
            timeout=10,
            verify=args.ca_file or True,
        )
    except requests.RequestException as err:
        log.warning("registration failed: %s", err)
        return
    if response.status_code == 404:
        log.warning("sandbox has no connector registration API (404): pushes must be sent to %s directly", push_url)
    elif response.status_code >= 300:
        log.warning("registration refused: HTTP %d %s", response.status_code, response.text[:200])
    else:
        log.info("registered %s for province %s", push_url, args.province)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    args = parse_args(argv)
    try:
        creds = credentials(args)
    except SystemExit as err:
        print(err, file=sys.stderr)
        return 2
    policy = RetryPolicy(attempts=args.retry_attempts, base_s=args.retry_base, cap_s=args.retry_cap)
    portal = PortalClient(args.sandbox, creds.username, creds.password, creds.madonvi, policy=policy)
    portal.http.verify = args.ca_file or True  # the one HTTP session every portal and gateway call goes through
    gateway = GatewayClient(portal, creds.gateway_key, creds.gateway_secret)
    inbox = Inbox(args.state)
    settings = WalkSettings(args.walk_seconds, args.batch_interval, args.workers)
    processor = Processor(portal, gateway, inbox, settings)
    app = ConnectorApp(args.secret, inbox, processor, args.max_skew)
    server = WSGIServer((args.host, args.port), app, log=None)
    server.start()
    processor.start()
    push_url = args.public_url or f"http://{args.host}:{server.server_port}{PUSH_PATH}"
    log.info("reference connector for province %s listening on %s", args.province, push_url)
    if args.admin_token:
        register(args, push_url)
    stopping = gevent.event.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(sig, stopping.set)
    stopping.wait()
    server.stop(timeout=2)
    processor.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
