"""The sandbox admin API as the runner uses it, each call degrading to "not available" on a 404.

Contracts: `POST /sandbox/scenarios/<name>/apply`,
`POST /sandbox/scenarios/stop`, `GET /sandbox/flows/stats?province=&since=`, all with
`Authorization: Bearer <admin token>`.
"""

from __future__ import annotations

from pathlib import Path

import requests
import yaml

from simulator.wire_formats import wall_clock_portal

SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"


class AdminAPI:
    """A thin client of the sandbox admin API."""

    def __init__(self, base_url: str, token: str, timeout_s: float = 10.0, ca_file: str = ""):
        self.base_url, self.timeout_s = base_url.rstrip("/"), timeout_s
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.verify = ca_file or True  # an https:// sandbox is verified against its CA file, or the system's

    def _call(self, method: str, path: str, **kwargs) -> requests.Response | None:
        try:
            return requests.request(
                method, self.base_url + path, headers=self.headers, timeout=self.timeout_s, verify=self.verify, **kwargs
            )
        except requests.RequestException:
            return None

    def apply_scenario(self, name: str, duration_s: float) -> str:
        """Apply a fault scenario with its phases compressed into the run; returns what happened, in words."""
        body = {}
        scale = scenario_time_scale(name, duration_s)
        if scale:
            body["time_scale"] = scale
        response = self._call("POST", f"/sandbox/scenarios/{name}/apply", json=body)
        if response is None:
            return f"scenario {name}: admin API unreachable, not applied"
        if response.status_code == 404:
            return f"scenario {name}: not available (no scenario API or no such scenario), not applied"
        if response.status_code >= 300:
            return f"scenario {name}: refused (HTTP {response.status_code} {response.text[:120]})"
        return f"scenario {name}: applied" + (f" (time_scale {scale:g})" if scale else "")

    def stop_scenario(self) -> str:
        """Stop whatever scenario is running and restore the sandbox's normal behaviour."""
        response = self._call("POST", "/sandbox/scenarios/stop", json={})
        if response is None or response.status_code == 404:
            return "scenario stop: not available"
        return f"scenario stop: HTTP {response.status_code}"

    def sandbox_time(self) -> str:
        """The sandbox clock's now as yyyyMMddHHmmss (what /sandbox/flows/stats filters on); local time if absent."""
        response = self._call("GET", "/sandbox/clock")
        if response is not None and response.status_code == 200:
            try:
                return str(response.json()["now_portal"])
            except (ValueError, KeyError):
                pass
        return wall_clock_portal()

    def flow_stats(self, province: str, since: str) -> dict | None:
        """End-to-end figures of the portal's pushes since `since` (sandbox yyyyMMddHHmmss), normalised, or None."""
        response = self._call("GET", "/sandbox/flows/stats", params={"province": province, "since": since})
        if response is None or response.status_code != 200:
            return None
        try:
            return normalise_flow_stats(response.json())
        except ValueError:
            return None


def scenario_time_scale(name: str, duration_s: float) -> float | None:
    """The time scale that fits a scenario file's phases (minutes) into the run's duration, if the file exists."""
    path = SCENARIOS_DIR / f"{name}.yaml"
    if not path.exists():
        return None
    phases = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("phases") or []
    span_min = max((float(p.get("end_min", 0)) for p in phases), default=0.0)
    return round(span_min * 60 / duration_s, 3) if span_min > 0 else None


def _first(payload: dict, *keys: str):
    for key in keys:
        value = payload
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            return value
    return None


def normalise_flow_stats(payload: dict) -> dict:
    """Flatten /sandbox/flows/stats to {pushed, acknowledged, synced_back, finished, lost, p50_ms, p95_ms, p99_ms}."""
    figures = {key: _first(payload, key) for key in ("pushed", "acknowledged", "synced_back", "finished", "lost")}
    for pct in ("p50", "p95", "p99"):
        figures[f"{pct}_ms"] = _first(
            payload, f"push_to_sync_ms.{pct}", f"push_sync_ms.{pct}", f"latency_ms.{pct}", f"push_to_sync.{pct}_ms", f"{pct}_ms", pct
        )
    figures["source"] = "sandbox /sandbox/flows/stats"
    return figures
