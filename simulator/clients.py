"""Province clients: one per province, with portal credentials, unit code and gateway key.

Credentials are derived from the sandbox seed with HMAC, so `python -m simulator
credentials` prints exactly what every server worker accepts, with nothing stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass
from functools import lru_cache

from simulator.provinces import Province, all_provinces


@dataclass(frozen=True)
class ProvinceClient:
    """A province's connector identity on the portal and on the integration gateway."""

    province_code: str
    province_name: str
    username: str
    password: str
    madonvi: str
    gateway_key: str
    gateway_secret: str

    def as_dict(self) -> dict:
        """The client as a plain dict (for JSON output)."""
        return asdict(self)


def _derive(seed: int, purpose: str, length: int) -> str:
    digest = hmac.new(str(seed).encode(), purpose.encode(), hashlib.sha256).hexdigest()
    return digest[:length]


def _client(seed: int, p: Province) -> ProvinceClient:
    suffix = p.agency_suffix.lower()
    return ProvinceClient(
        province_code=p.code,
        province_name=p.full_name,
        username=f"dvc_{suffix}",
        password=f"Sbx-{_derive(seed, 'portal-password:' + p.code, 12)}",
        madonvi=f"000.00.00.{p.agency_suffix}",
        gateway_key=f"lgsp-{suffix}",
        gateway_secret=_derive(seed, "gateway-secret:" + p.code, 32),
    )


@lru_cache(maxsize=8)
def province_clients(seed: int) -> tuple[ProvinceClient, ...]:
    """Every province's client for this seed, in province-code order."""
    return tuple(_client(seed, p) for p in all_provinces())


def by_username(seed: int, username: str) -> ProvinceClient | None:
    """The client with this portal username, or None."""
    return next((c for c in province_clients(seed) if c.username == username), None)


def by_province(seed: int, code: str) -> ProvinceClient | None:
    """The client of the province with this 2-digit code, or None."""
    return next((c for c in province_clients(seed) if c.province_code == code), None)


def by_gateway_key(seed: int, key: str) -> ProvinceClient | None:
    """The client with this gateway (OAuth2 client-credentials) key, or None."""
    return next((c for c in province_clients(seed) if c.gateway_key == key), None)


def check_password(client: ProvinceClient, password: str) -> bool:
    """Constant-time comparison of a presented password with the client's."""
    return hmac.compare_digest(client.password.encode(), str(password).encode())
