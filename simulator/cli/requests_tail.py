"""`requests tail`: follow a served sandbox's captured requests live (the admin API's capture feed)."""

from __future__ import annotations

import os

import click

from simulator.admin.feed import CaptureFeed, CaptureFeedError


@click.group("requests")
def requests_group() -> None:
    """Captured requests of a served sandbox (what connectors sent and got back, secrets masked).

    \b
    Example:
      SANDBOX_ADMIN_TOKEN=secret python -m simulator requests tail --province 56
    """


@requests_group.command("tail")
@click.option(
    "--base",
    default=None,
    help="Base URL of the served sandbox (env SANDBOX_BASE; default "
    "http://127.0.0.1:8000). The admin token comes from SANDBOX_ADMIN_TOKEN.",
)
@click.option("--system", default=None, help="Only this system (portal, population, payment, ...).")
@click.option("--operation", default=None, help="Only this operation (auth, TraCuuHoSo, INIT, ...).")
@click.option("--province", default=None, help="Only this calling province (56 or H56).")
@click.option("--body-contains", default=None, help="Only requests whose body contains this text.")
@click.option(
    "--lines", "backlog", type=click.IntRange(0, 500), default=10, show_default=True, help="Recent requests to print before following."
)
@click.option("--bodies", is_flag=True, help="Print each request's and response's body (as captured) too.")
@click.option("--interval", type=click.FloatRange(0.05, 60), default=1.0, show_default=True, help="Seconds between polls.")
@click.option(
    "--count",
    "stop_after",
    type=click.IntRange(0),
    default=0,
    help="Stop after printing this many new requests (0: follow until interrupted).",
)
def requests_tail(base, system, operation, province, body_contains, backlog, bodies, interval, stop_after) -> None:
    """Follow a served sandbox's captured requests live, oldest first, one line each.

    Polls GET /sandbox/requests with the filters given (the same as the API's).

    \b
    Example:
      SANDBOX_ADMIN_TOKEN=secret python -m simulator requests tail
      SANDBOX_ADMIN_TOKEN=secret python -m simulator requests tail --system payment --province 56 --bodies
      python -m simulator requests tail --base https://sandbox.test:8443 --body-contains 000.00.01.H56
    """
    token = os.environ.get("SANDBOX_ADMIN_TOKEN", "")
    if not token:
        raise click.UsageError("set SANDBOX_ADMIN_TOKEN to the served sandbox's admin token")
    filters = {"system": system, "operation": operation, "province": province, "body_contains": body_contains}
    feed = CaptureFeed(base or os.environ.get("SANDBOX_BASE", "http://127.0.0.1:8000"), token, filters)
    try:
        printed = 0
        for item, new in feed.follow(backlog, interval):
            click.echo(feed.line(item))
            if bodies:
                for arrow, part in ((">", item["request"]), ("<", item["response"])):
                    if part["body"]:
                        click.echo(f"  {arrow} {part['body'].rstrip()}{' …(cut)' if part['body_truncated'] else ''}")
            printed += new
            if stop_after and printed >= stop_after:
                return
    except CaptureFeedError as err:
        raise click.ClickException(str(err)) from None
    except KeyboardInterrupt:
        return
