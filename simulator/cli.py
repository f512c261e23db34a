"""The command line: a thin click layer over the library (serve, credentials, settings, ...)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import ssl
import sys
from pathlib import Path

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
@click.option("--scenario", default=None, help="Apply this scenario from scenarios/ at start (e.g. peak-hour).")
@click.option("--tls", is_flag=True, help="Serve HTTPS with a certificate from the sandbox's local CA (tls/ beside the database).")
@click.option("--tls-host", "tls_hosts", multiple=True, metavar="NAME",
              help="Another name or address the certificate covers (repeatable; 127.0.0.1, ::1, localhost always).")
@click.option("--tls-cert", type=click.Path(dir_okay=False), default=None, help="Serve your own certificate chain (PEM); implies --tls.")
@click.option("--tls-key", type=click.Path(dir_okay=False), default=None, help="The private key of --tls-cert (PEM).")
@click.option("--tls-client-ca", type=click.Path(dir_okay=False), default=None,
              help="Mutual TLS: require client certificates issued by this CA bundle (PEM); implies --tls.")
def serve(host, port, db_path, workers, seed, scenario, tls, tls_hosts, tls_cert, tls_key, tls_client_ca) -> None:
    """Serve the sandbox with gunicorn and gevent workers (never the Flask dev server).

    \b
    Example:
      python -m simulator serve --port 8000 --workers 2 --db var/sandbox.db
      SANDBOX_ADMIN_TOKEN=secret python -m simulator serve
      python -m simulator serve --tls --tls-host sandbox.test   # HTTPS; trust the printed TLS CA
      python -m simulator serve --tls --tls-client-ca var/tls/ca.pem   # and require client certificates
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
    if scenario:
        _apply_scenario(values, scenario)
    tls_argv, tls_lines = [], []
    if tls or tls_hosts or tls_cert or tls_key or tls_client_ca:
        tls_argv, tls_lines = _tls_setup(values, tls_hosts, tls_cert, tls_key, tls_client_ca)
    base = f"{'https' if tls_argv else 'http'}://{values['host']}:{values['port']}"
    click.echo(f"National portal sandbox {__version__} on {base}  (database {values['db']})")
    click.echo(f"  API docs:      {base}/docs   (OpenAPI: {base}/openapi.json)")
    click.echo(f"  Portal:        POST {base}/dvcqg/api/auth, then POST {base}/dvcqg/api/service")
    click.echo(f"  Gateway:       POST {base}/ngsp/token, then {base}/ngsp/{{system}}/...")
    click.echo(f"  Dashboard:     {base}/dashboard   (paste the admin token below)")
    click.echo("  Credentials:   python -m simulator credentials")
    note = " (generated; set SANDBOX_ADMIN_TOKEN to fix it)" if generated else ""
    click.echo(f"  Admin token:   {values['admin_token']}{note}")
    for line in tls_lines:
        click.echo(line)
    sys.stdout.flush()
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:simulator.gunicorn_conf", *tls_argv, "simulator.wsgi:app"]
    os.execvpe(sys.executable, argv, env)


