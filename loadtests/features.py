"""Detect which sandbox APIs a target has, so the kit degrades gracefully before they exist.

The portal is always there; the admin API, the asynchronous flows and the ministry gateway
are built on other branches. Each probe is one cheap request whose only question is "does
this route exist?" (404 means no; 401/400/405 mean yes, we were just not allowed or used
another method). Results are cached per process.
"""

from __future__ import annotations

import requests

# The routes whose presence the kit checks, by feature name. Probes are GETs even for POST
# routes: an existing POST-only route answers 405, a missing one 404, and nothing changes.
PROBES = {
    "admin": ("GET", "/sandbox/rules"),
    "scenarios": ("GET", "/sandbox/scenarios/status"),
    "connectors": ("GET", "/sandbox/connectors"),
    "submissions": ("GET", "/sandbox/submissions"),
    "flows_stats": ("GET", "/sandbox/flows/stats"),
    "gateway": ("GET", "/ngsp/token"),
}

_cache: dict[tuple[str, str], bool] = {}


def available(
    base_url: str, feature: str, admin_token: str = "", timeout: float = 5.0, verify: bool | str = True
) -> bool:
    """Whether `feature` (a key of PROBES) exists on the sandbox at `base_url` (`verify`: CA file for https)."""
    key = (base_url.rstrip("/"), feature)
    if key not in _cache:
        method, path = PROBES[feature]
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        try:
            response = requests.request(method, key[0] + path, headers=headers, timeout=timeout, verify=verify)
            _cache[key] = response.status_code != 404
        except requests.RequestException:
            return False  # not cached: the target may simply not be up yet
    return _cache[key]


def forget() -> None:
    """Drop cached probe results (tests start fresh sandboxes on new ports anyway)."""
    _cache.clear()
