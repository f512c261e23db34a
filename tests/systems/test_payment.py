"""Payment platform: INIT → payer page → QUERY → GET_BILL, treasury receipts, MaXacThuc, personas and errors."""

from __future__ import annotations

import hashlib
import io
import re

import pypdf
import pytest

from simulator.clients import by_province
from tests.conftest import SEED

SYSTEM, PREFIX = "payment", "/payment"
CLIENT = by_province(SEED, "56")
INIT_ORDER = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan",
              "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip")  # fmt: skip
CONFIRM_ORDER = ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich", "MaNganHang",
                 "ThoiGianGD", "ThongTinGiaoDich")  # fmt: skip


def mac(values: list) -> str:
    """An independent MaXacThuc: sha256 of the values joined by | with the secret last."""
    return hashlib.sha256("|".join([*map(str, values), CLIENT.gateway_secret]).encode()).hexdigest()


def init_message(reference: str = "TT-H56-0001", amount: int = 150000, payer: str = "056090001234", **over) -> dict:
    msg = {
        "LoaiBanTin": "INIT",
        "PhienBan": "1.0.6",
        "MaDoiTac": CLIENT.madonvi,
        "MaThamChieu": reference,
        "SoTien": amount,
        "LoaiHinhThanhToan": "PAY",
        "MaKenhThanhToan": "1",
        "MaThietBi": "1",
        "NgonNgu": "vi-VN",
        "MaTienTe": "VND",
        "MaNganHang": "PAYMENT",
        "ThongTinGiaoDich": "Nộp lệ phí hồ sơ 000.00.01.H56-261126-0001",
        "ThoiGianGD": "20261126090000",
        "Ip": "10.0.0.5",
        "ThongTinBienLai": {
            "MaDichVu": "2",
            "MaHoSo": "000.00.01.H56-261126-0001",
            "MaTTHC": "1.001193",
            "HoTenNguoiNop": "Nguyễn Văn An",
            "SoCMNDNguoiNop": payer,
            "PhiLePhi": [{"TenPhiLePhi": "Lệ phí cấp phiếu", "MaPhiLePhi": "LP01", "SoTien": amount}],
        },
    }
    msg.update(over)
    msg.setdefault("MaXacThuc", mac([msg.get(k, "") for k in INIT_ORDER]))
    return msg


def lookup_message(reference: str = "TT-H56-0001", kind: str = "QUERY") -> dict:
    msg = {"LoaiBanTin": kind, "PhienBan": "1.0.6", "MaDoiTac": CLIENT.madonvi, "MaThamChieu": reference,
           "ThoiGianGD": "20261126091000"}  # fmt: skip
    msg["MaXacThuc"] = mac(list(msg.values()))
    return msg


def init(caller, **kw):
    return caller.post(f"{PREFIX}/init", init_message(**kw))


def query(caller, reference: str = "TT-H56-0001") -> dict:
    return caller.post(f"{PREFIX}/query", lookup_message(reference)).get_json()


def page_path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_init_pay_on_the_page_then_query_bill_and_treasury_receipt(caller, client, clock, callbacks):
    reply = init(caller).get_json()
    assert reply["MaLoi"] == "00" and reply["error_code"] == "0"
    page = client.get(page_path(reply["UrlThanhToan"]))
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html" and 'name="action" value="pay"' in html and "<script" not in html
    assert query(caller)["TrangThaiGD"] == "3"
    after = client.post(page_path(reply["UrlThanhToan"]), data={"action": "pay"})
    assert after.status_code == 200 and "Thanh toán thành công" in after.get_data(as_text=True)
    state = query(caller)
    assert state["TrangThaiGD"] == "1" and state["SoBienLai"] and state["MaNganHang"]
    bill = caller.post(f"{PREFIX}/bill", lookup_message(kind="GET_BILL"))
    assert bill.mimetype == "application/pdf" and bill.data.startswith(b"%PDF-")
    text = pypdf.PdfReader(io.BytesIO(bill.data), strict=True).pages[0].extract_text()
    assert state["SoBienLai"] in text and "150.000 VND" in text
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and "Tổng số tiền: 150.000 VND" in text  # with its diacritics
    receipt = caller.get(f"{PREFIX}/receipts/{state['SoBienLai']}").get_json()
    assert receipt["SoTien"] == 150000 and receipt["KhoBac"] and receipt["TaiKhoanThuNSNN"] == "7111"
    assert receipt["MaHoSo"] == "000.00.01.H56-261126-0001" and receipt["PhiLePhi"][0]["SoTien"] == 150000
    [(province, event, data)] = callbacks
    assert (province, event, data["MaLoi"], data["SoBienLai"]) == ("56", "payment.result", "00", state["SoBienLai"])
    assert data["LoaiBanTin"] == "CONFIRM" and data["MaXacThuc"] == mac([data[k] for k in CONFIRM_ORDER])


