"""Citizen satisfaction: nine indicators scored 2/1/0 (18 points), convenience and overall (1/2/3).

Indicators, by their wire names (the documented English alias in brackets):
ThoiGianGiaiQuyet [total_time] total processing time vs the legal limit; ThoiGianTungCoQuan
[agency_time] each agency's time; SoLanLienHe [contacts] number of contacts needed;
SoCoQuanLienHe [agencies_contacted] number of agencies contacted; TiepNhanTraKetQua
[one_stop_desk] receiving and returning at the one-stop desk; CongKhaiThuTuc [publication]
publication of procedures; ThaiDoCanBo [staff_attitude]; GiaiQuyetKienNghi
[complaint_handling] handling of complaints; TienDoChatLuongTrucTuyen [online_quality]
online-service progress and quality. MucDoThuanTien (convenience) and DanhGiaChung (overall)
are "1" very satisfied, "2" satisfied, "3" not satisfied.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from datetime import datetime

import sqlite_utils

from simulator.clock import shared_clock
from simulator.db import where_clause
from simulator.jobs.registry import RunContext, periodic
from simulator.wire_formats import DMY, PORTAL_DATETIME, to_portal

INDICATORS = {
    "ThoiGianGiaiQuyet": "total_time",
    "ThoiGianTungCoQuan": "agency_time",
    "SoLanLienHe": "contacts",
    "SoCoQuanLienHe": "agencies_contacted",
    "TiepNhanTraKetQua": "one_stop_desk",
    "CongKhaiThuTuc": "publication",
    "ThaiDoCanBo": "staff_attitude",
    "GiaiQuyetKienNghi": "complaint_handling",
    "TienDoChatLuongTrucTuyen": "online_quality",
}
LEVELS = {"1": "very satisfied", "2": "satisfied", "3": "not satisfied"}
GROUPS = {"province": "province", "agency": "agency", "procedure": "procedure", "quarter": "quarter"}


def quarter_of(moment: datetime) -> str:
    """The quarter label of a date, e.g. `2026Q4`."""
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


class RatingConflictError(Exception):
    """The dossier cannot be rated (not finished, or already rated)."""


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `ratings` table (one rating per dossier)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS ratings (
            MaHoSo TEXT PRIMARY KEY,
            province TEXT NOT NULL,
            agency TEXT NOT NULL,
            procedure TEXT NOT NULL,
            quarter TEXT NOT NULL,
            score INTEGER NOT NULL,
            MucDoThuanTien TEXT NOT NULL,
            DanhGiaChung TEXT NOT NULL,
            indicators TEXT NOT NULL,
            rated_by TEXT NOT NULL,
            rated_at TEXT NOT NULL,
            rated_real REAL NOT NULL)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS ratings_province ON ratings(province, quarter)")
    # Period summaries a province reports with DongBoDanhGia (counts, no per-dossier scores);
    # a re-sent period replaces the earlier figures of the same unit and procedure.
    db.execute(
        """CREATE TABLE IF NOT EXISTS rating_summaries (
            province TEXT NOT NULL,
            agency TEXT NOT NULL,
            procedure TEXT NOT NULL,
            period TEXT NOT NULL,
            quarter TEXT NOT NULL,
            total INTEGER NOT NULL,
            very_satisfied INTEGER NOT NULL,
            satisfied INTEGER NOT NULL,
            not_satisfied INTEGER NOT NULL,
            data TEXT NOT NULL,
            received_real REAL NOT NULL,
            PRIMARY KEY (province, agency, procedure, period))"""
    )


def save_rating(db: sqlite_utils.Database, settings: dict, code: str, rating: dict, rated_by: str) -> dict:
    """Store the rating of a dossier in status 10; RatingConflictError when not finished or already rated."""
    row = db.execute("SELECT province, agency, procedure, status FROM dossiers WHERE MaHoSo = ?", [code]).fetchone()
    if row is None:
        raise LookupError(code)
    province, agency, procedure, status = row
    if status != 10:
        raise RatingConflictError(f"dossier {code} is in status {status}; only a dossier in status 10 can be rated")
    indicators = {name: int(rating[name]) for name in INDICATORS}
    now = shared_clock(settings["db"]).now()
    stored = {
        "MaHoSo": code,
        "province": province,
        "agency": agency,
        "procedure": procedure,
        "quarter": quarter_of(now),
        "score": sum(indicators.values()),
        "MucDoThuanTien": str(rating["MucDoThuanTien"]),
        "DanhGiaChung": str(rating["DanhGiaChung"]),
        "indicators": indicators,
        "rated_by": rated_by,
        "rated_at": to_portal(now),
    }
    try:
        db.execute(
            """INSERT INTO ratings (MaHoSo, province, agency, procedure, quarter, score, MucDoThuanTien, DanhGiaChung,
               indicators, rated_by, rated_at, rated_real) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            [
                *[stored[k] for k in ("MaHoSo", "province", "agency", "procedure", "quarter", "score")],
                stored["MucDoThuanTien"],
                stored["DanhGiaChung"],
                json.dumps(indicators),
                rated_by,
                stored["rated_at"],
                time.time(),
            ],
        )
    except sqlite3.IntegrityError:
        raise RatingConflictError(f"dossier {code} has already been rated") from None
    return stored


