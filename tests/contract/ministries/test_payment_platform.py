"""The payment platform (message version 1.0.6) as public one-stop clients call it and read it.

Each test replays literally what a public client sends (its code path in the docstring) and
reads the reply the way that client does. MaXacThuc is recomputed here with an independent
implementation of each client's concatenation, never with the sandbox's signing module.

Clients:
- OpenCPS: github VietOpenCPS/opencps-v2, branch release-candidate-3.1,
  modules/pay-gate-integration/.../action/impl/PayGateIntegrationActionImpl.java and
  .../util/PayGateUtil.java (Java, HttpURLConnection: no Authorization header).
- TD: github HuanVu201/DichVuCong_KhoaLuan_PASETO,
  DichVuCongApi/src/Infrastructure/DvcPayment/DvcPaymentService.cs and InitDvcPaymentRequest.cs,
  Application/Common/DvcPayment/*.cs (C#, HttpClient with `Authorization: Bearer` when configured).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json

import pytest

from simulator.app_context import db
from simulator.clients import by_province
from simulator.fault_classifier import make_classifier
from simulator.flows import push
from simulator.jobs import queue
from tests.conftest import ADMIN, SEED

PARTNER = by_province(SEED, "56")
DOSSIER = "000.00.01.H56-261126-0001"
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def sha256_hex(text: str) -> str:
    """What both clients compute: SHA-256 of the UTF-8 text as lower-case hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# The fourteen fields both clients sign an INIT over, in order (PayGateUtil.generateChecksum's
# arguments; DvcPaymentService.InitPayment's string.Join).
INIT_ORDER = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan",
              "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip")  # fmt: skip


def init_fields(reference: str, amount: str, *, language: str, bank: str, description: str, at: str, ip: str) -> dict:
    """The fourteen signed INIT fields: both clients send INIT, 1.0.6, their partner code, PAY, channel "1",
    device "1" and VND; they differ in NgonNgu, MaNganHang, ThongTinGiaoDich, ThoiGianGD and Ip."""
    return {"LoaiBanTin": "INIT", "PhienBan": "1.0.6", "MaDoiTac": PARTNER.madonvi, "MaThamChieu": reference,
            "SoTien": amount, "LoaiHinhThanhToan": "PAY", "MaKenhThanhToan": "1", "MaThietBi": "1", "NgonNgu": language,
            "MaTienTe": "VND", "MaNganHang": bank, "ThongTinGiaoDich": description, "ThoiGianGD": at, "Ip": ip}  # fmt: skip


def opencps_init(reference: str = "1201_8f0c2a4e-3b1d-4", amount: int = 150000) -> dict:
    """PayGateIntegrationActionImpl.createPaymentPlatformInitTransactionPostParam + createReceiptInfo.

    SoTien is `String.valueOf(paymentFile.getPaymentAmount())`; MaDichVu is the int 2; fees are
    numbers; MaXacThuc is PayGateUtil.generateChecksum(14 fields..., hash_key).
    """
    fields = init_fields(
        reference, str(amount), language="vi", bank="", description="Thanh toan le phi ho so", at="20261126090000", ip="10.0.0.5"
    )
    data = {
        **fields,
        "ThongTinBienLai": {
            "MaDichVu": 2,
            "MaDonVi": "000.00.01.H56",
            "TenDonVi": "Sở Tư pháp",
            "MaHoSo": DOSSIER,
            "MaDVC": "1.001193.000.00.00.H56",
            "TenDVC": "Cấp phiếu lý lịch tư pháp",
            "MaTTHC": "1.001193",
            "TenTTHC": "Cấp phiếu lý lịch tư pháp",
            "TKThuHuong": "3511",
            "MaNHThuHuong": "VCB",
            "TenTKThuHuong": "Sở Tư pháp",
            "PhiLePhi": [
                {"LoaiPhiLePhi": "1", "MaPhiLePhi": "2", "TenPhiLePhi": "Phí", "SoTien": 0},
                {"LoaiPhiLePhi": "2", "MaPhiLePhi": "2", "TenPhiLePhi": "Lệ phí", "SoTien": amount},
            ],
            "MaLoaiHinhThuPhat": "",
            "TenLoaiHinhThuPhat": "",
            "KhoBac": "",
            "NgayQD": "",
            "SoQD": "",
            "ThoiGianViPham": "",
            "DiaDiemViPham": "",
            "TenNguoiViPham": "",
            "NoiDungThanhToan": "Thanh toan le phi ho so",
            "HoTenNguoiNop": "Nguyễn Văn An",
            "SoCMNDNguoiNop": "056090001234",
            "DiaChiNguoiNop": "Nha Trang",
            "MaCoQuanQD": "",
            "TenCoQuanQD": "",
            "DSKhoanNop": [{"NoiDung": "Thanh toan le phi ho so", "SoTien": str(amount)}],
            "HuyenNguoiNop": "",
            "TinhNguoiNop": "",
            "TaiKhoanThuNSNN": "",
        },
    }
    data["MaXacThuc"] = sha256_hex("|".join([*(data[k] for k in INIT_ORDER), PARTNER.gateway_secret]))
    return data


