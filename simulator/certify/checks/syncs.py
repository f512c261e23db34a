"""SYNC-*: how the connector syncs dossiers back to the portal (DongBoHoSoMC): looked up first, in time, complete."""

from __future__ import annotations

import re

from simulator.certify.checks.context import GENUINE, INCONCLUSIVE, Context, Result, verdict
from simulator.certify.requirements import Requirement

# The fields DongBoHoSoMC must carry for the portal to show the dossier.
SYNC_FIELDS = ("MaHoSo", "MaTTHC", "TenTTHC", "ChuHoSo", "LoaiDoiTuong", "NgayTiepNhan", "TrangThaiHoSo", "DonViXuLy")
DATE_RE = re.compile(r"^\d{14}$")


def check_sync_01(ctx: Context, req: Requirement) -> Result:
    """TraCuuHoSo before the first DongBoHoSoMC, and isUpdating as the look-up said."""
    failures, checked = [], 0
    for d in ctx.planned(*GENUINE):
        events = ctx.syncs.get(d.code)
        if not events:
            continue
        checked += 1
        first = events[0]
        # By when each call began: a look-up the connector made before syncing began before the sync did.
        before = [found for began, found in ctx.lookups.get(d.code, []) if began <= first.exchange.began]
        if not before:
            failures.append(
                f"{d.code}: DongBoHoSoMC isUpdating {str(first.updating)!r} with no TraCuuHoSo before it ({first.exchange.evidence()})"
            )
        elif before[-1] != first.updating:
            failures.append(
                f"{d.code}: TraCuuHoSo {'found' if before[-1] else 'did not find'} it but DongBoHoSoMC "
                f"sent isUpdating {str(first.updating)!r}"
            )
    if not checked:
        return Result(req, INCONCLUSIVE, "no dossier was synced")
    return verdict(req, failures, f"{checked} dossier(s) looked up before syncing", "{n} dossier(s) synced blind")


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
    return verdict(
        req, failures, f"{checked} dossier(s) synced back, slowest {worst:.2f} s after its push", "{n} dossier(s) not synced back in time"
    )


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
                failures.append(f'{d.code}: KenhThucHien {s.entry.get("KenhThucHien")!r} (an online dossier is "2")')
    if not checked:
        return Result(req, INCONCLUSIVE, "no dossier was synced")
    return verdict(req, failures, f"{checked} synced record(s) complete", "{n} incomplete synced record(s)")


def check_sync_04(ctx: Context, req: Requirement) -> Result:
    """ "đã tồn tại" answered with an update; the dossier already on the portal ends up updated."""
    failures = []
    for code, events in ctx.syncs.items():
        for i, s in enumerate(events):
            if s.error_code in ("3", "-3") and "đã tồn tại" in s.message:
                later = events[i + 1 :]
                if not later or not later[0].updating:
                    failures.append(
                        f'{code}: after "{s.message[:80]}" the connector ' + ("sent nothing more" if not later else "created it again")
                    )
                elif not any(e.ok for e in later):
                    failures.append(f'{code}: the update after "đã tồn tại" never succeeded')
    existing = ctx.planned("existing")
    if not existing:
        return Result(req, INCONCLUSIVE, "no dossier was put on the portal beforehand")
    code = existing[0].code
    if not any(s.ok and s.updating for s in ctx.syncs.get(code, [])):
        failures.append(f"{code}: already on the portal, pushed, but never updated by the connector")
    return verdict(req, failures, f"{code} (already on the portal) was updated", "{n} finding(s)")


CHECKS = {
    "SYNC-01": check_sync_01,
    "SYNC-02": check_sync_02,
    "SYNC-03": check_sync_03,
    "SYNC-04": check_sync_04,
}
