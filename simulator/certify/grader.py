"""Grading: each requirement's check reads the campaign record and the connector's exchanges.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from simulator import statuses
from simulator.certify.campaign import CampaignRecord, FaultWindow, Options
from simulator.certify.capture import Exchange
from simulator.certify.requirements import Requirement, for_profile

PASS, FAIL, NOT_EXERCISED, INCONCLUSIVE = "pass", "fail", "not_exercised", "inconclusive"
EVIDENCE_MAX = 6
SYNC_FIELDS = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "LoaiDoiTuong", "NgayTiepNhan", "TrangThaiHoSo", "DonViXuLy")
DATE_RE = re.compile(r"^\d{14}$")
GENUINE = ("online", "repeated", "existing", "fault:")
RETRY_AFTER_TOLERANCE_S = 0.15
STORM_PER_S = 5


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
        return {"id": r.id, "title": r.title, "rule": r.rule, "source": r.source, "level": r.level,
                "phase": r.phase, "status": self.status, "summary": self.summary, "evidence": self.evidence}


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
        self.lookups: dict[str, list[tuple[float, bool]]] = defaultdict(list)
        self.progress: dict[str, list[tuple[float, dict, str, Exchange]]] = defaultdict(list)
        for ex in exchanges:
            if ex.system != "portal" or not ex.body:
                continue
            if ex.operation == "DongBoHoSoMC":
                self._index_sync(ex)
            elif ex.operation == "TraCuuHoSo" and isinstance(ex.body.get("mahoso"), str):
                found = bool(ex.reply.get("result")) if str(ex.reply.get("error_code")) in ("0", "00") else False
                self.lookups[ex.body["mahoso"]].append((ex.ts, found))
            elif ex.operation == "CapNhatTienDoHoSoMC":
                outcomes = _outcomes(ex)
                for entry in ex.body.get("data") or []:
                    if isinstance(entry, dict):
                        code = str(entry.get("MaHoSo", ""))
                        self.progress[code].append((ex.ts, entry, outcomes.get(code, ("", ""))[0], ex))

    def _index_sync(self, ex: Exchange) -> None:
        outcomes = _outcomes(ex)
        updating = str(ex.body.get("isUpdating", "")).lower() == "true"
        for entry in ex.body.get("data") or []:
            if not isinstance(entry, dict):
                continue
            code = str(entry.get("MaHoSo", ""))
            error_code, message = outcomes.get(code, ("", ""))
            self.syncs[code].append(SyncEvent(ex.ts, code, updating, error_code in ("0", "00"), error_code, message,
                                              entry, ex))

    def planned(self, *kinds: str) -> list:
        """Planned dossiers of the given kinds."""
        return self.record.of_kind(*kinds)

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

    def window_attempts(self, window: FaultWindow) -> list[Exchange]:
        """The connector's calls of the window's operation from when the rule was applied until the dossier synced."""
        end = window.removed_at or time.time()
        ok = self.first_ok_sync(window.dossier)
        end = max(end, ok.ts if ok else end) + 0.05
        return [e for e in self.exchanges if e.system == "portal" and e.operation == window.operation
                and window.applied_at <= e.ts <= end]


def _outcomes(ex: Exchange) -> dict[str, tuple[str, str]]:
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


def _refused(reply: dict) -> bool:
    """Whether a push reply is a refusal: not a 2xx, or a JSON error_code other than 0."""
    status, body = reply.get("status"), reply.get("body")
    if not status or not 200 <= status < 300:
        return True
    return isinstance(body, dict) and _nonzero(body.get("error_code"))


def _nonzero(code) -> bool:
    if code is None:
        return False
    try:
        return int(str(code).strip()) != 0
    except ValueError:
        return True


def _result(req: Requirement, failures: list[str], ok_summary: str, fail_summary: str) -> Result:
    if failures:
        return Result(req, FAIL, fail_summary.format(n=len(failures)), failures[:EVIDENCE_MAX])
    return Result(req, PASS, ok_summary)


# -- checks, one per requirement id ------------------------------------------------------------
def check_push_refused(ctx: Context, req: Requirement, kinds: tuple[str, ...]) -> Result:
    """PUSH-01 / PUSH-02: the push was refused and its dossier never synced."""
    items = ctx.planned(*kinds)
    if not items or not all(d.replies for d in items):
        return Result(req, INCONCLUSIVE, "the campaign did not send these pushes")
    failures = []
    for d in items:
        reply = d.replies[-1]
        if not _refused(reply):
            failures.append(f"{d.kind} push of {d.code} acknowledged: HTTP {reply['status']} {str(reply['body'])[:150]}")
        if ctx.syncs.get(d.code) or d.code in ctx.record.final:
            failures.append(f"{d.kind} push of {d.code} was synced to the portal anyway")
    return _result(req, failures, f"{len(items)} push(es) refused, none synced", "{n} problem(s) with refused pushes")


def check_push_01(ctx: Context, req: Requirement) -> Result:
    """Forged and tampered pushes refused."""
    return check_push_refused(ctx, req, ("forged", "tampered"))


def check_push_02(ctx: Context, req: Requirement) -> Result:
    """Replayed pushes refused."""
    return check_push_refused(ctx, req, ("replayed",))


def check_push_03(ctx: Context, req: Requirement) -> Result:
    """Refusals carry JSON error_code (non-zero) and message."""
    items = [d for d in ctx.planned("forged", "tampered", "replayed") if d.replies and _refused(d.replies[-1])]
    if not items:
        return Result(req, INCONCLUSIVE, "no push was refused, so no refusal could be read")
    failures = []
    for d in items:
        body = d.replies[-1]["body"]
        if not isinstance(body, dict) or not _nonzero(body.get("error_code")) or not str(body.get("message") or ""):
            failures.append(f"refusal of the {d.kind} push of {d.code}: HTTP {d.replies[-1]['status']} "
                            f"{str(body)[:150]} (expected JSON with a non-zero error_code and a message)")
    return _result(req, failures, f"{len(items)} refusal(s) in the receivers' style", "{n} refusal(s) unreadable")


def check_push_04(ctx: Context, req: Requirement) -> Result:
    """Genuine pushes acknowledged."""
    failures = []
    online = {d.code for d in ctx.planned("online")}
    checked = 0
    for item in ctx.record.submissions:
        if item.get("MaHoSo") in online:
            checked += 1
            if not item.get("acked_at"):
                failures.append(f"portal push of {item['MaHoSo']} (delivery {item.get('delivery_id', '')[:8]}…) "
                                "never acknowledged")
    for d in ctx.planned("repeated", "existing", "fault:"):
        for reply in d.replies:
            checked += 1
            if _refused(reply):
                failures.append(f"push of {d.code} ({d.kind}) refused: HTTP {reply['status']} {str(reply['body'])[:150]}")
    if not checked:
        return Result(req, INCONCLUSIVE, "no genuine push was made")
    return _result(req, failures, f"{checked} genuine push(es) acknowledged", "{n} genuine push(es) not acknowledged")


def check_push_05(ctx: Context, req: Requirement) -> Result:
    """A redelivery is processed once."""
    items = ctx.planned("repeated")
    if not items or len(items[0].replies) < 2:
        return Result(req, INCONCLUSIVE, "the repeated delivery was not sent")
    d = items[0]
    failures = [f"delivery {d.delivery_id[:8]}… push {i + 1} refused: HTTP {r['status']}"
                for i, r in enumerate(d.replies) if _refused(r)]
    baseline = max([sum(1 for s in ctx.syncs.get(o.code, []) if s.ok) for o in ctx.planned("online")] or [1])
    done = [s for s in ctx.syncs.get(d.code, []) if s.ok]
    if not done:
        failures.append(f"{d.code} was never synced")
    elif len(done) > max(1, baseline):
        failures.append(f"{d.code} synced {len(done)} times for one delivery (a dossier pushed once: {baseline}): "
                        + "; ".join(s.exchange.evidence() for s in done[:3]))
    return _result(req, failures, f"{d.code}: both deliveries acknowledged, synced once",
                   "the redelivery was processed again ({n} finding(s))")


def check_sync_01(ctx: Context, req: Requirement) -> Result:
    """TraCuuHoSo before the first DongBoHoSoMC, and isUpdating as the look-up said."""
    failures, checked = [], 0
    for d in ctx.planned(*GENUINE):
        events = ctx.syncs.get(d.code)
        if not events:
            continue
        checked += 1
        first = events[0]
        before = [found for ts, found in ctx.lookups.get(d.code, []) if ts <= first.ts]
        if not before:
            failures.append(f"{d.code}: DongBoHoSoMC isUpdating {str(first.updating)!r} with no TraCuuHoSo before it "
                            f"({first.exchange.evidence()})")
        elif before[-1] != first.updating:
            failures.append(f"{d.code}: TraCuuHoSo {'found' if before[-1] else 'did not find'} it but DongBoHoSoMC "
                            f"sent isUpdating {str(first.updating)!r}")
    if not checked:
        return Result(req, INCONCLUSIVE, "no dossier was synced")
    return _result(req, failures, f"{checked} dossier(s) looked up before syncing", "{n} dossier(s) synced blind")


def check_sync_02(ctx: Context, req: Requirement) -> Result:
    """Synced back within the deadline."""
    deadline = ctx.options.sync_deadline_s
    failures, checked, worst = [], 0, 0.0
    for d in ctx.planned("online", "repeated", "existing"):
        pushed = ctx.pushed_at(d.code)
        if pushed is None:
            failures.append(f"{d.code}: the portal never pushed it (is the connector URL right?)")
            continue
        checked += 1
        ok = ctx.first_ok_sync(d.code)
        if ok is None:
            failures.append(f"{d.code}: pushed but never synced back")
        else:
            worst = max(worst, ok.ts - pushed)
            if ok.ts - pushed > deadline:
                failures.append(f"{d.code}: synced {ok.ts - pushed:.1f} s after the push (deadline {deadline:g} s)")
    if not checked and not failures:
        return Result(req, INCONCLUSIVE, "no dossier was pushed")
    return _result(req, failures, f"{checked} dossier(s) synced back, slowest {worst:.2f} s after its push",
                   "{n} dossier(s) not synced back in time")


def check_sync_03(ctx: Context, req: Requirement) -> Result:
    """Required fields present, procedure and online channel kept."""
    failures, checked = [], 0
    for d in ctx.planned(*GENUINE):
        for s in ctx.syncs.get(d.code, []):
            if not s.ok:
                continue
            checked += 1
            missing = [f for f in SYNC_FIELDS if not str(s.entry.get(f, "") or "").strip()]
            if missing:
                failures.append(f"{d.code}: DongBoHoSoMC without {', '.join(missing)}")
            if s.entry.get("NgayTiepNhan") and not DATE_RE.match(str(s.entry["NgayTiepNhan"])):
                failures.append(f"{d.code}: NgayTiepNhan {s.entry['NgayTiepNhan']!r} is not yyyyMMddHHmmss")
            if d.record.get("MaTTHC") and str(s.entry.get("MaTTHC")) != d.record["MaTTHC"]:
                failures.append(f"{d.code}: MaTTHC {s.entry.get('MaTTHC')!r}, pushed {d.record['MaTTHC']!r}")
            if str(s.entry.get("KenhThucHien", "")) != "2":
                failures.append(f"{d.code}: KenhThucHien {s.entry.get('KenhThucHien')!r} (an online dossier is \"2\")")
    if not checked:
        return Result(req, INCONCLUSIVE, "no dossier was synced")
    return _result(req, failures, f"{checked} synced record(s) complete", "{n} incomplete synced record(s)")


def check_sync_04(ctx: Context, req: Requirement) -> Result:
    """"đã tồn tại" answered with an update; the dossier already on the portal ends up updated."""
    failures = []
    for code, events in ctx.syncs.items():
        for i, s in enumerate(events):
            if s.error_code in ("3", "-3") and "đã tồn tại" in s.message:
                later = events[i + 1:]
                if not later or not later[0].updating:
                    failures.append(f"{code}: after \"{s.message[:80]}\" the connector "
                                    + ("sent nothing more" if not later else "created it again"))
                elif not any(e.ok for e in later):
                    failures.append(f"{code}: the update after \"đã tồn tại\" never succeeded")
    existing = ctx.planned("existing")
    if not existing:
        return Result(req, INCONCLUSIVE, "no dossier was put on the portal beforehand")
    code = existing[0].code
    if not any(s.ok and s.updating for s in ctx.syncs.get(code, [])):
        failures.append(f"{code}: already on the portal, pushed, but never updated by the connector")
    return _result(req, failures, f"{code} (already on the portal) was updated", "{n} finding(s)")


def check_prog_01(ctx: Context, req: Requirement) -> Result:
    """No illegal status move (no "-5")."""
    failures, checked = [], 0
    codes = {d.code for d in ctx.planned(*GENUINE)}
    for code in codes:
        for ts, entry, error_code, ex in ctx.progress.get(code, []):
            checked += 1
            if error_code == "-5":
                failures.append(f"{code}: CapNhatTienDoHoSoMC TrangThai {entry.get('TrangThai')!r} refused "
                                f"(-5): {ex.evidence()}")
        for s in ctx.syncs.get(code, []):
            if s.error_code == "-5":
                failures.append(f"{code}: DongBoHoSoMC TrangThaiHoSo {s.entry.get('TrangThaiHoSo')!r} refused (-5)")
        failures.extend(_illegal_history(code, ctx.record.final.get(code)))
    if not checked:
        return Result(req, INCONCLUSIVE, "no progress was reported")
    return _result(req, failures, f"{checked} progress entries, every move legal", "{n} illegal status move(s)")


def _illegal_history(code: str, final: dict | None) -> list[str]:
    """Moves in the portal's recorded history that the status table forbids (a belt to the -5 braces)."""
    out = []
    history = (final or {}).get("QuaTrinhXuLy") or []
    previous = None
    for step in history:
        current = statuses.parse(step.get("TrangThai"))
        if previous is not None and current is not None and current != previous and not statuses.can_move(previous,
                                                                                                              current):
            out.append(f"{code}: history moves {previous} → {current}")
        previous = current if current is not None else previous
    return out