def td_init(reference: str = "dvc00000001H562611260001", amount: int = 150000, payer: str = "056090001234") -> dict:
    """DvcPaymentService.InitPayment with InitDvcPaymentRequest's defaults (PAY, "1", "1", vi-VN, PAYMENT)."""
    thong_tin = f"THANH TOAN HO SO {DOSSIER}"
    # ToString("yyyyMMddhhmmss"): 12-hour clock, 13:00 reads 01
    fields = init_fields(
        reference, str(amount), language="vi-VN", bank="PAYMENT", description=thong_tin, at="20261126010000", ip="192.168.1.20"
    )
    req = {
        **fields,
        "MaXacThuc": None,
        "ThongTinBienLai": {
            "MaDichVu": "2", "MaDVC": "1.001193.01", "TenDVC": "Cấp phiếu", "MaTTHC": "1.001193",
            "TenTTHC": "Cấp phiếu", "MaDonVi": "000.00.01.H56", "TenDonVi": "Sở Tư pháp", "MaHoSo": DOSSIER,
            "TKThuHuong": "", "MaNHThuHuong": "", "TenTKThuHuong": "", "MaLoaiHinhThuPhat": "",
            "TenLoaiHinhThuPhat": "", "MaCoQuanQD": "", "TenCoQuanQD": "", "KhoBac": "", "NgayQD": "", "SoQD": "",
            "ThoiGianViPham": "", "DiaDiemViPham": "", "TenNguoiViPham": "", "TaiKhoanThuNSNN": "",
            "NoiDungThanhToan": thong_tin, "HoTenNguoiNop": "Nguyễn Văn An", "SoCMNDNguoiNop": payer,
            "DiaChiNguoiNop": "", "HuyenNguoiNop": "", "TinhNguoiNop": "",
            "PhiLePhi": [{"LoaiPhiLePhi": "Phi", "MaPhiLePhi": "1.001193.01", "TenPhiLePhi": thong_tin,
                          "SoTien": str(amount)}],
            "DSKhoanNop": [{"NoiDung": thong_tin, "SoTien": str(amount)}],
        },
    }  # fmt: skip
    text = "|".join(str(req[k]) for k in INIT_ORDER)
    req["MaXacThuc"] = sha256_hex(f"{text}|{PARTNER.gateway_secret}")
    return req


def lookup(kind: str, reference: str, when: str = "20261126090000") -> dict:
    """QUERY (DvcPaymentService.CheckPaymentStatus / OpenCPS createGetReceiptRequest) or GET_BILL
    (GetBienLaiDvcPayment / OpenCPS getBills): `LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD|secret`."""
    req = {"LoaiBanTin": kind, "PhienBan": "1.0.6", "MaDoiTac": PARTNER.madonvi, "MaThamChieu": reference,
           "ThoiGianGD": when}  # fmt: skip
    req["MaXacThuc"] = sha256_hex(f"{kind}|1.0.6|{PARTNER.madonvi}|{reference}|{when}|{PARTNER.gateway_secret}")
    return req


def confirm_hash(m: dict) -> str:
    """ConfirmDvcPaymentCommandHandler / PayGateUtil.generateChecksum(loaiBantin, maLoi, ...): the callback order."""
    order = ("LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich", "MaNganHang",
             "ThoiGianGD", "ThongTinGiaoDich")  # fmt: skip
    return sha256_hex("|".join([*(str(m[k]) for k in order), PARTNER.gateway_secret]))


@pytest.fixture
def payment_token(client) -> str:
    """A gateway token of province 56, the way TD's DvcPaymentSettings.AccessToken is one."""
    reply = client.post("/ngsp/token", data={"grant_type": "client_credentials", "client_id": PARTNER.gateway_key,
                                             "client_secret": PARTNER.gateway_secret})  # fmt: skip
    return reply.get_json()["access_token"]


def pay(client, url: str) -> None:
    """The citizen presses Pay on the payer page UrlThanhToan points to."""
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    assert client.post("/" + path, data={"action": "pay"}).status_code == 200


