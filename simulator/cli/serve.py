"""`serve`: the sandbox under gunicorn with gevent workers, optionally over HTTPS."""

from __future__ import annotations

import os
import secrets
import ssl
import sys
from pathlib import Path

import click

from simulator import __version__, config, tls
from simulator.cli.options import db_option
from simulator.cli.scenario import apply_scenario


@click.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1; env SANDBOX_HOST).")
@click.option("--port", type=int, default=None, help="TCP port (default 8000; env SANDBOX_PORT).")
@db_option
@click.option("--workers", type=int, default=None, help="gunicorn gevent workers (env SANDBOX_WORKERS).")
@click.option("--seed", type=int, default=None, help="Seed for identities, credentials, faults (env SANDBOX_SEED).")
@click.option("--scenario", default=None, help="Apply this scenario from scenarios/ at start (e.g. peak-hour).")
@click.option(
    "--tls", "use_tls", is_flag=True, help="Serve HTTPS with a certificate from the sandbox's local CA (tls/ beside the database)."
)
@click.option(
    "--tls-host",
    "tls_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name or address the certificate covers (repeatable; 127.0.0.1, ::1, localhost always).",
)
@click.option("--tls-cert", type=click.Path(dir_okay=False), default=None, help="Serve your own certificate chain (PEM); implies --tls.")
@click.option("--tls-key", type=click.Path(dir_okay=False), default=None, help="The private key of --tls-cert (PEM).")
@click.option(
    "--tls-client-ca",
    type=click.Path(dir_okay=False),
    default=None,
    help="Mutual TLS: require client certificates issued by this CA bundle (PEM); implies --tls.",
)
def serve(host, port, db_path, workers, seed, scenario, use_tls, tls_hosts, tls_cert, tls_key, tls_client_ca) -> None:
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
        apply_scenario(values, scenario)
    tls_argv, tls_lines = [], []
    if use_tls or tls_hosts or tls_cert or tls_key or tls_client_ca:
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
        lines = [f"TLS CA: {files.ca}", f"  (trust it: curl --cacert {files.ca} ...; see docs/https.md)"]
    else:
        lines = [f"TLS certificate: {files.cert} (your own; its issuer is yours to trust)"]
    if client_ca:
        # CERT_REQUIRED: a client without a certificate from this CA fails the handshake.
        argv += ["--ca-certs", str(Path(client_ca).resolve()), "--cert-reqs", str(int(ssl.CERT_REQUIRED))]
        lines.append(f"Mutual TLS: client certificates issued by {Path(client_ca).resolve()} required")
    return argv, lines