def check_prog_02(ctx: Context, req: Requirement) -> Result:
    """Valid, not future, non-decreasing ThoiDiemXuLy."""
    failures, checked = [], 0
    now = datetime.now().strftime("%Y%m%d%H%M%S")
    clock_now = str(ctx.record.clock.get("now_portal") or "")
    horizon = _plus_minutes(max(now, clock_now), 5 + ctx.options.duration_s / 60)
    for d in ctx.planned(*GENUINE):
        last = ""
        received = str((ctx.first_ok_sync(d.code).entry if ctx.first_ok_sync(d.code) else {}).get("NgayTiepNhan", ""))
        for ts, entry, _code, ex in ctx.progress.get(d.code, []):
            checked += 1
            when = str(entry.get("ThoiDiemXuLy", ""))
            if not DATE_RE.match(when) or not _valid_moment(when):
                failures.append(f"{d.code}: ThoiDiemXuLy {when!r} is not a yyyyMMddHHmmss moment")
                continue
            if when > horizon:
                failures.append(f"{d.code}: ThoiDiemXuLy {when} is in the future")
            if last and when < last:
                failures.append(f"{d.code}: ThoiDiemXuLy {when} goes back in time (after {last})")
            if DATE_RE.match(received) and when[:8] < received[:8]:
                failures.append(f"{d.code}: ThoiDiemXuLy {when} before the dossier was received ({received})")
            last = max(last, when)
    if not checked:
        return Result(req, INCONCLUSIVE, "no progress was reported")
    return _result(req, failures, f"{checked} timestamp(s) valid and in order", "{n} bad timestamp(s)")