def period_quarter(text: str) -> tuple[str, str]:
    """(period "yyyy-MM", quarter "yyyyQn") of a NgayTongHop: "M-yyyy" (OpenCPS), "MM/yyyy", "yyyyMM",
    "dd/MM/yyyy" or yyyyMMddHHmmss; ValueError naming the forms otherwise."""
    text = str(text).strip()
    for form in ("%m-%Y", "%m/%Y", "%Y%m", DMY, PORTAL_DATETIME, "%Y-%m"):
        try:
            moment = datetime.strptime(text, form)
        except ValueError:
            continue
        return moment.strftime("%Y-%m"), quarter_of(moment)
    raise ValueError(f"NgayTongHop {text!r} sai định dạng (M-yyyy, MM/yyyy hoặc yyyyMMddHHmmss)")


def percent(value: object, name: str) -> float:
    """A share sent as "60%", "60", 60 or 60.5; ValueError naming the field unless 0-100."""
    text = str(value).strip().rstrip("%").strip().replace(",", ".") if not isinstance(value, bool) else "x"
    try:
        share = float(text or "0")
    except ValueError:
        raise ValueError(f'{name} {value!r} không phải phần trăm (e.g. "60%")') from None
    if not 0 <= share <= 100:
        raise ValueError(f"{name} {value!r} phải từ 0 đến 100")
    return share


