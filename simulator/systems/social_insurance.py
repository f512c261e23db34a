"""Social and health insurance (BHXH / BHYT): participants, card validity, contribution history.

No public specification exists for this interface: this is the sandbox's own contract, in the
naming style of the other ministry systems. Every reply is an envelope
`{MaLoi, MoTaLoi, DuLieu}`; errors have `DuLieu: null`.

| MaLoi | HTTP | meaning |
|---|---|---|
| "00" | 200 | success |
| "01" | 400 | invalid identifier or parameter (the message names the field and the rule) |
| "02" | 404 | no participant / no card for this identifier |
| "03" | 401/403 | gateway: token or access right (answered by the gateway in OAuth2 shape) |
| "04" | 405/413/415 | request not acceptable |
| "05" | 429 | too many requests |
| "99" | 5xx | system error or maintenance |

Identifiers: a 12-digit citizen ID or a 10-digit BHXH code; for card validity also the
15-character card number (group, level, province, BHXH code). Dates are `yyyyMMdd`.
"""

from __future__ import annotations

from datetime import date

from flask import jsonify, request
from flask.views import MethodView
from marshmallow import Schema, fields

from simulator.app_context import db
from simulator.clock import sandbox_clock
from simulator.gateway.registry import gateway_service
from simulator.identity import InvalidIdentifier, to_bhxh
from simulator.identity.rules import check_health_card
from simulator.systems import common, people, registry
from simulator.systems.common import string_fields
from simulator.systems.errors import ErrorFormat, MinistryError

SYSTEM = "social_insurance"

# The insurance system's error reply `{MaLoi, MoTaLoi, DuLieu: null}` (codes in the module docstring).
_STATUS_CODES = {404: "02", 401: "03", 403: "03", 405: "04", 406: "04", 413: "04", 415: "04", 429: "05"}
ERRORS = ErrorFormat("MaLoi", "MoTaLoi", _STATUS_CODES, server="99", other="01", constant={"DuLieu": None})
SPEC = registry.declare(registry.system(SYSTEM, __name__, operations=("participants", "cards"), error_body=ERRORS))
blp = registry.blueprint(SPEC)
InsuranceError = ERRORS.schema("InsuranceError")


class InsuranceContribution(Schema):
    """Contribution summary inside a participant record."""

    SoThangDong = fields.Integer(required=True)
    DonViSuDungLaoDong = fields.String(required=True)
    MucLuongDong = fields.Integer(required=True)


class InsuranceHouseholdMember(string_fields("SoDinhDanh HoVaTen QuanHe")):
    """A member of the BHYT household."""


class InsuranceParticipant(
    string_fields(
        "MaSoBHXH SoDinhDanh HoVaTen NgaySinh GioiTinh MaTheBHYT MaDoiTuong MucHuong GiaTriTuNgay GiaTriDenNgay MaKCBBanDau TenKCBBanDau"
    )
):
    """A participant: BHXH code, card and its validity, registered care facility, household."""

    QuaTrinhDong = fields.Nested(InsuranceContribution, required=True)
    HoGiaDinh = fields.List(fields.Nested(InsuranceHouseholdMember), required=True)


class InsuranceCardValidity(string_fields("MaTheBHYT MaSoBHXH HoVaTen NgaySinh NgayKiemTra GiaTriTuNgay GiaTriDenNgay")):
    """Whether a card is valid on a date; `LyDo` says why not (or "Thẻ còn giá trị sử dụng")."""

    ConHieuLuc = fields.Boolean(required=True)
    MaLyDo = fields.String(required=True, metadata={"description": "CON_HIEU_LUC, HET_HAN, CHUA_CO_HIEU_LUC, DA_CHET, SAI_THONG_TIN_THE"})
    LyDo = fields.String(required=True)


class InsurancePeriod(string_fields("TuThang DenThang DonViSuDungLaoDong")):
    """One contribution period (months `MM/yyyy`)."""

    MucLuongDong = fields.Integer(required=True)
    SoThang = fields.Integer(required=True)


class InsuranceContributionHistory(string_fields("MaSoBHXH SoDinhDanh HoVaTen")):
    """Summary of a participant's contribution history."""

    TongSoThangDong = fields.Integer(required=True)
    DangDong = fields.Boolean(required=True)
    QuaTrinh = fields.List(fields.Nested(InsurancePeriod), required=True)


def _reply(data: type[Schema]) -> type[Schema]:
    """The successful reply carrying `data`: `{MaLoi: "00", MoTaLoi, DuLieu}` (OpenAPI component `<data>Reply`)."""
    declared = {"MaLoi": fields.String(required=True, metadata={"example": "00"}), "MoTaLoi": fields.String(required=True)}
    return Schema.from_dict({**declared, "DuLieu": fields.Nested(data, required=True)}, name=data.__name__ + "Reply")


_ERRORS = {400: "Invalid identifier or parameter", 404: "No participant"}
_ID_DOC = "12-digit citizen ID or 10-digit BHXH code"


def _participant(identifier: str):
    """The participant record (with overlays) or MinistryError 400/404."""
    try:
        record = people.insurance_with_overlays(db(), identifier)
    except InvalidIdentifier as exc:
        raise common.bad_identifier(exc) from None
    if record is None:
        raise MinistryError(404, f"Không tìm thấy người tham gia BHXH/BHYT với mã {identifier}")
    return record


