"""Fault rules: what a rule looks like, how it is validated, and whether it matches a request.

A rule, as JSON/YAML (every key but `effects` optional):

    id: slow-police            # generated when missing
    name: Police DB slow at lunch
    enabled: true
    match:
      system: population       # a name from the registry, a list of names, or "*" (any)
      operation: [verify]      # operations of the named system(s), as the registry declares them
      method: POST
      client: H56              # the calling province as H + its code (portal madonvi or gateway token)
      probability: 0.3         # 0..1, drawn reproducibly from the seed
      window: {start_offset_s: 60, duration_s: 600}   # sandbox-clock seconds after rule/scenario start
      # or window: {daily: "05:00-05:30"}            # sandbox-clock local time, may wrap midnight
      body: {SoDinhDanh: "056090001234"}              # content matching (simulator.faults.matching)
      headers: {X-Province: {regex: "5\\d"}}
      query: {page: "2"}
    times: 2                   # fire on the first 2 matching requests, then retire
    after: 3                   # fire only after 3 matching requests
    every: 2                   # fire on every 2nd matching request (counts shared by all workers)
    expires_at: 2026-01-01T00:00:00+07:00           # real time; the rule stops applying by itself
    effects:
      - latency: {dist: lognormal, median_s: 0.8, sigma: 0.6, cap_s: 20}
      - error: {status: 503}
      - reset                  # effects without parameters may be bare names

Validation (`validate_rule`) checks the rule against the one JSON Schema (`schema.py`, built
from the registry of systems and the fault kinds), then what a schema cannot say: the
settings' caps, an operation that belongs to the named system. It raises `RuleError` whose
message names the field (`effects[0].latency.cap_s must be ≤ 120`) and, for an unknown
name, lists the known ones.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from simulator.faults import kinds, schema
from simulator.faults.limits import Limits, RuleError
from simulator.faults.matching import ContentMatch, RequestView, compile_content

# Effects that decide the whole response; the first one (by rule order) wins.
TERMINAL_KINDS = kinds.names(stage="terminal")
EFFECT_KINDS = kinds.names()
RULE_KEYS = ("id", "name", "enabled", "match", "expires_at", "effects", "started_at", "times", "after", "every")
DAILY_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")


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
    content: ContentMatch = field(default_factory=ContentMatch)
    times: int | None = None
    after: int = 0
    every: int = 1
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def counted(self) -> bool:
        """Whether the rule fires by its place in the sequence of matching requests (times/after/every)."""
        return self.times is not None or self.after > 0 or self.every > 1

    @property
    def draws(self) -> bool:
        """Whether deciding the rule takes random draws: a probability below 1 or a latency that is not fixed."""
        return self.probability < 1.0 or any(e.kind == "latency" and e.params["dist"] != "fixed" for e in self.effects)

    def fires_at(self, k: int) -> bool:
        """Whether the k-th (1-based) matching request is one this rule fires on."""
        if k <= self.after or (k - self.after) % self.every:
            return False
        return self.times is None or (k - self.after) // self.every <= self.times

    def matches_request(self, system: str, operation: str | None, method: str, client: str | None) -> bool:
        """Static part of matching: system, operation, method and client patterns."""
        return (
            _match_any(self.system, system)
            and _match_any(self.operation, operation)
            and _match_any(self.method, method.upper() if method else method)
            and _match_any(self.client, client)
        )

    def misses(
        self, system: str, operation: str | None, method: str, client: str | None, view: RequestView | None = None, via: str | None = None
    ) -> list[str]:
        """Why a request does not match, one sentence per failed match field ([] when it matches).

        The same predicate the engine applies (`matches_request`, the gateway's `via` system, then
        content matching), worded per field; `POST /sandbox/verify` explains its near misses with it.
        """
        direct = self._static_misses(system, operation, method, client)
        if direct and via:
            through = self._static_misses(via, None, method, client)
            direct = through if len(through) < len(direct) else direct
        if self.content:
            direct += self.content.mismatches(view or RequestView())
        return direct

    def _static_misses(self, system: str, operation: str | None, method: str, client: str | None) -> list[str]:
        out = []
        for name, patterns, value in (
            ("system", self.system, system),
            ("operation", self.operation, operation),
            ("method", self.method, method.upper() if method else method),
            ("client", self.client, client),
        ):
            if not _match_any(patterns, value):
                expected = repr(patterns[0]) if len(patterns) == 1 else f"one of {', '.join(map(repr, patterns))}"
                out.append(
                    f"{name}: expected {expected}, got {value!r}" if value is not None else f"{name}: expected {expected}, got nothing"
                )
        return out

    def active_at(self, real_now: float, sim_now: float, local: datetime | None, start: float | None = None) -> bool:
        """Time part of matching: enabled, not expired, inside its window (`local` is needed only with a window)."""
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
    return value is not None and value in patterns


# -- validation --------------------------------------------------------------------------------
def check_number(
    value: Any, path: str, *, minimum: float | None = 0.0, maximum: float | None = None, integer: bool = False, above: float | None = None
) -> float:
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
            raise RuleError(f"{path}.{key}" if path else str(key), f"is not a known field (expected one of: {', '.join(allowed)})")
    return value


def _names(value: Any, path: str) -> tuple[str, ...] | None:
    if value is None or value == "*":
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v for v in items):
        raise RuleError(path, "must be a non-empty string or list of strings")
    return tuple(items)


def validate_effect(raw: Any, path: str, limits: Limits) -> Effect:
    """Validate one effect written as `name` or `{name: {params}}`."""
    if isinstance(raw, str):
        kind, params = raw, {}
    elif isinstance(raw, dict) and len(raw) == 1:
        kind, params = next(iter(raw.items()))
        params = {} if params is None else params
    else:
        raise RuleError(path, "must be an effect name or a mapping with exactly one effect name")
    spec = kinds.get(kind)
    if spec is None:
        raise RuleError(path, f"has unknown effect {kind!r} (expected one of: {', '.join(EFFECT_KINDS)})")
    if not isinstance(params, dict):
        raise RuleError(f"{path}.{kind}", "must be a mapping of parameters")
    normalise = spec.normalise or (lambda p, _path, _limits: {})
    return Effect(kind, normalise(params, f"{path}.{kind}", limits))


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


def _operations_belong(systems: tuple[str, ...] | None, operations: tuple[str, ...] | None, path: str) -> None:
    """Each named operation must be one the named system(s) report (the registry says which)."""
    if operations is None:
        return
    by_system = schema.operations_by_system()
    named = systems or tuple(by_system)
    valid = [op for system in named for op in by_system.get(system, ())]
    for op in operations:
        if op not in valid:
            listed = ", ".join(dict.fromkeys(valid)) or "none"
            raise RuleError(path, f"names {op!r}, not an operation of {', '.join(named)} (expected one of: {listed})")


def validate_rule(raw: Any, limits: Limits | None = None, path: str = "") -> Rule:
    """Check a rule written as a mapping and return the `Rule`; raise `RuleError` naming the field."""
    limits = limits or Limits()
    prefix = f"{path}." if path else ""
    if isinstance(raw, dict) and isinstance(raw.get("expires_at"), datetime):
        raw = {**raw, "expires_at": raw["expires_at"].isoformat()}  # YAML reads timestamps as datetimes
    schema.check(raw, "rule", path)
    r: dict[str, Any] = raw
    rule_id = r.get("id") or uuid.uuid4().hex[:12]
    m = r.get("match") or {}
    effects = tuple(validate_effect(e, f"{prefix}effects[{i}]", limits) for i, e in enumerate(r["effects"]))
    system = _names(m.get("system"), f"{prefix}match.system")
    operation = _names(m.get("operation"), f"{prefix}match.operation")
    _operations_belong(system, operation, f"{prefix}match.operation")
    started = r.get("started_at")
    source = {"match": m, "effects": [e.to_json() for e in effects]}
    for key in ("times", "after", "every", "expires_at"):
        if r.get(key) is not None:
            source[key] = r[key]
    return Rule(
        id=rule_id,
        name=r.get("name", rule_id),
        enabled=r.get("enabled", True),
        effects=effects,
        system=system,
        operation=operation,
        method=tuple(x.upper() for x in _names(m.get("method"), f"{prefix}match.method") or ()) or None,
        client=_names(m.get("client"), f"{prefix}match.client"),
        probability=float(m.get("probability", 1.0)),
        window=_window(m.get("window"), f"{prefix}match.window"),
        expires_at=_expiry(r.get("expires_at"), f"{prefix}expires_at"),
        started_at=None if started is None else float(started),
        content=compile_content(m, f"{prefix}match"),
        times=r.get("times"),
        after=r.get("after", 0),
        every=r.get("every", 1),
        source=source,
    )
