"""MaXacThuc: SHA-256 hex of a message's fields joined by `|`, the shared secret last.

The shared secret of a province is its gateway client secret (`python -m simulator
credentials`). Absent optional fields count as empty strings; SoTien is the plain integer
(no separators, no decimals). Field order per message type is `FIELD_ORDER`.
"""

from __future__ import annotations

import hashlib
import hmac

FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "INIT": (
        "MaDoiTac",
        "MaThamChieu",
        "SoTien",
        "MaTienTe",
        "ThoiGianGD",
        "ThongTinGiaoDich",
        "MaHoSo",
        "SoDinhDanhNguoiNop",
    ),
    "QUERY": ("MaDoiTac", "MaThamChieu", "ThoiGianGD"),
    "GET_BILL": ("MaDoiTac", "MaThamChieu", "ThoiGianGD"),
    "CALLBACK": ("MaDoiTac", "MaThamChieu", "MaGiaoDich", "SoTien", "TrangThai", "ThoiGianThanhToan"),
}


def signature(message_type: str, values: dict, secret: str) -> str:
    """The MaXacThuc of a message: sha256("v1|v2|...|secret") as lower-case hex."""
    parts = ["" if values.get(name) is None else str(values[name]) for name in FIELD_ORDER[message_type]]
    return hashlib.sha256("|".join([*parts, secret]).encode("utf-8")).hexdigest()


def verify(message_type: str, values: dict, secret: str, presented: str) -> bool:
    """Whether `presented` is the message's MaXacThuc (hex, any case), in constant time."""
    expected = signature(message_type, values, secret)
    return hmac.compare_digest(expected.encode(), str(presented).strip().lower().encode())
