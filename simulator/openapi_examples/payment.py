"""Examples of the payment platform (version 1.0.6): INIT, QUERY and GET_BILL signed with province 56's secret."""

from __future__ import annotations

from simulator.openapi_examples.base import (
    MESSAGES_REFERENCE,
    PAYMENT_REFERENCE,
    PORTAL_DOSSIER,
    TIME,
    TOKEN_NOTE,
    Bodies,
    Context,
    example,
    one,
)
from simulator.systems.payment import signing


def payment_init(ctx: Context, reference: str) -> dict:
    """An INIT signed with province 56's seed-derived secret, as OpenCPS and TD send it."""
    payer = ctx.citizen("single_adult")
    receipt = {
        "MaDichVu": "2",
        "MaTTHC": "1.001193",
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "MaDonVi": ctx.client.madonvi,
        "MaHoSo": PORTAL_DOSSIER,
        "NoiDungThanhToan": "Lệ phí đăng ký khai sinh",
        "HoTenNguoiNop": payer.name.full,
        "SoCMNDNguoiNop": payer.id,
        "PhiLePhi": [{"LoaiPhiLePhi": "2", "MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí", "SoTien": "50000"}],
    }
    description = f"Lệ phí hồ sơ {PORTAL_DOSSIER}"
    message = signing.init_message(ctx.client.madonvi, reference, "50000", description=description, at=TIME, receipt=receipt)
    return signing.signed(message, ctx.client.gateway_secret)


def payment_lookup(ctx: Context, kind: str, reference: str) -> dict:
    """A signed QUERY or GET_BILL of a reference."""
    return signing.signed(signing.lookup_message(kind, ctx.client.madonvi, reference, TIME), ctx.client.gateway_secret)


SIGNED_NOTE = (
    "MaXacThuc is computed with province 56's seed-derived secret (valid until its credentials are rotated); "
    "sending the same INIT twice answers MaLoi 04 (reference in use): change MaThamChieu and re-sign."
)


@example("post", "/payment/messages")
def _messages(ctx: Context) -> Bodies:
    return {
        "application/json": {
            "INIT": {
                "summary": "INIT: open a payment",
                "description": SIGNED_NOTE,
                "value": payment_init(ctx, MESSAGES_REFERENCE),
            },
            "QUERY": {
                "summary": "QUERY: state of the INIT example",
                "description": SIGNED_NOTE,
                "value": payment_lookup(ctx, "QUERY", MESSAGES_REFERENCE),
            },
            "GET_BILL": {
                "summary": "GET_BILL: its receipt (once paid)",
                "description": SIGNED_NOTE,
                "value": payment_lookup(ctx, "GET_BILL", MESSAGES_REFERENCE),
            },
        }
    }


@example("post", "/payment/init")
def _init(ctx: Context) -> Bodies:
    return one(payment_init(ctx, PAYMENT_REFERENCE), "A signed INIT of a 50,000 VND fee", SIGNED_NOTE)


@example("post", "/payment/query")
def _query(ctx: Context) -> Bodies:
    return one(payment_lookup(ctx, "QUERY", PAYMENT_REFERENCE), "QUERY of the INIT example", SIGNED_NOTE)


@example("post", "/payment/bill")
def _bill(ctx: Context) -> Bodies:
    return one(
        payment_lookup(ctx, "GET_BILL", PAYMENT_REFERENCE),
        "GET_BILL of the INIT example",
        SIGNED_NOTE + " The receipt exists once the payer paid (POST /payment/pay/{token}/decision).",
    )


@example("post", "/payment/pay/{token}")
def _pay_form(ctx: Context) -> Bodies:
    return one({"action": "pay"}, "The Pay button", TOKEN_NOTE, media="application/x-www-form-urlencoded")


@example("post", "/payment/pay/{token}/decision")
def _pay_decision(ctx: Context) -> Bodies:
    return one({"action": "pay"}, "Pay", TOKEN_NOTE)
