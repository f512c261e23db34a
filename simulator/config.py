"""The one registry of settings: each has a default, a cap and a one-line doc.

Values come, in increasing priority, from the defaults below, `SANDBOX_<NAME>` environment
variables, CLI flags, and the `test_config` passed to `create_app`. A value outside its
bounds is refused at start-up with the setting's name, so a typo never runs silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


class SettingError(ValueError):
    """A setting has a value of the wrong type or outside its bounds."""


@dataclass(frozen=True)
class Setting:
    """One tunable: name, type, default, bounds and the one-line doc shown in docs and CLI."""

    name: str
    type: type
    default: Any
    doc: str
    minimum: Any = None
    cap: Any = None

    @property
    def env(self) -> str:
        """The environment variable that mirrors this setting."""
        return "SANDBOX_" + self.name.upper()

    def coerce(self, raw: Any) -> Any:
        """Convert a raw (often string) value to this setting's type and check its bounds."""
        try:
            if self.type is bool and isinstance(raw, str):
                low = raw.strip().lower()
                if low not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                    raise ValueError(raw)
                value = low in {"1", "true", "yes", "on"}
            elif raw is None and self.default is None:
                value = None
            else:
                value = self.type(raw)
        except (TypeError, ValueError):
            raise SettingError(f"setting {self.name} ({self.env}) must be {self.type.__name__}, got {raw!r}") from None
        if self.minimum is not None and value is not None and value < self.minimum:
            raise SettingError(f"setting {self.name} must be at least {self.minimum}, got {value}")
        if self.cap is not None and value is not None and value > self.cap:
            raise SettingError(f"setting {self.name} must be at most {self.cap}, got {value}")
        return value


SETTINGS: dict[str, Setting] = {}


def _setting(name: str, type_: type, default: Any, doc: str, minimum: Any = None, cap: Any = None) -> None:
    SETTINGS[name] = Setting(name, type_, default, doc, minimum, cap)


# --- core ---------------------------------------------------------------------------
_setting("db", str, "var/sandbox.db", "Path of the SQLite file holding all sandbox state.")
_setting("seed", int, 20250701, "Seed for every derived identity, credential and fault decision.", 0, 2**63 - 1)
_setting("admin_token", str, "", "Bearer token for the admin API; generated and printed at start when empty.")
_setting("host", str, "127.0.0.1", "Interface `serve` binds to (loopback unless told otherwise).")
_setting("port", int, 8000, "TCP port `serve` listens on.", 1, 65535)
_setting("workers", int, 2, "Number of gunicorn gevent worker processes for `serve`.", 1, 64)
_setting("worker_connections", int, 12000, "Simultaneous connections per gevent worker.", 10, 100000)
_setting(
    "gc_full_every_s",
    int,
    600,
    "Longest a server worker goes without a full garbage collection under continuous load (it runs one "
    "whenever no request came for 1 s); 0 keeps CPython's own schedule, which pauses busy workers.",
    0,
    86400,
)
_setting(
    "max_body_bytes", int, 2_000_000, "Largest request body accepted, in bytes (bigger gets 413).", 1024, 50_000_000
)
# --- portal -------------------------------------------------------------------------
_setting("session_ttl_seconds", int, 1800, "Lifetime of a portal session from the auth handshake.", 1, 86400)
_setting("gateway_token_ttl_seconds", int, 3600, "Lifetime of a gateway (NGSP) bearer token.", 1, 86400)
_setting("page_size_max", int, 500, "Largest page size the REST dossier listing returns.", 1, 5000)
# --- systems ------------------------------------------------------------------------
_setting("missing_share", float, 0.02, "Share of valid citizen IDs with no record in the population.", 0.0, 1.0)
_setting(
    "identity_cache_size",
    int,
    10_000,
    "Derived citizen records each worker keeps in memory (LRU, about 1.7 KB each; 0 turns it off).",
    0,
    1_000_000,
)
_setting(
    "civil_status_median_minutes",
    float,
    240.0,
    "Median simulated minutes a civil-status dossier takes from receipt to result (lognormal).",
    1.0,
    525600.0,
)

