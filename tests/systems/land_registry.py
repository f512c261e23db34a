"""A test-only ministry system: the land registry (đăng ký đất đai), to show that a new system
is this one module plus its tests (docs/extending.md walks through it).

It declares itself like every real system (`registry.system`): a name (its prefix is `/` + the
name), the operations the fault engine reports, its error format, and its labels and settings.
The gateway route (`/ngsp/land_registry/...`), access rights, the fault engine's error bodies,
the journal and the dashboard pick it up from the declaration; nothing else in the tree names it.
"""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from simulator.app_context import settings
from simulator.systems import registry
from simulator.systems.common import ministry_view, string_fields, unit_draw
from simulator.systems.errors import ErrorFormat
from simulator.systems.registry import Labels

NAME = "land_registry"


# Its error reply `{maLoi, moTa}`: the view's own code, else the HTTP status; and its schema.
ERRORS = ErrorFormat("maLoi", "moTa", pass_codes=True)
LandError = ERRORS.schema("LandError")


# A real system lists its labels and settings in simulator/data/systems.json; this test-only one
# gives them here, so nothing outside the test suite names it.
LABELS = Labels(
    "Đăng ký đất đai",
    "Land registry",
    "Bộ Nông nghiệp và Môi trường",
    "Ministry of Agriculture and Environment",
    "Land registry (test-only system).",
)
# Built here, declared by the test's fixture (and withdrawn after it); `operations` are the first
# path segments, as the fault engine reports them.
SPEC = registry.system(NAME, __name__, labels=LABELS, operations=("parcels",), error_body=ERRORS, settings=("seed",))
blp = registry.blueprint(SPEC)


class ParcelQuery(Schema):
    """A parcel by map sheet and parcel number."""

    soToBanDo = fields.String(required=True, validate=validate.Regexp(r"^\d{1,4}$"))
    soThua = fields.String(required=True, validate=validate.Regexp(r"^\d{1,5}$"))


class ParcelReply(string_fields("soToBanDo soThua mucDichSuDung")):
    """A parcel's area and land use, drawn from the seed."""

    dienTich = fields.Float(required=True)


@blp.route("/parcels")
class Parcels(MethodView):
    """Parcel lookup."""

    @ministry_view(blp, "land_registry.parcel", "A land parcel's area and use", ParcelReply, LandError, (404, 422), body=ParcelQuery)
    def post(self, query: dict):
        """Look a parcel up; sheet 0 does not exist."""
        if query["soToBanDo"] == "0":
            abort(404, message=f"Không tìm thấy thửa {query['soThua']} (not found)")
        key = f"{g.province}:{query['soToBanDo']}:{query['soThua']}"
        area = round(50 + 950 * unit_draw(settings()["seed"], "land", key), 1)
        return {**query, "dienTich": area, "mucDichSuDung": "ODT"}
