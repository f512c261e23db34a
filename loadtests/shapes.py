"""Load shapes read from data (`shapes.yaml`) and the Locust `LoadTestShape` that plays them.

A shape is a list of stages relative to the run's duration and peak users, so the same
`peak_hour` serves a 30-second smoke test and a two-hour rehearsal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_SHAPES_FILE = Path(__file__).with_name("shapes.yaml")


@dataclass(frozen=True)
class Stage:
    """One stage: until `end` (fraction of the run) hold or ramp to `users` (fraction of peak)."""

    end: float
    users: float
    ramp: bool = False
    spawn: float = 1.0


@dataclass(frozen=True)
class Shape:
    """A named load shape: its stages in order."""

    name: str
    description: str
    stages: tuple[Stage, ...]

    def target(self, elapsed: float, duration: float, peak_users: int) -> tuple[int, float] | None:
        """(users, spawn rate) at `elapsed` seconds of a `duration`-second run, or None when it is over."""
        if duration <= 0 or elapsed >= duration:
            return None
        at = elapsed / duration
        previous = 0.0
        start = 0.0
        for stage in self.stages:
            if at < stage.end:
                level = stage.users
                if stage.ramp:
                    progress = (at - start) / (stage.end - start)
                    level = previous + (stage.users - previous) * progress
                users = max(1, math.ceil(level * peak_users - 1e-9))
                spawn_rate = max(1.0, stage.spawn * peak_users)
                return users, spawn_rate
            previous, start = stage.users, stage.end
        return None


class ShapeError(ValueError):
    """A shape file or shape name that cannot be used; the message says why."""


def _stage(raw: dict, name: str, index: int) -> Stage:
    try:
        stage = Stage(
            end=float(raw["end"]),
            users=float(raw["users"]),
            ramp=bool(raw.get("ramp", False)),
            spawn=float(raw.get("spawn", 1.0)),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ShapeError(f"shape {name!r} stage {index}: needs numeric end and users ({err})") from None
    if not 0 < stage.end <= 1 or not 0 <= stage.users <= 10 or stage.spawn <= 0:
        raise ShapeError(f"shape {name!r} stage {index}: end must be in (0, 1], users in [0, 10], spawn > 0")
    return stage


def load_shapes(path: Path | str = DEFAULT_SHAPES_FILE) -> dict[str, Shape]:
    """Every shape of a YAML file, validated (stage ends strictly increasing, the last at 1.0)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    shapes = {}
    for name, body in raw.items():
        stages = tuple(_stage(s, name, i) for i, s in enumerate((body or {}).get("stages") or []))
        if not stages:
            raise ShapeError(f"shape {name!r} has no stages")
        ends = [s.end for s in stages]
        if any(b <= a for a, b in zip(ends, ends[1:])) or ends[-1] != 1.0:
            raise ShapeError(f"shape {name!r}: stage ends must increase and the last must be 1.0, got {ends}")
        shapes[name] = Shape(name, str(body.get("description", "")).strip(), stages)
    return shapes


def get_shape(name: str, path: Path | str = DEFAULT_SHAPES_FILE) -> Shape:
    """One shape by name, or ShapeError listing the known ones."""
    shapes = load_shapes(path)
    if name not in shapes:
        raise ShapeError(f"unknown shape {name!r}; known: {', '.join(shapes)}")
    return shapes[name]
