"""The sandbox's local certificate authority and the certificates `serve --tls` presents.

Real connectors call `https://` endpoints, and Java and .NET clients refuse a certificate they
cannot chain to a trusted root. So the sandbox keeps one local CA in a `tls/` folder beside its
database, created once and reused: a developer trusts `tls/ca.pem` once (curl `--cacert`,
`REQUESTS_CA_BUNDLE`, `keytool -importcert`, the .NET trust store) and every later start, and
every database in that folder, is served under the same root. The server certificate is issued
by that CA for 127.0.0.1, ::1, localhost and the names asked for, and issued again when a name
is missing, the CA changed or it is within `RENEW_BEFORE` of expiring.

Everything is built with `cryptography`'s X.509 builder, with the extensions strict clients
check: the CA has basicConstraints CA:TRUE (critical) and keyCertSign; the server certificate
has subjectAltName (browsers and Java ignore the common name), serverAuth and the authority and
subject key identifiers that Java's and .NET's chain builders use. Keys are ECDSA P-256, which
every TLS stack of the last decade accepts. Private keys are written with mode 0600.

`issue_client_certificate` issues client certificates from the same CA, for mutual TLS
(`serve --tls-client-ca tls/ca.pem` accepts every client certificate this CA issued).
"""

from __future__ import annotations

import datetime
import fcntl
import inspect
import ipaddress
import os
import re
import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "National portal sandbox local CA"
CA_LIFETIME = datetime.timedelta(days=3650)
# 397 days: the longest lifetime Apple and the browsers accept for a server certificate.
LEAF_LIFETIME = datetime.timedelta(days=397)
RENEW_BEFORE = datetime.timedelta(days=30)
# Issued a little in the past, so a client whose clock is a few minutes behind still accepts it.
BACKDATE = datetime.timedelta(minutes=5)
# The flags of X.509 KeyUsage (RFC 5280 4.2.1.3), as the library names them: a certificate turns on only what it needs.
KEY_USAGES = tuple(inspect.signature(x509.KeyUsage).parameters)
DEFAULT_HOSTS = ("127.0.0.1", "::1", "localhost")
# RFC 1123 host names, with an optional leading wildcard label (`*.sandbox.test`).
DNS_NAME = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")


class TLSError(ValueError):
    """A TLS option that cannot be served; the message names the option and the problem."""


@dataclass(frozen=True)
class ServerFiles:
    """What gunicorn needs: the certificate chain, its key, and the CA clients must trust."""

    cert: Path
    key: Path
    ca: Path | None


def tls_dir(db_path: str | os.PathLike) -> Path:
    """The folder holding the CA and certificates: `tls/` beside the database file."""
    return Path(db_path).resolve().parent / "tls"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Write atomically (a reader never sees half a PEM); private keys readable by the owner only."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialise issuing between sandboxes started at once on the same folder (one CA, not two)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@dataclass(frozen=True)
class LocalCA:
    """The local CA: its certificate and key, loaded from or written to `folder`."""

    folder: Path
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_path(self) -> Path:
        """The CA certificate clients trust (PEM)."""
        return self.folder / "ca.pem"

    def issue(self, subject: str, *, hosts: Iterable[str] = (), client: bool = False) -> tuple[bytes, bytes]:
        """A certificate signed by this CA, as (certificate PEM, private key PEM)."""
        key = _new_key()
        now = _now()
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            _certificate(name, self.cert.subject, key, min(now + LEAF_LIFETIME, self.cert.not_valid_after_utc), ca=False)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        names = [_general_name(h) for h in hosts]
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        return cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)


def _certificate(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey, not_after: datetime.datetime, *, ca: bool
) -> x509.CertificateBuilder:
    """What the CA and the certificates it issues have in common: names, key, validity, and what the key may sign.

    A CA key signs certificates (and CRLs) and nothing below it may be a CA (path length 0); a
    leaf key only makes TLS signatures (ECDSA: digital_signature, no key encipherment).
    """
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(**{**dict.fromkeys(KEY_USAGES, False), "digital_signature": True, "key_cert_sign": ca, "crl_sign": ca}),
            critical=True,
        )
    )


