"""Routes of the dashboard: the page and its static files (public), and the state endpoint (admin)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, send_from_directory
from flask.views import MethodView
from flask_smorest import Blueprint

from simulator.admin.blueprint import admin_blueprint, admin_doc
from simulator.app_context import db, settings
from simulator.dashboard.schemas import DashboardState
from simulator.dashboard.state import dashboard_state

STATIC_DIR = Path(__file__).resolve().parent / "static"

page = Blueprint(
    "dashboard_page",
    __name__,
    description="The trainer dashboard page (public; its data calls ask for the admin token) and its own "
    "JS and CSS, served by the sandbox so it works with no internet.",
)
_HTML = {"200": {"description": "HTML page", "content": {"text/html": {}}}}

blp = admin_blueprint(
    "dashboard",
    __name__,
    url_prefix="/sandbox/dashboard",
    description="The trainer dashboard's data (admin token). The page itself is served at /dashboard.",
)


@page.route("/dashboard")
@page.doc(responses=_HTML)
def dashboard_page():
    """The dashboard page; it asks for the admin token before fetching any data."""
    response = send_from_directory(STATIC_DIR, "index.html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@page.route("/dashboard/static/<path:filename>")
@page.doc(responses={"200": {"description": "A JS or CSS file of the dashboard"}})
@page.alt_response(404, description="No such file")
def dashboard_static(filename: str):
    """The dashboard's scripts and stylesheet (plain files, no build step)."""
    return send_from_directory(STATIC_DIR, filename, max_age=0)


@blp.route("/state")
class State(MethodView):
    """The live state of the sandbox, as the dashboard draws it."""

    @blp.response(200, DashboardState)
    @admin_doc(blp)
    def get(self):
        """Systems with health, rps, p95 and error rate; scenario; dossiers, flows, journal, satisfaction."""
        return dashboard_state(db(), current_app.extensions["faults"], settings())


def register(api) -> None:
    """Mount the page, its static files and the state endpoint (all in the OpenAPI docs)."""
    api.register_blueprint(page)
    api.register_blueprint(blp)
