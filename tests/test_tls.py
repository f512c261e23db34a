"""`serve --tls`: the local CA, the certificates it issues, and HTTPS on a served process.

Certificates are checked with cryptography's own RFC 5280 path validation (an implementation
independent of how `simulator.tls` builds them) and, on the wire, by Python's ssl module as
requests uses it: with the CA, without it, and under mutual TLS.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import ssl
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from loadtests.processes import Child, free_port
from simulator import tls
from simulator.cli import main
from tests.conftest import ADMIN, ADMIN_TOKEN, ROOT, SEED, Portal, await_rules, connection_refused, wait_until


def verify_chain(leaf_pem: bytes, ca_pem: bytes, name: x509.GeneralName, *, client: bool = False):
    """Validate a certificate against the CA as a TLS peer would (cryptography's verifier)."""
    builder = PolicyBuilder().store(Store([x509.load_pem_x509_certificate(ca_pem)]))
    leaf = x509.load_pem_x509_certificate(leaf_pem)
    if client:
        return builder.build_client_verifier().verify(leaf, [])
    return builder.build_server_verifier(name).verify(leaf, [])


def test_the_ca_is_created_once_and_the_server_certificate_covers_loopback_and_asked_names(tmp_path):
    db = tmp_path / "sandbox.db"
    files = tls.ensure_server_files(db, tls.server_hosts(["sandbox.test", "10.1.2.3"]))
    assert files.ca == tmp_path / "tls" / "ca.pem" and files.key.stat().st_mode & 0o777 == 0o600
    ca_pem = files.ca.read_bytes()
    for name in (
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.DNSName("localhost"),
        x509.DNSName("sandbox.test"),
        x509.IPAddress(ipaddress.ip_address("10.1.2.3")),
    ):
        verify_chain(files.cert.read_bytes(), ca_pem, name)
    with pytest.raises(VerificationError):
        verify_chain(files.cert.read_bytes(), ca_pem, x509.DNSName("portal.gov.vn"))
    # Same hosts: nothing re-issued. A new host: a new server certificate under the same CA.
    same = files.cert.read_bytes()
    assert tls.ensure_server_files(db, tls.server_hosts(["sandbox.test", "10.1.2.3"])).cert.read_bytes() == same
    tls.ensure_server_files(db, tls.server_hosts(["other.test"]))
    assert files.ca.read_bytes() == ca_pem and files.cert.read_bytes() != same
    verify_chain(files.cert.read_bytes(), ca_pem, x509.DNSName("other.test"))


def test_only_the_ca_may_sign_certificates_and_a_server_key_only_signs_handshakes(tmp_path):
    files = tls.ensure_server_files(tmp_path / "s.db", tls.server_hosts())

    def usage(path: Path) -> tuple[x509.KeyUsage, x509.BasicConstraints]:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value, cert.extensions.get_extension_for_class(
            x509.BasicConstraints
        ).value

    (ca_usage, ca_basic), (leaf_usage, leaf_basic) = usage(files.ca), usage(files.cert)
    assert ca_basic.ca and ca_basic.path_length == 0 and ca_usage.key_cert_sign and ca_usage.crl_sign
    assert not leaf_basic.ca and not leaf_usage.key_cert_sign and not leaf_usage.crl_sign
    assert leaf_usage.digital_signature and not leaf_usage.key_encipherment and not leaf_usage.content_commitment


def test_a_certificate_from_another_ca_does_not_verify(tmp_path):
    ours = tls.ensure_server_files(tmp_path / "a" / "s.db", tls.server_hosts())
    theirs = tls.ensure_server_files(tmp_path / "b" / "s.db", tls.server_hosts())
    with pytest.raises(VerificationError):
        verify_chain(theirs.cert.read_bytes(), ours.ca.read_bytes(), x509.DNSName("localhost"))


def test_client_certificates_are_for_client_authentication_only(tmp_path):
    ca_dir = tls.ensure_server_files(tmp_path / "s.db", tls.server_hosts()).ca.parent
    cert, key = tls.issue_client_certificate(ca_dir, "acme-connector", tmp_path / "clients")
    assert key.stat().st_mode & 0o777 == 0o600
    verify_chain(cert.read_bytes(), (ca_dir / "ca.pem").read_bytes(), None, client=True)
    with pytest.raises(VerificationError):  # no serverAuth: it cannot pose as the sandbox
        verify_chain(cert.read_bytes(), (ca_dir / "ca.pem").read_bytes(), x509.DNSName("localhost"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"),
        (["--tls-cert", "missing.pem", "--tls-key", "missing-key.pem"], "--tls-cert missing.pem: no such file"),
        (["--tls", "--tls-host", "bad host!"], "--tls-host 'bad host!'"),
        (["--tls-client-ca", "not-a-ca.pem"], "--tls-client-ca not-a-ca.pem: not a PEM certificate bundle"),
        (
            ["--tls-host", "x.test", "--tls-cert", "own/tls/server.pem", "--tls-key", "own/tls/server-key.pem"],
            "--tls-host names go into the local CA's certificate",
        ),
    ],
)
def test_unusable_tls_options_are_refused_naming_the_option(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    # Were an option wrongly accepted, serve would exec gunicorn in place of the test run.
    monkeypatch.setattr(os, "execvpe", lambda *a: pytest.fail(f"serve went on to start gunicorn: {a[1]}"))
    Path("cert.pem").write_text("x")
    tls.ensure_server_files(tmp_path / "own" / "pki.db", tls.server_hosts())  # a usable pair of one's own
    Path("not-a-ca.pem").write_text("not a certificate")
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "s.db"), *args])
    assert result.exit_code == 2 and message in result.output, result.output


