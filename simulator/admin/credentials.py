"""Admin routes for province credentials: list them as issued now, rotate one, restore one.

`POST /sandbox/credentials/{province}/rotate` gives the province a fresh random password and
gateway secret (stored in SQLite, honoured by every worker at once) and ends its open sessions
and gateway tokens; `DELETE /sandbox/credentials/{province}/rotation` goes back to the
seed-derived credentials.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from flask_smorest import abort
from marshmallow import Schema, fields

from simulator import rotation
from simulator.admin.blueprint import admin_blueprint, admin_doc
from simulator.app_context import db, settings
from simulator.clients import ProvinceClient
from simulator.gateway import dialects

blp = admin_blueprint(
    "credentials",
    __name__,
    url_prefix="/sandbox/credentials",
    description="Province credentials (admin token): as issued now, per-province rotation and restore.",
)
# What a province is issued is the client record's fields (simulator/clients.py), all text.
_ISSUED = Schema.from_dict({f.name: fields.String(required=True) for f in dataclasses.fields(ProvinceClient)})


class ProvinceCredentials(_ISSUED):
    """A province client's credentials as issued now."""

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
@admin_doc(blp)
def list_credentials():
    """Every province's credentials as issued now (rotated ones included)."""
    return [_out(c) for c in rotation.all_current(db(), settings()["seed"])]


def _change(change: Callable, province: str) -> dict:
    """Apply `change` (rotate, restore) to a province's credentials: the new ones, or 404."""
    try:
        return _out(change(db(), settings()["seed"], province))
    except KeyError:
        abort(404, message=f"unknown province {province!r}: use one of the 34 2-digit codes")


def _answers_new_credentials(view: Callable) -> Callable:
    """Document a view that changes one province's credentials: the new ones, or 404."""
    view = admin_doc(blp)(blp.alt_response(404, description="Unknown province")(view))
    return blp.response(200, ProvinceCredentials)(view)


@blp.route("/<string:province>/rotate", methods=["POST"])
@_answers_new_credentials
def rotate(province: str):
    """New random password and gateway secret for one province; its sessions and tokens end now."""
    return _change(rotation.rotate, province)


@blp.route("/<string:province>/rotation", methods=["DELETE"])
@_answers_new_credentials
def restore(province: str):
    """Back to the seed-derived credentials; the province's sessions and tokens end now."""
    return _change(rotation.restore, province)