def test_opencps_init_without_authorization_header_answers_MaLoi_00_and_a_working_payer_page(client):
    """PayGateIntegrationActionImpl (pp INIT): POST JSON, Accept JSON, no token; reads MaLoi == "00"."""
    reply = client.post("/payment/messages", data=json.dumps(opencps_init()), headers=JSON_HEADERS)
    body = json.loads(reply.data)
    assert reply.status_code == 200 and body["MaLoi"] == "00", body
    assert body["UrlThanhToan"].startswith("http://localhost/payment/pay/")
    page = client.get(body["UrlThanhToan"].replace("http://localhost", ""))
    assert page.status_code == 200 and "150.000 VND" in page.get_data(as_text=True)


def test_td_init_through_the_lgsp_reads_UrlThanhToan_from_the_error_code_message_wrapper(client, payment_token):
    """DvcPaymentService.InitPayment: Bearer AccessToken; deserializes {error_code, message}, then message."""
    reply = client.post("/ngsp/payment/messages", data=json.dumps(td_init()),
                        headers={"Content-Type": "application/json; charset=utf-8",
                                 "Authorization": f"Bearer {payment_token}"})  # fmt: skip
    wrapper = json.loads(reply.data)
    assert wrapper["error_code"] == "0"
    inner = json.loads(wrapper["message"])  # JsonConvert into InitDvcPaymentResponse
    assert inner["UrlThanhToan"] == wrapper["UrlThanhToan"] and isinstance(inner["SoTien"], int)
    assert "ThoiGianGD" not in inner  # a .NET DateTime property could not read yyyyMMddHHmmss


def test_td_query_answers_TrangThaiGD_and_fields_td_turns_into_a_valid_confirmation(client, payment_token):
    """CheckConfirmGiaoDichThanhToanHandler: MaLoi "00" and TrangThaiGD "1" → builds ConfirmDvcPaymentCommand."""
    bearer = {"Authorization": f"Bearer {payment_token}"}
    init = client.post("/payment/messages", json=td_init(), headers=bearer).get_json()
    before = client.post("/payment/query", json=lookup("QUERY", init["MaThamChieu"]), headers=bearer).get_json()
    assert (before["MaLoi"], before["TrangThaiGD"]) == ("00", "3")
    pay(client, init["UrlThanhToan"])
    after = client.post("/payment/messages", json=lookup("QUERY", init["MaThamChieu"]), headers=bearer).get_json()
    assert (after["MaLoi"], after["TrangThaiGD"], after["SoTien"]) == ("00", "1", 150000)
    assert after["MaXacThuc"] == confirm_hash(after) and after["MaNganHang"] and len(after["ThoiGianGD"]) == 14


def test_opencps_get_bill_with_accept_json_parses_json_and_td_saves_pdf_bytes(client):
    """OpenCPS getBills (Accept: application/json → JSONObject) and TD GetBienLaiDvcPayment (stream → .pdf)."""
    init = client.post("/payment/messages", json=opencps_init()).get_json()
    early = client.post("/payment/messages", json=lookup("GET_BILL", init["MaThamChieu"]), headers=JSON_HEADERS)
    assert early.status_code == 200 and early.get_json()["MaLoi"] == "06"
    pay(client, init["UrlThanhToan"])
    as_json = json.loads(client.post("/payment/messages", data=json.dumps(lookup("GET_BILL", init["MaThamChieu"])),
                                     headers=JSON_HEADERS).data)  # fmt: skip
    assert as_json["MaLoi"] == "00" and as_json["BienLai"]
    assert base64.b64decode(as_json["BienLai"]).startswith(b"%PDF")
    # HttpClient sends no Accept header; the reply stream is copied to "<MaThamChieu>_<time>.pdf".
    raw = client.post("/payment/bill", data=json.dumps(lookup("GET_BILL", init["MaThamChieu"])),
                      headers={"Content-Type": "application/json; charset=utf-8"})  # fmt: skip
    assert raw.status_code == 200 and raw.data.startswith(b"%PDF") and raw.mimetype == "application/pdf"


def test_the_callback_to_the_province_is_flat_and_signed_in_the_confirm_order(app, client):
    """ConfirmDvcPaymentCommandHandler and PayGateIntegrationActionImpl.ppConfirmTransaction read top-level fields."""
    init = client.post("/payment/messages", json=opencps_init()).get_json()
    pay(client, init["UrlThanhToan"])
    with app.app_context():
        job = queue.Job(**{k: v for k, v in _latest_push(db()).items()})
    body = push.envelope(job, PARTNER.madonvi, "20261126100000")
    assert list(body)[:11] == ["LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe", "MaGiaoDich",
                               "MaNganHang", "ThoiGianGD", "ThongTinGiaoDich", "MaXacThuc"]  # fmt: skip
    assert body["MaLoi"] == "00" and body["MaXacThuc"] == confirm_hash(body) and body["MaHoSo"] == DOSSIER
    assert isinstance(body["SoTien"], int)  # data.getInt(SOTIEN) / int SoTien


