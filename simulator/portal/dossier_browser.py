"""A plain REST view of dossiers for sandbox users (not part of the real portal's contract)."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from simulator import statuses
from simulator.app_context import db, settings
from simulator.auth import require_principal
from simulator.portal import store
from simulator.portal.fields import PortalDate
from simulator.portal.services import dossier_with_history

blp = Blueprint(
    "dossiers",
    __name__,
    url_prefix="/api/v1",
    description="REST view of synced dossiers. Bearer: a province's portal session (its own dossiers) or the admin token (all).",
)


class DossierQuery(Schema):
    """Filters and paging for the dossier listing."""

    province = fields.String(validate=validate.Regexp(r"^\d{2}$", error="province must be a 2-digit code"))
    status = fields.Integer(validate=validate.OneOf(list(statuses.statuses())))
    procedure = fields.String(validate=validate.Length(max=64), metadata={"description": "MaTTHC"})
    received_from = PortalDate(metadata={"description": "NgayTiepNhan ≥ (yyyyMMddHHmmss)"})
    received_to = PortalDate(metadata={"description": "NgayTiepNhan ≤ (yyyyMMddHHmmss)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=5000))


class DossierPage(Schema):
    """A page of dossiers."""

    items = fields.List(fields.Dict(), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


@blp.route("/dossiers")
class Dossiers(MethodView):
    """Dossiers visible to the caller."""

    @blp.arguments(DossierQuery, location="query")
    @blp.response(200, DossierPage)
    @blp.alt_response(401, description="Missing or invalid bearer token")
    @blp.alt_response(403, description="A province asked for another province's dossiers")
    @blp.doc(security=[{"bearer": []}])
    def get(self, query: dict):
        """List dossiers (newest first), filtered by province, status, procedure and dates."""
        who = require_principal()
        province = query.get("province")
        if not who.is_admin:
            if province and province != who.province:
                abort(403, message=f"this session belongs to province {who.province}, not {province}")
            province = who.province
        page_size = min(query["page_size"], settings()["page_size_max"])
        total, items = store.list_dossiers(
            db(),
            province=province,
            status=query.get("status"),
            procedure=query.get("procedure"),
            received_from=query.get("received_from"),
            received_to=query.get("received_to"),
            limit=page_size,
            offset=(query["page"] - 1) * page_size,
        )
        return {"items": items, "page": query["page"], "page_size": page_size, "total": total}


@blp.route("/dossiers/<string:code>")
class DossierItem(MethodView):
    """One dossier."""

    @blp.doc(responses={"200": {"description": "The dossier", "content": {"application/json": {"schema": "Dossier"}}}})
    @blp.alt_response(401, description="Missing or invalid bearer token")
    @blp.alt_response(404, description="Unknown dossier, or another province's")
    @blp.doc(security=[{"bearer": []}])
    def get(self, code: str):
        """A dossier with its progress history (QuaTrinhXuLy)."""
        who = require_principal()
        dossier = store.get_dossier(db(), code, None if who.is_admin else who.province)
        if dossier is None:
            abort(404, message=f"dossier {code} not found")
        return jsonify(dossier_with_history(db(), dossier))