def _valid_moment(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y%m%d%H%M%S")
        return True
    except ValueError:
        return False


def _plus_minutes(portal: str, minutes: float) -> str:
    from datetime import timedelta

    try:
        return (datetime.strptime(portal, "%Y%m%d%H%M%S") + timedelta(minutes=minutes)).strftime("%Y%m%d%H%M%S")
    except ValueError:
        return portal


def check_prog_03(ctx: Context, req: Requirement) -> Result:
    """Online dossiers reach status 10."""
    items = ctx.planned("online")
    if not items:
        return Result(req, INCONCLUSIVE, "no online dossier was submitted")
    failures = []
    for d in items:
        status = str((ctx.record.final.get(d.code) or {}).get("TrangThaiHoSo", "not on the portal"))
        if status != "10":
            failures.append(f"{d.code}: status {status} at the end of the campaign")
    return _result(req, failures, f"{len(items)} dossier(s) reached status 10", "{n} dossier(s) without a result")


def check_prog_04(ctx: Context, req: Requirement) -> Result:
    """DongBoDanhGia sent."""
    sent = [e for e in ctx.exchanges if e.system == "portal" and e.operation == "DongBoDanhGia"]
    if not sent:
        return Result(req, NOT_EXERCISED, "the connector sent no DongBoDanhGia during the campaign")
    bad = [e.evidence() for e in sent if str(e.reply.get("error_code")) not in ("0", "00")]
    return _result(req, bad, f"{len(sent)} DongBoDanhGia accepted", "{n} DongBoDanhGia refused")


def _windows(ctx: Context, *names: str) -> list[FaultWindow]:
    return [w for w in ctx.record.faults if w.name in names]


def check_fault_01(ctx: Context, req: Requirement) -> Result:
    """Backoff after 503s: a retry, and no storm."""
    windows = _windows(ctx, "server-errors")
    if not windows:
        return Result(req, INCONCLUSIVE, "the 503 phase did not run")
    failures = []
    for w in windows:
        attempts = ctx.window_attempts(w)
        faulted = [e for e in attempts if e.fault]
        if not faulted:
            return Result(req, INCONCLUSIVE, f"the connector never met the 503s on {w.operation}")
        if not any(e.ts > faulted[0].ts for e in attempts):
            failures.append(f"{w.dossier}: no retry after {faulted[0].evidence()}")
        times = [e.ts for e in attempts]
        for i, start in enumerate(times):
            burst = [t for t in times[i:] if t - start < 1.0]
            if len(burst) > STORM_PER_S:
                failures.append(f"{w.operation}: {len(burst)} attempts within 1 s from {start:.3f} (storm)")
                break
    return _result(req, failures, "retried with backoff after 503", "{n} finding(s)")


def check_fault_02(ctx: Context, req: Requirement) -> Result:
    """Retry-After honoured."""
    windows = _windows(ctx, "rate-limit", "maintenance")
    if not windows:
        return Result(req, INCONCLUSIVE, "the Retry-After phases did not run")
    failures, met = [], 0
    for w in windows:
        attempts = ctx.window_attempts(w)
        for earlier, later in zip(attempts, attempts[1:]):
            if not earlier.fault or w.retry_after_s is None:
                continue
            met += 1
            gap = later.ts - earlier.ts
            if gap < w.retry_after_s - RETRY_AFTER_TOLERANCE_S:
                failures.append(f"{w.name}: {w.operation} repeated {gap:.2f} s after a reply with Retry-After: "
                                f"{w.retry_after_s:g} ({earlier.evidence()} → {later.evidence()})")
        if not any(e.fault for e in attempts):
            return Result(req, INCONCLUSIVE, f"the connector never met the {w.name} fault")
    return _result(req, failures, f"Retry-After honoured after {met} faulted call(s)", "{n} early retry(ies)")


def check_fault_03(ctx: Context, req: Requirement) -> Result:
    """No dossier lost under faults."""
    items = ctx.planned("fault:")
    if not items:
        return Result(req, INCONCLUSIVE, "no dossier was pushed under faults")
    failures = []
    for d in items:
        if ctx.first_ok_sync(d.code) is None and d.code not in ctx.record.final:
            window = next((w for w in ctx.record.faults if w.dossier == d.code), None)
            tried = [e.evidence() for e in ctx.window_attempts(window)][-3:] if window else []
            failures.append(f"{d.code} ({d.kind[6:]}) pushed, acknowledged, never synced; last calls: "
                            + ("; ".join(tried) or "none"))
    return _result(req, failures, f"{len(items)} dossier(s) pushed under faults, none lost", "{n} dossier(s) lost")


def check_fault_04(ctx: Context, req: Requirement) -> Result:
    """At most one create per dossier; nothing but updates after it."""
    failures = []
    for d in ctx.planned(*GENUINE):
        events = ctx.syncs.get(d.code, [])
        created = next((i for i, s in enumerate(events) if s.ok and not s.updating), None)
        if created is None:
            continue
        again = [s for s in events[created + 1:] if not s.updating]
        if again:
            failures.append(f"{d.code}: created, then sent as a new dossier {len(again)} more time(s): "
                            + again[0].exchange.evidence())
    return _result(req, failures, "every dossier created once", "{n} dossier(s) created more than once")


def _field(ex: Exchange, name: str) -> str | None:
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


def check_min_01(ctx: Context, req: Requirement) -> Result:
    """Population calls well-formed: request id, identifier, no malformed-request refusal."""
    calls = [e for e in ctx.exchanges if e.system == "population" and not e.fault]
    if not calls:
        return Result(req, NOT_EXERCISED, "the connector made no population database call")
    failures = []
    for e in calls:
        if e.status in (400, 422):
            failures.append(f"refused as malformed: {e.evidence()}")
            continue
        if not e.body:
            continue
        number, old = _field(e, "SoDinhDanh") or "", _field(e, "SoCMND") or ""
        if not (re.fullmatch(r"\d{12}", number) or re.fullmatch(r"\d{9}", old)):
            failures.append(f"SoDinhDanh {number!r} / SoCMND {old!r}: no 12-digit (or 9-digit) identifier: "
                            f"{e.evidence()}")
        if not (_field(e, "MaYeuCau") or "").strip():
            failures.append(f"no MaYeuCau (request id): {e.evidence()}")
    return _result(req, failures, f"{len(calls)} population call(s) well-formed", "{n} malformed population call(s)")


def check_min_02(ctx: Context, req: Requirement) -> Result:
    """Payment messages signed and versioned."""
    calls = [e for e in ctx.exchanges if e.system == "payment" and not e.fault]
    if not calls:
        return Result(req, NOT_EXERCISED, "the connector sent no payment message")
    failures = []
    for e in calls:
        kind, version = e.body.get("LoaiBanTin"), e.body.get("PhienBan")
        if version != "1.0.6" or not kind:
            failures.append(f"LoaiBanTin {kind!r} PhienBan {version!r} (expected a type and \"1.0.6\"): {e.evidence()}")
        elif str(e.reply.get("MaLoi")) in ("01", "03") or (e.status or 0) >= 400:
            failures.append(f"{kind} refused: {e.evidence()}")
    return _result(req, failures, f"{len(calls)} payment message(s) accepted", "{n} payment message(s) refused")


def check_min_03(ctx: Context, req: Requirement) -> Result:
    """A forged payment callback refused."""
    callback = ctx.record.callback
    if not callback:
        return Result(req, INCONCLUSIVE, "the forged callback was not sent")
    body = callback.get("body")
    refused = _refused({"status": callback.get("status"), "body": body}) or (
        isinstance(body, dict) and body.get("MaLoi") not in (None, "00"))
    if refused:
        return Result(req, PASS, f"the forged payment.result for {callback['MaHoSo']} was refused")
    return Result(req, FAIL, "a payment.result with a wrong MaXacThuc was acknowledged",
                  [f"HTTP {callback.get('status')} {str(body)[:200]}"])


def check_min_04(ctx: Context, req: Requirement) -> Result:
    """Judicial record requests complete."""
    calls = [e for e in ctx.exchanges if e.system == "judicial_record" and e.operation == "requests" and e.body]
    if not calls:
        return Result(req, NOT_EXERCISED, "the connector filed no judicial record request")
    failures = []
    for e in calls:
        missing = [f for f in ("maHoSoMCDT", "soDinhDanh", "hoTen", "loaiPhieu") if not _field(e, f)]
        if missing or str(e.reply.get("statusCode")) != "00":
            failures.append(f"missing {', '.join(missing) or 'nothing'}: {e.evidence()}")
    return _result(req, failures, f"{len(calls)} judicial record request(s) complete", "{n} incomplete request(s)")


CHECKS: dict[str, Callable[[Context, Requirement], Result]] = {
    "PUSH-01": check_push_01, "PUSH-02": check_push_02, "PUSH-03": check_push_03, "PUSH-04": check_push_04,
    "PUSH-05": check_push_05, "SYNC-01": check_sync_01, "SYNC-02": check_sync_02, "SYNC-03": check_sync_03,
    "SYNC-04": check_sync_04, "PROG-01": check_prog_01, "PROG-02": check_prog_02, "PROG-03": check_prog_03,
    "PROG-04": check_prog_04, "FAULT-01": check_fault_01, "FAULT-02": check_fault_02, "FAULT-03": check_fault_03,
    "FAULT-04": check_fault_04, "MIN-01": check_min_01, "MIN-02": check_min_02, "MIN-03": check_min_03,
    "MIN-04": check_min_04,
}


def grade(record: CampaignRecord, exchanges: list[Exchange], options: Options) -> list[Result]:
    """Every requirement of the profile, graded; a phase that did not run leaves its checks inconclusive."""
    ctx = Context(record, exchanges, options)
    out = []
    for req in for_profile(options.profile):
        if req.phase not in record.phases:
            out.append(Result(req, INCONCLUSIVE, f"phase {req.phase} did not run"
                              + (" (the check stopped early)" if record.error else "")))
            continue
        out.append(CHECKS[req.id](ctx, req))
    return out