def _latest_push(db) -> dict:
    row = db.execute("SELECT * FROM jobs WHERE kind = 'push' ORDER BY rowid DESC LIMIT 1")
    names = [c[0] for c in row.description]
    values = dict(zip(names, row.fetchone(), strict=True))
    return {f: values[f] if f != "payload" else json.loads(values[f]) for f in queue.Job.__dataclass_fields__}


@pytest.mark.parametrize(
    ("mutate", "code", "named"),
    [
        (lambda m: m.update(MaXacThuc="0" * 64), "03", "LoaiBanTin|PhienBan|MaDoiTac"),
        (lambda m: m.update(MaDoiTac="000.00.00.H01"), "03", "MaXacThuc"),
        (lambda m: m.update(MaDoiTac="khong-phai-doi-tac"), "02", "MaDoiTac"),
    ],
)
def test_a_refused_message_is_answered_200_with_the_platforms_code(client, mutate, code, named):
    """A message the platform read and refuses: HTTP 200 (HttpURLConnection reads no 4xx body), MaLoi ≠ 00."""
    msg = opencps_init()
    mutate(msg)
    reply = client.post("/payment/messages", json=msg)
    assert reply.status_code == 200 and reply.get_json()["MaLoi"] == code and named in reply.get_json()["MoTaLoi"]


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [("PhienBan", "1.0.5", 422), ("PhienBan", None, 422), ("SoTien", "mười nghìn", 422),
     ("LoaiBanTin", "REFUND", 400), ("ThoiGianGD", "26/11/2026", 422)],
)  # fmt: skip
def test_an_unreadable_message_is_a_4xx_with_MaLoi_01_naming_the_field(client, field, value, status):
    """Bad input gets the platform's own format: {MaLoi: "01", MoTaLoi: naming the field}."""
    msg = opencps_init()
    if value is None:
        del msg[field]
    else:
        msg[field] = value
    reply = client.post("/payment/messages", json=msg)
    assert reply.status_code == status and reply.get_json()["MaLoi"] == "01" and field in reply.get_json()["MoTaLoi"]


def test_a_token_of_another_province_is_refused_even_with_a_valid_MaXacThuc(client):
    """Through the LGSP the bearer token names the partner: province 01's token cannot sign for 56."""
    other = by_province(SEED, "01")
    token = client.post("/ngsp/token", auth=(other.gateway_key, other.gateway_secret)).get_json()["access_token"]
    reply = client.post("/ngsp/payment/messages", json=opencps_init(), headers={"Authorization": f"Bearer {token}"})
    assert reply.get_json()["MaLoi"] == "02"
    bad = client.post("/payment/messages", json=opencps_init(), headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json()["error"] == "invalid_token"


def test_the_fault_engine_sees_payment_messages_as_their_LoaiBanTin(app, client):
    """Scenarios name INIT, QUERY, GET_BILL (scenarios/flaky-payments.yaml): the classifier reads LoaiBanTin."""
    classify = make_classifier(app.config["SANDBOX"]["db"], 2_000_000)
    for path, msg, expected in [("/payment/messages", lookup("GET_BILL", "x"), "GET_BILL"),
                                ("/ngsp/payment/messages", lookup("QUERY", "x"), "QUERY"),
                                ("/payment/init", opencps_init(), "INIT")]:  # fmt: skip
        raw = json.dumps(msg).encode()
        environ = {"PATH_INFO": path, "REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json",
                   "CONTENT_LENGTH": str(len(raw)), "wsgi.input": io.BytesIO(raw)}  # fmt: skip
        info = classify(environ)
        assert (info.system, info.operation, info.client) == ("payment", expected, "H56")
    rule = {"id": "bills-down", "match": {"system": "payment", "operation": "GET_BILL"},
            "effects": [{"error": {"status": 503, "message": "Bảo trì"}}]}  # fmt: skip
    assert client.post("/sandbox/rules", json=rule, headers=ADMIN).status_code < 300
    assert client.post("/payment/messages", json=opencps_init()).get_json()["MaLoi"] == "00"
    down = client.post("/payment/messages", json=lookup("GET_BILL", "1201_8f0c2a4e-3b1d-4"))
    assert down.status_code == 503 and down.get_json()["MaLoi"] == "99"
