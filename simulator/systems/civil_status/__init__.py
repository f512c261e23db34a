"""Civil status registry (hộ tịch, justice): birth, death, marriage and marital-status dossiers.

The real registry's token login is replaced by the NGSP gateway token (`POST /ngsp/token`):
every call carries `Authorization: Bearer <gateway token>` and sees only its province's
dossiers. Submissions answer at once with trangThai "1"; results come later by polling
(`GET /civil_status/dossiers/<maHoSo>`), on the sandbox clock (see `store`), and a
`civil_status.result` callback is queued when the flows feature is present.

Errors are `{status, message}` with `status` the HTTP code: 400 invalid field or identifier
(named), 404 unknown dossier, 409 maHoSo already received, 415 not JSON, 429 too many
requests, 5xx system error; 401/403 come from the gateway in OAuth2 shape.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import g, jsonify, request
from flask.views import MethodView

from simulator.app_context import db, settings
from simulator.clock import sandbox_clock
from simulator.gateway.registry import gateway_service
from simulator.identity import InvalidIdentifier
from simulator.identity.rules import FEMALE, MALE, check_citizen_id
from simulator.schema_cache import schema_instance
from simulator.systems import common, registry
from simulator.systems.civil_status import schemas, store
from simulator.systems.errors import MinistryError

SYSTEM = "civil_status"


def error_body(status: int, message: str, code: str | None = None) -> dict:
    """The civil status registry's error reply `{status, message}`."""
    return {"status": status, "message": message}


SPEC = registry.declare(
    registry.system(
        SYSTEM,
        __name__,
        operations=("births", "deaths", "marriages", "marital-status-confirmations", "dossiers"),
        events=(store.EVENT,),
        sweep=lambda ctx, now: store.sweep_ready(ctx.db, now),
        error_body=error_body,
    )
)
blp = registry.blueprint(SPEC)

_SUBMIT_ERRORS = {400: "Invalid field or identifier", 409: "maHoSo already received", 415: "Not JSON"}
# Which ID fields each module carries, and the sex each must encode (None: any).
_ID_FIELDS = {
    "KS": {"meSoDinhDanh": FEMALE, "chaSoDinhDanh": MALE, "nycSoDinhDanh": None},
    "KT": {"nktSoDinhDanh": None, "nycSoDinhDanh": None},
    "KH": {"chongSoDinhDanh": MALE, "voSoDinhDanh": FEMALE, "nycSoDinhDanh": None},
    "XNHN": {"nxnSoDinhDanh": None, "nycSoDinhDanh": None},
}
# IDs a dossier may leave empty; every other one must be valid (an empty required ID used to be
# stored and then crash the result sweep and every read of the dossier).
_OPTIONAL_IDS = frozenset({"chaSoDinhDanh", "nxnSoDinhDanh"})
_ROLES = {"me": "người mẹ", "cha": "người cha", "chong": "người chồng", "vo": "người vợ"}


def _check_ids(module: str, data: dict) -> None:
    """Each ID valid by the rules and of the right sex (the mother must be female...)."""
    for name, sex in _ID_FIELDS[module].items():
        value = data.get(name)
        if not value and (name in _OPTIONAL_IDS or name not in data):
            continue
        try:
            parts = check_citizen_id(value)
        except InvalidIdentifier as exc:
            raise MinistryError(400, f"{name}: {exc.message} (rule {exc.rule})") from None
        if sex is not None and parts.sex != sex:
            role = _ROLES[name.removesuffix("SoDinhDanh")]
            want = "nữ (female)" if sex == FEMALE else "nam (male)"
            raise MinistryError(400, f"{name}: {role} phải là {want}; the ID encodes {parts.sex}")


def _submit(module: str, schema) -> tuple:
    data = common.load(schema, common.parse_json_object())
    _check_ids(module, data)
    now = sandbox_clock().now()
    for name in ("nksNgaySinh", "nktNgayChet"):
        if name in data:
            day = common.parse_ymd(data[name], name)
            if day > now.date():
                raise MinistryError(400, f"{name} must not be in the future (sandbox date {now:%Y%m%d})")
    values = settings()
    try:
        row = store.submit(
            db(),
            code=data["maHoSo"],
            province=g.province,
            module=module,
            payload=data,
            now_ts=now.timestamp(),
            seed=values["seed"],
            missing_share=values["missing_share"],
            median_minutes=values["civil_status_median_minutes"],
            slow_factor=values["slow_ministry_factor"],
        )
    except store.DuplicateDossier:
        raise MinistryError(409, f"Hồ sơ {data['maHoSo']} đã tồn tại (already received)") from None
    return jsonify({"status": 200, "message": "Tiếp nhận hồ sơ thành công", "data": store.to_wire(row, now.timestamp())})


