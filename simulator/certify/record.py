"""What a campaign did and when: its planned dossiers, its fault windows, and the portal's final state.

The campaign fills a `CampaignRecord`; the grader reads it beside the connector's exchanges,
and the report shows its timeline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class PlannedDossier:
    """A dossier the campaign made the portal push, and what became of the push."""

    code: str
    phase: str
    kind: str  # online, forged, replayed, tampered, repeated, existing, fault:<name>
    record: dict
    pushed_at: float | None = None
    delivery_id: str = ""
    replies: list[dict] = field(default_factory=list)  # {status, body, at} per direct push


@dataclass
class FaultWindow:
    """A fault rule the campaign applied in front of the portal."""

    name: str
    rule_id: str
    effect: Any
    retry_after_s: float | None
    operation: str
    applied_at: float
    removed_at: float | None = None
    dossier: str = ""
    sequenced: bool = False


@dataclass
class CampaignRecord:
    """Everything the campaign did, for the grader and the report's timeline."""

    run_id: str
    options: dict
    started_at: float
    since: float = 0.0
    finished_at: float | None = None
    phases: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    dossiers: dict[str, PlannedDossier] = field(default_factory=dict)
    faults: list[FaultWindow] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    final: dict[str, dict] = field(default_factory=dict)
    callback: dict = field(default_factory=dict)
    clock: dict = field(default_factory=dict)
    capture: dict = field(default_factory=dict)  # the sandbox's capture settings (enabled, max_rows, body_bytes)
    error: str = ""

    def of_kind(self, *kinds: str) -> list[PlannedDossier]:
        """Planned dossiers whose kind is one of `kinds` (a kind ending in ':' matches a prefix)."""
        return [d for d in self.dossiers.values() if any(d.kind == k or (k.endswith(":") and d.kind.startswith(k)) for k in kinds)]

    def to_json(self) -> dict:
        """The record as plain JSON."""
        out = asdict(self)
        for item in out["dossiers"].values():
            item.pop("record", None)
        return out
