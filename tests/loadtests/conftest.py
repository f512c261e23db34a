"""Fixtures of the load-kit tests: the kit's runner as a subprocess and the reference connector."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from loadtests.processes import start_reference_connector
from tests.conftest import ADMIN_TOKEN, ROOT, SEED

PUSH_SECRET = "test-push-secret"


@pytest.fixture
def run_kit(tmp_path):
    """Factory: write a run definition and run `python -m loadtests run` on it against a host."""

    def run(definition: dict, host: str, *extra: str, timeout: float = 90) -> tuple[subprocess.CompletedProcess, Path]:
        path = tmp_path / f"{definition['name']}.yaml"
        path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
        out = tmp_path / "reports" / definition["name"]
        cmd = [sys.executable, "-m", "loadtests", "run", str(path), "--host", host, "--out", str(out)]
        cmd += ["--admin-token", ADMIN_TOKEN, "--seed", str(SEED), *extra]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        return done, out

    return run


@pytest.fixture
def reference_connector(live_sandbox, tmp_path):
    """The reference connector (a real served process) syncing into the live sandbox."""
    child, base = start_reference_connector(tmp_path, live_sandbox.base, "56", PUSH_SECRET, "", SEED, walk_seconds=0.6)
    yield base
    child.stop()
