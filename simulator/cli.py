"""The command line: a thin click layer over the library (serve, credentials, settings, ...)."""

from __future__ import annotations

import json
import os
import secrets
import sys

import click

from simulator import __version__, config
from simulator.clients import province_clients


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="portal-sandbox")
def main() -> None:
    """The national portal sandbox: Vietnam's public service portal and ministry systems, imitated.

    \b
    Example:
      python -m simulator serve --port 8000
      python -m simulator credentials --format json
    """


@main.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1; env SANDBOX_HOST).")
@click.option("--port", type=int, default=None, help="TCP port (default 8000; env SANDBOX_PORT).")
@click.option("--db", "db_path", default=None, help="SQLite file (default var/sandbox.db; env SANDBOX_DB).")
@click.option("--workers", type=int, default=None, help="gunicorn gevent workers (env SANDBOX_WORKERS).")
@click.option("--seed", type=int, default=None, help="Seed for identities, credentials, faults (env SANDBOX_SEED).")
def serve(host, port, db_path, workers, seed) -> None:
    """Serve the sandbox with gunicorn and gevent workers (never the Flask dev server).

    \b
    Example:
      python -m simulator serve --port 8000 --workers 2 --db var/sandbox.db
      SANDBOX_ADMIN_TOKEN=secret python -m simulator serve
    """
    flags = {"host": host, "port": port, "db": db_path, "workers": workers, "seed": seed}
    env = dict(os.environ)
    for name, value in flags.items():
        if value is not None:
            env[config.SETTINGS[name].env] = str(value)
    try:
        values = config.resolve(environ=env)
    except config.SettingError as err:
        raise click.UsageError(str(err)) from None
    generated = not values["admin_token"]
    if generated:
        env["SANDBOX_ADMIN_TOKEN"] = values["admin_token"] = secrets.token_urlsafe(24)
    env["SANDBOX_DB"] = values["db"] = os.path.abspath(values["db"])
    base = f"http://{values['host']}:{values['port']}"
    click.echo(f"National portal sandbox {__version__} on {base}  (database {values['db']})")
    click.echo(f"  API docs:      {base}/docs   (OpenAPI: {base}/openapi.json)")
    click.echo(f"  Portal:        POST {base}/dvcqg/api/auth, then POST {base}/dvcqg/api/service")
    click.echo("  Credentials:   python -m simulator credentials")
    note = " (generated; set SANDBOX_ADMIN_TOKEN to fix it)" if generated else ""
    click.echo(f"  Admin token:   {values['admin_token']}{note}")
    sys.stdout.flush()
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:simulator.gunicorn_conf", "simulator.wsgi:app"]
    os.execvpe(sys.executable, argv, env)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--seed", type=int, default=None, help="Seed the server runs with (env SANDBOX_SEED).")
