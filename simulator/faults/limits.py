"""What every rule is checked against: the caps from the settings, and the error naming a bad field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
        return cls(
            settings["fault_latency_cap_s"],
            settings["fault_hang_cap_s"],
            settings["fault_dribble_cap_s"],
            settings["fault_retry_after_cap_s"],
        )
