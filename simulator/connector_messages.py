"""What a province connector sends the portal, built in one place: a dossier (DongBoHoSoMC) and a
progress entry (CapNhatTienDoHoSoMC), optional fields as empty strings the way one-stop software
fills them.

The OpenAPI Try-it-out examples, the load-test kit (`loadtests/wire.py`) and the tests build their
bodies here, so a field the portal starts to read is added once. The procedure is the one every
caller files: online birth registration (1.001193).
"""

from __future__ import annotations

# Fixed times of the example dossier (yyyyMMddHHmmss): submitted, received, due back.
SUBMITTED = "20261126080000"
RECEIVED = "20261126083000"
DUE = "20261203170000"
APPLICANT = "Nguyễn Văn An"
APPLICANT_ID = "056090001234"
PHONE = "0912345678"
OFFICER = "Trần Thị Bình"


def dossier(
    code: str,
    *,
    applicant: str = APPLICANT,
    applicant_id: str = APPLICANT_ID,
    phone: str = PHONE,
    status: str = "2",
    channel: str = "1",
    submitted: str = SUBMITTED,
    received: str = RECEIVED,
    due: str = DUE,
) -> dict:
    """A birth-registration dossier as one-stop software syncs it (DongBoHoSoMC's `data` item).

    `status` is TrangThaiHoSo, `channel` KenhThucHien (1 at the desk, 2 online); times are
    portal date-times (yyyyMMddHHmmss).
    """
    return {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "MaLinhVuc": "G09-TP03",
        "TenLinhVuc": "Hộ tịch",
        "KenhThucHien": channel,
        "SoBienNhan": "",
        "ChuHoSo": applicant,
        "SoGiayToChuHoSo": applicant_id,
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "",
        "Email": "",
        "SoDienThoai": phone,
        "TrichYeuHoSo": "Đăng ký khai sinh cho con",
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": applicant_id}],
        "NgayTiepNhan": received,
        "NgayHenTra": due,
        "NgayTra": "",
        "NgayKetThucXuLy": "",
        "NgayTuChoi": "",
        "NgayNopHoSo": submitted,
        "TrangThaiHoSo": status,
        "DonViXuLy": "UBND Phường Nha Trang",
        "NoiNopHoSo": "1",
        "HinhThuc": "0",
        "DuocThanhToanTrucTuyen": "3",
        "TaiLieuNop": [],
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "LP01", "HinhThucThu": "1", "Gia": "0", "LoaiPhiLePhi": "1"}],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }


def progress_entry(code: str, status: str, *, at: str, note: str, officer: str = OFFICER) -> dict:
    """A progress entry (tiến độ) as connectors report it: the dossier moved to `status` at `at`."""
    return {
        "MaHoSo": code,
        "NguoiXuLy": officer,
        "ChucDanh": "",
        "ThoiDiemXuLy": at,
        "PhongBanXuLy": "",
        "NoiDungXuLy": note,
        "TrangThai": status,
        "NgayBatDau": "",
        "NgayKetThucTheoQuyDinh": "",
    }
