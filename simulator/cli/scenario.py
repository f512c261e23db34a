"""`scenario`: list, show, validate and apply the fault scenarios (YAML timelines in scenarios/)."""

from __future__ import annotations

from pathlib import Path

import click

from simulator import config, db, schema
from simulator.cli.options import echo_json
from simulator.faults import FaultSandbox, ScenarioError, ScenarioNotFound
from simulator.faults.scenarios import list_scenarios, load_scenario_file
from simulator.faults.schema import schema_json

dir_option = click.option("--dir", "directory", default=None, help="Scenario folder (env SANDBOX_SCENARIOS_DIR).")


def apply_scenario(values: dict, name: str) -> dict:
    """Apply a scenario to the database of resolved settings `values`; its status, or a usage error."""
    schema.create_all(db.connect(values["db"]))
    try:
        return FaultSandbox.from_settings(values).scenarios.apply(name)
    except ScenarioNotFound:
        raise click.UsageError(f"no scenario {name!r} in {values['scenarios_dir']}/") from None
    except ScenarioError as err:
        raise click.UsageError(str(err)) from None


def _scenarios(directory: str | None, prefix: str = "") -> dict:
    """The scenarios of the folder, by name; a broken one stops the command naming it."""
    try:
        return list_scenarios(config.resolve({"scenarios_dir": directory})["scenarios_dir"])
    except ScenarioError as err:
        raise click.ClickException(f"{prefix}{err}") from None


@click.group()
def scenario() -> None:
    """Fault scenarios: timelines of delay and fault rules, as YAML files in scenarios/.

    \b
    Example:
      python -m simulator scenario list
      python -m simulator scenario apply police-db-outage --db var/sandbox.db
    """


@scenario.command("list")
@dir_option
def scenario_list(directory) -> None:
    """List the scenarios with their descriptions.

    \b
    Example:
      python -m simulator scenario list
    """
    for name, sc in sorted(_scenarios(directory).items()):
        click.echo(f"{name:24} {sc.duration_s / 60:6.1f} min  {(sc.description or '').split('. ')[0][:100]}")


@scenario.command("show")
@click.argument("name")
@dir_option
def scenario_show(name, directory) -> None:
    """Show a scenario's phases and rules as JSON.

    \b
    Example:
      python -m simulator scenario show peak-hour
    """
    sc = _scenarios(directory, "ScenarioError: ").get(name)
    if sc is None:
        folder = config.resolve({"scenarios_dir": directory})["scenarios_dir"]
        raise click.ClickException(f"ScenarioNotFound: no scenario {name!r} in {folder}/")
    phases = [{"name": p.name, "start_s": p.start_s, "end_s": p.end_s, "rules": [r.to_json() for r in p.rules]} for p in sc.phases]
    echo_json({"name": sc.name, "description": sc.description, "seed": sc.seed, "time_scale": sc.time_scale, "phases": phases})


@scenario.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@dir_option
def scenario_validate(paths, directory) -> None:
    """Validate scenario files; a broken one is reported with file, line and reason.

    \b
    Example:
      python -m simulator scenario validate scenarios/chaos.yaml
    """
    values = config.resolve({"scenarios_dir": directory})
    files = [Path(p) for p in paths] or sorted(Path(values["scenarios_dir"]).glob("*.yaml"))
    failed = False
    for path in files:
        try:
            load_scenario_file(path)
            click.echo(f"ok      {path}")
        except ScenarioError as err:
            failed = True
            click.echo(f"broken  {err}", err=True)
    if failed:
        raise SystemExit(1)


@scenario.command("schema")
def scenario_schema() -> None:
    """Print the JSON Schema of scenario files (the one the API and `validate` check against).

    \b
    Example:
      python -m simulator scenario schema > scenarios/scenario.schema.json
    """
    click.echo(schema_json(), nl=False)


@scenario.command("apply")
@click.argument("name")
@click.option("--db", "db_path", default=None, help="SQLite file of the running sandbox (env SANDBOX_DB).")
@dir_option
def scenario_apply(name, db_path, directory) -> None:
    """Apply a scenario to a sandbox's database; running workers pick it up within a second.

    \b
    Example:
      python -m simulator scenario apply flaky-payments --db var/sandbox.db
    """
    values = config.resolve({"db": db_path, "scenarios_dir": directory})
    status = apply_scenario(values, name)
    click.echo(f"applied {status['name']}: {len(status['phases'])} phases, {status['total_s'] / 60:.1f} min")
