"""The reference tables the docs carry, rendered from their one registry each: the settings
(docs/cli.md, from `config.SETTINGS`) and the personas (docs/identity.md, from `identity.personas`).
Tests compare the docs with these, so a new setting or persona cannot go undocumented.
"""

from __future__ import annotations

from simulator import config
from simulator.identity.personas import personas


def settings_rows() -> list[dict]:
    """Every setting: name, environment variable, default, bounds and doc."""
    return [
        {"name": s.name, "env": s.env, "default": s.default, "minimum": s.minimum, "cap": s.cap, "doc": s.doc}
        for s in config.SETTINGS.values()
    ]


def _bounds(minimum, cap) -> str:
    if minimum is None and cap is None:
        return ""
    return f"{minimum if minimum is not None else ''}–{cap if cap is not None else ''}"


def settings_markdown() -> str:
    """The settings as docs/cli.md's markdown table."""
    lines = ["| Setting | Environment | Default | Bounds | What it does |", "|---|---|---|---|---|"]
    for s in config.SETTINGS.values():
        lines.append(f"| `{s.name}` | `{s.env}` | `{s.default}` | {_bounds(s.minimum, s.cap)} | {s.doc} |")
    return "\n".join(lines)


def persona_rows() -> list[dict]:
    """Every persona: identifier, kind, outcome, the systems it shows in, and what happens."""
    return [
        {"identifier": p.identifier, "kind": p.kind, "outcome": p.outcome, "systems": ", ".join(p.systems), "description": p.description_en}
        for p in personas()
    ]


def personas_markdown() -> str:
    """The personas as docs/identity.md's markdown table."""
    lines = ["| Identifier | Kind | Outcome | Systems | What happens |", "|---|---|---|---|---|"]
    for p in personas():
        lines.append(f"| `{p.identifier}` | {p.kind} | `{p.outcome}` | {', '.join(p.systems)} | {p.description_en} |")
    return "\n".join(lines)
