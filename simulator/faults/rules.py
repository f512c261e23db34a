"""Fault rules: what a rule looks like, how it is validated, and whether it matches a request.

A rule, as JSON/YAML (every key but `effects` optional):

    id: slow-police            # generated when missing
    name: Police DB slow at lunch
    enabled: true
    match:
      system: population       # a name, a list of names, or "*" (any); also glob patterns
      operation: [TraCuuCongDan]
      method: POST
      client: H56              # the calling province as H + its code (portal madonvi or gateway token)
      probability: 0.3         # 0..1, drawn reproducibly from the seed
      window: {start_offset_s: 60, duration_s: 600}   # sandbox-clock seconds after rule/scenario start
      # or window: {daily: "05:00-05:30"}            # sandbox-clock local time, may wrap midnight
    expires_at: 2026-01-01T00:00:00+07:00           # real time; the rule stops applying by itself
    effects:
      - latency: {dist: lognormal, median_s: 0.8, sigma: 0.6, cap_s: 20}
      - error: {status: 503}
      - reset                  # effects without parameters may be bare names

Validation raises `RuleError` whose message names the field (`effects[0].latency.cap_s must
be ≤ 600`), and every duration is capped by a setting so no rule can hold a worker forever.
"""

from __future__ import annotations

import fnmatch
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

LATENCY_DISTS = ("fixed", "uniform", "normal", "lognormal")
# Effects that decide the whole response; the first one (by rule order) wins.
TERMINAL_KINDS = ("error", "hang", "reset", "empty", "truncated", "malformed_json", "dribble", "maintenance")
EFFECT_KINDS = ("latency", "partial", "rate_limit", *TERMINAL_KINDS)
MATCH_KEYS = ("system", "operation", "method", "client", "probability", "window")
RULE_KEYS = ("id", "name", "enabled", "match", "expires_at", "effects", "started_at")
DAILY_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")


class RuleError(ValueError):
    """A rule is invalid; `path` is the dotted field path, `message` the full sentence."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path} {problem}" if path else problem)


@dataclass(frozen=True)
class Limits:
    """Caps every rule is checked against, taken from the settings."""

    latency_cap_s: float = 120.0
    hang_cap_s: float = 300.0
    dribble_cap_s: float = 300.0
    retry_after_cap_s: int = 86400

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Limits:
        """Build limits from a resolved settings dict (see simulator.config)."""
        return cls(settings["fault_latency_cap_s"], settings["fault_hang_cap_s"],
                   settings["fault_dribble_cap_s"], settings["fault_retry_after_cap_s"])


@dataclass(frozen=True)
class Effect:
    """One effect of a rule: its kind and validated parameters."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> Any:
        """The effect in the same shape it is written in rules."""
        return {self.kind: dict(self.params)}


@dataclass(frozen=True)
class Window:
    """When a rule applies: an offset range after start, or a daily local-time range."""

    start_offset_s: float | None = None
    duration_s: float | None = None
    daily: tuple[int, int] | None = None  # minutes since midnight [start, end)

    def contains(self, since_start_s: float, local: datetime) -> bool:
        """True if the instant (seconds since rule start, local sandbox time) is inside."""
        if self.daily is not None:
            minute = local.hour * 60 + local.minute + local.second / 60
            start, end = self.daily
            # A range like 23:30-00:30 wraps past midnight.
            return start <= minute < end if start < end else (minute >= start or minute < end)
        start = self.start_offset_s or 0.0
        if since_start_s < start:
            return False
        return self.duration_s is None or since_start_s < start + self.duration_s


