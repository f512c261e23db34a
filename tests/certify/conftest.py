"""Fixtures of the readiness-check tests: one served sandbox per module, connectors per test."""

from __future__ import annotations

import sys

import pytest

from loadtests.processes import Child, free_port, start_reference_connector
from tests.conftest import ADMIN_TOKEN, SEED

PUSH_SECRET = "certify-test-secret"


@pytest.fixture
def start_connector(served_sandbox, tmp_path):
    """Factory: the reference connector, or one of its broken variants, as a served process; its push URL."""
    children: list[Child] = []

    def start(variant: str = "") -> str:
        if not variant:
            child, base = start_reference_connector(tmp_path, served_sandbox.base, "56", PUSH_SECRET, "", SEED, walk_seconds=0.6)
        else:
            port = free_port()
            cmd = [
                sys.executable,
                "-m",
                "tests.certify.variants",
                "--variant",
                variant,
                "--sandbox",
                served_sandbox.base,
                "--province",
                "56",
                "--port",
                str(port),
                "--secret",
                PUSH_SECRET,
                "--seed",
                str(SEED),
                "--state",
                str(tmp_path / f"{variant}.db"),
                "--walk-seconds",
                "0.6",
            ]
            child = Child(variant, cmd, tmp_path / f"{variant}.log")
            base = f"http://127.0.0.1:{port}"
            child.wait_healthy(base + "/healthz")
        children.append(child)
        return base + "/webhooks/dvcqg"

    yield start
    for child in children:
        child.stop()


__all__ = ["ADMIN_TOKEN", "PUSH_SECRET"]
