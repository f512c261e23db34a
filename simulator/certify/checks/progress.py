"""PROG-*: how the connector reports progress: legal status moves, real timestamps, results, ratings."""

from __future__ import annotations

from datetime import timedelta

from simulator import statuses
from simulator.certify.checks.context import GENUINE, INCONCLUSIVE, OK_CODES, Context, Result, Wording, judge_each, verdict
from simulator.certify.checks.syncs import DATE_RE
from simulator.certify.requirements import Requirement
from simulator.wire_formats import from_portal, to_portal, wall_clock_portal

# ThoiDiemXuLy may run this far ahead of the sandbox clock (clocks of two machines differ).
FUTURE_SLACK_MIN = 5
RESULTS = Wording("no online dossier was submitted", "{n} dossier(s) reached status 10", "{n} dossier(s) without a result", INCONCLUSIVE)
RATINGS = Wording("the connector sent no DongBoDanhGia during the campaign", "{n} DongBoDanhGia accepted", "{n} DongBoDanhGia refused")


def check_prog_01(ctx: Context, req: Requirement) -> Result:
    """No illegal status move (no "-5")."""
    failures, checked = [], 0
    codes = {d.code for d in ctx.planned(*GENUINE)}
    for code in codes:
        for _ts, entry, error_code, ex in ctx.progress.get(code, []):
            checked += 1
            if error_code == "-5":
                failures.append(f"{code}: CapNhatTienDoHoSoMC TrangThai {entry.get('TrangThai')!r} refused (-5): {ex.evidence()}")
        for s in ctx.syncs.get(code, []):
            if s.error_code == "-5":
                failures.append(f"{code}: DongBoHoSoMC TrangThaiHoSo {s.entry.get('TrangThaiHoSo')!r} refused (-5)")
        failures.extend(illegal_history(code, ctx.record.final.get(code)))
    if not checked:
        return Result(req, INCONCLUSIVE, "no progress was reported")
    return verdict(req, failures, f"{checked} progress entries, every move legal", "{n} illegal status move(s)")


def illegal_history(code: str, final: dict | None) -> list[str]:
    """Moves in the portal's recorded history that the status table forbids (a belt to the -5 braces)."""
    out = []
    history = (final or {}).get("QuaTrinhXuLy") or []
    previous = None
    for step in history:
        current = statuses.parse(step.get("TrangThai"))
        if previous is not None and current is not None and current != previous and not statuses.can_move(previous, current):
            out.append(f"{code}: history moves {previous} → {current}")
        previous = current if current is not None else previous
    return out


def check_prog_02(ctx: Context, req: Requirement) -> Result:
    """Valid, not future, non-decreasing ThoiDiemXuLy."""
    failures, checked = [], 0
    clock_now = str(ctx.record.clock.get("now_portal") or "")
    horizon = _plus_minutes(max(wall_clock_portal(), clock_now), FUTURE_SLACK_MIN + ctx.options.duration_s / 60)
    for d in ctx.planned(*GENUINE):
        last = ""
        first = ctx.first_ok_sync(d.code)
        received = str((first.entry if first else {}).get("NgayTiepNhan", ""))
        for _ts, entry, _code, _ex in ctx.progress.get(d.code, []):
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
    return verdict(req, failures, f"{checked} timestamp(s) valid and in order", "{n} bad timestamp(s)")


def _valid_moment(text: str) -> bool:
    try:
        from_portal(text)
        return True
    except ValueError:
        return False


def _plus_minutes(portal: str, minutes: float) -> str:
    try:
        return to_portal(from_portal(portal) + timedelta(minutes=minutes))
    except ValueError:
        return portal


def check_prog_03(ctx: Context, req: Requirement) -> Result:
    """Online dossiers reach status 10."""

    def unfinished(d) -> list[str]:
        status = str((ctx.record.final.get(d.code) or {}).get("TrangThaiHoSo", "not on the portal"))
        return [] if status == "10" else [f"{d.code}: status {status} at the end of the campaign"]

    return judge_each(req, ctx.planned("online"), unfinished, RESULTS)


def check_prog_04(ctx: Context, req: Requirement) -> Result:
    """DongBoDanhGia sent."""
    return judge_each(
        req, ctx.calls("portal", "DongBoDanhGia"), lambda e: [] if str(e.reply.get("error_code")) in OK_CODES else [e.evidence()], RATINGS
    )


CHECKS = {
    "PROG-01": check_prog_01,
    "PROG-02": check_prog_02,
    "PROG-03": check_prog_03,
    "PROG-04": check_prog_04,
}
