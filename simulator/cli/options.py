"""What several commands share: options declared once, the database `--db` names, and table output."""

from __future__ import annotations

import json

import click

from simulator import config, db, schema

db_option = click.option("--db", "db_path", default=None, help="SQLite file (default var/sandbox.db; env SANDBOX_DB).")
province_option = click.option("--province", required=True, help="2-digit province code (e.g. 56).")
seed_option = click.option("--seed", type=int, default=None, help="Seed the server runs with (env SANDBOX_SEED).")


def choice_option(name: str, choices: list[str], default: str, help_text: str, dest: str | None = None):
    """An option taking one of `choices`, its default shown in --help."""
    names = (name, dest) if dest else (name,)
    return click.option(*names, type=click.Choice(choices), default=default, show_default=True, help=help_text)


def format_option(*formats: str):
    """--format: `table` (the default) or one of `formats`."""
    return choice_option("--format", ["table", *formats], "table", "Output format.", dest="fmt")


def body_style_option(help_text: str):
    """--body-style: how the portal shapes the pushes it sends a connector."""
    return choice_option("--body-style", ["flat", "nested"], "flat", help_text)


def open_db(db_path: str | None):
    """The sandbox file named by --db or SANDBOX_DB, with every feature's tables: (database, path)."""
    path = config.resolve({"db": db_path})["db"]
    database = db.database(path)
    schema.create_all(database)
    return database, path


def echo_json(value) -> None:
    """Print a value as indented JSON, Vietnamese as is."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def echo_table(header, rows) -> None:
    """Print rows as a plain text table with a header and aligned columns."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    click.echo("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(str(x).ljust(w) for x, w in zip(row, widths)))
