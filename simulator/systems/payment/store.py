"""Payment transactions and treasury receipts: tables and the state changes a payer causes."""

from __future__ import annotations

import json
import secrets

import sqlite_utils

from simulator.db import transaction
from simulator.identity import persona_outcome
from simulator.provinces import province as province_by_code

PENDING, PAID, DECLINED = "0", "1", "2"
STATUS_NAMES = {PENDING: "Chờ thanh toán", PAID: "Thanh toán thành công", DECLINED: "Giao dịch bị từ chối"}
# TrangThaiGD as the platform answers QUERY: 1 paid, 3 pending (final state unknown yet), 4 failed.
TRANG_THAI_GD = {PENDING: "3", PAID: "1", DECLINED: "4"}
DEFAULT_ACCOUNT = "7111"  # the budget-revenue account code (thu ngân sách nhà nước)


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the transaction and treasury receipt tables."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS payment_transactions (
            id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, province TEXT NOT NULL, partner TEXT NOT NULL,
            reference TEXT NOT NULL, amount INTEGER NOT NULL, description TEXT NOT NULL, payer_id TEXT NOT NULL,
            payer_name TEXT NOT NULL, dossier TEXT NOT NULL, procedure TEXT NOT NULL, treasury TEXT NOT NULL,
            account TEXT NOT NULL, fees TEXT NOT NULL, created_at REAL NOT NULL, status TEXT NOT NULL,
            payer_clicked_at REAL, settled_at REAL, receipt_no TEXT, UNIQUE (province, reference))"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS treasury_receipts (
            number TEXT PRIMARY KEY, transaction_id TEXT NOT NULL, province TEXT NOT NULL, amount INTEGER NOT NULL,
            treasury TEXT NOT NULL, account TEXT NOT NULL, paid_at REAL NOT NULL)"""
    )


def default_treasury(province: str) -> str:
    """The treasury office collecting a province's fees."""
    found = province_by_code(province)
    return f"Kho bạc Nhà nước khu vực {found.name if found else province}"


def _row(cursor) -> dict | None:
    values = cursor.fetchone()
    if values is None:
        return None
    row = dict(zip([c[0] for c in cursor.description], values, strict=True))
    row["fees"] = json.loads(row["fees"])
    return row


def by_reference(db: sqlite_utils.Database, province: str, reference: str) -> dict | None:
    """A province's transaction by its MaThamChieu."""
    return _row(db.execute("SELECT * FROM payment_transactions WHERE province = ? AND reference = ?", [province, reference]))


def by_token(db: sqlite_utils.Database, token: str) -> dict | None:
    """A transaction by the token of its payer page."""
    return _row(db.execute("SELECT * FROM payment_transactions WHERE token = ?", [token]))


def create(db: sqlite_utils.Database, province: str, msg: dict, now: float) -> dict:
    """Store a new pending transaction from a loaded INIT message; returns it."""
    info = msg["ThongTinBienLai"]
    tx_id = f"GD{province}{secrets.token_hex(6).upper()}"
    db.execute(
        """INSERT INTO payment_transactions (id, token, province, partner, reference, amount, description, payer_id,
            payer_name, dossier, procedure, treasury, account, fees, created_at, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            tx_id,
            secrets.token_urlsafe(18),
            province,
            msg["MaDoiTac"],
            msg["MaThamChieu"],
            msg["SoTien"],
            msg["ThongTinGiaoDich"],
            info.get("SoCMNDNguoiNop", ""),
            info.get("HoTenNguoiNop", ""),
            info.get("MaHoSo", ""),
            info.get("MaTTHC", ""),
            info.get("KhoBac") or default_treasury(province),
            info.get("TaiKhoanThuNSNN") or DEFAULT_ACCOUNT,
            json.dumps(info.get("PhiLePhi", []), ensure_ascii=False),
            now,
            PENDING,
        ],
    )
    return by_reference(db, province, msg["MaThamChieu"])


def decide(db: sqlite_utils.Database, token: str, action: str, now: float) -> tuple[dict | None, bool]:
    """Apply the payer's choice ("pay" or "decline"); returns (transaction, whether it became final).

    Personas by the payer's ID: `payment_declined` is declined whatever the payer does, and
    `payment_pending` stays pending forever after the click. A final transaction is unchanged.
    """
    with transaction(db) as conn:
        row = by_token(db, token)
        if row is None or row["status"] != PENDING:
            return row, False
        # Only a 12-digit citizen ID can be a persona (clients send "000000000" when unknown).
        payer = row["payer_id"]
        outcome = persona_outcome(payer) if len(payer) == 12 and payer.isdigit() else None
        if outcome == "payment_pending":
            conn.execute("UPDATE payment_transactions SET payer_clicked_at = ? WHERE id = ?", [now, row["id"]])
            return by_token(db, token), False
        if action == "pay" and outcome != "payment_declined":
            count = conn.execute("SELECT COUNT(*) FROM treasury_receipts WHERE province = ?", [row["province"]])
            number = f"BL{row['province']}{count.fetchone()[0] + 1:08d}"
            conn.execute(
                "INSERT INTO treasury_receipts (number, transaction_id, province, amount, treasury, account, paid_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [number, row["id"], row["province"], row["amount"], row["treasury"], row["account"], now],
            )
            conn.execute(
                "UPDATE payment_transactions SET status = ?, payer_clicked_at = ?, settled_at = ?, receipt_no = ? WHERE id = ?",
                [PAID, now, now, number, row["id"]],
            )
        else:
            conn.execute(
                "UPDATE payment_transactions SET status = ?, payer_clicked_at = ?, settled_at = ? WHERE id = ?",
                [DECLINED, now, now, row["id"]],
            )
    return by_token(db, token), True


def receipt(db: sqlite_utils.Database, province: str, number: str) -> dict | None:
    """A province's treasury receipt with the transaction it settles."""
    cursor = db.execute(
        """SELECT r.number, r.amount, r.treasury, r.account, r.paid_at, t.reference, t.id AS transaction_id,
            t.dossier, t.procedure, t.fees, t.payer_name, t.payer_id, t.description
            FROM treasury_receipts r JOIN payment_transactions t ON t.id = r.transaction_id
            WHERE r.province = ? AND r.number = ?""",
        [province, number],
    )
    return _row(cursor)
