"""The WSGI entry point gunicorn loads (`simulator.wsgi:app`); settings come from SANDBOX_* env vars."""

from simulator.app import create_app

app = create_app()
