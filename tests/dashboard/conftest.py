"""Fixtures of the dashboard tests: Debian's Chromium (installed when missing), a live sandbox, a page.

Nothing here skips: if Chromium is missing, the session fixture installs it with apt-get
(as the Makefile fragment does) and fails loudly when that is impossible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import ADMIN_TOKEN, ROOT

CHROMIUM = Path(os.environ.get("SANDBOX_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


def _install_chromium() -> None:
    """apt-get install chromium (apt-get update first when the package lists are stale)."""
    apt = shutil.which("apt-get")
    if apt is None:
        pytest.fail(f"{CHROMIUM} is missing and apt-get is not available: install Chromium and set SANDBOX_CHROMIUM")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run([apt, "install", "-y", "chromium"], env=env, capture_output=True).returncode != 0:
        subprocess.run([apt, "update"], env=env, capture_output=True, check=False)
        done = subprocess.run([apt, "install", "-y", "chromium"], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"could not install chromium with apt-get:\n{done.stderr[-2000:]}")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Path of a Chromium executable, installed with apt-get when missing."""
    if not CHROMIUM.exists():
        _install_chromium()
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} still missing after apt-get install chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the session, driven by Playwright."""

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def dashboard_sandbox(served_sandbox):
    """The module's real served sandbox (gunicorn, gevent workers), shared by its browser tests."""
    return served_sandbox


class ConsoleErrors(list):
    """Console errors and uncaught page errors seen by a page."""


@pytest.fixture
def page(browser, dashboard_sandbox):
    """A 1280×720 page (a projector) whose console errors are collected in `page.console_errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
    page = context.new_page()
    errors = ConsoleErrors()
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.console_errors = errors
    yield page
    context.close()


def enter_token(page, base: str, token: str = ADMIN_TOKEN) -> None:
    """Open the dashboard and type the admin token into its prompt."""
    page.goto(base + "/dashboard")
    page.fill("#token-input", token)
    page.click("#token-form button[type=submit]")