def save_summary(db: sqlite_utils.Database, province: str, agency: str, entry: dict) -> dict:
    """Store one validated DongBoDanhGia entry as counts; ValueError naming a bad field."""
    raw_total = entry["TongSoNguoiDanhGia"]
    if isinstance(raw_total, bool) or not str(raw_total).strip().isdigit():
        raise ValueError(f"TongSoNguoiDanhGia {raw_total!r} phải là số nguyên không âm")
    total = int(str(raw_total).strip())
    period, quarter = period_quarter(entry["NgayTongHop"])
    very = percent(entry["PhanTramDanhGiaRatHaiLong"], "PhanTramDanhGiaRatHaiLong")
    good = percent(entry["PhanTramDanhGiaHaiLong"], "PhanTramDanhGiaHaiLong")
    if very + good > 100.5:  # rounding of whole percentages may overshoot by a little
        raise ValueError("PhanTramDanhGiaRatHaiLong + PhanTramDanhGiaHaiLong vượt quá 100%")
    very_n = round(total * very / 100)
    good_n = min(round(total * good / 100), total - very_n)
    stored = {
        "province": province,
        "agency": agency,
        "procedure": str(entry.get("MaThuTuc") or ""),
        "period": period,
        "quarter": quarter,
        "total": total,
        "very_satisfied": very_n,
        "satisfied": good_n,
        "not_satisfied": total - very_n - good_n,
    }
    db.execute(
        """INSERT OR REPLACE INTO rating_summaries (province, agency, procedure, period, quarter, total, very_satisfied,
           satisfied, not_satisfied, data, received_real) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
        [*stored.values(), json.dumps(entry, ensure_ascii=False, default=str), time.time()],
    )
    return stored


def index(db: sqlite_utils.Database, group_by: str, province: str | None = None, quarter: str | None = None) -> list:
    """Per group: count, average score out of 18 and share satisfied (DanhGiaChung 1 or 2).

    Per-dossier ratings and the summaries provinces report (DongBoDanhGia) both count:
    `count` and `share_satisfied` cover both, `average_score` only rated dossiers (None when
    a group has only summaries), `reported` is how many answers came from summaries.
    """
    column = GROUPS[group_by]
    sql_where, params = where_clause(("province = ?", province), ("quarter = ?", quarter))
    rows = db.execute(
        f"""SELECT grp, sum(n), sum(score_sum), sum(scored), sum(satisfied), sum(reported) FROM (
              SELECT {column} AS grp, 1 AS n, score AS score_sum, 1 AS scored,
                     (DanhGiaChung IN ('1', '2')) AS satisfied, 0 AS reported FROM ratings{sql_where}
              UNION ALL
              SELECT {column}, total, 0, 0, very_satisfied + satisfied, total FROM rating_summaries{sql_where}
            ) GROUP BY grp HAVING sum(n) > 0 ORDER BY grp""",
        params * 2,
    ).fetchall()
    return [
        {
            "group": r[0],
            "count": r[1],
            "average_score": round(r[2] / r[3], 2) if r[3] else None,
            "share_satisfied": round(r[4] / r[1], 4),
            "reported": r[5],
        }
        for r in rows
    ]


# --- simulated citizens ---------------------------------------------------------------


def faults_met(db: sqlite_utils.Database, province: str, since_real: float) -> int:
    """Faults the province's calls met since the submission, if the fault journal exists (else 0)."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'request_journal'").fetchone()
    if not exists:
        return 0
    return db.execute(
        """SELECT count(*) FROM request_journal WHERE ts >= ? AND fault IS NOT NULL AND fault != ''
           AND (client = ? OR client LIKE ?)""",
        [since_real, province, f"%H{province}%"],
    ).fetchone()[0]


def citizen_rating(seed: int, code: str, late: bool, supplements: int, faults: int) -> dict:
    """What a simulated citizen answers, from what happened to the dossier (deterministic from the seed)."""
    rng = random.Random(f"{seed}:rating:{code}")

    def mood(good: float) -> int:  # 2 with probability `good`, else 1, rarely 0
        draw = rng.random()
        return 2 if draw < good else (1 if draw < 0.97 else 0)

    scores = {
        "ThoiGianGiaiQuyet": 0 if late else 2,
        "ThoiGianTungCoQuan": 1 if late else mood(0.9),
        "SoLanLienHe": max(0, 2 - supplements),
        "SoCoQuanLienHe": 2 if supplements == 0 else 1,
        "TiepNhanTraKetQua": mood(0.85),
        "CongKhaiThuTuc": mood(0.9),
        "ThaiDoCanBo": mood(0.85 if not late else 0.6),
        "GiaiQuyetKienNghi": 2 if supplements == 0 and not late else mood(0.4),
        "TienDoChatLuongTrucTuyen": 2 if faults == 0 else (1 if faults < 5 else 0),
    }
    total = sum(scores.values())
    overall = "1" if total >= 16 else ("2" if total >= 11 else "3")
    convenience = "1" if faults == 0 and supplements == 0 else ("2" if faults < 5 else "3")
    return {**scores, "MucDoThuanTien": convenience, "DanhGiaChung": overall}


@periodic("citizens_rate")
def rate_finished_dossiers(ctx: RunContext) -> None:
    """Simulated citizens rate the online dossiers they submitted once these reach status 10."""
    if not ctx.settings["citizens_rate_dossiers"]:
        return
    rows = ctx.db.execute(
        """SELECT s.MaHoSo, s.province, s.submitted_real, d.due, d.data FROM online_submissions s
           JOIN dossiers d ON d.MaHoSo = s.MaHoSo LEFT JOIN ratings r ON r.MaHoSo = s.MaHoSo
           WHERE d.status = 10 AND r.MaHoSo IS NULL LIMIT 200"""
    ).fetchall()
    now_text = to_portal(shared_clock(ctx.settings["db"]).now())
    for code, province, submitted_real, due, data in rows:
        finished_at = json.loads(data).get("NgayTra") or now_text
        late = bool(due) and finished_at > due
        supplements = ctx.db.execute("SELECT count(*) FROM dossier_progress WHERE MaHoSo = ? AND status = 5", [code]).fetchone()[0]
        answer = citizen_rating(ctx.settings["seed"], code, late, supplements, faults_met(ctx.db, province, submitted_real))
        try:
            save_rating(ctx.db, ctx.settings, code, answer, "citizen")
        except RatingConflictError:
            pass  # rated by hand in the meantime: the citizen's own rating stands