def _tls_setup(values: dict, hosts, cert, key, client_ca) -> tuple[list[str], list[str]]:
    """gunicorn's TLS arguments and the banner's TLS lines; the local CA issues a certificate unless one is given."""
    from simulator import tls

    try:
        tls.check_own_files(cert, key, client_ca)
        if cert and hosts:
            raise tls.TLSError("--tls-host names go into the local CA's certificate; with --tls-cert yours decides")
        if cert:
            files = tls.ServerFiles(Path(cert).resolve(), Path(key).resolve(), None)
        else:
            files = tls.ensure_server_files(values["db"], tls.server_hosts(hosts, values["host"]))
    except tls.TLSError as err:
        raise click.UsageError(str(err)) from None
    argv = ["--certfile", str(files.cert), "--keyfile", str(files.key)]
    if files.ca:
        lines = [f"TLS CA: {files.ca}", f"  (trust it: curl --cacert {files.ca} ...; see README \"HTTPS\")"]
    else:
        lines = [f"TLS certificate: {files.cert} (your own; its issuer is yours to trust)"]
    if client_ca:
        # CERT_REQUIRED: a client without a certificate from this CA fails the handshake.
        argv += ["--ca-certs", str(Path(client_ca).resolve()), "--cert-reqs", str(int(ssl.CERT_REQUIRED))]
        lines.append(f"Mutual TLS: client certificates issued by {Path(client_ca).resolve()} required")
    return argv, lines


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--seed", type=int, default=None, help="Seed the server runs with (env SANDBOX_SEED).")
@click.option("--db", "db_path", default=None, help="SQLite file holding rotated credentials (env SANDBOX_DB).")
@click.option("--gateway", is_flag=True, help="Print what each gateway token dialect needs, per province.")
@click.option("--province", default=None, help="Only this province (2-digit code).")
@click.option(
    "--set-dialect",
    type=click.Choice(["all", "oauth2", "lgspaccesstoken"]),
    default=None,
    help="Set --province's gateway token dialect in the database (the admin API does the same).",
)
def credentials(fmt: str, seed: int | None, db_path: str | None, gateway: bool, province: str | None,
                set_dialect: str | None) -> None:
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
    from simulator.gateway import dialects

    conf = config.resolve({"seed": seed, "db": db_path})
    if set_dialect:
        if province is None:
            raise click.UsageError("--set-dialect needs --province")
        _set_dialect(conf, province, set_dialect)
    issued = [c for c in _issued_clients(conf["seed"], conf["db"]) if province in (None, c.province_code)]
    if province is not None and not issued:
        raise click.UsageError(f"unknown province {province!r}: use one of the 34 2-digit codes")
    chosen = _dialects(conf["db"])
    rows = []
    for c in issued:
        basic = base64.b64encode(f"{c.gateway_key}:{c.gateway_secret}".encode()).decode()
        rows.append(
            {
                **c.as_dict(),
                "gateway_dialect": chosen.get(c.province_code, dialects.ALL),
                "gateway_token": {
                    "oauth2_basic": {"Authorization": f"Basic {basic}", "body": "grant_type=client_credentials"},
                    "oauth2_form": {
                        "body": f"grant_type=client_credentials&client_id={c.gateway_key}&client_secret={c.gateway_secret}"
                    },
                    "lgspaccesstoken": {
                        "lgspaccesstoken": dialects.lgsp_access_token(c),
                        "json": dialects.lgsp_access_token_fields(c),
                        "body": "grant_type=client_credentials",
                    },
                },
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if gateway:
        for r in rows:
            t = r["gateway_token"]
            click.echo(f"{r['province_code']} {r['province_name']}: dialect {r['gateway_dialect']} "
                       f"({dialects.DIALECTS[r['gateway_dialect']]})")
            click.echo(f"  oauth2, Basic:   POST /ngsp/token  Authorization: {t['oauth2_basic']['Authorization']}"
                       "  body grant_type=client_credentials")
            click.echo(f"  oauth2, form:    POST /ngsp/token  body {t['oauth2_form']['body']}")
            click.echo(f"  lgspaccesstoken: POST /ngsp/token  lgspaccesstoken: {t['lgspaccesstoken']['lgspaccesstoken']}"
                       "  body grant_type=client_credentials")
            click.echo(f"                   (base64 of {json.dumps(t['lgspaccesstoken']['json'], ensure_ascii=False)})")
            click.echo("  then:            Authorization: Bearer <access_token> (lgspaccesstoken: the same header again)")
        return
    header = ("code", "province", "username", "password", "madonvi", "gateway key", "gateway secret", "dialect")
    keys = ("province_code", "province_name", "username", "password", "madonvi", "gateway_key", "gateway_secret",
            "gateway_dialect")
    _table(header, [[r[k] for k in keys] for r in rows])


def _dialects(db_path: str) -> dict[str, str]:
    """Province -> dialect from the database, when it exists (never created here)."""
    from pathlib import Path

    if not Path(db_path).is_file():
        return {}
    from simulator import db
    from simulator.gateway import dialects

    database = db.database(db_path)
    dialects.create_tables(database)
    return dialects.all_dialects(database)


def _set_dialect(conf: dict, province: str, dialect: str) -> None:
    from simulator import db
    from simulator.gateway import dialects

    if not any(c.province_code == province for c in province_clients(conf["seed"])):
        raise click.UsageError(f"unknown province {province!r}: use one of the 34 2-digit codes")
    database = db.database(conf["db"])
    dialects.create_tables(database)
    dialects.set_dialect(database, province, dialect)
    click.echo(f"province {province}: gateway dialect {dialect}", err=True)


def _issued_clients(seed: int, db_path: str) -> list:
    """Seed-derived clients, with rotations applied when the database exists (never created here)."""
    from pathlib import Path

    if not Path(db_path).is_file():
        return list(province_clients(seed))
    from simulator import db, rotation

    database = db.database(db_path)
    rotation.create_tables(database)
    return rotation.all_current(database, seed)


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


def _fault_sandbox(values: dict):
    from simulator import db
    from simulator.app import create_app  # noqa: F401 - registers every feature's tables
    from simulator.faults import FaultSandbox

    db.init_schema(db.connect(values["db"]))
    return FaultSandbox.from_settings(values)


def _apply_scenario(values: dict, name: str) -> dict:
    from simulator.faults import ScenarioError, ScenarioNotFound

    try:
        return _fault_sandbox(values).scenarios.apply(name)
    except ScenarioNotFound:
        raise click.UsageError(f"no scenario {name!r} in {values['scenarios_dir']}/") from None
    except ScenarioError as err:
        raise click.UsageError(str(err)) from None


@main.group()
def scenario() -> None:
    """Fault scenarios: timelines of delay and fault rules, as YAML files in scenarios/.

    \b
    Example:
      python -m simulator scenario list
      python -m simulator scenario apply police-db-outage --db var/sandbox.db
    """


def _scenario_dir_option(fn):
    return click.option("--dir", "directory", default=None, help="Scenario folder (env SANDBOX_SCENARIOS_DIR).")(fn)


@scenario.command("list")
@_scenario_dir_option
def scenario_list(directory) -> None:
    """List the scenarios with their descriptions.

    \b
    Example:
      python -m simulator scenario list
    """
    from simulator.faults.scenarios import ScenarioError, list_scenarios

    values = config.resolve({"scenarios_dir": directory})
    try:
        found = list_scenarios(values["scenarios_dir"])
    except ScenarioError as err:
        raise click.ClickException(str(err)) from None
    for name, sc in sorted(found.items()):
        click.echo(f"{name:24} {sc.duration_s / 60:6.1f} min  {(sc.description or '').split('. ')[0][:100]}")


@scenario.command("show")
@click.argument("name")
@_scenario_dir_option
def scenario_show(name, directory) -> None:
    """Show a scenario's phases and rules as JSON.

    \b
    Example:
      python -m simulator scenario show peak-hour
    """
    from simulator.faults.scenarios import ScenarioError, list_scenarios

    values = config.resolve({"scenarios_dir": directory})
    try:
        sc = list_scenarios(values["scenarios_dir"]).get(name)
    except ScenarioError as err:
        raise click.ClickException(f"ScenarioError: {err}") from None
    if sc is None:
        raise click.ClickException(f"ScenarioNotFound: no scenario {name!r} in {values['scenarios_dir']}/")
    phases = [
        {"name": p.name, "start_s": p.start_s, "end_s": p.end_s, "rules": [r.to_json() for r in p.rules]}
        for p in sc.phases
    ]
    data = {
        "name": sc.name,
        "description": sc.description,
        "seed": sc.seed,
        "time_scale": sc.time_scale,
        "phases": phases,
    }
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@scenario.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@_scenario_dir_option
def scenario_validate(paths, directory) -> None:
    """Validate scenario files; a broken one is reported with file, line and reason.

    \b
    Example:
      python -m simulator scenario validate scenarios/chaos.yaml
    """
    from pathlib import Path

    from simulator.faults.scenarios import ScenarioError, load_scenario_file

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
    from simulator.faults.schema import schema_json

    click.echo(schema_json(), nl=False)


@scenario.command("apply")
@click.argument("name")
@click.option("--db", "db_path", default=None, help="SQLite file of the running sandbox (env SANDBOX_DB).")
@_scenario_dir_option
def scenario_apply(name, db_path, directory) -> None:
    """Apply a scenario to a sandbox's database; running workers pick it up within a second.

    \b
    Example:
      python -m simulator scenario apply flaky-payments --db var/sandbox.db
    """
    values = config.resolve({"db": db_path, "scenarios_dir": directory})
    status = _apply_scenario(values, name)
    click.echo(f"applied {status['name']}: {len(status['phases'])} phases, {status['total_s'] / 60:.1f} min")


@main.group("requests")
def requests_group() -> None:
    """Captured requests of a served sandbox (what connectors sent and got back, secrets masked).

    \b
    Example:
      SANDBOX_ADMIN_TOKEN=secret python -m simulator requests tail --province 56
    """


@requests_group.command("tail")
@click.option("--base", default=None, help="Base URL of the served sandbox (env SANDBOX_BASE; default "
              "http://127.0.0.1:8000). The admin token comes from SANDBOX_ADMIN_TOKEN.")
@click.option("--system", default=None, help="Only this system (portal, population, payment, ...).")
@click.option("--operation", default=None, help="Only this operation (auth, TraCuuHoSo, INIT, ...).")
@click.option("--province", default=None, help="Only this calling province (56 or H56).")
@click.option("--body-contains", default=None, help="Only requests whose body contains this text.")
@click.option("--lines", "backlog", type=click.IntRange(0, 500), default=10, show_default=True,
              help="Recent requests to print before following.")
@click.option("--bodies", is_flag=True, help="Print each request's and response's body (as captured) too.")
@click.option("--interval", type=click.FloatRange(0.05, 60), default=1.0, show_default=True,
              help="Seconds between polls.")
@click.option("--count", "stop_after", type=click.IntRange(0), default=0,
              help="Stop after printing this many new requests (0: follow until interrupted).")
def requests_tail(base, system, operation, province, body_contains, backlog, bodies, interval, stop_after) -> None:
    """Follow a served sandbox's captured requests live, oldest first, one line each.

    Polls GET /sandbox/requests with the filters given (the same as the API's).

    \b
    Example:
      SANDBOX_ADMIN_TOKEN=secret python -m simulator requests tail
      SANDBOX_ADMIN_TOKEN=secret python -m simulator requests tail --system payment --province 56 --bodies
      python -m simulator requests tail --base https://sandbox.test:8443 --body-contains 000.00.01.H56
    """
    from simulator.admin.feed import CaptureFeed, CaptureFeedError

    token = os.environ.get("SANDBOX_ADMIN_TOKEN", "")
    if not token:
        raise click.UsageError("set SANDBOX_ADMIN_TOKEN to the served sandbox's admin token")
    filters = {"system": system, "operation": operation, "province": province, "body_contains": body_contains}
    feed = CaptureFeed(base or os.environ.get("SANDBOX_BASE", "http://127.0.0.1:8000"), token, filters)
    try:
        printed = 0
        for item, new in feed.follow(backlog, interval):
            click.echo(feed.line(item))
            if bodies:
                for arrow, part in ((">", item["request"]), ("<", item["response"])):
                    if part["body"]:
                        click.echo(f"  {arrow} {part['body'].rstrip()}{' …(cut)' if part['body_truncated'] else ''}")
            printed += new
            if stop_after and printed >= stop_after:
                return
    except CaptureFeedError as err:
        raise click.ClickException(str(err)) from None
    except KeyboardInterrupt:
        return


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def personas(fmt: str) -> None:
    """List the personas: fixed identifiers with known outcomes in every system.

    \b
    Example:
      python -m simulator personas
      python -m simulator personas --format json
    """
    from simulator.identity.personas import personas as all_personas

    rows = [
        {"identifier": p.identifier, "kind": p.kind, "outcome": p.outcome, "systems": ", ".join(p.systems),
         "description": p.description_en}
        for p in all_personas()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(personas_markdown())
    else:
        _table(("identifier", "kind", "outcome", "systems", "description"), [list(r.values()) for r in rows])


def personas_markdown() -> str:
    """The personas as the README's markdown table."""
    from simulator.identity.personas import personas as all_personas

    lines = ["| Identifier | Kind | Outcome | Systems | What happens |", "|---|---|---|---|---|"]
    for p in all_personas():
        lines.append(f"| `{p.identifier}` | {p.kind} | `{p.outcome}` | {', '.join(p.systems)} | {p.description_en} |")
    return "\n".join(lines)


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
@click.option(
    "--body-style",
    type=click.Choice(["flat", "nested"]),
    default="flat",
    show_default=True,
    help="flat: the dossier's fields at the top level, as OpenCPS' /nps/createdossierfromdvcqg reads them; "
    "nested: {delivery_id, event, sent_at, madonvi, data}.",
)
@_db_option
def connector_set(province: str, url: str, secret: str, body_style: str, db_path: str | None) -> None:
    """Register or replace a province's push endpoint, secret and body style.

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
    saved = connectors.masked(connectors.set_connector(database, province, url, secret, body_style))
    click.echo(
        f"province {saved['province']} pushes to {saved['url']} "
        f"({saved['body_style']} bodies, secret {saved['secret_hint']})"
    )


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
    _table(
        ("province", "url", "body style", "secret"),
        [[r["province"], r["url"], r["body_style"], r["secret_hint"]] for r in rows],
    )


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


# --- certify: the connector readiness check (simulator/certify/) ---
@main.command("certify")
@click.option("--province", required=True, help="2-digit province code whose connector is checked (e.g. 56).")
@click.option("--connector", required=True, help="The connector's push URL on loopback (http://127.0.0.1:9000/...).")
@click.option("--secret", envvar="CERTIFY_PUSH_SECRET", required=True,
              help="The push secret the connector verifies signatures with (env CERTIFY_PUSH_SECRET).")
@click.option("--profile", type=click.Choice(["basic", "full"]), default="basic", show_default=True,
              help="basic: pushes, sync, progress, duplicates; full adds faults and ministry callbacks.")
@click.option("--duration", default="3m", show_default=True, help="Longest the check may run (90s, 10m); it ends early when done.")
@click.option("--sync-deadline", default="15s", show_default=True, help="Longest a dossier may take from push to sync.")
@click.option("--dossiers", type=int, default=3, show_default=True, help="Online submissions in the online phase.")
@click.option("--body-style", type=click.Choice(["flat", "nested"]), default="flat", show_default=True,
              help="How the portal shapes pushes for this connector.")
@click.option("--base", default="http://127.0.0.1:8000", show_default=True, help="The served sandbox (loopback).")
@click.option("--out", "out_dir", default=None, help="Report folder (default reports/certify-<province>-<run id>).")
@click.option("--quiet", is_flag=True, help="No progress lines, only the verdict.")
def certify(province, connector, secret, profile, duration, sync_deadline, dossiers, body_style, base, out_dir,
            quiet) -> None:
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
    import time
    from pathlib import Path

    from simulator.certify import reports
    from simulator.certify.campaign import Options
    from simulator.certify.runner import EXIT_UNUSABLE, parse_duration, run_check

    token = os.environ.get("SANDBOX_ADMIN_TOKEN", "")
    if not token:
        raise click.UsageError("set SANDBOX_ADMIN_TOKEN to the sandbox's admin token")
    try:
        options = Options(province, connector, secret, base, token, profile, parse_duration(duration),
                          parse_duration(sync_deadline), dossiers, body_style)
        options.validate()
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    started = time.monotonic()

    def progress(phase: str, text: str) -> None:
        if not quiet:
            click.echo(f"[{time.monotonic() - started:6.1f}s] {phase:<14} {text}", err=True)

    report = run_check(options, progress)
    target = Path(out_dir or f"reports/certify-{province}-{report['run_id']}")
    paths = reports.write_all(report, target)
    for r in report["results"] if report["exit_code"] != EXIT_UNUSABLE else []:
        if not quiet or r["status"] != "pass":
            click.echo(f"  {reports.STATUS_LABEL[r['status']]:<14} {r['id']:<9} {r['title']}: {r['summary']}")
    click.echo(reports.verdict_line(report))
    click.echo(f"Reports: {paths['html']} (also report.md, report.json, junit.xml)")
    if report["error"] and report["exit_code"] == EXIT_UNUSABLE:
        click.echo(f"The check could not run: {report['error']}", err=True)
    sys.exit(report["exit_code"])
