"""`connector` and `submit`: where the portal pushes a province's events, and online submissions to push."""

from __future__ import annotations

import click
from marshmallow import ValidationError

from simulator import config
from simulator.cli.options import body_style_option, db_option, echo_table, open_db, province_option, seed_option
from simulator.flows import connectors, schemas, submissions


@click.group()
def connector() -> None:
    """Register where the portal pushes each province's events (writes the SQLite file directly).

    \b
    Example:
      python -m simulator connector set --province 56 --url http://127.0.0.1:9000/push --secret S3cret-56
    """


@connector.command("set")
@province_option
@click.option("--url", required=True, help="The connector's push endpoint (http or https).")
@click.option("--secret", required=True, help="Shared HMAC secret (8-256 characters).")
@body_style_option(
    "flat: the dossier's fields at the top level, as OpenCPS' /nps/createdossierfromdvcqg reads them; "
    "nested: {delivery_id, event, sent_at, madonvi, data}."
)
@db_option
def connector_set(province: str, url: str, secret: str, body_style: str, db_path: str | None) -> None:
    """Register or replace a province's push endpoint, secret and body style.

    \b
    Example:
      python -m simulator connector set --province 56 --url http://127.0.0.1:9000/push --secret S3cret-56
    """
    try:
        schemas.ConnectorIn().load({"url": url, "secret": secret})
        schemas.SubmissionsIn().load({"province": province})
    except ValidationError as err:
        raise click.UsageError("; ".join(f"{k}: {' '.join(v)}" for k, v in err.messages.items())) from None
    database, _ = open_db(db_path)
    saved = connectors.masked(connectors.set_connector(database, province, url, secret, body_style))
    click.echo(f"province {saved['province']} pushes to {saved['url']} ({saved['body_style']} bodies, secret {saved['secret_hint']})")


@connector.command("list")
@db_option
def connector_list(db_path: str | None) -> None:
    """List registered connectors (secrets shown as hints).

    \b
    Example:
      python -m simulator connector list --db var/sandbox.db
    """
    database, _ = open_db(db_path)
    rows = [connectors.masked(c) for c in connectors.list_connectors(database)]
    echo_table(("province", "url", "body style", "secret"), [[r["province"], r["url"], r["body_style"], r["secret_hint"]] for r in rows])


@connector.command("delete")
@province_option
@db_option
def connector_delete(province: str, db_path: str | None) -> None:
    """Remove a province's connector (its pending pushes wait and retry).

    \b
    Example:
      python -m simulator connector delete --province 56
    """
    database, _ = open_db(db_path)
    if not connectors.delete_connector(database, province):
        raise click.ClickException(f"no connector registered for province {province}")
    click.echo(f"connector of province {province} deleted")


@click.command()
@province_option
@click.option("--count", type=int, default=1, show_default=True, help="Number of submissions (capped by setting).")
@click.option("--procedure", default=None, help="MaTTHC of an online procedure (drawn when absent).")
@db_option
@seed_option
def submit(province: str, count: int, procedure: str | None, db_path: str | None, seed: int | None) -> None:
    """Submit dossiers online for a province; the running sandbox pushes them to its connector.

    \b
    Example:
      python -m simulator submit --province 56 --count 10
    """
    values = config.resolve({"seed": seed, "db": db_path})
    if count < 1:
        raise click.UsageError("--count must be at least 1")
    database, path = open_db(db_path)
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
    echo_table(
        ("MaHoSo", "MaTTHC", "NgayHenTra", "delivery id"), [[m["MaHoSo"], m["MaTTHC"], m["NgayHenTra"], m["delivery_id"]] for m in made]
    )