def _doc(summary: str, data: type[Schema], description: str = _ID_DOC, **extra) -> dict:
    """The OpenAPI doc of an endpoint answering `data` in the reply envelope, the system's errors and the gateway's."""
    return {
        "summary": summary,
        "description": description,
        "security": [{"bearer": []}],
        "responses": common.responses_doc(_reply(data), InsuranceError, _ERRORS),
        **extra,
    }


def _ok(data: dict):
    """A successful reply carrying `data`."""
    return jsonify({"MaLoi": "00", "MoTaLoi": "Thành công", "DuLieu": data})


@blp.route("/participants/<string:identifier>")
class ParticipantView(MethodView):
    """A participant by citizen ID or BHXH code."""

    @blp.doc(**_doc("Participant by BHXH code or citizen ID", InsuranceParticipant))
    @gateway_service("social_insurance.participant", "A BHXH/BHYT participant by BHXH code or citizen ID")
    def get(self, identifier: str):
        """The participant's insurance record."""
        return _ok(to_bhxh(_participant(identifier)))


def _month(d: date) -> str:
    return d.strftime("%m/%Y")


@blp.route("/participants/<string:identifier>/contributions")
class ContributionsView(MethodView):
    """InsuranceContribution history summary."""

    @blp.doc(**_doc("Contribution history summary", InsuranceContributionHistory))
    @gateway_service("social_insurance.contributions", "A participant's social-insurance contribution history")
    def get(self, identifier: str):
        """Months contributed, one period ending this month (or at death) when contributing."""
        record = _participant(identifier)
        c = record.contributions
        today = sandbox_clock().now().date()
        end = min(today, record.card_valid_to) if c.months else today
        periods = []
        if c.months:
            total = end.year * 12 + end.month - 1 - (c.months - 1)
            start = date(total // 12, total % 12 + 1, 1)
            periods.append(
                {
                    "TuThang": _month(start),
                    "DenThang": _month(end),
                    "DonViSuDungLaoDong": c.employer or "Bảo hiểm xã hội tự nguyện / hưu trí",
                    "MucLuongDong": c.salary_base,
                    "SoThang": c.months,
                }
            )
        data = {
            "MaSoBHXH": record.bhxh_code,
            "SoDinhDanh": record.citizen_id,
            "HoVaTen": record.name.full,
            "TongSoThangDong": c.months,
            "DangDong": bool(c.employer) and end == today,
            "QuaTrinh": periods,
        }
        return _ok(data)


_DATE_PARAMETER = {
    "in": "query",
    "name": "date",
    "required": False,
    "description": 'yyyyMMdd; empty or absent means today (connectors send "" for an absent date)',
    "schema": {"type": "string", "pattern": "^([0-9]{8})?$"},
}


def _check_date() -> date:
    raw = request.args.get("date", "")
    if not raw:
        return sandbox_clock().now().date()
    return common.parse_ymd(raw, "date")


@blp.route("/cards/<string:card>/validity")
class CardValidityView(MethodView):
    """Health-insurance card validity on a date."""

    @blp.doc(
        **_doc(
            "Health-insurance card validity on a date",
            InsuranceCardValidity,
            "`card`: 15-character card number, 12-digit citizen ID or 10-digit BHXH code. "
            "`date` (yyyyMMdd) defaults to today on the sandbox clock.",
            parameters=[_DATE_PARAMETER],
        )
    )
    @gateway_service("social_insurance.card-validity", "Whether a health-insurance card is valid on a date")
    def get(self, card: str):
        """`ConHieuLuc` true/false with the reason (expired, not yet valid, holder deceased, wrong card)."""
        on = _check_date()
        if len(card) == 15:
            try:
                check_health_card(card)
            except InvalidIdentifier as exc:
                raise common.bad_identifier(exc) from None
            record = _participant(card[5:])
        else:
            record = _participant(card)
        person = people.citizen_with_overlays(db(), record.citizen_id)
        if len(card) == 15 and card != record.health_card:
            valid, key, reason = False, "SAI_THONG_TIN_THE", "Mã thẻ không khớp với thẻ đang lưu hành"
        elif person is not None and person.death_date is not None and on >= person.death_date:
            valid, key, reason = False, "DA_CHET", "Người tham gia đã chết"
        elif on > record.card_valid_to:
            valid, key, reason = False, "HET_HAN", "Thẻ hết hạn sử dụng"
        elif on < record.card_valid_from:
            valid, key, reason = False, "CHUA_CO_HIEU_LUC", "Thẻ chưa đến thời hạn sử dụng"
        else:
            valid, key, reason = True, "CON_HIEU_LUC", "Thẻ còn giá trị sử dụng"
        ymd = "%Y%m%d"
        return _ok(
            {
                "MaTheBHYT": record.health_card,
                "MaSoBHXH": record.bhxh_code,
                "HoVaTen": record.name.full,
                "NgaySinh": record.birth_date.strftime(ymd),
                "NgayKiemTra": on.strftime(ymd),
                "GiaTriTuNgay": record.card_valid_from.strftime(ymd),
                "GiaTriDenNgay": record.card_valid_to.strftime(ymd),
                "ConHieuLuc": valid,
                "MaLyDo": key,
                "LyDo": reason,
            }
        )
