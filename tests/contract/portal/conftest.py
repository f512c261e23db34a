"""Fixtures of the portal contract tests: one served sandbox per module (`served_sandbox`) and an OpenCPS-like client.

The client reads replies the way OpenCPS v2 does (Liferay `JSONObject`, which wraps org.json):
`getInt` parses numbers and numeric strings ("00" is 0) and gives 0 for a missing key or a
non-number, `getString` gives "" for a missing key, `GetterUtil.getInteger` parses a string or
gives 0. Requests are built field by field as `DVCQGIntegrationActionImpl.java` builds them.
"""

from __future__ import annotations

import pytest
import requests

from simulator.clients import by_province
from tests.conftest import SEED


def get_int(obj: dict, key: str) -> int:
    """Liferay JSONObject.getInt: a number or numeric string as int, else 0 (missing key too)."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if isinstance(value, bool) or value is None:
        return 0
    try:
        return int(float(str(value)))
    except ValueError:
        return 0


def get_string(obj: dict, key: str) -> str:
    """Liferay JSONObject.getString: the value as text, "" when missing."""
    value = obj.get(key) if isinstance(obj, dict) else None
    return "" if value is None else str(value)


def get_integer(text: str) -> int:
    """Liferay GetterUtil.getInteger(String): the parsed integer, 0 when it is not one."""
    try:
        return int(str(text).strip())
    except ValueError:
        return 0


def get_array(obj: dict, key: str) -> list | None:
    """Liferay JSONObject.getJSONArray: the array, or null (None) when missing or not an array."""
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else None


class OpenCpsClient:
    """The portal client of OpenCPS v2 (`DVCQGIntegrationActionImpl`), configured like a ServerConfig."""

    def __init__(self, base: str, province: str = "56"):
        account = by_province(SEED, province)
        self.config = {
            "adapter_url": base,
            "auth_endpoint": "/dvcqg/api/auth",
            "integration_endpoint": "/dvcqg/api/service",
            "share_endpoint": "/dvcqg/api/service",
            "username": account.username,
            "password": account.password,
            "madonvi": account.madonvi,
            "dstcode": "DVCQG",
        }
        self.session = ""

    def _post(self, endpoint: str, body: dict) -> dict:
        # The headers getAccessToken / syncData / getSharingData set on their HttpURLConnection.
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Charset": "utf-8",
            "dstcode": self.config["dstcode"],
        }
        response = requests.post(self.config["adapter_url"] + endpoint, json=body, headers=headers, timeout=20)
        return response.json()

    def access_token(self) -> str:
        """getAccessToken: {username, password}; a session only if has(session) and getInt(error_code) == 0."""
        result = self._post(self.config["auth_endpoint"], {"username": self.config["username"], "password": self.config["password"]})
        if "session" in result and "error_code" in result and get_int(result, "error_code") == 0:
            self.session = get_string(result, "session")
        return self.session

    def sync_data(self, data: dict, endpoint_key: str = "integration_endpoint") -> dict:
        """syncData / getSharingData / getSharingDictCollection: session and madonvi, then the data's keys."""
        if not self.session:
            self.access_token()
        body = {"session": self.session, "madonvi": self.config["madonvi"], **data}
        return self._post(self.config[endpoint_key], body)


@pytest.fixture
def opencps(served_sandbox) -> OpenCpsClient:
    """An OpenCPS portal client for Khánh Hòa (56) with a fresh session."""
    client = OpenCpsClient(served_sandbox.base)
    assert client.access_token()
    return client