@dataclass(frozen=True)
class Rule:
    """A validated fault rule (see the module docstring for its JSON form)."""

    id: str
    name: str
    effects: tuple[Effect, ...]
    enabled: bool = True
    system: tuple[str, ...] | None = None
    operation: tuple[str, ...] | None = None
    method: tuple[str, ...] | None = None
    client: tuple[str, ...] | None = None
    probability: float = 1.0
    window: Window | None = None
    expires_at: float | None = None  # POSIX real time
    started_at: float | None = None  # sandbox-clock POSIX time the window offsets count from
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def matches_request(self, system: str, operation: str | None, method: str, client: str | None) -> bool:
        """Static part of matching: system, operation, method and client patterns."""
        return (
            _match_any(self.system, system)
            and _match_any(self.operation, operation)
            and _match_any(self.method, method.upper() if method else method)
            and _match_any(self.client, client)
        )

    def active_at(self, real_now: float, sim_now: float, local: datetime, start: float | None = None) -> bool:
        """Time part of matching: enabled, not expired, inside its window."""
        if not self.enabled or (self.expires_at is not None and real_now >= self.expires_at):
            return False
        if self.window is None:
            return True
        anchor = start if start is not None else (self.started_at if self.started_at is not None else sim_now)
        return self.window.contains(sim_now - anchor, local)

    def to_json(self) -> dict[str, Any]:
        """The rule as stored and shown by the admin API (normalised)."""
        out = dict(self.source)
        out["id"] = self.id
        out["name"] = self.name
        out["enabled"] = self.enabled
        if self.started_at is not None:
            out["started_at"] = self.started_at
        return out


def _match_any(patterns: tuple[str, ...] | None, value: str | None) -> bool:
    if patterns is None:
        return True
    if value is None:
        return False
    # Plain equality first: fnmatch is only needed for patterns with wildcards.
    return any(p == value or (("*" in p or "?" in p) and fnmatch.fnmatchcase(value, p)) for p in patterns)


# -- validation --------------------------------------------------------------------------------
def check_number(value: Any, path: str, *, minimum: float | None = 0.0, maximum: float | None = None,
         integer: bool = False, above: float | None = None) -> float:
    """A number within bounds, or `RuleError` naming `path`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RuleError(path, "must be a number")
    if integer and value != int(value):
        raise RuleError(path, "must be an integer")
    if above is not None and value <= above:
        raise RuleError(path, f"must be > {above:g}")
    if minimum is not None and value < minimum:
        raise RuleError(path, f"must be ≥ {minimum:g}")
    if maximum is not None and value > maximum:
        raise RuleError(path, f"must be ≤ {maximum:g}")
    return int(value) if integer else float(value)


def check_mapping(value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    """A mapping with only `allowed` keys ({} for None), or `RuleError` naming the bad key."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RuleError(path, "must be a mapping")
    for key in value:
        if key not in allowed:
            raise RuleError(f"{path}.{key}" if path else str(key),
                            f"is not a known field (expected one of: {', '.join(allowed)})")
    return value


def _names(value: Any, path: str) -> tuple[str, ...] | None:
    if value is None or value == "*":
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v for v in items):
        raise RuleError(path, "must be a non-empty string or list of strings")
    return tuple(items)


