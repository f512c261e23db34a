"""The application factory: settings, database, blueprints, OpenAPI and uniform errors."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import swagger_ui_bundle
from flask import Flask, jsonify, request, send_from_directory
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from simulator import __version__, config, db, openapi_examples, schema, systems
from simulator.admin import capture as admin_capture
from simulator.admin import credentials as admin_credentials
from simulator.admin import routes as admin_routes
from simulator.calendar import routes as calendar_routes
from simulator.certify.routes import register as register_certify
from simulator.dashboard.routes import register as register_dashboard
from simulator.fault_classifier import make_classifier
from simulator.faults import FaultSandbox
from simulator.flask_app import SandboxFlask
from simulator.flows import routes as flow_routes
from simulator.flows import satisfaction_api
from simulator.gateway import registry as gateway_registry
from simulator.gateway import routes as gateway_routes
from simulator.gateway.registry import gateway_error
from simulator.jobs import routes as job_routes
from simulator.json_provider import OrjsonProvider
from simulator.openapi_docs import JsonBodyErrors
from simulator.portal import dossier_browser
from simulator.portal import routes as portal_routes
from simulator.portal import schemas as portal_schemas
from simulator.portal.schemas import flatten_errors
from simulator.systems import registry
from simulator.systems.errors import error_response_for, reply_for

log = logging.getLogger("simulator")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the sandbox app; `test_config` may hold settings (by name) and Flask config keys."""
    test_config = dict(test_config or {})
    overrides = {k: test_config.pop(k) for k in list(test_config) if k in config.SETTINGS}
    sandbox = config.resolve(overrides)
    if not sandbox["admin_token"]:
        sandbox["admin_token"] = secrets.token_urlsafe(24)
        log.warning("No admin token configured; generated one for this process: %s", sandbox["admin_token"])

    app = SandboxFlask(__name__)
    app.json = OrjsonProvider(app)  # orjson; hostile request JSON is a 400, never a 500 (wire_json)
    app.config.update(
        SANDBOX=sandbox,
        MAX_CONTENT_LENGTH=sandbox["max_body_bytes"],
        JSON_AS_ASCII=False,
        API_TITLE="National portal sandbox",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        # Served by the sandbox itself: the docs work with no internet.
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Imitates Vietnam's National Public Service Portal (DVCQG) and the ministry "
                "systems provincial one-stop software connects to. See README.md and docs/ for the walk-through."
            },
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "Portal session or admin token"}}
            },
        },
    )
    app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    database = db.database(sandbox["db"])
    schema.create_all(database)

    api = Api(app, spec_kwargs={"extra_plugins": [JsonBodyErrors()]})
    _register_features(app, api)
    openapi_examples.apply(api.spec, sandbox)  # Try-it-out examples derived from the seed
    _register_errors(app)
    _register_infra_routes(app)
    _install_fault_engine(app)
    return app


def _install_fault_engine(app: Flask) -> None:
    """Put the one fault engine (and the request journal) in front of every simulated system."""

    sandbox = app.config["SANDBOX"]
    faults = FaultSandbox.from_settings(sandbox)
    app.extensions["faults"] = faults
    app.wsgi_app = faults.middleware(app.wsgi_app, make_classifier(sandbox["db"], sandbox["max_body_bytes"]))

    @app.get("/metrics")
    def metrics():
        """Prometheus metrics per system, operation, status and fault, summed over all workers."""
        faults.journal.flush()
        body, content_type = faults.render_metrics()
        return app.response_class(body, content_type=content_type)


def _register_features(app: Flask, api: Api) -> None:

    portal_schemas.register_components(api.spec)
    # The portal's, the gateway's and the sandbox's own blueprints; the ministry systems' come from the registry.
    features = (
        portal_routes.blp,
        dossier_browser.blp,
        gateway_routes.blp,
        gateway_routes.admin_blp,
        admin_routes.blp,
        admin_credentials.blp,
        admin_capture.blp,
        calendar_routes.blp,
        job_routes.blp,
        flow_routes.blp,
        satisfaction_api.blp,
    )
    for blueprint in features:
        api.register_blueprint(blueprint)
    # --- systems: ministry systems (before collect_services, which reads their views) ---
    systems.register_blueprints(api)
    register_dashboard(api)
    register_certify(app, api)
    # Last: the gateway lists every view marked @gateway_service.
    gateway_registry.collect_services(app)


def _register_infra_routes(app: Flask) -> None:
    @app.get("/docs/assets/<path:filename>")
    def swagger_assets(filename: str):
        """Swagger UI's static files, bundled so the docs need no CDN."""
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/healthz")
    def healthz():
        """Liveness: version and database path."""
        return jsonify({"status": "ok", "version": __version__, "database": app.config["SANDBOX"]["db"]})


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def on_http_error(err: HTTPException):
        """Every HTTP error as JSON; under the portal's prefix, in the portal's own shape."""
        # --- systems: a ministry system answers in its own error format ---
        system_reply = error_response_for(request.path, err)
        if system_reply is not None:
            return system_reply
        if request.path.startswith("/ngsp/") and request.url_rule is None:
            # No gateway route matched (e.g. a newline in the path): the gateway's own OAuth2 shape.
            return gateway_error(err.code or 404, "unknown_service", err.description or err.name)
        if request.path.startswith("/dvcqg/"):
            message = {413: "Thân yêu cầu vượt quá giới hạn kích thước (body too large)"}.get(err.code, err.description)
            body = registry.get("portal").error_body(err.code or 500, message)
        else:
            body = {"code": err.code, "status": err.name, "message": err.description}
            extra = getattr(err, "data", None)
            if isinstance(extra, dict) and extra.get("message"):
                body["message"] = extra["message"]
            if isinstance(extra, dict) and extra.get("messages"):
                body["errors"] = extra["messages"]
                body["message"] = "invalid request: " + "; ".join(flatten_errors(extra["messages"]))
            elif isinstance(extra, dict) and extra.get("message"):
                body["message"] = extra["message"]  # abort(status, message=...) names the problem
        response = jsonify(body)
        response.status_code = err.code or 500
        return response

    @app.errorhandler(Exception)
    def on_unexpected(err: Exception):
        """A bug answers a generic 500 in JSON; the traceback goes to the log, never to the client."""
        log.exception("unhandled error on %s %s", request.method, request.path)
        own = reply_for(request.path, 500, "Lỗi hệ thống (internal error)")
        if own is not None:
            return own
        if request.path.startswith("/dvcqg/"):
            return jsonify(registry.get("portal").error_body(500, "Lỗi hệ thống (internal error)", "-99")), 500
        return jsonify({"code": 500, "status": "Internal Server Error", "message": "internal error"}), 500
