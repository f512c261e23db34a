"""A readiness check's options: the province, its connector, the sandbox, the profile and the budget."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from simulator.certify.sandbox_api import require_loopback
from simulator.flows.connectors import BODY_STYLES

# A procedure with an online fee: its dossiers make a connector that pays fees call the platform.
DEFAULT_PROCEDURE = "1.004222"


@dataclass
class Options:
    """What to check and how: the province, its connector, the sandbox, the profile and the budget."""

    province: str
    connector: str
    secret: str
    base: str
    admin_token: str
    profile: str = "basic"
    duration_s: float = 180.0
    sync_deadline_s: float = 15.0
    dossiers: int = 3
    body_style: str = "flat"
    procedure: str = DEFAULT_PROCEDURE

    def validate(self) -> None:
        """Refuse options that cannot make a bounded, loopback-only check (ValueError naming the option)."""
        require_loopback(self.connector, "--connector")
        require_loopback(self.base, "--base")
        if not (len(self.province) == 2 and self.province.isdigit()):
            raise ValueError(f"--province must be a 2-digit province code, got {self.province!r}")
        if self.profile not in ("basic", "full"):
            raise ValueError(f"--profile must be basic or full, got {self.profile!r}")
        if not 10 <= self.duration_s <= 3600:
            raise ValueError(f"--duration must be between 10 s and 60 min, got {self.duration_s:g} s")
        if not 1 <= self.sync_deadline_s <= 600:
            raise ValueError("--sync-deadline must be between 1 and 600 s")
        if not 1 <= self.dossiers <= 50:
            raise ValueError("--dossiers must be between 1 and 50")
        if self.body_style not in BODY_STYLES:
            raise ValueError(f"--body-style must be one of {', '.join(BODY_STYLES)}")
        if not self.secret:
            raise ValueError("--secret (the push secret your connector verifies) is required")

    def public(self) -> dict:
        """The options as a report shows them (no secret, no token)."""
        out = asdict(self)
        out.pop("secret")
        out.pop("admin_token")
        return out