def _general_name(host: str) -> x509.GeneralName:
    """An IP address SAN for addresses, a DNS SAN for names (IDNA-encoded, as clients compare them)."""
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        name = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        name = ""
    if not DNS_NAME.fullmatch(name):
        raise TLSError(f"--tls-host {host!r}: not an IP address or a DNS name")
    return x509.DNSName(name)


def load_or_create_ca(folder: Path) -> LocalCA:
    """The CA kept in `folder` (`ca.pem`, `ca-key.pem`), created on first use."""
    cert_path, key_path = folder / "ca.pem", folder / "ca-key.pem"
    if cert_path.is_file() and key_path.is_file():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if cert.not_valid_after_utc - RENEW_BEFORE > _now():
            return LocalCA(folder, cert, key)
    key = _new_key()
    now = _now()
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "portal-sandbox"), x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    cert = (
        _certificate(name, name, key, now + CA_LIFETIME, ca=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _key_pem(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return LocalCA(folder, cert, key)


def _covers(cert: x509.Certificate, ca: LocalCA, hosts: list[str]) -> bool:
    """Whether an existing server certificate is still good: same CA, every host, not near expiry."""
    if cert.issuer != ca.cert.subject or cert.not_valid_after_utc - RENEW_BEFORE <= _now():
        return False
    try:
        ca.cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except Exception:  # another CA's signature or no SAN: issue a new one
        return False
    return all(_general_name(h) in sans for h in hosts)


def server_hosts(extra: Iterable[str] = (), bind_host: str = "") -> list[str]:
    """The names the server certificate covers: loopback, the bound address if specific, and `extra`."""
    hosts = list(DEFAULT_HOSTS)
    candidates = [*([bind_host] if bind_host not in ("", "0.0.0.0", "::") else []), *extra]
    for host in candidates:
        host = host.strip().strip("[]")
        if not host:
            continue
        _general_name(host)  # fails early, naming the bad host
        if host not in hosts:
            hosts.append(host)
    return hosts


def ensure_server_files(db_path: str | os.PathLike, hosts: list[str]) -> ServerFiles:
    """The local CA and a server certificate for `hosts`, created or renewed as needed."""
    folder = tls_dir(db_path)
    with _locked(folder):
        ca = load_or_create_ca(folder)
        cert_path, key_path = folder / "server.pem", folder / "server-key.pem"
        current = None
        if cert_path.is_file() and key_path.is_file():
            current = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if current is None or not _covers(current, ca, hosts):
            cert_pem, key_pem = ca.issue(hosts[0] if hosts else "localhost", hosts=hosts)
            _write(key_path, key_pem, private=True)
            # The leaf alone: the CA is a root the client already trusts, so sending it adds nothing.
            _write(cert_path, cert_pem)
    return ServerFiles(cert_path, key_path, ca.cert_path)


def issue_client_certificate(ca_folder: str | os.PathLike, name: str, out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """A client certificate (CN `name`, clientAuth) from the CA in `ca_folder`; returns (cert, key) paths."""
    folder = Path(ca_folder)
    with _locked(folder):
        ca = load_or_create_ca(folder)
    # The name as a DNS subjectAltName too: RFC 5280 verifiers (cryptography's, Go's) require a SAN.
    cert_pem, key_pem = ca.issue(name, hosts=[name], client=True)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = out / f"{name}.pem", out / f"{name}-key.pem"
    _write(key_path, key_pem, private=True)
    _write(cert_path, cert_pem)
    return cert_path, key_path


def check_own_files(cert: str | None, key: str | None, client_ca: str | None) -> None:
    """Refuse unusable --tls-cert/--tls-key/--tls-client-ca before gunicorn does it with a traceback."""

    if bool(cert) != bool(key):
        raise TLSError("--tls-cert and --tls-key go together: give both or neither")
    for flag, path in (("--tls-cert", cert), ("--tls-key", key), ("--tls-client-ca", client_ca)):
        if path and not Path(path).is_file():
            raise TLSError(f"{flag} {path}: no such file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if cert:
        try:
            context.load_cert_chain(cert, key)
        except (ssl.SSLError, OSError) as err:
            raise TLSError(f"--tls-cert/--tls-key: cannot be used together ({err})") from None
    if client_ca:
        try:
            context.load_verify_locations(cafile=client_ca)
        except (ssl.SSLError, OSError) as err:
            raise TLSError(f"--tls-client-ca {client_ca}: not a PEM certificate bundle ({err})") from None
