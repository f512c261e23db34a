"""`python -m loadtests run loadtests/runs/smoke.yaml [--spawn] [--host URL] [--out DIR] [--junit FILE]`, and `check`."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

from loadtests import junit, thresholds
from loadtests.cli_options import add_shared
from loadtests.rundef import RunDefinitionError, load_run
from loadtests.runner import RunOptions, execute
from loadtests.shapes import ShapeError


def build_parser() -> argparse.ArgumentParser:
    """The kit's command line."""
    parser = argparse.ArgumentParser(prog="python -m loadtests", description="Run a load-test definition.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run a definition and check its thresholds",
        epilog="Example: python -m loadtests run loadtests/runs/smoke.yaml --spawn --junit reports/smoke/junit.xml",
    )
    run.add_argument("definition", type=Path, help="run definition YAML (loadtests/runs/*.yaml)")
    run.add_argument("--host", default="http://127.0.0.1:8000", help="sandbox base URL (ignored with --spawn)")
    run.add_argument("--out", type=Path, default=None, help="report directory (default reports/<name>)")
    run.add_argument("--spawn", action="store_true", help="start a fresh sandbox (and reference connector) here")
    add_shared(run, "--admin-token", "--connector-url", "--push-secret", "--seed", "--ca-file")
    run.add_argument(
        "--workers",
        type=int,
        default=None,
        help="Locust worker processes on this host, via Locust's --processes (overrides the definition)",
    )
    run.add_argument("--tls", action="store_true", help="with --spawn: serve the spawned sandbox over HTTPS (its own CA)")
    run.add_argument("--junit", type=Path, default=None, help="also write a JUnit XML report here: one test case per threshold (for CI)")
    check = sub.add_parser(
        "check",
        help="check a run definition's thresholds against Locust CSV statistics made elsewhere",
        epilog="Example: python -m loadtests check loadtests/runs/peak_hour.yaml reports/rehearsal/locust_stats.csv",
    )
    check.add_argument("definition", type=Path, help="run definition YAML holding the thresholds")
    check.add_argument("stats_csv", type=Path, help="Locust's <prefix>_stats.csv (e.g. from a master)")
    check.add_argument("--junit", type=Path, default=None, help="also write a JUnit XML report here")
    return parser


def check_only(definition: Path, stats_csv: Path, junit_path: Path | None = None) -> int:
    """Print every threshold's verdict for existing statistics; 1 when one fails."""
    run = load_run(definition)
    stats = thresholds.read_locust_stats(stats_csv)
    verdicts = thresholds.check_all(run.thresholds, stats, thresholds.e2e_from_locust(stats))
    for verdict in verdicts:
        print(verdict.line())
    if junit_path:
        modified = datetime.fromtimestamp(stats_csv.stat().st_mtime).astimezone()
        junit.write_verdicts(junit_path, run.name, verdicts, started=modified, elapsed_s=0.0, properties={"statistics": str(stats_csv)})
    return 1 if thresholds.failed(verdicts) else 0


def _could_not_run(junit_path: Path | None, name: str, message: str, started: datetime, t0: float) -> int:
    """Say why the run could not be made (and tell CI, when it reads JUnit); exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    if junit_path:
        junit.write_error(junit_path, name, message, started=started, elapsed_s=time.monotonic() - t0)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 pass, 1 threshold failed, 2 could not run)."""
    args = build_parser().parse_args(argv)
    started, t0 = datetime.now().astimezone(), time.monotonic()
    name = args.definition.stem
    if args.command == "check":
        try:
            return check_only(args.definition, args.stats_csv, args.junit)
        except (OSError, RunDefinitionError, ShapeError) as err:
            return _could_not_run(args.junit, name, str(err), started, t0)
    if args.tls and not args.spawn:
        return _could_not_run(args.junit, name, "--tls serves a spawned sandbox: use it with --spawn", started, t0)
    if args.ca_file and not Path(args.ca_file).is_file():
        return _could_not_run(args.junit, name, f"--ca-file {args.ca_file}: no such file", started, t0)
    try:
        definition = load_run(args.definition)
    except (OSError, RunDefinitionError, ShapeError) as err:
        return _could_not_run(args.junit, name, str(err), started, t0)
    opts = RunOptions(
        host=args.host,
        out=args.out or Path("reports") / definition.name,
        spawn=args.spawn,
        admin_token=args.admin_token,
        connector_url=args.connector_url,
        push_secret=args.push_secret,
        seed=args.seed,
        workers=args.workers,
        ca_file=str(Path(args.ca_file).resolve()) if args.ca_file else "",
        tls=args.tls,
        junit=args.junit,
    )
    try:
        result = execute(definition, opts)
    except RuntimeError as err:
        return _could_not_run(args.junit, definition.name, str(err), started, t0)
    print(result.summary_path.read_text(encoding="utf-8"))
    if result.aborted:
        print(f"RUN ABORTED after {result.aborted['after_s']} s: {result.aborted['detail']}", file=sys.stderr)
    for verdict in result.verdicts:
        if not verdict.passed:
            print(f"THRESHOLD FAILED: {verdict.detail}", file=sys.stderr)
    print(f"summary: {result.summary_path}" + (f", JUnit: {args.junit}" if args.junit else ""), file=sys.stderr)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