def _submit_doc(summary: str, schema) -> dict:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "requestBody": common.json_body_doc(schema),
        "responses": common.responses_doc(schemas.CivilStatusDossierReply, schemas.CivilStatusError, _SUBMIT_ERRORS),
    }


# The dossier kinds a province submits, by module: the view's path and class name (its endpoint),
# the request schema (in `schemas`), the gateway service and its description, the OpenAPI summary
# and description (what the result does).
SUBMISSIONS: dict[str, dict] = json.loads((Path(__file__).parent / "submissions.json").read_text(encoding="utf-8"))


def _submission_view(module: str, kind: dict) -> type[MethodView]:
    """The view receiving one kind of dossier (`module` KS, KT, KH or XNHN), as `SUBMISSIONS` describes it."""
    schema = getattr(schemas, kind["schema"])

    def post(self):
        return _submit(module, schema())

    post.__doc__ = kind["description"]  # before wrapping: it is the operation's OpenAPI description
    post = gateway_service(kind["service"], kind["gateway"])(post)
    post = blp.doc(**_submit_doc(kind["summary"], schema))(post)
    return type(kind["view"], (MethodView,), {"__doc__": f"{kind['summary']}.", "post": post})


for _module, _kind in SUBMISSIONS.items():
    blp.route(_kind["path"])(_submission_view(_module, _kind))


@blp.route("/dossiers")
class Dossiers(MethodView):
    """The caller province's dossiers."""

    @blp.doc(
        summary="List dossiers",
        security=[{"bearer": []}],
        parameters=[
            {
                "in": "query",
                "name": "module",
                "required": False,
                "schema": {"type": "string", "enum": ["KS", "KT", "KH", "XNHN"]},
            },
            {
                "in": "query",
                "name": "trangThai",
                "required": False,
                "schema": {"type": "string", "enum": ["1", "2", "3", "4", "6"]},
            },
        ],
        responses=common.responses_doc(schemas.CivilStatusDossierList, schemas.CivilStatusError, {400: "Invalid filter"}),
    )
    @gateway_service("civil_status.dossiers", "List the province's civil-status dossiers and their status")
    def get(self):
        """Dossiers with their current trangThai (results become ready as the clock passes)."""
        query = common.load(schema_instance(schemas.CivilStatusListQuery), request.args.to_dict())
        now_ts = sandbox_clock().now().timestamp()
        rows = [store.refresh(db(), row, now_ts) for row in store.list_for(db(), g.province, query.get("module"))]
        data = [store.to_wire(row, now_ts) for row in rows]
        if query.get("trangThai"):
            data = [d for d in data if d["trangThai"] == query["trangThai"]]
        return jsonify({"status": 200, "message": "Thành công", "data": data})


@blp.route("/dossiers/<string:code>")
class DossierView(MethodView):
    """One dossier by maHoSo."""

    @blp.doc(
        summary="Poll one dossier",
        security=[{"bearer": []}],
        responses=common.responses_doc(schemas.CivilStatusDossierReply, schemas.CivilStatusError, {404: "Unknown dossier"}),
    )
    @gateway_service("civil_status.dossier", "Poll one civil-status dossier (status and result)")
    def get(self, code: str):
        """The dossier's status; `ketQua` once trangThai is 4, `lyDo` when 6."""
        row = store.get(db(), code)
        if row is None or row["province"] != g.province:
            raise MinistryError(404, f"Không tìm thấy hồ sơ {code}")
        now_ts = sandbox_clock().now().timestamp()
        row = store.refresh(db(), row, now_ts)
        return jsonify({"status": 200, "message": "Thành công", "data": store.to_wire(row, now_ts)})


sweep_ready = store.sweep_ready
