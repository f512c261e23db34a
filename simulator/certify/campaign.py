"""The scripted campaign: what the check does to a province's connector, phase by phase.

The campaign plays the portal and the ministries. It pushes dossiers to the connector (through
the portal's own submissions, and directly, signed as the portal signs, when it needs a forged,
replayed, repeated or precisely timed push), applies fault rules in front of the portal while
the connector syncs, and writes down everything it did and when (`CampaignRecord`): the grader
then reads that record beside the connector's captured exchanges. Every wait is bounded by the
run's deadline; every URL is on loopback.

Phases: setup → push-security → online → duplicates (basic), then faults → ministries (full).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import requests

from simulator.certify.options import Options
from simulator.certify.record import CampaignRecord, FaultWindow, PlannedDossier
from simulator.certify.sandbox_api import SandboxAPI, SandboxError
from simulator.certify.signed_push import CampaignAborted, SignedPusher
from simulator.flows import push as portal_push
from simulator.flows.submissions import build_dossier, pick_procedure
from simulator.systems.payment import signing
from simulator.wire_formats import to_portal

RULE_REFRESH_S = 0.6  # every worker re-reads the fault rules within 0.5 s
REPLAY_AGE_S = 900
PHASES_BASIC = ("setup", "push-security", "online", "duplicates")
PHASES_FULL = (*PHASES_BASIC, "faults", "ministries")
# Fault sub-phases: (name, effect, Retry-After seconds the effect announces, or None).
FAULTS = (
    ("server-errors", {"error": {"status": 503}}, None),
    ("rate-limit", {"error": {"status": 429, "headers": {"Retry-After": "1"}}}, 1),
    ("maintenance", {"maintenance": {"retry_after_s": 1}}, 1),
    ("resets", {"reset": {}}, None),
)
FAULTED_ATTEMPTS = 2  # with rule sequences (`times`), the first two attempts meet the fault

Progress = Callable[[str, str], None]


class Campaign:
    """Runs the phases of a profile against one province's connector and fills a `CampaignRecord`."""

    def __init__(self, options: Options, progress: Progress | None = None):
        options.validate()
        self.options = options
        self.api = SandboxAPI(options.base, options.admin_token)
        self.progress = progress or (lambda phase, text: None)
        self.run_id = uuid.uuid4().hex[:12]
        self.record = CampaignRecord(self.run_id, options.public(), time.time())
        self.deadline = time.monotonic() + options.duration_s
        self.http = requests.Session()
        self.pusher = SignedPusher(options, self.http)
        self.rng = random.Random(self.run_id)
        self.counter = 0
        self.day = self._code_day()
        self.credentials: dict = {}
        self.rule_sequences: bool | None = None

    # -- bookkeeping -------------------------------------------------------------------------
    def note(self, phase: str, text: str, **extra: Any) -> None:
        """Add a timeline entry and report progress."""
        self.record.timeline.append({"at": time.time(), "phase": phase, "text": text, **extra})
        self.progress(phase, text)

    def left(self) -> float:
        """Seconds left in the run's budget."""
        return self.deadline - time.monotonic()

    def wait_until(self, condition: Callable[[], bool], limit_s: float, poll_s: float = 0.25) -> bool:
        """Poll `condition` until true, `limit_s` passes or the budget runs out; returns the last value."""
        end = time.monotonic() + max(0.0, min(limit_s, self.left()))
        while True:
            if condition():
                return True
            if time.monotonic() >= end:
                return False
            time.sleep(poll_s)

    # -- the run -----------------------------------------------------------------------------
    def run(self) -> CampaignRecord:
        """Run every phase of the profile; always leaves the sandbox without the campaign's rules."""
        phases = PHASES_FULL if self.options.profile == "full" else PHASES_BASIC
        try:
            for phase in phases:
                if phase != "setup" and self.left() < 3:
                    self.record.skipped.append(phase)
                    self.note(phase, "skipped: the run's duration is used up")
                    continue
                self.note(phase, "started")
                getattr(self, "phase_" + phase.replace("-", "_"))()
                self.record.phases.append(phase)
        except (SandboxError, CampaignAborted) as err:
            self.record.error = str(err)
            self.note("error", str(err))
        finally:
            self.cleanup()
            if "setup" in self.record.phases:
                try:
                    self.collect()
                except SandboxError as err:
                    self.record.error = self.record.error or str(err)
            self.record.finished_at = time.time()
        return self.record

    def cleanup(self) -> None:
        """Remove the campaign's fault rules (also after a failure)."""
        for window in self.record.faults:
            try:
                self.api.delete_rule(window.rule_id)
            except SandboxError:
                pass

    # -- setup -------------------------------------------------------------------------------
    def phase_setup(self) -> None:
        """Check the sandbox, its token and its request capture, register the connector, put one dossier on the portal."""
        opts = self.options
        self.record.clock = self.api.check_admin()
        self.record.capture = self.api.capture_settings()
        if not self.record.capture.get("enabled"):
            raise CampaignAborted(
                "the sandbox's request capture is off (setting capture_enabled): the check grades the connector's requests "
                "from it; start the sandbox with SANDBOX_CAPTURE_ENABLED=1"
            )
        self.credentials = self.api.credentials(opts.province)
        self.pusher.madonvi = self.credentials.get("madonvi", "")
        self.api.set_connector(opts.province, opts.connector, opts.secret, opts.body_style)
        self.note("setup", f"connector {opts.connector} registered for province {opts.province} ({opts.body_style})")
        # A dossier a desk officer already synced: the connector must find it and update it. Made
        # before `since`, so the campaign's own portal calls are never graded.
        existing = self.plan("duplicates", "existing")
        self.portal_create(existing.record)
        self.note("setup", f"{existing.code} put on the portal beforehand (as a desk officer would)")
        self.record.since = time.time()

    # -- push security -------------------------------------------------------------------------
    def phase_push_security(self) -> None:
        """Forged, tampered and replayed pushes: each must be refused and never synced."""
        forged = self.plan("push-security", "forged")
        self.push_direct(forged, secret="not-" + self.options.secret)
        tampered = self.plan("push-security", "tampered")
        self.push_direct(tampered, tamper=True)
        replayed = self.plan("push-security", "replayed")
        self.push_direct(replayed, timestamp=int(time.time()) - REPLAY_AGE_S)
        for item in (forged, tampered, replayed):
            reply = item.replies[-1]
            self.note("push-security", f"{item.kind} push of {item.code}: HTTP {reply['status']}")

    # -- online submissions ------------------------------------------------------------------
    def phase_online(self) -> None:
        """Citizens submit online; the portal pushes; wait until every dossier is synced and finished."""
        opts = self.options
        made = self.api.submit(opts.province, opts.dossiers, opts.procedure)
        for item in made:
            self.record.dossiers[item["MaHoSo"]] = PlannedDossier(
                item["MaHoSo"], "online", "online", {"MaHoSo": item["MaHoSo"], "MaTTHC": item["MaTTHC"]}, delivery_id=item["delivery_id"]
            )
        codes = [item["MaHoSo"] for item in made]
        self.note("online", f"{len(codes)} online submissions of {opts.procedure}: {', '.join(codes)}")
        synced = self.wait_until(lambda: self.all_reached(codes, 1), opts.sync_deadline_s + 5)
        self.note("online", "every dossier synced back" if synced else "not every dossier was synced back in time")
        finished = self.wait_until(lambda: self.all_reached(codes, 10), max(10.0, self.left() / 3), poll_s=0.5)
        self.note("online", "every dossier reached status 10" if finished else "not every dossier reached status 10")

    # -- duplicates and the dossier already on the portal --------------------------------------
    def phase_duplicates(self) -> None:
        """The same delivery twice, and a dossier the portal already has."""
        repeated = self.plan("duplicates", "repeated")
        delivery = uuid.uuid4().hex
        self.push_direct(repeated, delivery_id=delivery)
        time.sleep(0.3)
        self.push_direct(repeated, delivery_id=delivery)
        existing = next(d for d in self.record.dossiers.values() if d.kind == "existing")
        self.push_direct(existing)
        self.note(
            "duplicates",
            f"{repeated.code} pushed twice (delivery {delivery[:8]}…); {existing.code} pushed although the portal already has it",
        )
        codes = [repeated.code]
        self.wait_until(lambda: self.all_reached(codes, 1), self.options.sync_deadline_s)
        self.wait_until(lambda: self.status_of(existing.code) >= 2, self.options.sync_deadline_s)
        self.settle()

    # -- faults ------------------------------------------------------------------------------
    def phase_faults(self) -> None:
        """503s, 429 with Retry-After, a maintenance window and connection resets on DongBoHoSoMC."""
        for name, effect, retry_after in FAULTS:
            if self.left() < self.options.sync_deadline_s / 2:
                self.record.skipped.append(f"faults:{name}")
                self.note("faults", f"{name}: skipped, the run's duration is used up")
                continue
            self.fault_window(name, effect, retry_after)

    def fault_window(self, name: str, effect: Any, retry_after: float | None) -> None:
        """Apply one fault to the connector's DongBoHoSoMC, push a dossier through it, lift it, wait for the sync."""
        opts = self.options
        dossier = self.plan("faults", f"fault:{name}")
        rule = {
            "id": f"certify-{self.run_id}-{name}",
            "name": f"readiness check {self.run_id}: {name}",
            "match": {"system": "portal", "operation": "DongBoHoSoMC", "client": f"H{opts.province}"},
            "effects": [effect],
            "expires_at": time.time() + min(60.0, self.left()),
        }
        window = FaultWindow(name, rule["id"], effect, retry_after, "DongBoHoSoMC", time.time(), dossier=dossier.code)
        self.record.faults.append(window)
        window.sequenced = self.add_rule(rule)
        time.sleep(RULE_REFRESH_S)
        self.push_direct(dossier)
        self.note("faults", f"{name}: {json.dumps(effect)} on DongBoHoSoMC; {dossier.code} pushed")
        met = self.wait_until(
            lambda: self.faults_met(window) >= (FAULTED_ATTEMPTS if window.sequenced else 1), opts.sync_deadline_s, poll_s=0.1
        )
        if not window.sequenced:
            self.api.delete_rule(window.rule_id)
        window.removed_at = time.time()
        self.note(
            "faults", f"{name}: the connector met the fault {self.faults_met(window)} time(s)" + ("" if met else " (fewer than planned)")
        )
        synced = self.wait_until(lambda: self.status_of(dossier.code) >= 1, opts.sync_deadline_s)
        if window.sequenced:
            self.api.delete_rule(window.rule_id)
        self.note("faults", f"{name}: {dossier.code} " + ("synced" if synced else "NOT synced within the deadline"))
        self.settle()

    def add_rule(self, rule: dict) -> bool:
        """Create the rule, limited to the first attempts when the sandbox has rule sequences; True if it has."""
        if self.rule_sequences is not False:
            try:
                self.api.add_rule({**rule, "times": FAULTED_ATTEMPTS})
                self.rule_sequences = True
                return True
            except SandboxError as err:
                if "times" not in str(err):
                    raise
                self.rule_sequences = False
        # Without sequences: the rule stays until the connector has met it once, then is removed.
        self.api.add_rule(rule)
        return False

    def faults_met(self, window: FaultWindow) -> int:
        """How many of the connector's calls met the window's fault so far (from the request capture)."""
        rows = self.api.captured(self.options.province, window.applied_at)
        return sum(1 for r in rows if r["operation"] == window.operation and r.get("fault") and r["fault"] != "latency")

    # -- ministries ----------------------------------------------------------------------------
    def phase_ministries(self) -> None:
        """A payment callback with a wrong MaXacThuc, signed correctly as a push: it should be refused."""
        online = self.record.of_kind("online")
        code = online[0].code if online else self.plan("ministries", "callback").code
        values = {
            "LoaiBanTin": "CONFIRM",
            "MaLoi": "00",
            "MaDoiTac": self.credentials.get("madonvi", ""),
            "MaThamChieu": f"TT-{code}",
            "SoTien": 10000,
            "MaTienTe": "VND",
            "MaGiaoDich": f"GD{self.rng.randrange(10**9):09d}",
            "MaNganHang": "PAYMENT",
            "ThoiGianGD": to_portal(datetime.now()),
            "ThongTinGiaoDich": f"Nộp phí hồ sơ {code}",
        }
        right = signing.signature(signing.CONFIRM, values, self.credentials.get("gateway_secret", ""))
        message = {**values, "MaXacThuc": hashlib.sha256(b"forged" + right.encode()).hexdigest(), "MaHoSo": code}
        status, body = self.pusher.send("payment.result", message, uuid.uuid4().hex)
        self.record.callback = {"MaHoSo": code, "status": status, "body": body, "at": time.time()}
        self.note("ministries", f"payment.result with a wrong MaXacThuc for {code}: HTTP {status}")

    # -- the end -------------------------------------------------------------------------------
    def collect(self) -> None:
        """Read the portal's final record of every planned dossier and the submissions' push state."""
        time.sleep(0.5)  # every worker writes its captured requests within journal_flush_ms (200 ms)
        self.record.submissions = self.api.submissions(self.options.province)
        for code in self.record.dossiers:
            found = self.api.dossier(code)
            if found:
                self.record.final[code] = found

    # -- helpers -----------------------------------------------------------------------------
    def _code_day(self) -> date:
        # Campaign codes live on a day of their own (2001-2025), away from the portal's own counters.
        return date(2001, 1, 1) + timedelta(days=self.rng.randrange(9000))

    def plan(self, phase: str, kind: str) -> PlannedDossier:
        """A fresh dossier record as the portal pushes it, with a code of the campaign's own."""
        self.counter += 1
        agency = f"000.00.01.H{self.options.province}"
        code = f"{agency}-{self.day:%y%m%d}-{self.counter:04d}"
        procedure = pick_procedure(self.options.procedure, self.rng)
        now = datetime.fromisoformat(self.record.clock["now"]) if self.record.clock.get("now") else datetime.now()
        record = build_dossier(code, self.options.province, procedure, now, self.rng.randrange(2**31))
        planned = PlannedDossier(code, phase, kind, record)
        self.record.dossiers[code] = planned
        return planned

    def push_direct(
        self,
        planned: PlannedDossier,
        *,
        delivery_id: str | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
        tamper: bool = False,
    ) -> None:
        """Push a planned dossier as `dossier.submitted` and keep the reply."""
        planned.delivery_id = delivery_id or uuid.uuid4().hex
        planned.pushed_at = planned.pushed_at or time.time()
        status, body = self.pusher.send(
            portal_push.SUBMITTED, planned.record, planned.delivery_id, secret=secret, timestamp=timestamp, tamper=tamper
        )
        planned.replies.append({"status": status, "body": body, "at": time.time()})

    def portal_create(self, record: dict) -> None:
        """Create a dossier on the portal as the province (a desk officer's sync)."""
        base = self.options.base.rstrip("/")
        auth = self.http.post(
            base + "/dvcqg/api/auth", json={"username": self.credentials["username"], "password": self.credentials["password"]}, timeout=10
        )
        session = auth.json().get("session")
        reply = self.http.post(
            base + "/dvcqg/api/service",
            timeout=10,
            json={
                "session": session,
                "madonvi": self.credentials["madonvi"],
                "service": "DongBoHoSoMC",
                "isUpdating": "False",
                "data": [record],
            },
        ).json()
        if str(reply.get("error_code")) != "00":
            raise CampaignAborted(f"could not put {record['MaHoSo']} on the portal: {reply}")

    def status_of(self, code: str) -> int:
        """The dossier's status on the portal (0 when the portal does not have it)."""
        found = self.api.dossier(code)
        try:
            return int(found["TrangThaiHoSo"]) if found else 0
        except (KeyError, TypeError, ValueError):
            return 0

    def all_reached(self, codes: list[str], status: int) -> bool:
        """Whether every dossier is on the portal at `status` or beyond (status 10 for results)."""
        return all(self.status_of(code) >= status for code in codes)

    def settle(self) -> None:
        """Let the connector finish walking what it synced, so the next phase starts quiet."""
        pending = [
            d.code
            for d in self.record.dossiers.values()
            if d.kind not in ("forged", "tampered", "replayed") and 1 <= self.status_of(d.code) < 10
        ]
        self.wait_until(lambda: self.all_reached(pending, 10), min(10.0, self.left() / 4), poll_s=0.3)
