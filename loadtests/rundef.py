"""Run definitions (`loadtests/runs/*.yaml`): what to run, against what, and what counts as passing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from loadtests import thresholds
from loadtests.shapes import DEFAULT_SHAPES_FILE, get_shape

TARGETS = ("sandbox", "connector")
DEFAULT_USERS = {"sandbox": ["DeskOfficer", "StatusPoller"], "connector": ["OnlineSubmissionDriver"]}


class RunDefinitionError(ValueError):
    """A run definition that cannot be run; the message names the field."""


@dataclass
class RunDefinition:
    """One load-test run, as written in its YAML file."""

    name: str
    description: str = ""
    target: str = "sandbox"
    shape: str = "steady"
    duration_s: float = 30.0
    users: int = 5
    spawn_rate: float = 5.0
    user_classes: list[str] = field(default_factory=list)
    province: str = "56"
    arrival_rate: float = 0.0
    workers: int = 0
    scenario: str = ""
    options: dict = field(default_factory=dict)
    connector: dict = field(default_factory=dict)
    thresholds: dict = field(default_factory=dict)  # as written; `thresholds.parse` reads it
    shapes_file: str = str(DEFAULT_SHAPES_FILE)
    source: str = ""  # the file it was read from (Locust's abort watch reads its thresholds there)


def parse_duration(value: str | int | float) -> float:
    """Seconds from 45, "45s", "2m", "1h30m"."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    parts = re.fullmatch(r"(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+(?:\.\d+)?)s?)?", text)
    if not text or parts is None:
        raise RunDefinitionError(f"duration {value!r}: use seconds or 30s, 2m, 1h30m")
    hours, minutes, seconds = parts.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def load_run(path: Path | str) -> RunDefinition:
    """Read and validate a run definition file."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not raw.get("name"):
        raise RunDefinitionError(f"{path}: a run definition needs at least a name")
    target = raw.get("target", "sandbox")
    if target not in TARGETS:
        raise RunDefinitionError(f"{path}: target must be one of {', '.join(TARGETS)}, got {target!r}")
    run = RunDefinition(
        name=str(raw["name"]),
        description=str(raw.get("description", "")).strip(),
        target=target,
        shape=str(raw.get("shape", "steady")),
        duration_s=parse_duration(raw.get("duration", 30)),
        users=int(raw.get("users", 5)),
        spawn_rate=float(raw.get("spawn_rate", raw.get("users", 5))),
        user_classes=list(raw.get("user_classes") or DEFAULT_USERS[target]),
        province=str(raw.get("province", "56")),
        arrival_rate=float(raw.get("arrival_rate", 0)),
        workers=int(raw.get("workers", 0)),
        scenario=str(raw.get("scenario") or ""),
        options=dict(raw.get("options") or {}),
        connector=dict(raw.get("connector") or {}),
        thresholds=raw.get("thresholds") or {},
        source=str(Path(path).resolve()),
    )
    if run.arrival_rate > 0 and "DossierArrivals" not in run.user_classes:
        run.user_classes.append("DossierArrivals")
    if run.duration_s <= 0 or run.users < 1:
        raise RunDefinitionError(f"{path}: duration and users must be positive")
    if run.workers < 0:
        raise RunDefinitionError(f"{path}: workers must be 0 (one Locust process) or more")
    try:
        thresholds.parse(run.thresholds)  # fails before any load is made, naming the field
    except thresholds.ThresholdError as err:
        raise RunDefinitionError(f"{path}: {err}") from None
    get_shape(run.shape, run.shapes_file)  # fails early, naming the known shapes
    return run
