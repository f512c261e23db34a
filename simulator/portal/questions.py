"""Citizens' questions (hỏi đáp) on the portal: stored in SQLite, seeded per province by the sandbox.

Three kinds of question, as OpenCPS (`DVCQGIntegrationActionImpl`, `doSyncSharingQA`,
`syncFAQToDVCQG`) exchanges them:
- `citizen`: asked by citizens on the portal to a province's agency; read by the province with
  `LayDanhSachHoiDapGuiTuDVCQG`, answered with `DongBoKetQuaHoiDapGuiTuDVCQG`;
- `agency`: compiled by ministries and agencies with their answer; read with
  `LayDanhSachHoiDapBoCoQuan`;
- `province`: the province's own questions and answers, published with `DongBoHoiDap` (they are
  listed with the agency-compiled ones afterwards).

The first time a province's questions are read, the sandbox seeds them deterministically from
(seed, province): templates of `data/questions.json` filled from the procedure catalogue,
asked to the agency that implements the procedure in that province.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from functools import cache

import sqlite_utils

from simulator.catalogue import Procedure, agencies, procedures, sector
from simulator.catalogue.procedures import read_data
from simulator.db import transaction
from simulator.flows import citizens
from simulator.wire_formats import PORTAL_DATETIME, to_portal

KINDS = ("citizen", "agency", "province")
# Seeded question ids are {province}{NNNNN}: stable across runs and workers.
SEED_ID_BASE = 100_000


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the question, answer and seeding-marker tables."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS portal_questions (
            HOIDAPID INTEGER PRIMARY KEY AUTOINCREMENT,
            province TEXT NOT NULL,
            kind TEXT NOT NULL,
            external_id TEXT NOT NULL DEFAULT '',
            MADONVI TEXT NOT NULL,
            TENDONVI TEXT NOT NULL,
            MALINHVUC TEXT NOT NULL DEFAULT '',
            MATTHCDP TEXT NOT NULL DEFAULT '',
            NOIDUNG TEXT NOT NULL,
            HOVATEN TEXT NOT NULL DEFAULT '',
            THUDIENTU TEXT NOT NULL DEFAULT '',
            NGAYGUI TEXT NOT NULL,
            TRANGTHAI INTEGER NOT NULL DEFAULT 1)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS portal_questions_province ON portal_questions(province, kind)")
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS portal_questions_external ON portal_questions(province, kind, external_id) "
        "WHERE external_id != ''"
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS portal_answers (
            TRALOIID INTEGER PRIMARY KEY AUTOINCREMENT,
            HOIDAPID INTEGER NOT NULL REFERENCES portal_questions(HOIDAPID) ON DELETE CASCADE,
            NOIDUNGTRALOI TEXT NOT NULL,
            NGUOITRALOI TEXT NOT NULL DEFAULT '',
            CHUCVUNGUOITRALOI TEXT NOT NULL DEFAULT '',
            NGAYTRALOI TEXT NOT NULL,
            received_at REAL NOT NULL)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS portal_answers_question ON portal_answers(HOIDAPID, TRALOIID)")
    db.execute("CREATE TABLE IF NOT EXISTS portal_question_seeds (province TEXT PRIMARY KEY, seeded_at REAL)")


@cache
def _templates() -> dict:
    return read_data("questions.json")


def _agency_for(rng: random.Random, proc: Procedure, province: str):
    candidates = [a for a in agencies(province) if a.kind == proc.agency_kind and a.level == proc.level]
    return rng.choice(candidates) if candidates else None


def _fill(text: str, proc: Procedure, agency_name: str) -> str:
    fees = "; ".join(f"{f.description}: {f.amount:,} đồng".replace(",", ".") for f in proc.fees)
    return text.format(
        procedure=proc.name,
        agency=agency_name,
        days=f"{proc.days:g}",
        documents="; ".join(d.name for d in proc.documents) or "theo quy định",
        fees=fees or "Thủ tục không thu phí, lệ phí.",
    )


def ensure_seeded(db: sqlite_utils.Database, seed: int, province: str, now: datetime) -> None:
    """Seed a province's citizen and agency questions once (race-safe across workers)."""
    if db.execute("SELECT 1 FROM portal_question_seeds WHERE province = ?", [province]).fetchone():
        return
    rng = random.Random(f"{seed}:questions:{province}")
    templates = _templates()
    with transaction(db) as conn:
        claimed = conn.execute(
            "INSERT OR IGNORE INTO portal_question_seeds (province, seeded_at) VALUES (?, ?)", [province, time.time()]
        ).rowcount
        if not claimed:
            return  # another worker seeded it in the meantime
        serial = int(province) * SEED_ID_BASE
        plan = [("citizen", None)] * templates["per_province"]["citizen"]
        plan += [("agency", qa) for qa in rng.sample(templates["agency_questions"], templates["per_province"]["agency"])]
        for kind, agency_qa in plan:
            proc = rng.choice(procedures())
            found = _agency_for(rng, proc, province)
            if found is None:
                continue
            serial += 1
            asked = now - timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600))
            if kind == "citizen":
                person = citizens.applicant(rng, province, seed)
                text, name, email = rng.choice(templates["citizen_questions"]), person.name, person.email
            else:
                text, name, email = agency_qa["question"], "", ""
            conn.execute(
                """INSERT INTO portal_questions (HOIDAPID, province, kind, MADONVI, TENDONVI, MALINHVUC, MATTHCDP,
                   NOIDUNG, HOVATEN, THUDIENTU, NGAYGUI) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    serial,
                    province,
                    kind,
                    found.code,
                    found.name,
                    proc.field_code,
                    proc.code,
                    _fill(text, proc, found.name),
                    name,
                    email,
                    to_portal(asked),
                ],
            )
            if agency_qa:
                ministry = sector(proc.sector)
                conn.execute(
                    """INSERT INTO portal_answers (TRALOIID, HOIDAPID, NOIDUNGTRALOI, NGUOITRALOI, CHUCVUNGUOITRALOI,
                       NGAYTRALOI, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    [
                        serial,
                        serial,
                        _fill(agency_qa["answer"], proc, found.name),
                        ministry.ministry if ministry else found.name,
                        "Cơ quan soạn thảo",
                        to_portal(asked + timedelta(days=1)),
                        time.time(),
                    ],
                )


def _latest_answers(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"""SELECT HOIDAPID, TRALOIID, NOIDUNGTRALOI, NGUOITRALOI, NGAYTRALOI FROM portal_answers
            WHERE TRALOIID IN (SELECT max(TRALOIID) FROM portal_answers WHERE HOIDAPID IN ({marks}) GROUP BY HOIDAPID)""",
        ids,
    ).fetchall()
    return {r[0]: {"TRALOIID": r[1], "NOIDUNGTRALOI": r[2], "NGUOITRALOI": r[3], "NGAYTRALOI": r[4]} for r in rows}


_COLUMNS = ("HOIDAPID", "MADONVI", "TENDONVI", "MALINHVUC", "MATTHCDP", "NOIDUNG", "HOVATEN", "THUDIENTU", "NGAYGUI", "TRANGTHAI")


def list_questions(db: sqlite_utils.Database, province: str, kinds: tuple[str, ...], field: str = "") -> list[dict]:
    """A province's questions of some kinds, oldest first, each with its latest answer (TRALOIID 0 if none)."""
    marks = ",".join("?" * len(kinds))
    params: list = [province, *kinds]
    where = f"province = ? AND kind IN ({marks})"
    if field:
        where += " AND MALINHVUC = ?"
        params.append(field)
    rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM portal_questions WHERE {where} ORDER BY HOIDAPID", params)
    items = [dict(zip(_COLUMNS, r)) for r in rows.fetchall()]
    answers = _latest_answers(db, [i["HOIDAPID"] for i in items])
    empty = {"TRALOIID": 0, "NOIDUNGTRALOI": "", "NGUOITRALOI": "", "NGAYTRALOI": ""}
    return [{**i, **answers.get(i["HOIDAPID"], empty)} for i in items]


def answers_of(db: sqlite_utils.Database, province: str, question_id: int) -> list[dict]:
    """Every answer to one of the province's questions, oldest first ([] when unknown or another's)."""
    rows = db.execute(
        """SELECT a.TRALOIID, a.HOIDAPID, a.NOIDUNGTRALOI, a.NGUOITRALOI, a.CHUCVUNGUOITRALOI, a.NGAYTRALOI
           FROM portal_answers a JOIN portal_questions q ON q.HOIDAPID = a.HOIDAPID
           WHERE a.HOIDAPID = ? AND q.province = ? ORDER BY a.TRALOIID""",
        [question_id, province],
    ).fetchall()
    keys = ("TRALOIID", "HOIDAPID", "NOIDUNGTRALOI", "NGUOITRALOI", "CHUCVUNGUOITRALOI", "NGAYTRALOI")
    return [dict(zip(keys, r)) for r in rows]


def sync_province_question(db: sqlite_utils.Database, province: str, entry: dict, now: datetime) -> int:
    """Create or update the province's own question (by its HOIDAPID) and its answer; the portal id."""
    external = str(entry["HOIDAPID"])
    field = entry.get("MaLinhVuc") or entry.get("MALINHVUC") or ""
    with transaction(db) as conn:
        row = conn.execute(
            "SELECT HOIDAPID FROM portal_questions WHERE province = ? AND kind = 'province' AND external_id = ?",
            [province, external],
        ).fetchone()
        values = [entry["MADONVI"], entry.get("TENDONVI", ""), str(field), entry["NOIDUNG"]]
        if row:
            question_id = row[0]
            conn.execute(
                "UPDATE portal_questions SET MADONVI = ?, TENDONVI = ?, MALINHVUC = ?, NOIDUNG = ? WHERE HOIDAPID = ?",
                [*values, question_id],
            )
        else:
            question_id = conn.execute(
                """INSERT INTO portal_questions (province, kind, external_id, MADONVI, TENDONVI, MALINHVUC, NOIDUNG,
                   NGAYGUI) VALUES (?, 'province', ?, ?, ?, ?, ?, ?)""",
                [province, external, *values, to_portal(now)],
            ).lastrowid
        if entry.get("NOIDUNGTRALOI"):
            conn.execute("DELETE FROM portal_answers WHERE HOIDAPID = ?", [question_id])
            conn.execute(
                "INSERT INTO portal_answers (HOIDAPID, NOIDUNGTRALOI, NGUOITRALOI, NGAYTRALOI, received_at) VALUES (?, ?, ?, ?, ?)",
                [question_id, entry["NOIDUNGTRALOI"], entry.get("TENDONVI", ""), to_portal(now), time.time()],
            )
    return question_id


def answer_date(text: str, now: datetime) -> str:
    """NGAYTRALOI as yyyyMMddHHmmss: read from yyyyMMddHHmmss, dd/MM/yyyy[ HH:mm[:ss]] or ISO; now if empty.

    Raises ValueError naming the accepted forms.
    """
    text = (text or "").strip()
    if not text:
        return to_portal(now)
    for form in (PORTAL_DATETIME, "%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, form).strftime(PORTAL_DATETIME)
        except ValueError:
            continue
    raise ValueError(f"NGAYTRALOI {text!r} sai định dạng (dd/MM/yyyy hoặc yyyyMMddHHmmss)")


def answer_citizen_question(db: sqlite_utils.Database, province: str, entry: dict, answered_at: str) -> int:
    """Record the province's answer to a citizen question; LookupError when it is not the province's."""
    question = db.execute(
        "SELECT HOIDAPID FROM portal_questions WHERE HOIDAPID = ? AND province = ? AND kind = 'citizen'",
        [int(entry["HOIDAPID"]), province],
    ).fetchone()
    if question is None:
        raise LookupError(entry["HOIDAPID"])
    return db.execute(
        """INSERT INTO portal_answers (HOIDAPID, NOIDUNGTRALOI, NGUOITRALOI, CHUCVUNGUOITRALOI, NGAYTRALOI, received_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [question[0], entry["NOIDUNGTRALOI"], entry.get("NGUOITRALOI", ""), entry.get("CHUCVUNGUOITRALOI", ""), answered_at, time.time()],
    ).lastrowid
