"""A test-only ministry system: the land registry (đăng ký đất đai), to show that a new system
is this one module plus its tests (docs/extending.md walks through it).

It declares itself like every real system: a name, its own prefix, the operations the fault
engine reports, its error body, its labels and the settings it reads. The gateway route
(`/ngsp/land_registry/...`), access rights, the fault engine's error bodies, the journal and
the dashboard pick it up from the declaration; nothing else in the tree names it.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from simulator.app_context import settings
from simulator.gateway.registry import gateway_service
from simulator.systems.common import document_errors, unit_draw
from simulator.systems.registry import SystemSpec

NAME = "land_registry"

blp = Blueprint(NAME, __name__, url_prefix="/" + NAME, description="Land registry (test-only system).")


def error_body(status: int, message: str, code: str | None = None) -> dict:
    """The land registry's error reply `{maLoi, moTa}`."""
    return {"maLoi": code or str(status), "moTa": message}


SPEC = SystemSpec(
    name=NAME,
    module=__name__,
    label_vi="Đăng ký đất đai",
    label_en="Land registry",
    sector_vi="Bộ Tài nguyên và Môi trường",
    sector_en="Ministry of Natural Resources and Environment",
    prefix="/" + NAME,
    operations=("parcels",),  # the first path segment, as the fault engine reports it
    error_body=error_body,
    settings=("seed",),
)


class ParcelQuery(Schema):
    """A parcel by map sheet and parcel number."""

    soToBanDo = fields.String(required=True, validate=validate.Regexp(r"^\d{1,4}$"))
    soThua = fields.String(required=True, validate=validate.Regexp(r"^\d{1,5}$"))


class ParcelReply(Schema):
    """A parcel's area and land use, drawn from the seed."""

    soToBanDo = fields.String()
    soThua = fields.String()
    dienTich = fields.Float()
    mucDichSuDung = fields.String()


class LandError(Schema):
    """The land registry's error body."""

    maLoi = fields.String()
    moTa = fields.String()


@blp.route("/parcels")
class Parcels(MethodView):
    """Parcel lookup."""

    @gateway_service("land_registry.parcel", "A land parcel's area and use")
    @blp.arguments(ParcelQuery)
    @blp.response(200, ParcelReply)
    @document_errors(blp, LandError, (400, 404))
    def post(self, query: dict):
        """Look a parcel up; sheet 0 does not exist."""
        if query["soToBanDo"] == "0":
            abort(404, message=f"Không tìm thấy thửa {query['soThua']} (not found)")
        key = f"{g.province}:{query['soToBanDo']}:{query['soThua']}"
        area = round(50 + 950 * unit_draw(settings()["seed"], "land", key), 1)
        return {**query, "dienTich": area, "mucDichSuDung": "ODT"}
