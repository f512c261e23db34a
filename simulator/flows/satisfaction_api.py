"""The satisfaction API: rate a finished dossier, and read the satisfaction index by group."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, pre_load, validate

from simulator.app_context import db, settings
from simulator.auth import require_principal
from simulator.flows import satisfaction
from simulator.portal.fields import Code
from simulator.portal.store import get_dossier

blp = Blueprint(
    "satisfaction",
    __name__,
    url_prefix="/api/v1",
    description="Citizen satisfaction: nine indicators scored 2 / 1 / 0 (18 points) plus convenience and overall "
    '("1" very satisfied, "2" satisfied, "3" not satisfied), averaged per province, agency, procedure '
    "and quarter. Indicators (wire name = English alias): "
    + "; ".join(f"`{vi}` = `{en}`" for vi, en in satisfaction.INDICATORS.items())
    + ". Simulated citizens rate the online dossiers they submitted when these reach status 10.",
)

_ENGLISH = {en: vi for vi, en in satisfaction.INDICATORS.items()}
_score = dict(strict=False, required=True, validate=validate.OneOf([0, 1, 2], error="must be 2, 1 or 0"))
_level = dict(choices=("1", "2", "3"), required=True, metadata={"description": "1 very satisfied, 2 satisfied, 3 not"})


class RatingIn(Schema):
    """A citizen's evaluation of one dossier; each indicator by its wire name or its English alias."""

    ThoiGianGiaiQuyet = fields.Integer(**_score, metadata={"description": "total_time: total time vs legal limit"})
    ThoiGianTungCoQuan = fields.Integer(**_score, metadata={"description": "agency_time: each agency's time"})
    SoLanLienHe = fields.Integer(**_score, metadata={"description": "contacts: number of contacts needed"})
    SoCoQuanLienHe = fields.Integer(**_score, metadata={"description": "agencies_contacted: agencies contacted"})
    TiepNhanTraKetQua = fields.Integer(**_score, metadata={"description": "one_stop_desk: receiving and returning"})
    CongKhaiThuTuc = fields.Integer(**_score, metadata={"description": "publication: publication of procedures"})
    ThaiDoCanBo = fields.Integer(**_score, metadata={"description": "staff_attitude: staff attitude"})
    GiaiQuyetKienNghi = fields.Integer(**_score, metadata={"description": "complaint_handling: complaints handled"})
    TienDoChatLuongTrucTuyen = fields.Integer(**_score, metadata={"description": "online_quality: online-service progress and quality"})
    MucDoThuanTien = Code(**_level)
    DanhGiaChung = Code(**_level)

    @pre_load
    def _english_aliases(self, data, **kwargs):
        """Accept the English alias of an indicator (`total_time`) as its wire name (`ThoiGianGiaiQuyet`)."""
        if not isinstance(data, dict):
            raise ValidationError("rating must be a JSON object")
        out = dict(data)
        for english, wire in _ENGLISH.items():
            if english in out:
                value = out.pop(english)
                out.setdefault(wire, value)
        extra = sorted(set(out) - set(self.fields))
        if extra:
            raise ValidationError({name: ["unknown indicator"] for name in extra})
        return out


class RatingOut(Schema):
    """A stored rating."""

    MaHoSo = fields.String()
    province = fields.String()
    agency = fields.String()
    procedure = fields.String()
    quarter = fields.String()
    score = fields.Integer(metadata={"description": "Sum of the nine indicators, out of 18"})
    MucDoThuanTien = fields.String()
    DanhGiaChung = fields.String()
    indicators = fields.Dict(keys=fields.String(), values=fields.Integer())
    rated_by = fields.String()
    rated_at = fields.String(metadata={"description": "yyyyMMddHHmmss, sandbox clock"})


class IndexQuery(Schema):
    """Grouping and filters of the satisfaction index."""

    group_by = fields.String(load_default="province", validate=validate.OneOf(list(satisfaction.GROUPS)))
    province = fields.String(validate=validate.Regexp(r"^\d{2}$", error="province must be a 2-digit code"))
    quarter = fields.String(validate=validate.Regexp(r"^\d{4}Q[1-4]$", error="quarter must look like 2026Q4"))


class IndexGroup(Schema):
    """The index of one group."""

    group = fields.String()
    count = fields.Integer(metadata={"description": "Answers: rated dossiers plus answers in reported summaries"})
    average_score = fields.Float(
        allow_none=True, metadata={"description": "Average of the 18-point score of rated dossiers (null if none)"}
    )
    share_satisfied = fields.Float(metadata={"description": "Share very satisfied or satisfied (0-1)"})
    reported = fields.Integer(metadata={"description": "Answers from summaries provinces sent with DongBoDanhGia"})


class IndexOut(Schema):
    """The satisfaction index."""

    group_by = fields.String()
    groups = fields.List(fields.Nested(IndexGroup))


@blp.route("/dossiers/<string:code>/rating")
class Rating(MethodView):
    """A dossier's satisfaction rating."""

    @blp.arguments(RatingIn)
    @blp.response(201, RatingOut)
    @blp.alt_response(401, description="Missing or invalid bearer token")
    @blp.alt_response(404, description="Unknown dossier, or another province's")
    @blp.alt_response(409, description="Dossier not in status 10, or already rated")
    @blp.doc(security=[{"bearer": []}])
    def post(self, rating: dict, code: str):
        """Rate a dossier in status 10, once (Bearer: the owning province's portal session or the admin token)."""
        who = require_principal()
        if get_dossier(db(), code, None if who.is_admin else who.province) is None:
            abort(404, message=f"dossier {code} not found")
        try:
            return satisfaction.save_rating(db(), settings(), code, rating, "admin" if who.is_admin else "province")
        except satisfaction.RatingConflictError as err:
            abort(409, message=str(err))


@blp.route("/satisfaction")
class Index(MethodView):
    """The satisfaction index (public, as the portal publishes it)."""

    @blp.arguments(IndexQuery, location="query")
    @blp.response(200, IndexOut)
    def get(self, query: dict):
        """Per group (province, agency, procedure or quarter): count, average score /18, share satisfied."""
        groups = satisfaction.index(db(), query["group_by"], query.get("province"), query.get("quarter"))
        return {"group_by": query["group_by"], "groups": groups}
