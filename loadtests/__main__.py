"""`python -m loadtests run loadtests/runs/smoke.yaml [--spawn] [--host URL] [--out DIR]`, and `check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from loadtests import thresholds
from loadtests.rundef import RunDefinitionError, load_run
from loadtests.runner import DEFAULT_SEED, RunOptions, e2e_from_locust, execute
from loadtests.shapes import ShapeError


def build_parser() -> argparse.ArgumentParser:
    """The kit's command line."""
    parser = argparse.ArgumentParser(prog="python -m loadtests", description="Run a load-test definition.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run a definition and check its thresholds",
        epilog="Example: python -m loadtests run loadtests/runs/smoke.yaml --spawn --out reports/smoke",
    )
    run.add_argument("definition", type=Path, help="run definition YAML (loadtests/runs/*.yaml)")
    run.add_argument("--host", default="http://127.0.0.1:8000", help="sandbox base URL (ignored with --spawn)")
    run.add_argument("--out", type=Path, default=None, help="report directory (default reports/<name>)")
    run.add_argument("--spawn", action="store_true", help="start a fresh sandbox (and reference connector) here")
    run.add_argument("--admin-token", default="", help="sandbox admin token (scenarios, submissions, stats)")
    run.add_argument("--connector-url", default="", help="push endpoint of the connector under test")
    run.add_argument("--push-secret", default="", help="push HMAC secret shared with the connector")
    run.add_argument("--seed", type=int, default=DEFAULT_SEED, help="sandbox seed (derives credentials)")
    run.add_argument("--workers", type=int, default=None, help="Locust workers (overrides the definition)")
    check = sub.add_parser(
        "check",
        help="check a run definition's thresholds against Locust CSV statistics made elsewhere",
        epilog="Example: python -m loadtests check loadtests/runs/peak_hour.yaml reports/rehearsal/locust_stats.csv",
    )
    check.add_argument("definition", type=Path, help="run definition YAML holding the thresholds")
    check.add_argument("stats_csv", type=Path, help="Locust's <prefix>_stats.csv (e.g. from a master)")
    return parser


def check_only(definition: Path, stats_csv: Path) -> int:
    """Print every threshold's verdict for existing statistics; 1 when one fails."""
    run = load_run(definition)
    stats = thresholds.read_locust_stats(stats_csv)
    verdicts = thresholds.check_all(run.thresholds, stats, e2e_from_locust(stats))
    for verdict in verdicts:
        print(verdict.line())
    return 1 if thresholds.failed(verdicts) else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code (0 pass, 1 threshold failed, 2 could not run)."""
    args = build_parser().parse_args(argv)
    if args.command == "check":
        try:
            return check_only(args.definition, args.stats_csv)
        except (OSError, RunDefinitionError, ShapeError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    try:
        definition = load_run(args.definition)
    except (OSError, RunDefinitionError, ShapeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    opts = RunOptions(
        host=args.host,
        out=args.out or Path("reports") / definition.name,
        spawn=args.spawn,
        admin_token=args.admin_token,
        connector_url=args.connector_url,
        push_secret=args.push_secret,
        seed=args.seed,
        workers=args.workers,
    )
    try:
        result = execute(definition, opts)
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(result.summary_path.read_text(encoding="utf-8"))
    for verdict in result.verdicts:
        if not verdict.passed:
            print(f"THRESHOLD FAILED: {verdict.detail}", file=sys.stderr)
    print(f"summary: {result.summary_path}", file=sys.stderr)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
