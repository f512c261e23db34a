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
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@click.option("--update-readme", is_flag=True, help="Rewrite the settings table in README.md from the registry.")
def settings_cmd(fmt: str, update_readme: bool) -> None:
    """List every setting with its default, bounds, environment variable and doc.

    \b
    Example:
      python -m simulator settings
      python -m simulator settings --format markdown   # the README's table
    """
    rows = [
        {"name": s.name, "env": s.env, "default": s.default, "minimum": s.minimum, "cap": s.cap, "doc": s.doc}
        for s in config.SETTINGS.values()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if update_readme:
        import re
        from pathlib import Path

        readme = Path(__file__).resolve().parent.parent / "README.md"
        table = re.compile(r"\| Setting \| Environment \|.*?\n(?=\n)", re.S)
        text = table.sub(lambda _: settings_markdown() + "\n", readme.read_text(encoding="utf-8"), count=1)
        readme.write_text(text, encoding="utf-8")
        click.echo(f"updated {readme}")
        return
    if fmt == "markdown":
        click.echo(settings_markdown())
        return
    _table(
        ("setting", "env", "default", "min", "cap", "doc"),
        [[str(v if v is not None else "") for v in r.values()] for r in rows],
    )


def settings_markdown() -> str:
    """The settings as the README's markdown table."""
    lines = ["| Setting | Environment | Default | Bounds | What it does |", "|---|---|---|---|---|"]
    for s in config.SETTINGS.values():
        bounds = (
            ""
            if s.minimum is None and s.cap is None
            else f"{s.minimum if s.minimum is not None else ''}–{s.cap if s.cap is not None else ''}"
        )
        lines.append(f"| `{s.name}` | `{s.env}` | `{s.default}` | {bounds} | {s.doc} |")
    return "\n".join(lines)


def _table(header, rows) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    click.echo(line)
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