def _validate_latency(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    dist = p.get("dist", "fixed")
    if dist not in LATENCY_DISTS:
        raise RuleError(f"{path}.dist", f"must be one of {', '.join(LATENCY_DISTS)}")
    keys = {"fixed": ("seconds",), "uniform": ("min_s", "max_s"), "normal": ("mean_s", "stddev_s"),
            "lognormal": ("median_s", "sigma")}[dist]
    check_mapping(p, path, ("dist", "cap_s", *keys))
    out: dict[str, Any] = {"dist": dist}
    cap = limits.latency_cap_s
    out["cap_s"] = check_number(p.get("cap_s", cap), f"{path}.cap_s", maximum=cap)
    for key in keys:
        if key not in p:
            raise RuleError(f"{path}.{key}", f"is required for dist {dist}")
        bound = None if key == "sigma" else cap
        out[key] = check_number(p[key], f"{path}.{key}", maximum=bound, above=0.0 if key == "median_s" else None)
    if dist == "uniform" and out["min_s"] > out["max_s"]:
        raise RuleError(f"{path}.min_s", "must be ≤ max_s")
    if dist == "lognormal" and out["sigma"] > 5:
        raise RuleError(f"{path}.sigma", "must be ≤ 5")
    return out


def _validate_effect_params(kind: str, p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    if kind == "latency":
        return _validate_latency(p, path, limits)
    if kind == "error":
        check_mapping(p, path, ("status", "body", "headers", "message"))
        if "status" not in p:
            raise RuleError(f"{path}.status", "is required")
        out = {"status": check_number(p["status"], f"{path}.status", minimum=400, maximum=599, integer=True)}
        if "body" in p:
            if not isinstance(p["body"], (dict, list, str)):
                raise RuleError(f"{path}.body", "must be a mapping, a list or a string")
            out["body"] = p["body"]
        if "headers" in p:
            h = p["headers"]
            if not isinstance(h, dict) or not all(isinstance(k, str) and isinstance(v, (str, int)) for k, v in h.items()):
                raise RuleError(f"{path}.headers", "must map header names to strings")
            out["headers"] = {k: str(v) for k, v in h.items()}
        if "message" in p:
            if not isinstance(p["message"], str):
                raise RuleError(f"{path}.message", "must be a string")
            out["message"] = p["message"]
        return out
    if kind == "hang":
        check_mapping(p, path, ("cap_s",))
        return {"cap_s": check_number(p.get("cap_s", limits.hang_cap_s), f"{path}.cap_s", maximum=limits.hang_cap_s)}
    if kind == "dribble":
        check_mapping(p, path, ("duration_s", "chunks"))
        if "duration_s" not in p:
            raise RuleError(f"{path}.duration_s", "is required")
        return {"duration_s": check_number(p["duration_s"], f"{path}.duration_s", maximum=limits.dribble_cap_s),
                "chunks": check_number(p.get("chunks", 10), f"{path}.chunks", minimum=1, maximum=1000, integer=True)}
    if kind == "rate_limit":
        check_mapping(p, path, ("rate_per_s", "burst"))
        for key in ("rate_per_s", "burst"):
            if key not in p:
                raise RuleError(f"{path}.{key}", "is required")
        return {"rate_per_s": check_number(p["rate_per_s"], f"{path}.rate_per_s", above=0.0, maximum=100_000),
                "burst": check_number(p["burst"], f"{path}.burst", minimum=1, maximum=1_000_000, integer=True)}
    if kind == "maintenance":
        check_mapping(p, path, ("retry_after_s", "message"))
        out = {"retry_after_s": check_number(p.get("retry_after_s", 300), f"{path}.retry_after_s",
                                     maximum=limits.retry_after_cap_s, integer=True)}
        if "message" in p:
            out["message"] = str(p["message"])
        return out
    if kind == "partial":
        check_mapping(p, path, ("fields",))
        fields = p.get("fields")
        if not isinstance(fields, list) or not fields or not all(isinstance(f, str) and f for f in fields):
            raise RuleError(f"{path}.fields", "must be a non-empty list of field names")
        return {"fields": list(fields)}
    check_mapping(p, path, ())  # reset, empty, truncated, malformed_json take no parameters
    return {}


def validate_effect(raw: Any, path: str, limits: Limits) -> Effect:
    """Validate one effect written as `name` or `{name: {params}}`."""
    if isinstance(raw, str):
        kind, params = raw, {}
    elif isinstance(raw, dict) and len(raw) == 1:
        kind, params = next(iter(raw.items()))
        params = {} if params is None else params
    else:
        raise RuleError(path, "must be an effect name or a mapping with exactly one effect name")
    if kind not in EFFECT_KINDS:
        raise RuleError(path, f"has unknown effect {kind!r} (expected one of: {', '.join(EFFECT_KINDS)})")
    if not isinstance(params, dict):
        raise RuleError(f"{path}.{kind}", "must be a mapping of parameters")
    return Effect(kind, _validate_effect_params(kind, params, f"{path}.{kind}", limits))


def _window(raw: Any, path: str) -> Window | None:
    if raw is None:
        return None
    w = check_mapping(raw, path, ("start_offset_s", "duration_s", "daily"))
    if "daily" in w:
        if len(w) > 1:
            raise RuleError(path, "must have either daily or start_offset_s/duration_s, not both")
        m = DAILY_RE.match(str(w["daily"]))
        if not m:
            raise RuleError(f"{path}.daily", 'must look like "05:00-05:30"')
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end or end > 1440:
            raise RuleError(f"{path}.daily", "must be a non-empty range within a day")
        return Window(daily=(start, end))
    start = check_number(w.get("start_offset_s", 0), f"{path}.start_offset_s")
    duration = check_number(w["duration_s"], f"{path}.duration_s", above=0.0) if "duration_s" in w else None
    return Window(start_offset_s=start, duration_s=duration)


def _expiry(raw: Any, path: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, datetime):
        dt = raw
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    elif isinstance(raw, str):
        try:
            dt = datetime.fromisoformat(raw)
        except ValueError:
            raise RuleError(path, "must be an ISO 8601 date-time or POSIX seconds") from None
    else:
        raise RuleError(path, "must be an ISO 8601 date-time or POSIX seconds")
    if dt.tzinfo is None:
        raise RuleError(path, "must include a UTC offset (e.g. +07:00)")
    return dt.timestamp()


def validate_rule(raw: Any, limits: Limits | None = None, path: str = "") -> Rule:
    """Check a rule written as a mapping and return the `Rule`; raise `RuleError` naming the field."""
    limits = limits or Limits()
    prefix = f"{path}." if path else ""
    r = check_mapping(raw, path, RULE_KEYS)
    if not isinstance(raw, dict):
        raise RuleError(path, "must be a mapping")
    rule_id = r.get("id") or uuid.uuid4().hex[:12]
    if not isinstance(rule_id, str) or not re.fullmatch(r"[\w.:-]{1,100}", rule_id):
        raise RuleError(f"{prefix}id", "must be 1-100 letters, digits, '_', '-', '.' or ':'")
    name = r.get("name", rule_id)
    if not isinstance(name, str):
        raise RuleError(f"{prefix}name", "must be a string")
    enabled = r.get("enabled", True)
    if not isinstance(enabled, bool):
        raise RuleError(f"{prefix}enabled", "must be true or false")
    m = check_mapping(r.get("match"), f"{prefix}match", MATCH_KEYS)
    effects_raw = r.get("effects")
    if not isinstance(effects_raw, list) or not effects_raw:
        raise RuleError(f"{prefix}effects", "must be a non-empty list")
    effects = tuple(validate_effect(e, f"{prefix}effects[{i}]", limits) for i, e in enumerate(effects_raw))
    started = r.get("started_at")
    source = {"match": m, "effects": [e.to_json() for e in effects]}
    if r.get("expires_at") is not None:
        source["expires_at"] = r["expires_at"] if not isinstance(r["expires_at"], datetime) else r["expires_at"].isoformat()
    return Rule(
        id=rule_id,
        name=name,
        enabled=enabled,
        effects=effects,
        system=_names(m.get("system"), f"{prefix}match.system"),
        operation=_names(m.get("operation"), f"{prefix}match.operation"),
        method=tuple(x.upper() for x in _names(m.get("method"), f"{prefix}match.method") or ()) or None,
        client=_names(m.get("client"), f"{prefix}match.client"),
        probability=check_number(m.get("probability", 1.0), f"{prefix}match.probability", maximum=1.0),
        window=_window(m.get("window"), f"{prefix}match.window"),
        expires_at=_expiry(r.get("expires_at"), f"{prefix}expires_at"),
        started_at=None if started is None else check_number(started, f"{prefix}started_at", minimum=None),
        source=source,
    )
