"""`credentials`: every province client's portal credentials, unit code, gateway key and token dialect."""

from __future__ import annotations

import json

import click

from simulator import config, credential_sheet
from simulator.cli.options import choice_option, echo_json, echo_table, seed_option
from simulator.gateway import dialects

TABLE = {
    "code": "province_code",
    "province": "province_name",
    "username": "username",
    "password": "password",
    "madonvi": "madonvi",
    "gateway key": "gateway_key",
    "gateway secret": "gateway_secret",
    "dialect": "gateway_dialect",
}


@click.command()
@choice_option("--format", ["table", "json"], "table", "Output format.", dest="fmt")
@seed_option
@click.option("--db", "db_path", default=None, help="SQLite file holding rotated credentials (env SANDBOX_DB).")
@click.option("--gateway", is_flag=True, help="Print what each gateway token dialect needs, per province.")
@click.option("--province", default=None, help="Only this province (2-digit code).")
@click.option(
    "--set-dialect",
    type=click.Choice(list(dialects.DIALECTS)),
    default=None,
    help="Set --province's gateway token dialect in the database (the admin API does the same).",
)
def credentials(fmt: str, seed: int | None, db_path: str | None, gateway: bool, province: str | None, set_dialect: str | None) -> None:
    """Print every province client's portal credentials, unit code and gateway key.

    Credentials rotated through the admin API (stored in the database) replace the seed-derived ones.
    With --gateway, print each province's gateway token dialect and the token request of every
    dialect: HTTP Basic or form client_id/client_secret (oauth2), or the lgspaccesstoken header.

    \b
    Example:
      python -m simulator credentials
      python -m simulator credentials --format json | jq '.[] | select(.province_code=="56")'
      python -m simulator credentials --gateway --province 56
      python -m simulator credentials --province 56 --set-dialect lgspaccesstoken
    """
    conf = config.resolve({"seed": seed, "db": db_path})
    try:
        if set_dialect:
            if province is None:
                raise click.UsageError("--set-dialect needs --province")
            credential_sheet.set_dialect(conf["seed"], conf["db"], province, set_dialect)
            click.echo(f"province {province}: gateway dialect {set_dialect}", err=True)
        rows = credential_sheet.sheet(conf["seed"], conf["db"], province)
    except credential_sheet.UnknownProvinceError as err:
        raise click.UsageError(str(err)) from None
    if fmt == "json":
        echo_json(rows)
    elif gateway:
        for row in rows:
            _echo_token_requests(row)
    else:
        echo_table(tuple(TABLE), [[r[k] for k in TABLE.values()] for r in rows])


def _echo_token_requests(row: dict) -> None:
    """One province's dialect and the token request of every dialect, as a developer would send them."""
    t = row["gateway_token"]
    dialect = row["gateway_dialect"]
    grant = "body grant_type=client_credentials"
    click.echo(f"{row['province_code']} {row['province_name']}: dialect {dialect} ({dialects.DIALECTS[dialect]})")
    click.echo(f"  oauth2, Basic:   POST /ngsp/token  Authorization: {t['oauth2_basic']['Authorization']}  {grant}")
    click.echo(f"  oauth2, form:    POST /ngsp/token  body {t['oauth2_form']['body']}")
    click.echo(f"  lgspaccesstoken: POST /ngsp/token  lgspaccesstoken: {t['lgspaccesstoken']['lgspaccesstoken']}  {grant}")
    click.echo(f"                   (base64 of {json.dumps(t['lgspaccesstoken']['json'], ensure_ascii=False)})")
    click.echo("  then:            Authorization: Bearer <access_token> (lgspaccesstoken: the same header again)")