def credentials(fmt: str, seed: int | None) -> None:
    """Print every province client's portal credentials, unit code and gateway key.

    \b
    Example:
      python -m simulator credentials
      python -m simulator credentials --format json | jq '.[] | select(.province_code=="56")'
    """
    seed = config.resolve({"seed": seed})["seed"]
    rows = [c.as_dict() for c in province_clients(seed)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    header = ("code", "province", "username", "password", "madonvi", "gateway key", "gateway secret")
    keys = ("province_code", "province_name", "username", "password", "madonvi", "gateway_key", "gateway_secret")
    _table(header, [[r[k] for k in keys] for r in rows])


@main.command("settings")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def settings_cmd(fmt: str) -> None:
    """List every setting with its default, bounds, environment variable and doc.

    \b
    Example:
      python -m simulator settings
    """
    rows = [
        {"name": s.name, "env": s.env, "default": s.default, "minimum": s.minimum, "cap": s.cap, "doc": s.doc}
        for s in config.SETTINGS.values()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _table(
        ("setting", "env", "default", "min", "cap", "doc"),
        [[str(v if v is not None else "") for v in r.values()] for r in rows],
    )


def _open_db(db_path: str | None):
    """The sandbox file named by --db or SANDBOX_DB, with every feature's tables."""
    from simulator import db
    from simulator.app import create_app  # noqa: F401 - registers the schema modules

    path = config.resolve({"db": db_path})["db"]
    database = db.database(path)
    db.init_schema(database)
    return database, path


_db_option = click.option("--db", "db_path", default=None, help="SQLite file (default var/sandbox.db; env SANDBOX_DB).")
_province_option = click.option("--province", required=True, help="2-digit province code (e.g. 56).")


@main.group()
def connector() -> None:
    """Register where the portal pushes each province's events (writes the SQLite file directly).

    \b
    Example:
      python -m simulator connector set --province 56 --url http://127.0.0.1:9000/push --secret S3cret-56
    """


@connector.command("set")
@_province_option
@click.option("--url", required=True, help="The connector's push endpoint (http or https).")
@click.option("--secret", required=True, help="Shared HMAC secret (8-256 characters).")
@_db_option
def connector_set(province: str, url: str, secret: str, db_path: str | None) -> None:
    """Register or replace a province's push endpoint and secret.

    \b
    Example:
      python -m simulator connector set --province 56 --url http://127.0.0.1:9000/push --secret S3cret-56
    """
    from marshmallow import ValidationError

    from simulator.flows import connectors, schemas

    try:
        schemas.ConnectorIn().load({"url": url, "secret": secret})
        schemas.SubmissionsIn().load({"province": province})
    except ValidationError as err:
        raise click.UsageError("; ".join(f"{k}: {' '.join(v)}" for k, v in err.messages.items())) from None
    database, _ = _open_db(db_path)
    saved = connectors.masked(connectors.set_connector(database, province, url, secret))
    click.echo(f"province {saved['province']} pushes to {saved['url']} (secret {saved['secret_hint']})")


@connector.command("list")
@_db_option
def connector_list(db_path: str | None) -> None:
    """List registered connectors (secrets shown as hints).

    \b
    Example:
      python -m simulator connector list --db var/sandbox.db
    """
    from simulator.flows import connectors

    database, _ = _open_db(db_path)
    rows = [connectors.masked(c) for c in connectors.list_connectors(database)]
    _table(("province", "url", "secret"), [[r["province"], r["url"], r["secret_hint"]] for r in rows])


@connector.command("delete")
@_province_option
@_db_option
def connector_delete(province: str, db_path: str | None) -> None:
    """Remove a province's connector (its pending pushes wait and retry).

    \b
    Example:
      python -m simulator connector delete --province 56
    """
    from simulator.flows import connectors

    database, _ = _open_db(db_path)
    if not connectors.delete_connector(database, province):
        raise click.ClickException(f"no connector registered for province {province}")
    click.echo(f"connector of province {province} deleted")


@main.command()
@_province_option
@click.option("--count", type=int, default=1, show_default=True, help="Number of submissions (capped by setting).")
@click.option("--procedure", default=None, help="MaTTHC of an online procedure (drawn when absent).")
@_db_option
@click.option("--seed", type=int, default=None, help="Seed the server runs with (env SANDBOX_SEED).")
def submit(province: str, count: int, procedure: str | None, db_path: str | None, seed: int | None) -> None:
    """Submit dossiers online for a province; the running sandbox pushes them to its connector.

    \b
    Example:
      python -m simulator submit --province 56 --count 10
    """
    from simulator.flows import submissions

    values = config.resolve({"seed": seed, "db": db_path})
    if count < 1:
        raise click.UsageError("--count must be at least 1")
    database, path = _open_db(db_path)
    try:
        made = submissions.submit(
            database,
            province=province,
            count=min(count, values["submissions_max_count"]),
            seed=values["seed"],
            db_path=path,
            procedure=procedure,
        )
    except submissions.SubmissionError as err:
        raise click.UsageError(f"--{err.field}: {err.message}") from None
    _table(
        ("MaHoSo", "MaTTHC", "NgayHenTra", "delivery id"),
        [[m["MaHoSo"], m["MaTTHC"], m["NgayHenTra"], m["delivery_id"]] for m in made],
    )


def _table(header, rows) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    click.echo(line)
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
