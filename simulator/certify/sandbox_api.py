"""The check's view of a served sandbox: its admin API and portal, over HTTP on loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from simulator.faults.capture import QUERY_LIMIT_MAX

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
CAPTURE_PAGE = QUERY_LIMIT_MAX  # the most rows GET /sandbox/requests answers a call


class SandboxError(RuntimeError):
    """The sandbox refused or failed an admin call; the message says which and why."""


def require_loopback(url: str, what: str) -> None:
    """Refuse a URL that is not http(s) on loopback: the check only ever talks to this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in LOOPBACK:
        raise ValueError(f"{what} must be an http(s) URL on loopback (127.0.0.1, localhost or ::1), got {url!r}")


class SandboxAPI:
    """Admin calls the campaign needs (rules, submissions, connectors, journal, captured requests, dossiers)."""

    def __init__(self, base: str, admin_token: str, timeout_s: float = 10.0):
        require_loopback(base, "--base")
        self.base = base.rstrip("/")
        self.timeout_s = timeout_s
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {admin_token}"

    def call(self, method: str, path: str, *, ok: tuple[int, ...] = (200, 201, 204), **kwargs) -> Any:
        """One admin call; the decoded JSON (None for 204), or SandboxError naming the call and reply."""
        try:
            response = self.http.request(method, self.base + path, timeout=self.timeout_s, **kwargs)
        except requests.RequestException as err:
            raise SandboxError(f"{method} {path}: sandbox unreachable ({err})") from err
        if response.status_code not in ok:
            raise SandboxError(f"{method} {path}: HTTP {response.status_code} {response.text[:300]}")
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def check_admin(self) -> dict:
        """The sandbox clock (proves the base URL and the admin token)."""
        try:
            return self.call("GET", "/sandbox/clock")
        except SandboxError as err:
            if "HTTP 401" in str(err):
                raise SandboxError("the admin token was refused (set SANDBOX_ADMIN_TOKEN to the sandbox's)") from err
            raise

    def credentials(self, province: str) -> dict:
        """The province client's credentials as issued now."""
        for item in self.call("GET", "/sandbox/credentials"):
            if item["province_code"] == province:
                return item
        raise SandboxError(f"unknown province {province!r}")

    def connector(self, province: str) -> dict | None:
        """The province's registered connector, or None."""
        found = self.call("GET", f"/sandbox/connectors/{province}", ok=(200, 404))
        return found if isinstance(found, dict) and "url" in found else None

    def set_connector(self, province: str, url: str, secret: str, body_style: str) -> dict:
        """Register where the portal pushes the province's events."""
        body = {"url": url, "secret": secret, "body_style": body_style}
        return self.call("PUT", f"/sandbox/connectors/{province}", json=body)

    def add_rule(self, rule: dict) -> dict:
        """Create a fault rule."""
        return self.call("POST", "/sandbox/rules", json=rule)

    def delete_rule(self, rule_id: str) -> None:
        """Remove a fault rule (already gone is fine)."""
        self.call("DELETE", f"/sandbox/rules/{rule_id}", ok=(200, 204, 404))

    def rules(self) -> list[dict]:
        """The active fault rules."""
        found = self.call("GET", "/sandbox/rules")
        return found.get("rules", found.get("items", [])) if isinstance(found, dict) else found

    def submit(self, province: str, count: int, procedure: str | None) -> list[dict]:
        """Simulated citizens submit online; the portal pushes each dossier."""
        body: dict = {"province": province, "count": count}
        if procedure:
            body["procedure"] = procedure
        return self.call("POST", "/sandbox/submissions", json=body)

    def submissions(self, province: str, limit: int = 500) -> list[dict]:
        """Recent submissions with their push, acknowledgement and sync state."""
        return self.call("GET", "/sandbox/submissions", params={"province": province, "limit": limit})

    def dossier(self, code: str) -> dict | None:
        """The portal's record of a dossier with its history, or None."""
        found = self.call("GET", f"/api/v1/dossiers/{code}", ok=(200, 404))
        return found if isinstance(found, dict) and found.get("MaHoSo") == code else None

    def capture_settings(self) -> dict:
        """The sandbox's request capture settings: enabled, max_rows, body_bytes."""
        return self.call("GET", "/sandbox/requests", params={"limit": 1})["capture"]

    def captured(self, province: str, since: float, page: int = CAPTURE_PAGE) -> list[dict]:
        """Captured requests of the province since a POSIX time, oldest first (paged by id, so none is skipped)."""
        rows: list[dict] = []
        after_id = 0
        while True:
            params = {"province": province, "since": since, "after_id": after_id, "limit": page}
            items = self.call("GET", "/sandbox/requests", params=params)["items"]
            rows.extend(items)
            if len(items) < page:
                return rows
            after_id = items[-1]["id"]

    def oldest_captured(self) -> dict | None:
        """The oldest request the capture still holds (any province), or None when it holds none."""
        items = self.call("GET", "/sandbox/requests", params={"after_id": 0, "limit": 1})["items"]
        return items[0] if items else None
