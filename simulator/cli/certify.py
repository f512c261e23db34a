"""`certify`: the connector readiness check (simulator/certify/) run from the command line."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from simulator.certify import reports
from simulator.certify.campaign import Options
from simulator.certify.runner import EXIT_UNUSABLE, parse_duration, run_check
from simulator.cli.options import body_style_option, choice_option


@click.command("certify")
@click.option("--province", required=True, help="2-digit province code whose connector is checked (e.g. 56).")
@click.option("--connector", required=True, help="The connector's push URL on loopback (http://127.0.0.1:9000/...).")
@click.option(
    "--secret",
    envvar="CERTIFY_PUSH_SECRET",
    required=True,
    help="The push secret the connector verifies signatures with (env CERTIFY_PUSH_SECRET).",
)
@choice_option(
    "--profile", ["basic", "full"], "basic", "basic: pushes, sync, progress, duplicates; full adds faults and ministry callbacks."
)
@click.option("--duration", default="3m", show_default=True, help="Longest the check may run (90s, 10m); it ends early when done.")
@click.option("--sync-deadline", default="15s", show_default=True, help="Longest a dossier may take from push to sync.")
@click.option("--dossiers", type=int, default=3, show_default=True, help="Online submissions in the online phase.")
@body_style_option("How the portal shapes pushes for this connector.")
@click.option("--base", default="http://127.0.0.1:8000", show_default=True, help="The served sandbox (loopback).")
@click.option("--out", "out_dir", default=None, help="Report folder (default reports/certify-<province>-<run id>).")
@click.option("--quiet", is_flag=True, help="No progress lines, only the verdict.")
def certify(province, connector, secret, profile, duration, sync_deadline, dossiers, body_style, base, out_dir, quiet) -> None:
    """Check whether a province's connector is ready for the real portal.

    Drives the connector through a scripted campaign against a served sandbox (signed,
    forged and repeated pushes, online dossiers, faults in front of the portal) and grades
    what it does on the wire. Writes report.html, report.md, report.json and junit.xml;
    exits 0 only when every required check passes (1 not ready, 2 could not run). The admin
    token is read from SANDBOX_ADMIN_TOKEN.

    \b
    Example:
      SANDBOX_ADMIN_TOKEN=secret python -m simulator certify --province 56 \\
          --connector http://127.0.0.1:9000/webhooks/dvcqg --secret S --profile full --duration 5m
    """
    token = os.environ.get("SANDBOX_ADMIN_TOKEN", "")
    if not token:
        raise click.UsageError("set SANDBOX_ADMIN_TOKEN to the sandbox's admin token")
    try:
        options = Options(
            province, connector, secret, base, token, profile, parse_duration(duration), parse_duration(sync_deadline), dossiers, body_style
        )
        options.validate()
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    started = time.monotonic()

    def progress(phase: str, text: str) -> None:
        if not quiet:
            click.echo(f"[{time.monotonic() - started:6.1f}s] {phase:<14} {text}", err=True)

    report = run_check(options, progress)
    paths = reports.write_all(report, Path(out_dir or f"reports/certify-{province}-{report['run_id']}"))
    for r in report["results"] if report["exit_code"] != EXIT_UNUSABLE else []:
        if not quiet or r["status"] != "pass":
            click.echo(f"  {reports.STATUS_LABEL[r['status']]:<14} {r['id']:<9} {r['title']}: {r['summary']}")
    click.echo(reports.verdict_line(report))
    click.echo(f"Reports: {paths['html']} (also report.md, report.json, junit.xml)")
    if report["error"] and report["exit_code"] == EXIT_UNUSABLE:
        click.echo(f"The check could not run: {report['error']}", err=True)
    sys.exit(report["exit_code"])
