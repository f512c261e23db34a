"""What every requirement check reads, and what it answers.

A check answers one of four statuses: `pass`; `fail` (with evidence: the exchanges or replies
that break the rule); `not_exercised` (the connector made no call of that kind, e.g. it never
pays fees: nothing to judge, not a failure); `inconclusive` (the campaign could not create the
situation, e.g. the run's time ran out or a fault was never met: a required check that is
inconclusive fails the run, since readiness was not shown).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from simulator.certify.capture import Exchange
from simulator.certify.options import Options
from simulator.certify.record import CampaignRecord, FaultWindow
from simulator.certify.requirements import Requirement

PASS, FAIL, NOT_EXERCISED, INCONCLUSIVE = "pass", "fail", "not_exercised", "inconclusive"
EVIDENCE_MAX = 6
# Dossier kinds the connector is expected to sync (the refused pushes are not among them).
GENUINE = ("online", "repeated", "existing", "fault:")
OK_CODES = ("0", "00")


@dataclass
class Result:
    """The outcome of one requirement."""

    requirement: Requirement
    status: str
    summary: str
    evidence: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        """True when this result fails the run (a required check that did not pass or was not shown)."""
        return self.requirement.required and self.status in (FAIL, INCONCLUSIVE)

    def to_json(self) -> dict:
        """The result as plain JSON."""
        r = self.requirement
        return {
            "id": r.id,
            "title": r.title,
            "rule": r.rule,
            "source": r.source,
            "level": r.level,
            "phase": r.phase,
            "status": self.status,
            "summary": self.summary,
            "evidence": self.evidence,
        }


@dataclass
class SyncEvent:
    """One dossier entry of a DongBoHoSoMC call and its outcome."""

    ts: float
    code: str
    updating: bool
    ok: bool
    error_code: str
    message: str
    entry: dict
    exchange: Exchange


class Context:
    """The record and the exchanges, indexed the ways the checks need them."""

    def __init__(self, record: CampaignRecord, exchanges: list[Exchange], options: Options):
        self.record, self.exchanges, self.options = record, exchanges, options
        self.syncs: dict[str, list[SyncEvent]] = defaultdict(list)
        self.lookups: dict[str, list[tuple[float, bool]]] = defaultdict(list)  # (when it began, found)
        self.progress: dict[str, list[tuple[float, dict, str, Exchange]]] = defaultdict(list)
        for ex in exchanges:
            if ex.system != "portal" or not ex.body:
                continue
            if ex.operation == "DongBoHoSoMC":
                self._index_sync(ex)
            elif ex.operation == "TraCuuHoSo" and isinstance(ex.body.get("mahoso"), str):
                found = bool(ex.reply.get("result")) if str(ex.reply.get("error_code")) in OK_CODES else False
                self.lookups[ex.body["mahoso"]].append((ex.began, found))
            elif ex.operation == "CapNhatTienDoHoSoMC":
                outcomes = batch_outcomes(ex)
                for entry in ex.body.get("data") or []:
                    if isinstance(entry, dict):
                        code = str(entry.get("MaHoSo", ""))
                        self.progress[code].append((ex.ts, entry, outcomes.get(code, ("", ""))[0], ex))

    def _index_sync(self, ex: Exchange) -> None:
        outcomes = batch_outcomes(ex)
        updating = str(ex.body.get("isUpdating", "")).lower() == "true"
        for entry in ex.body.get("data") or []:
            if not isinstance(entry, dict):
                continue
            code = str(entry.get("MaHoSo", ""))
            error_code, message = outcomes.get(code, ("", ""))
            self.syncs[code].append(SyncEvent(ex.ts, code, updating, error_code in OK_CODES, error_code, message, entry, ex))

    def planned(self, *kinds: str) -> list:
        """Planned dossiers of the given kinds."""
        return self.record.of_kind(*kinds)

    def calls(self, system: str, operation: str | None = None, *, faulted: bool = True) -> list[Exchange]:
        """The connector's calls to a system (and operation), without the fault-answered ones if `faulted` is False."""
        return [
            e for e in self.exchanges if e.system == system and (operation is None or e.operation == operation) and (faulted or not e.fault)
        ]

    def first_ok_sync(self, code: str) -> SyncEvent | None:
        """The first successful DongBoHoSoMC entry of a dossier."""
        return next((s for s in self.syncs.get(code, []) if s.ok), None)

    def pushed_at(self, code: str) -> float | None:
        """When the dossier was first pushed (the portal's record for submissions, ours for direct pushes)."""
        for item in self.record.submissions:
            if item.get("MaHoSo") == code and item.get("pushed_at"):
                return float(item["pushed_at"])
        planned = self.record.dossiers.get(code)
        return planned.pushed_at if planned else None

    def windows(self, *names: str) -> list[FaultWindow]:
        """The fault windows of the given names, in the order they were applied."""
        return [w for w in self.record.faults if w.name in names]

    def window_attempts(self, window: FaultWindow) -> list[Exchange]:
        """The connector's calls of the window's operation from when the rule was applied until the dossier synced."""
        end = window.removed_at or time.time()
        ok = self.first_ok_sync(window.dossier)
        end = max(end, ok.ts if ok else end) + 0.05
        return [e for e in self.calls("portal", window.operation) if window.applied_at <= e.ts <= end]


