"""Every fault kind, declared once: its parameters, whether it ends the request, how it is played.

A `FaultKind` is the one place a kind is described. The rest of the engine reads it:
the JSON Schema of rules (`schema.py`) takes `params` and `bare`; validation (`rules.py`)
runs `normalise` for the checks a schema cannot express (caps from the settings, min ≤ max);
the engine (`engine.py`) composes by `stage`; the middleware (`middleware.py`) plays it by
`wire`; the dashboard (`simulator.dashboard.health`) classes a system by `dashboard`.

Stages (how the engine composes kinds of several matching rules):
- `delay`: adds up (latency);
- `shape`: modifies how the answer is delivered, all apply (partial, bandwidth, slow_close);
- `terminal`: decides the whole response, the first by rule order wins (rate_limit only when its
  bucket is empty).

Wire plays (what the client sees):
- `sleep` before the first byte, or spread over the body (latency);
- `respond`: a synthetic reply in the system's own error format (error, maintenance, rate_limit);
- `drop`: the connection is closed with no reply (hang after a silence, reset with a TCP RST);
- `transform`: the app's reply, altered (empty, truncated, malformed_json, partial);
- `stream`: the app's reply, paced (dribble, bandwidth);
- `close`: the app's reply, then a delay before the connection closes (slow_close).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.faults.limits import Limits, RuleError

Normaliser = Callable[[dict[str, Any], str, Limits], dict[str, Any]]


@dataclass(frozen=True)
class FaultKind:
    """One kind of fault: the contract every part of the engine reads."""

    name: str
    doc: str
    stage: str  # "delay" | "shape" | "terminal"
    wire: str  # "sleep" | "respond" | "drop" | "transform" | "stream" | "close"
    dashboard: str  # "breaking" | "slowing" | "latency" | "content"
    params: dict[str, Any] = field(default_factory=dict)  # JSON Schema properties of its parameters
    required: tuple[str, ...] = ()
    normalise: Normaliser | None = None  # semantic checks and defaults after the schema passed

    @property
    def terminal(self) -> bool:
        """Whether the kind decides the whole response (the first terminal effect wins)."""
        return self.stage == "terminal"

    @property
    def bare(self) -> bool:
        """Whether the kind may be written as a bare name (`effects: [reset]`)."""
        return not self.required


KINDS: dict[str, FaultKind] = {}


def declare(kind: FaultKind) -> FaultKind:
    """Register a fault kind (once, at import of this module)."""
    if kind.name in KINDS:
        raise ValueError(f"fault kind {kind.name!r} declared twice")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> FaultKind | None:
    """The kind called `name`, or None."""
    return KINDS.get(name)


def names(**where: str) -> tuple[str, ...]:
    """Kind names in declaration order, optionally only those whose attributes equal `where`."""
    return tuple(k.name for k in KINDS.values() if all(getattr(k, a) == v for a, v in where.items()))


def seconds(doc: str, **extra: Any) -> dict[str, Any]:
    """JSON Schema of a non-negative duration in seconds."""
    return {"type": "number", "minimum": 0, "description": doc, **extra}


def integer(doc: str, minimum: int, maximum: int) -> dict[str, Any]:
    """JSON Schema of a bounded integer."""
    return {"type": "integer", "minimum": minimum, "maximum": maximum, "description": doc}


MESSAGE = {"type": "string", "maxLength": 1000, "description": "Error message (Vietnamese, as the system answers)"}
HEADERS = {"type": "object", "additionalProperties": {"type": ["string", "integer"]}, "description": "Extra response headers"}
LATENCY_DISTS = ("fixed", "uniform", "normal", "lognormal")
_DIST_KEYS = {"fixed": ("seconds",), "uniform": ("min_s", "max_s"), "normal": ("mean_s", "stddev_s"), "lognormal": ("median_s", "sigma")}


def _capped(value: float, path: str, cap: float) -> float:
    if value > cap:
        raise RuleError(path, f"must be ≤ {cap:g}")
    return float(value)


def _latency(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    dist = p.get("dist", "fixed")
    keys = _DIST_KEYS[dist]
    extra = sorted(set(p) - {"dist", "cap_s", "spread", *keys})
    if extra:
        raise RuleError(f"{path}.{extra[0]}", f"does not apply to dist {dist} (it takes {', '.join(keys)})")
    cap = limits.latency_cap_s
    out: dict[str, Any] = {"dist": dist, "cap_s": _capped(p.get("cap_s", cap), f"{path}.cap_s", cap)}
    for key in keys:
        if key not in p:
            raise RuleError(f"{path}.{key}", f"is required for dist {dist}")
        out[key] = p[key] if key == "sigma" else _capped(p[key], f"{path}.{key}", cap)
    if dist == "uniform" and out["min_s"] > out["max_s"]:
        raise RuleError(f"{path}.min_s", "must be ≤ max_s")
    if dist == "lognormal" and out["median_s"] <= 0:
        raise RuleError(f"{path}.median_s", "must be > 0")
    if p.get("spread"):
        out["spread"] = True
    return out


def _error(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    out = {"status": p["status"]}
    if "body" in p:
        out["body"] = p["body"]
    if "headers" in p:
        out["headers"] = {k: str(v) for k, v in p["headers"].items()}
    if "message" in p:
        out["message"] = p["message"]
    return out


def _hang(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    return {"cap_s": _capped(p.get("cap_s", limits.hang_cap_s), f"{path}.cap_s", limits.hang_cap_s)}


def _dribble(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    return {"duration_s": _capped(p["duration_s"], f"{path}.duration_s", limits.dribble_cap_s), "chunks": p.get("chunks", 10)}


def _maintenance(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    retry = _capped(p.get("retry_after_s", 300), f"{path}.retry_after_s", limits.retry_after_cap_s)
    out: dict[str, Any] = {"retry_after_s": int(retry)}
    if "message" in p:
        out["message"] = p["message"]
    return out


def _slow_close(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    return {"delay_s": _capped(p["delay_s"], f"{path}.delay_s", limits.hang_cap_s)}


def _as_is(p: dict[str, Any], path: str, limits: Limits) -> dict[str, Any]:
    return dict(p)


declare(
    FaultKind(
        "latency",
        "Delay the answer: before the first byte, or (spread: true) spread over the body.",
        stage="delay",
        wire="sleep",
        dashboard="latency",
        params={
            "dist": {"enum": list(LATENCY_DISTS), "default": "fixed", "description": "Distribution of the delay"},
            "seconds": seconds("fixed: the delay"),
            "min_s": seconds("uniform: lower bound"),
            "max_s": seconds("uniform: upper bound"),
            "mean_s": seconds("normal: mean"),
            "stddev_s": seconds("normal: standard deviation"),
            "median_s": seconds("lognormal: median", exclusiveMinimum=0),
            "sigma": seconds("lognormal: sigma", maximum=5),
            "cap_s": seconds("Largest delay drawn (default and maximum: fault_latency_cap_s)"),
            "spread": {
                "type": "boolean",
                "default": False,
                "description": "false: silence before the first byte; true: headers at once, body paced over the delay",
            },
        },
        normalise=_latency,
    )
)
declare(
    FaultKind(
        "error",
        "Answer an HTTP error in the system's own error format (or the given body).",
        stage="terminal",
        wire="respond",
        dashboard="breaking",
        params={
            "status": integer("HTTP status", 400, 599),
            "message": MESSAGE,
            "headers": HEADERS,
            "body": {"type": ["object", "array", "string"], "description": "Replaces the system's error body"},
        },
        required=("status",),
        normalise=_error,
    )
)
declare(
    FaultKind(
        "maintenance",
        "503 with Retry-After in the system's own format, as during a maintenance window.",
        stage="terminal",
        wire="respond",
        dashboard="breaking",
        params={"retry_after_s": integer("Retry-After, seconds", 0, 10**9), "message": MESSAGE},
        normalise=_maintenance,
    )
)
declare(
    FaultKind(
        "rate_limit",
        "A token bucket per rule and client, shared by all workers; 429 with Retry-After when empty.",
        stage="terminal",
        wire="respond",
        dashboard="slowing",
        params={"rate_per_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 100_000}, "burst": integer("Bucket size", 1, 1_000_000)},
        required=("rate_per_s", "burst"),
        normalise=_as_is,
    )
)
declare(
    FaultKind(
        "hang",
        "Accept the request and stay silent for cap_s, then close with no answer.",
        stage="terminal",
        wire="drop",
        dashboard="breaking",
        params={"cap_s": seconds("Silence before closing (default and maximum: fault_hang_cap_s)")},
        normalise=_hang,
    )
)
declare(
    FaultKind(
        "reset",
        "Close the connection with a TCP RST (clients see 'connection reset by peer').",
        stage="terminal",
        wire="drop",
        dashboard="breaking",
    )
)
declare(
    FaultKind(
        "empty",
        "The app's status and headers with an empty body.",
        stage="terminal",
        wire="transform",
        dashboard="breaking",
    )
)
declare(
    FaultKind(
        "truncated",
        "The app's full Content-Length but only the first half of the body, then the connection closes.",
        stage="terminal",
        wire="transform",
        dashboard="breaking",
    )
)
declare(
    FaultKind(
        "malformed_json",
        "The app's body with its JSON broken (a dangling comma), status kept.",
        stage="terminal",
        wire="transform",
        dashboard="breaking",
    )
)
declare(
    FaultKind(
        "dribble",
        "The app's body in `chunks` pieces spread evenly over duration_s.",
        stage="terminal",
        wire="stream",
        dashboard="slowing",
        params={
            "duration_s": seconds("Time to send the whole body (maximum: fault_dribble_cap_s)"),
            "chunks": integer("Pieces the body is cut into", 1, 1000),
        },
        required=("duration_s",),
        normalise=_dribble,
    )
)
declare(
    FaultKind(
        "partial",
        "Remove the named fields, at any depth, from the app's JSON body.",
        stage="shape",
        wire="transform",
        dashboard="content",
        params={"fields": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}},
        required=("fields",),
        normalise=_as_is,
    )
)
declare(
    FaultKind(
        "bandwidth",
        "Send the body at most bytes_per_s (Toxiproxy's bandwidth toxic).",
        stage="shape",
        wire="stream",
        dashboard="slowing",
        params={"bytes_per_s": integer("Throughput of the response body", 1, 10**9)},
        required=("bytes_per_s",),
        normalise=_as_is,
    )
)
declare(
    FaultKind(
        "slow_close",
        "Send the whole answer, then keep the connection open delay_s before closing it.",
        stage="shape",
        wire="close",
        dashboard="slowing",
        params={"delay_s": seconds("Delay before the server closes the connection (maximum: fault_hang_cap_s)")},
        required=("delay_s",),
        normalise=_slow_close,
    )
)
