"""The trainer dashboard: a live map of the interconnection, panels and controls at /dashboard.

`routes.py` serves the page (static files in `static/`, no CDN, no build step) and the one
summary endpoint the page polls, `GET /sandbox/dashboard/state`; `state.py` gathers what it
returns with aggregate SQL, `health.py` decides each system's health.
"""
