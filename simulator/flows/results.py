"""Plausible payloads of the ministry result events, for the trainer's test callback.

The ministry systems build their own payloads and call `push.enqueue_callback`; these
samples follow their field names (DOMAIN.md) so a connector can be tested without waiting for the ministry.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from simulator.wire_formats import to_dmy, to_portal


def sample_result(event: str, code: str, now: datetime) -> dict:
    """A sample payload of a result event for dossier `code` at sandbox time `now`."""
    ref = hashlib.sha256(f"{event}:{code}".encode()).hexdigest()[:10].upper()
    if event == "judicial_record.result":
        return {
            "maHoSoMCDT": code,
            "trangThaiXuLy": "3",
            "lyDoTuChoi": "",
            "ngayHenTraKetQua": to_dmy(now),
            "ketQuaXuLy": {"soPhieuLLTP": f"LLTP-{ref}", "ngayCapPhieu": to_dmy(now), "loaiPhieu": "1"},
        }
    if event == "civil_status.result":
        return {"maHoSo": code, "module": "KS", "trangThai": "4", "soDangKy": f"KS-{ref}", "ngayDangKy": to_portal(now)}
    if event == "environment.result":
        return {"MaHoSo": code, "TrangThai": "4", "SoGiayPhep": f"GPMT-{ref}", "NgayCap": to_portal(now)}
    return {
        "MaHoSo": code,
        "MaThamChieu": f"TT{ref}",
        "SoTien": 10000,
        "MaTienTe": "VND",
        "ThoiGianGD": to_portal(now),
        "MaLoi": "00",
        "ThongTinGiaoDich": f"Thanh toán lệ phí hồ sơ {code}",
    }
