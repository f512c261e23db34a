"""The options the kit's command lines share, declared once: `python -m loadtests run`, the Locust
users' own options (`locust --help`) and the reference connector (`python -m loadtests.reference_connector`).

Plain argparse, no Locust import: the reference connector uses it without Locust.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from simulator import config
from simulator.clients import by_province

# The kit derives credentials from the seed the sandbox serves with: the sandbox's own default.
DEFAULT_SEED: int = config.SETTINGS["seed"].default

SHARED: dict[str, dict] = {
    "--province": {"default": "56", "help": "2-digit province code whose client logs in"},
    "--seed": {"type": int, "default": DEFAULT_SEED, "help": "sandbox seed (derives the credentials)"},
    "--admin-token": {"default": "", "help": "sandbox admin token (connector registration, scenarios, submissions, stats)"},
    "--ca-file": {"default": "", "help": "CA bundle (PEM) verifying an https:// sandbox (its tls/ca.pem)"},
    "--connector-url": {"default": "", "help": "push endpoint of the connector under test"},
    "--push-secret": {"default": "", "help": "HMAC secret shared with the connector under test (push signatures)"},
    "--portal-username": {"default": "", "help": "override the seed-derived portal username"},
    "--portal-password": {"default": "", "help": "override the seed-derived portal password"},
}


def add_shared(parser: argparse._ActionsContainer, *names: str, **defaults) -> None:
    """Add the named shared options (`"--seed"`, ...) to a parser or group; `defaults` replaces a default by dest."""
    for name in names:
        spec = dict(SHARED[name])
        dest = name.removeprefix("--").replace("-", "_")
        if dest in defaults:
            spec["default"] = defaults[dest]
        parser.add_argument(name, **spec)


@dataclass(frozen=True)
class Credentials:
    """The portal identity a kit process logs in with, and its gateway key."""

    username: str
    password: str
    madonvi: str
    gateway_key: str
    gateway_secret: str


def credentials(options: argparse.Namespace) -> Credentials:
    """The province client's credentials from --seed and --province, with --portal-username/--portal-password
    overrides; an unknown province stops the process naming it."""
    client = by_province(options.seed, options.province)
    if client is None:
        raise SystemExit(f"unknown province code {options.province!r}")
    return Credentials(
        username=options.portal_username or client.username,
        password=options.portal_password or client.password,
        madonvi=client.madonvi,
        gateway_key=client.gateway_key,
        gateway_secret=client.gateway_secret,
    )