def batch_outcomes(ex: Exchange) -> dict[str, tuple[str, str]]:
    """Per-dossier (error_code, message) from a batch reply; the reply's own code when it has no entries."""
    reply = ex.reply
    overall = (str(reply.get("error_code", "")), str(reply.get("message", "")))
    out: dict[str, tuple[str, str]] = {}
    for item in reply.get("result") or [] if isinstance(reply.get("result"), list) else []:
        if isinstance(item, dict) and "MaHoSo" in item:
            out[str(item["MaHoSo"])] = (str(item.get("error_code", overall[0])), str(item.get("message", overall[1])))
    if not out:
        for entry in ex.body.get("data") or []:
            if isinstance(entry, dict):
                out[str(entry.get("MaHoSo", ""))] = overall
    return out


def refused(reply: dict) -> bool:
    """Whether a push reply is a refusal: not a 2xx, or a JSON error_code other than 0."""
    status, body = reply.get("status"), reply.get("body")
    if not status or not 200 <= status < 300:
        return True
    return isinstance(body, dict) and nonzero(body.get("error_code"))


def nonzero(code) -> bool:
    """Whether an error code is present and not zero (a code that is not a number counts as an error)."""
    if code is None:
        return False
    try:
        return int(str(code).strip()) != 0
    except ValueError:
        return True


def verdict(req: Requirement, failures: list[str], ok_summary: str, fail_summary: str) -> Result:
    """Pass with `ok_summary`, or fail with `fail_summary` ({n}: how many failures) and the first failures as evidence."""
    if failures:
        return Result(req, FAIL, fail_summary.format(n=len(failures)), failures[:EVIDENCE_MAX])
    return Result(req, PASS, ok_summary)


class Wording(NamedTuple):
    """What a check judged item by item says: with no item at all (and its status then), all good, some bad ({n}: how many)."""

    none: str
    ok: str
    bad: str
    when_none: str = NOT_EXERCISED


def judge_each(req: Requirement, items: list, judge: Callable[[Any], Iterable[str]], wording: Wording) -> Result:
    """The verdict over every item of one kind (calls, dossiers): `judge` lists an item's failures."""
    if not items:
        return Result(req, wording.when_none, wording.none)
    failures = [failure for item in items for failure in judge(item)]
    return verdict(req, failures, wording.ok.format(n=len(items)), wording.bad)


def request_field(ex: Exchange, name: str) -> str | None:
    """A request field from a JSON body (top level or one level down, PascalCase or camelCase) or a SOAP body."""
    names = (name, name[0].lower() + name[1:])
    body = ex.body
    for key in names:
        if key in body:
            return None if body[key] is None else str(body[key])
    for value in body.values():
        if isinstance(value, dict):
            for key in names:
                if key in value:
                    return str(value[key])
    raw = body.get("_raw") if isinstance(body.get("_raw"), str) else None
    if raw:
        found = re.search(rf"<(?:\w+:)?(?:{'|'.join(names)})>([^<]*)</", raw)
        return found.group(1) if found else None
    return None
