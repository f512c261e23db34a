"""MaXacThuc: SHA-256 hex of a message's fields joined by `|`, the shared secret last.

The field orders are the ones public one-stop clients sign with (docs/contract.md names the
files): INIT over fourteen fields from `LoaiBanTin` to `Ip`; QUERY and GET_BILL over
`LoaiBanTin|PhienBan|MaDoiTac|MaThamChieu|ThoiGianGD`; the platform's flat callback (and, our
design, the QUERY reply that clients turn into one) over `LoaiBanTin|MaLoi|MaDoiTac|
MaThamChieu|SoTien|MaTienTe|MaGiaoDich|MaNganHang|ThoiGianGD|ThongTinGiaoDich`. Each value is
hashed as the client sent it (`"50000"` and `50000` both read 50000); an absent field counts as
"". The shared secret of a province is its gateway client secret (`python -m simulator
credentials`).

Partners' messages are built here too (`init_message`, `lookup_message`, then `signed`), so the
OpenAPI examples, the reference connector and the tests sign exactly as the sandbox verifies;
tests/contract checks these orders against independent implementations of the public clients.
"""

from __future__ import annotations

import hashlib
import hmac

from simulator.catalogue.agencies import province_of_agency

VERSION = "1.0.6"
# The message types a partner sends (LoaiBanTin); CONFIRM is the platform's own callback.
MESSAGE_TYPES = ("INIT", "QUERY", "GET_BILL")
CONFIRM = "CONFIRM"

_LOOKUP = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "INIT": (
        "LoaiBanTin",
        "PhienBan",
        "MaDoiTac",
        "MaThamChieu",
        "SoTien",
        "LoaiHinhThanhToan",
        "MaKenhThanhToan",
        "MaThietBi",
        "NgonNgu",
        "MaTienTe",
        "MaNganHang",
        "ThongTinGiaoDich",
        "ThoiGianGD",
        "Ip",
    ),
    "QUERY": _LOOKUP,
    "GET_BILL": _LOOKUP,
    CONFIRM: (
        "LoaiBanTin",
        "MaLoi",
        "MaDoiTac",
        "MaThamChieu",
        "SoTien",
        "MaTienTe",
        "MaGiaoDich",
        "MaNganHang",
        "ThoiGianGD",
        "ThongTinGiaoDich",
    ),
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # JSON true/false as a Java or .NET client would print them
        return "true" if value else "false"
    return str(value)


def signed_text(message_type: str, values: dict, secret: str) -> str:
    """The text that is hashed: the fields' values joined by `|`, the secret last."""
    return "|".join([*(_text(values.get(name)) for name in FIELD_ORDER[message_type]), secret])


def signature(message_type: str, values: dict, secret: str) -> str:
    """The MaXacThuc of a message: sha256("v1|v2|...|secret") as lower-case hex."""
    return hashlib.sha256(signed_text(message_type, values, secret).encode("utf-8")).hexdigest()


def verify(message_type: str, values: dict, secret: str, presented) -> bool:
    """Whether `presented` is the message's MaXacThuc (hex, any case), in constant time."""
    expected = signature(message_type, values, secret)
    return hmac.compare_digest(expected.encode(), _text(presented).strip().lower().encode())


def signed(message: dict, secret: str) -> dict:
    """The message with its MaXacThuc: signed over the field order of its own LoaiBanTin."""
    return {**message, "MaXacThuc": signature(message["LoaiBanTin"], message, secret)}


def init_message(
    partner: str,
    reference: str,
    amount,
    *,
    description: str,
    at: str,
    receipt: dict | None = None,
    ip: str = "10.0.0.5",
    language: str = "vi-VN",
    bank: str = "PAYMENT",
) -> dict:
    """An unsigned INIT of version 1.0.6 as one-stop clients fill it (pass it to `signed`).

    The fourteen signed fields come first, in FIELD_ORDER["INIT"]; the constants (PAY, channel
    and device "1", VND) are what OpenCPS and TD send. `amount` is kept as given: clients send
    SoTien as a string, a test may send a number. `receipt` is ThongTinBienLai (not signed).
    """
    message = {
        "LoaiBanTin": "INIT",
        "PhienBan": VERSION,
        "MaDoiTac": partner,
        "MaThamChieu": reference,
        "SoTien": amount,
        "LoaiHinhThanhToan": "PAY",
        "MaKenhThanhToan": "1",
        "MaThietBi": "1",
        "NgonNgu": language,
        "MaTienTe": "VND",
        "MaNganHang": bank,
        "ThongTinGiaoDich": description,
        "ThoiGianGD": at,
        "Ip": ip,
    }
    if receipt is not None:
        message["ThongTinBienLai"] = receipt
    return message


def lookup_message(message_type: str, partner: str, reference: str, at: str) -> dict:
    """An unsigned QUERY or GET_BILL of a reference (pass it to `signed`)."""
    if message_type not in ("QUERY", "GET_BILL"):
        raise ValueError(f"a look-up is QUERY or GET_BILL, not {message_type!r}")
    return {"LoaiBanTin": message_type, "PhienBan": VERSION, "MaDoiTac": partner, "MaThamChieu": reference, "ThoiGianGD": at}


def order_hint(message_type: str) -> str:
    """The field order as a sentence for error messages: `LoaiBanTin|PhienBan|...|<secret>`."""
    return "|".join([*FIELD_ORDER[message_type], "<secret>"])


# What the fault engine reports as the operation of a payment request: the body's LoaiBanTin,
# else the one the path implies (`/payment/init` is INIT).
PATH_TYPES = {"init": "INIT", "query": "QUERY", "bill": "GET_BILL"}


def classify(path_rest: str, body) -> tuple[str | None, str | None]:
    """(operation, client) of a payment request for the fault engine: LoaiBanTin and `H` + province.

    `path_rest` is the path after the system prefix; `body` the parsed JSON body (any value).
    The client is read from MaDoiTac (a partner calling directly has no token to name it).
    """
    segment = path_rest.strip("/").split("/", 1)[0]
    operation = PATH_TYPES.get(segment, segment or None)
    client = None
    if isinstance(body, dict):
        kind = body.get("LoaiBanTin")
        if isinstance(kind, str) and kind in MESSAGE_TYPES:
            operation = kind
        elif segment == "messages":
            operation = "unknown"
        partner = body.get("MaDoiTac")
        province = province_of_agency(partner) if isinstance(partner, str) else None
        client = f"H{province}" if province else None
    return operation, client
