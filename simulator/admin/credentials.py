"""Admin routes for province credentials: list them as issued now, rotate one, restore one.

`POST /sandbox/credentials/{province}/rotate` gives the province a fresh random password and
gateway secret (stored in SQLite, honoured by every worker at once) and ends its open sessions
and gateway tokens; `DELETE /sandbox/credentials/{province}/rotation` goes back to the
seed-derived credentials.
"""

from __future__ import annotations

from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from simulator import rotation
from simulator.app_context import db, settings
from simulator.auth import require_admin
from simulator.gateway import dialects

blp = Blueprint(
    "credentials",
    __name__,
    url_prefix="/sandbox/credentials",
    description="Province credentials (admin token): as issued now, per-province rotation and restore.",
)
SECURITY = [{"bearer": []}]


@blp.before_request
def _admin_only():
    require_admin()


class ProvinceCredentials(Schema):
    """A province client's credentials as issued now."""

    province_code = fields.String(required=True)
    province_name = fields.String(required=True)
    username = fields.String(required=True)
    password = fields.String(required=True)
    madonvi = fields.String(required=True)
    gateway_key = fields.String(required=True)
    gateway_secret = fields.String(required=True)
    gateway_dialect = fields.String(required=True, metadata={"description": "Gateway token dialect: all, oauth2 or lgspaccesstoken"})
    lgspaccesstoken = fields.String(
        required=True, metadata={"description": "The lgspaccesstoken header value (base64 JSON) for that dialect"}
    )
    generation = fields.Integer(required=True, metadata={"description": "Rotations so far (0: seed-derived)"})
    rotated_at = fields.Float(required=True, allow_none=True, metadata={"description": "POSIX seconds, or null"})


def _out(client) -> dict:
    return {
        **client.as_dict(),
        "gateway_dialect": dialects.dialect_of(db(), client.province_code),
        "lgspaccesstoken": dialects.lgsp_access_token(client),
        **rotation.rotation_info(db(), client.province_code),
    }


@blp.route("", methods=["GET"])
@blp.response(200, ProvinceCredentials(many=True))
@blp.alt_response(401, description="Admin token required")
@blp.doc(security=SECURITY)
def list_credentials():
    """Every province's credentials as issued now (rotated ones included)."""
    return [_out(c) for c in rotation.all_current(db(), settings()["seed"])]


@blp.route("/<string:province>/rotate", methods=["POST"])
@blp.response(200, ProvinceCredentials)
@blp.alt_response(401, description="Admin token required")
@blp.alt_response(404, description="Unknown province")
@blp.doc(security=SECURITY)
def rotate(province: str):
    """New random password and gateway secret for one province; its sessions and tokens end now."""
    try:
        return _out(rotation.rotate(db(), settings()["seed"], province))
    except KeyError:
        abort(404, message=f"unknown province {province!r}: use one of the 34 2-digit codes")


@blp.route("/<string:province>/rotation", methods=["DELETE"])
@blp.response(200, ProvinceCredentials)
@blp.alt_response(401, description="Admin token required")
@blp.alt_response(404, description="Unknown province")
@blp.doc(security=SECURITY)
def restore(province: str):
    """Back to the seed-derived credentials; the province's sessions and tokens end now."""
    try:
        return _out(rotation.restore(db(), settings()["seed"], province))
    except KeyError:
        abort(404, message=f"unknown province {province!r}: use one of the 34 2-digit codes")
