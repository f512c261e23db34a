"""`settings` and `personas`: the reference tables, as text, JSON or the docs' markdown."""

from __future__ import annotations

import click

from simulator import reference_tables
from simulator.cli.options import echo_json, echo_table, format_option


def _echo(fmt: str, rows: list[dict], markdown, header: tuple[str, ...]) -> None:
    """Print reference rows in the chosen format (markdown: the docs' table)."""
    if fmt == "json":
        echo_json(rows)
    elif fmt == "markdown":
        click.echo(markdown())
    else:
        echo_table(header, [["" if v is None else str(v) for v in r.values()] for r in rows])


@click.command("settings")
@format_option("json", "markdown")
def settings_cmd(fmt: str) -> None:
    """List every setting with its default, bounds, environment variable and doc.

    \b
    Example:
      python -m simulator settings
      python -m simulator settings --format markdown   # the table in docs/cli.md
    """
    header = ("setting", "env", "default", "min", "cap", "doc")
    _echo(fmt, reference_tables.settings_rows(), reference_tables.settings_markdown, header)


@click.command()
@format_option("json", "markdown")
def personas(fmt: str) -> None:
    """List the personas: fixed identifiers with known outcomes in every system.

    \b
    Example:
      python -m simulator personas
      python -m simulator personas --format json
    """
    header = ("identifier", "kind", "outcome", "systems", "description")
    _echo(fmt, reference_tables.persona_rows(), reference_tables.personas_markdown, header)