class Served:
    """`python -m simulator serve` with TLS options on a free loopback port."""

    def __init__(self, tmp_path: Path, *args: str, env: dict | None = None):
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.db = tmp_path / "sandbox.db"
        self.log = tmp_path / f"serve-{self.port}.log"
        cmd = [sys.executable, "-m", "simulator", "serve", "--port", str(self.port), "--db", str(self.db), "--workers", "2", *args]
        base_env = {"SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN, "SANDBOX_SEED": str(SEED), **(env or {})}
        self.child = Child("sandbox", cmd, self.log, base_env)

    def wait(self, verify, cert=None, timeout: float = 30) -> Served:
        """Wait for /healthz over HTTPS (with a client certificate under mutual TLS)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.child.proc.poll() is None, self.child.tail()
            try:
                if requests.get(self.base + "/healthz", verify=verify, cert=cert, timeout=2).status_code == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"no HTTPS sandbox: {self.child.tail()}")

    def banner_value(self, prefix: str) -> str:
        """The value of a banner line starting with `prefix`."""
        return next(line for line in self.log.read_text().splitlines() if line.startswith(prefix))[len(prefix) :]


@pytest.fixture
def https_sandbox(tmp_path):
    """A sandbox served with --tls, its CA file written beside the database (SANDBOX_LOG_LEVEL=info)."""
    served = Served(tmp_path, "--tls", env={"SANDBOX_LOG_LEVEL": "info"})
    served.wait(verify=str(tmp_path / "tls" / "ca.pem"))
    yield served
    served.child.stop()


@pytest.mark.live
def test_https_with_the_printed_ca_serves_the_portal_and_plain_verification_fails(https_sandbox):
    ca = https_sandbox.banner_value("TLS CA: ")
    assert ca == str(https_sandbox.db.parent / "tls" / "ca.pem")

    def post(path: str, body: dict) -> dict:
        return requests.post(https_sandbox.base + path, json=body, verify=ca, timeout=10).json()

    portal = Portal(post, "56")
    assert portal.login()["error_code"] == 0
    assert portal.call("TraCuuHoSo", mahoso="000.00.01.H56-261128-0001")["error_code"] == "00"
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(https_sandbox.base + "/healthz", timeout=5)  # the system's trust store alone
    with pytest.raises(requests.ConnectionError):  # the port speaks TLS only
        requests.get(https_sandbox.base.replace("https", "http") + "/healthz", timeout=5)
    assert "on https://127.0.0.1:" in https_sandbox.log.read_text()


@pytest.mark.live
def test_gevent_workers_serve_tls_concurrently_with_keepalive_and_their_gc_policy(https_sandbox):
    ca = https_sandbox.banner_value("TLS CA: ")

    # Both workers ran post_worker_init (GC policy, job runner) with TLS on; the second may boot
    # a moment after the first answered /healthz.
    def ready_lines() -> list[str]:
        lines = https_sandbox.log.read_text().splitlines()
        ready = [line for line in lines if "ready: gevent" in line and "TLS on" in line]
        return ready if len(ready) == 2 else []

    ready = wait_until(ready_lines, 15, "both workers' ready line")
    assert all("gc full collections every 600s" in line for line in ready), ready
    # Keep-alive: two requests on one TLS connection.
    context = ssl.create_default_context(cafile=ca)
    conn = http.client.HTTPSConnection("127.0.0.1", https_sandbox.port, context=context, timeout=5)
    conn.request("GET", "/healthz")
    first = conn.getresponse()
    first.read()
    sock = conn.sock
    conn.request("GET", "/healthz")
    assert conn.getresponse().status == 200 and conn.sock is sock
    conn.close()
    # A 1 s injected delay on the handshake: 40 TLS clients at once are served together
    # (handshakes and sleeps are greenlets), not one after another: at one moment the workers
    # were serving all 40 (how fast is for make bench).
    rule = {
        "id": "slow-auth",
        "match": {"system": "portal", "operation": "auth"},
        "effects": [{"latency": {"dist": "fixed", "seconds": 1}}],
        "expires_in_s": 30,
    }
    assert requests.post(https_sandbox.base + "/sandbox/rules", json=rule, headers=ADMIN, verify=ca, timeout=5).status_code == 201
    await_rules(https_sandbox.base, 2, verify=ca)
    body = {"username": "nobody", "password": "x"}

    def login(n: int) -> float:
        started = time.monotonic()
        headers = {"X-Request-ID": f"tls-login-{n}"}
        requests.post(https_sandbox.base + "/dvcqg/api/auth", json=body, headers=headers, verify=ca, timeout=30)
        return time.monotonic() - started

    with ThreadPoolExecutor(40) as pool:
        each = list(pool.map(login, range(40)))
    assert min(each) >= 1.0, each  # every one was delayed

    def journaled() -> list[dict]:
        reply = requests.get(https_sandbox.base + "/sandbox/journal", params={"limit": 1000}, headers=ADMIN, verify=ca, timeout=10)
        rows = [r for r in reply.json()["items"] if r["request_id"].startswith("tls-login-")]
        return rows if len(rows) == 40 else []

    rows = wait_until(journaled, what="the 40 logins in the journal")
    # The journal's ts is when the answer ended; latency_ms how long the worker held the request.
    starts = [r["ts"] - r["latency_ms"] / 1000 for r in rows]
    assert max(starts) < min(r["ts"] for r in rows), "a login began only after another had ended"


@pytest.mark.live
def test_a_reset_fault_over_tls_is_a_connection_error_not_a_hang(https_sandbox):
    ca = https_sandbox.banner_value("TLS CA: ")
    rule = {"id": "reset-auth", "match": {"system": "portal", "operation": "auth"}, "effects": [{"reset": {}}]}
    requests.post(https_sandbox.base + "/sandbox/rules", json=rule, headers=ADMIN, verify=ca, timeout=5)
    auth = {"username": "x", "password": "y"}
    wait_until(
        lambda: connection_refused(lambda: requests.post(https_sandbox.base + "/dvcqg/api/auth", json=auth, verify=ca, timeout=5)),
        what="the reset to apply over TLS",
    )


@pytest.mark.live
def test_mutual_tls_refuses_clients_without_a_certificate_from_the_trusted_ca(tmp_path):
    ca_dir = tls.ensure_server_files(tmp_path / "sandbox.db", tls.server_hosts()).ca.parent
    ca = str(ca_dir / "ca.pem")
    good = tls.issue_client_certificate(ca_dir, "acme-connector", tmp_path / "clients")
    stranger_ca = tls.ensure_server_files(tmp_path / "elsewhere" / "x.db", tls.server_hosts()).ca.parent
    stranger = tls.issue_client_certificate(stranger_ca, "stranger", tmp_path / "strangers")
    served = Served(tmp_path, "--tls-client-ca", ca)
    try:
        served.wait(verify=ca, cert=tuple(map(str, good)))
        assert served.banner_value("Mutual TLS: ").startswith("client certificates issued by")
        reply = requests.post(
            served.base + "/dvcqg/api/auth", json={"username": "x", "password": "y"}, verify=ca, cert=tuple(map(str, good)), timeout=5
        )
        assert reply.status_code == 200
        for cert in (None, tuple(map(str, stranger))):
            with pytest.raises(requests.ConnectionError):  # the handshake fails: no HTTP exchange at all
                requests.get(served.base + "/healthz", verify=ca, cert=cert, timeout=5)
    finally:
        served.child.stop()


@pytest.mark.live
def test_ones_own_certificate_is_served_instead_of_the_local_cas(tmp_path):
    own = tls.ensure_server_files(tmp_path / "company" / "pki.db", tls.server_hosts())
    served = Served(tmp_path, "--tls-cert", str(own.cert), "--tls-key", str(own.key))
    try:
        served.wait(verify=str(own.ca))
        assert "(your own" in served.banner_value("TLS certificate: ")
        assert not (tmp_path / "tls").exists()  # no local CA made when one's own certificate is given
    finally:
        served.child.stop()


def test_the_serve_command_documents_its_tls_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    for option in ("--tls", "--tls-host", "--tls-cert", "--tls-key", "--tls-client-ca"):
        assert option in result.output
    assert (ROOT / "docs" / "https.md").read_text(encoding="utf-8").count("--tls") >= 3