def test_declining_on_the_page_declines_and_has_no_bill(caller, client, clock, callbacks):
    url = init(caller).get_json()["UrlThanhToan"]
    client.post(page_path(url), data={"action": "decline"})
    assert query(caller)["TrangThaiGD"] == "4"
    bill = caller.post(f"{PREFIX}/bill", lookup_message(kind="GET_BILL"))
    assert bill.status_code == 200 and bill.get_json()["MaLoi"] == "06"
    assert [e for _, e, d in callbacks] == ["payment.result"] and callbacks[0][2]["MaLoi"] == "08"


def test_declined_persona_is_declined_even_when_paying(caller, client, clock):
    url = init(caller, payer="001186000010").get_json()["UrlThanhToan"]
    reply = client.post(page_path(url) + "/decision", json={"action": "pay"}).get_json()
    assert reply["TrangThaiGD"] == "4" and query(caller)["TrangThaiGD"] == "4"


def test_pending_persona_stays_pending_forever(caller, client, clock, callbacks):
    url = init(caller, payer="079083000011").get_json()["UrlThanhToan"]
    assert client.post(page_path(url) + "/decision", json={"action": "pay"}).get_json()["TrangThaiGD"] == "3"
    clock.advance(60 * 24 * 30)
    assert query(caller)["TrangThaiGD"] == "3" and list(callbacks) == []


def test_paying_twice_is_refused_as_already_final(caller, client, clock):
    url = page_path(init(caller).get_json()["UrlThanhToan"]) + "/decision"
    assert client.post(url, json={"action": "pay"}).get_json()["MaLoi"] == "00"
    again = client.post(url, json={"action": "decline"})
    assert again.status_code == 409 and again.get_json()["MaLoi"] == "07"


def test_wrong_maxacthuc_is_refused_naming_it(caller, clock):
    reply = init(caller, MaXacThuc="0" * 64)
    assert reply.status_code == 200 and reply.get_json()["MaLoi"] == "03"
    assert "MaXacThuc" in reply.get_json()["MoTaLoi"]
    bad_query = {**lookup_message(), "MaXacThuc": "abc"}
    assert caller.post(f"{PREFIX}/query", bad_query).get_json()["MaLoi"] == "03"


def test_another_partner_code_is_refused(caller, clock):
    reply = init(caller, MaDoiTac="000.00.00.H01")
    assert reply.status_code == 200 and reply.get_json()["MaLoi"] == "02"


def test_retrying_init_returns_the_same_payment_and_reusing_the_reference_is_refused(caller, clock):
    first = init(caller).get_json()
    assert init(caller).get_json() == first
    other = init(caller, amount=200000)
    assert other.status_code == 200 and other.get_json()["MaLoi"] == "04"


def test_amount_over_the_cap_is_refused(caller, clock):
    reply = init(caller, amount=500_000_001)
    assert reply.status_code == 200 and reply.get_json()["MaLoi"] == "01"


def test_unknown_reference_and_receipt_are_404(caller, clock):
    assert query(caller, "NOPE")["MaLoi"] == "05"
    reply = caller.get(f"{PREFIX}/receipts/BL5600000099")
    assert reply.status_code == 404 and reply.get_json()["MaLoi"] == "05"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"LoaiBanTin": "INIT", "MaDoiTac": CLIENT.madonvi},
        init_message(amount=-5),
        init_message(amount=0),
        init_message(SoTien="12.5"),
        init_message(MaTienTe="USD"),
        init_message(ThoiGianGD="26/11/2026"),
        init_message(PhienBan="1.0.5"),
        {**init_message(), "ThongTinBienLai": "x"},
    ],
    ids=["empty", "partner-only", "negative", "zero", "decimal", "usd", "date", "version", "receipt-info"],
)
def test_bad_init_messages_answer_maloi_01_never_500(caller, clock, body):
    reply = caller.post(f"{PREFIX}/init", body)
    assert 400 <= reply.status_code < 500 and reply.get_json()["MaLoi"] == "01" and reply.get_json()["MoTaLoi"]


def test_malformed_json_is_a_payment_error(caller, clock):
    reply = caller.post(f"{PREFIX}/init", data="{", content_type="application/json")
    assert 400 <= reply.status_code < 500 and reply.get_json()["MaLoi"] == "01"


def test_payer_page_for_an_unknown_token_is_404(client):
    reply = client.get("/payment/pay/nope")
    assert reply.status_code == 404 and reply.get_json()["MaLoi"] == "05"


def test_payer_form_with_a_bad_action_is_422(caller, client, clock):
    url = page_path(init(caller).get_json()["UrlThanhToan"])
    reply = client.post(url, data={"action": "steal"})
    assert reply.status_code == 422 and reply.get_json()["MaLoi"] == "01"


def test_init_with_only_the_signed_fields_and_no_receipt_info_is_accepted(caller, clock):
    msg = {k: v for k, v in init_message(reference="TT-0001").items() if k in (*INIT_ORDER, "MaXacThuc")}
    del msg["Ip"], msg["MaThietBi"]  # absent fields are signed as ""
    msg["MaXacThuc"] = mac([msg.get(k, "") for k in INIT_ORDER])
    assert caller.post(f"{PREFIX}/init", msg).get_json()["MaLoi"] == "00"
