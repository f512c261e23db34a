"""Scenario files: timelines of fault rules, loaded from `scenarios/*.yaml`.

    name: police-db-outage
    description: ...            # shown to trainers
    seed: 42                    # fault decisions are reproducible from it
    time_scale: 60              # sandbox-clock speed while the scenario runs (optional)
    phases:
      - name: warm-up
        start_min: 0            # sandbox-clock minutes since the scenario was applied
        end_min: 10             # or duration_min: 10
        rules: [...]            # same schema as fault rules (simulator.faults.rules)
    arrivals: {...}             # any other top-level key is kept untouched for other tools

A broken file raises `ScenarioError` with the file, the line of the offending field and the
reason, e.g. `scenarios/chaos.yaml:14: phases[1].rules[0].effects[0].latency.cap_s must be ≤ 120`.
`ScenarioRunner` applies a scenario (state kept in SQLite), reports its status and stops it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from simulator.faults import schema
from simulator.faults.rules import (
    Limits,
    Rule,
    RuleError,
    check_mapping,
    check_number,
    validate_rule,
)

KNOWN_KEYS = ("name", "description", "seed", "time_scale", "phases")
PHASE_KEYS = ("name", "start_min", "end_min", "duration_min", "rules")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class ScenarioError(ValueError):
    """A scenario file cannot be used; the message starts with `path:line:`."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")


@dataclass(frozen=True)
class Phase:
    """One step of a scenario timeline, active in [start_s, end_s) of sandbox time."""

    name: str
    start_s: float
    end_s: float
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario; `extras` keeps top-level keys this module does not own."""

    name: str
    description: str
    seed: int | None
    time_scale: float | None
    phases: tuple[Phase, ...]
    extras: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def duration_s(self) -> float:
        """Sandbox seconds from start to the end of the last phase."""
        return max((p.end_s for p in self.phases), default=0.0)

    def phase_at(self, elapsed_s: float) -> Phase | None:
        """The phase active `elapsed_s` sandbox seconds after the start (first listed wins)."""
        for phase in self.phases:
            if phase.start_s <= elapsed_s < phase.end_s:
                return phase
        return None


def _marks(node: yaml.Node, path: str, out: dict[str, int]) -> None:
    """Map every dotted field path to its 1-based line, walking the composed YAML tree."""
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            out[child] = key.start_mark.line + 1
            _marks(value, child, out)
            out[child] = key.start_mark.line + 1  # the key's line reads better than the value's
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _marks(item, f"{path}[{i}]", out)


def _line_for(path: str, marks: dict[str, int]) -> int | None:
    # Walk up the path until a known node: a missing field is reported at its parent.
    while True:
        if path in marks:
            return marks[path]
        if not path:
            return None
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""


def parse_scenario(data: Any, limits: Limits | None = None, default_name: str | None = None) -> Scenario:
    """Validate a scenario mapping; raise `RuleError` (with a dotted path) when invalid."""
    if not isinstance(data, dict):
        raise RuleError("", "a scenario must be a mapping at the top level")
    schema.check(data, "scenario")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise RuleError("name", "must be lower-case letters, digits, '-' or '_' (max 64)")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise RuleError("description", "must be a string")
    seed = data.get("seed")
    if seed is not None:
        seed = int(check_number(seed, "seed", integer=True, maximum=2**63 - 1))
    scale = data.get("time_scale")
    if scale is not None:
        scale = check_number(scale, "time_scale", above=0.0, maximum=100_000)
    raw_phases = data.get("phases")
    if not isinstance(raw_phases, list) or not raw_phases:
        raise RuleError("phases", "must be a non-empty list")
    phases = []
    for i, raw in enumerate(raw_phases):
        path = f"phases[{i}]"
        p = check_mapping(raw, path, PHASE_KEYS)
        if not isinstance(raw, dict):
            raise RuleError(path, "must be a mapping")
        pname = p.get("name", f"phase-{i + 1}")
        if not isinstance(pname, str) or not re.fullmatch(r"[\w.-]{1,64}", pname):
            raise RuleError(f"{path}.name", "must be 1-64 letters, digits, '_', '-' or '.'")
        start = check_number(p.get("start_min", 0), f"{path}.start_min")
        if "end_min" in p and "duration_min" in p:
            raise RuleError(f"{path}.duration_min", "cannot be given together with end_min")
        if "end_min" in p:
            end = check_number(p["end_min"], f"{path}.end_min", above=start)
        elif "duration_min" in p:
            end = start + check_number(p["duration_min"], f"{path}.duration_min", above=0.0)
        else:
            raise RuleError(path, "needs end_min or duration_min")
        raw_rules = p.get("rules", [])
        if not isinstance(raw_rules, list):
            raise RuleError(f"{path}.rules", "must be a list")
        rules = []
        for j, rr in enumerate(raw_rules):
            if isinstance(rr, dict) and "id" not in rr:
                rr = {**rr, "id": f"{name}:{pname}:{j}"}  # stable ids keep draws reproducible
            rules.append(validate_rule(rr, limits, f"{path}.rules[{j}]"))
        phases.append(Phase(pname, start * 60, end * 60, tuple(rules)))
    extras = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    return Scenario(name, description, seed, scale, tuple(phases), extras, {**data, "name": name})


def load_scenario_file(path: str | Path, limits: Limits | None = None) -> Scenario:
    """Read and validate one YAML scenario; raise `ScenarioError` with file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ScenarioError(str(path), None, f"cannot read: {e.strerror}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        reason = getattr(e, "problem", None) or str(e)
        raise ScenarioError(str(path), mark.line + 1 if mark else None, f"invalid YAML: {reason}") from None
    marks: dict[str, int] = {}
    if node is not None:
        _marks(node, "", marks)
    try:
        return parse_scenario(data, limits, default_name=path.stem)
    except RuleError as e:
        raise ScenarioError(str(path), _line_for(e.path, marks), str(e)) from None


def list_scenarios(directory: str | Path, limits: Limits | None = None) -> dict[str, Scenario]:
    """Load every `*.yaml` in `directory`, keyed by scenario name; the first broken file raises."""
    found: dict[str, Scenario] = {}
    for file in sorted(Path(directory).glob("*.yaml")):
        scenario = load_scenario_file(file, limits)
        found[scenario.name] = scenario
    return found