# --- faults -------------------------------------------------------------------------
_setting("faults_enabled", bool, True, "Master switch: when off, fault rules and scenarios inject nothing.")
_setting("fault_latency_cap_s", float, 120.0, "Largest injected latency a rule may ask for, in seconds.", 0.0, 600.0)
_setting("fault_hang_cap_s", float, 300.0, "Longest a hang effect may hold a connection open, in seconds.", 0.0, 3600.0)
_setting("fault_dribble_cap_s", float, 300.0, "Longest a dribble effect may take to send a body, in seconds.", 0.0, 3600.0)
_setting("fault_retry_after_cap_s", int, 86400, "Largest Retry-After a rate-limit or maintenance effect sends.", 1, 604800)
_setting("fault_rules_max", int, 500, "Most fault rules that may be active at once (manual plus scenario).", 1, 10000)
_setting("journal_enabled", bool, True, "Record every simulated-system request in the request journal.")
_setting("journal_max_rows", int, 100_000, "Rows kept in the request journal; the oldest are dropped.", 100, 10_000_000)
_setting("journal_flush_ms", int, 200, "How often each worker writes its buffered journal rows and metrics.", 10, 5000)
_setting(
    "capture_enabled", bool, True,
    "Keep each simulated request's headers and body and the response's status and body (secrets masked) "
    "for GET /sandbox/requests and POST /sandbox/verify.",
)
_setting("capture_max_rows", int, 10_000, "Captured requests kept; the oldest are dropped.", 100, 1_000_000)
_setting(
    "capture_body_bytes", int, 16_384, "Bytes kept of each captured request and response body (the rest is cut; "
    "the full size is noted).", 0, 1_000_000,
)
_setting("scenarios_dir", str, "scenarios", "Folder holding the scenario YAML files.")
# --- flows ---------------------------------------------------------------------------
_setting("runner_enabled", bool, True, "Start the background job runner in each server worker (one leads).")
_setting(
    "runner_lease_seconds", float, 5.0, "Runner lease lifetime: a dead runner is replaced after this long.", 1.0, 120.0
)
_setting("runner_poll_ms", int, 200, "How often the leading runner looks for due jobs, in milliseconds.", 10, 10_000)
_setting("job_concurrency", int, 50, "Jobs the runner executes at once (greenlets).", 1, 1000)
_setting("job_lease_seconds", float, 60.0, "A running job whose runner died is retried after this long.", 1.0, 3600.0)
_setting("job_max_attempts", int, 8, "Attempts of a delivery before it is dead (visible in the admin API).", 1, 100)
_setting("job_backoff_base_ms", int, 1000, "Delay after the first failed attempt; doubles each time.", 1, 600_000)
_setting("job_backoff_cap_ms", int, 300_000, "Longest delay between two attempts of a delivery.", 1, 86_400_000)
_setting("push_timeout_seconds", float, 10.0, "Timeout of one push to a province connector.", 0.1, 120.0)
_setting("submissions_max_count", int, 500, "Most online submissions one admin call or CLI run creates.", 1, 100_000)
_setting(
    "arrivals_max_rate", float, 600.0, "Highest arrival rate, in submissions per simulated minute.", 0.001, 100_000.0
)
_setting(
    "lost_after_sim_minutes", float, 30.0, "A pushed dossier not synced back after this (simulated) is lost.", 0.01, 1e6
)
_setting("citizens_rate_dossiers", bool, True, "Simulated citizens rate their online dossiers on reaching status 10.")

# --- systems-b ---------------------------------------------------------------------
_setting(
    "judicial_median_minutes", int, 240, "Median simulated minutes a judicial record request takes.", 1, 525_600
)
_setting(
    "environment_median_minutes", int, 1440, "Median simulated minutes an environment dossier takes.", 1, 525_600
)
_setting("slow_ministry_factor", int, 20, "How many times slower ministries are for the slow persona.", 1, 1000)
_setting("payment_max_amount", int, 500_000_000, "Largest SoTien (VND) the payment platform accepts.", 1, 10**12)


def resolve(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Compute every setting's value from defaults, environment and explicit overrides."""
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    unknown = set(overrides) - set(SETTINGS)
    if unknown:
        raise SettingError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    values = {}
    for name, setting in SETTINGS.items():
        if name in overrides and overrides[name] is not None:
            raw = overrides[name]
        elif setting.env in environ:
            raw = environ[setting.env]
        else:
            raw = setting.default
        values[name] = setting.coerce(raw)
    return values
