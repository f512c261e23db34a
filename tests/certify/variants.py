"""Deliberately broken variants of the reference connector, each breaking one rule the check grades.

Run one as a process: `python -m tests.certify.variants --variant no_lookup <reference connector options>`.
Each variant configures or subclasses the reference connector (loadtests/reference_connector/)
and then runs its own `main`, so everything else is the reference's behaviour:

- `ignore_retry_after`  waits only its own jittered backoff after a 429/503 with Retry-After
                        (and tries harder, so it still syncs: only FAULT-02 should fail);
- `no_lookup`           never calls TraCuuHoSo: creates blind, "đã tồn tại" → update (SYNC-01);
- `illegal_move`        walks 2 → 4 → 9 → 4 → 10: the 9 → 4 step is illegal (PROG-01);
- `loses_after_reset`   gives a delivery up at the first connection reset (FAULT-03);
- `wrong_payment_signature`  signs INIT in the pre-1.0.6 field order, without Ip (MIN-02).
"""

from gevent import monkey

monkey.patch_all()

import hashlib  # noqa: E402
import heapq  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402

import loadtests.reference_connector.__main__ as reference  # noqa: E402
from loadtests import wire  # noqa: E402
from loadtests.reference_connector import portal, processor  # noqa: E402
from simulator.systems.payment import signing  # noqa: E402

VARIANTS = ("ignore_retry_after", "no_lookup", "illegal_move", "loses_after_reset", "wrong_payment_signature")


class NoLookupProcessor(processor.Processor):
    """Creates every dossier without looking it up first; turns "đã tồn tại" into an update."""

    def sync(self, dossier: dict) -> bool:
        """Create blind, update on "-3"."""
        accepted = {**dossier, "TrangThaiHoSo": "2", "NgayTiepNhan": wire.portal_now()}
        updating = False
        for _ in range(2):
            reply = self.portal.call("DongBoHoSoMC", isUpdating=str(updating), data=[accepted])
            if str(reply.get("error_code")) == "00":
                return True
            if str(reply.get("error_code")) in ("3", "-3") and not updating:
                updating = True
                continue
            return False
        return False


class IllegalMoveProcessor(processor.Processor):
    """Reports 9 → 4 (a finished dossier back to processing) before the result."""

    WALK = ("4", "9", "4", "10")

    def _schedule_walk(self, code: str) -> None:
        step = self.settings.walk_seconds / len(self.WALK)
        now = time.monotonic()
        for i, status in enumerate(self.WALK, start=1):
            heapq.heappush(self._due, (now + i * step, next(self._seq), wire.progress_entry(code, status)))


class PreviousOrderSignatureProcessor(processor.Processor):
    """Signs INIT over the pre-1.0.6 field order: the fourteen fields without Ip."""

    def sign_payment(self, message: dict) -> dict:
        """MaXacThuc over every 1.0.6 INIT field but Ip, then the secret."""
        fields = [str(message[k]) for k in signing.FIELD_ORDER["INIT"] if k != "Ip"]
        return {**message, "MaXacThuc": hashlib.sha256("|".join([*fields, self.gateway.secret]).encode()).hexdigest()}


class GiveUpOnResetSession(requests.Session):
    """An HTTP session that turns a connection reset into a final failure instead of a retried fault."""

    def request(self, *args, **kwargs):
        """Send; a connection error ends the call for good."""
        try:
            return super().request(*args, **kwargs)
        except requests.ConnectionError as err:
            raise portal.PortalUnavailableError(f"connection lost, giving up: {err}") from err


class GiveUpOnResetPortal(portal.PortalClient):
    """The reference portal client over a session that gives up on resets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.http = GiveUpOnResetSession()


def configure(variant: str) -> list[str]:
    """Apply a variant to the reference connector's modules; returns extra command-line options."""
    if variant == "ignore_retry_after":
        portal._retry_after = lambda response: 0.0  # the header is read as "no wait"
        return ["--retry-attempts", "12"]
    if variant == "no_lookup":
        reference.Processor = NoLookupProcessor
    elif variant == "illegal_move":
        reference.Processor = IllegalMoveProcessor
    elif variant == "loses_after_reset":
        reference.PortalClient = GiveUpOnResetPortal
    elif variant == "wrong_payment_signature":
        reference.Processor = PreviousOrderSignatureProcessor
    else:
        raise SystemExit(f"unknown variant {variant!r}; one of: {', '.join(VARIANTS)}")
    return []


def main(argv: list[str]) -> int:
    """`--variant NAME` then the reference connector's own options."""
    if len(argv) < 2 or argv[0] != "--variant":
        raise SystemExit("usage: python -m tests.certify.variants --variant NAME [reference connector options]")
    extra = configure(argv[1])
    return reference.main([*argv[2:], *extra])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
