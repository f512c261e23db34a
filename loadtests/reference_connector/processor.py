"""The connector's work, done behind the acknowledgement: sync each pushed dossier, then walk it.

Delivery → (population lookup) → TraCuuHoSo → DongBoHoSoMC create or update → progress
2 → 4 → 9 → 10 spread over `walk_seconds`, reported in batches of CapNhatTienDoHoSoMC every
`batch_interval` seconds (the portal takes up to 500 entries per call: batching is what
keeps a busy province under the portal's rate limits).

Deliveries are durable (the inbox); the progress walk is not: it plays the province's
officers, and after a restart the dossiers it was walking simply stay where they were.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass

import gevent
import gevent.queue

from loadtests import wire
from loadtests.reference_connector.inbox import Inbox
from loadtests.reference_connector.portal import GatewayClient, PortalClient, PortalUnavailableError
from simulator.systems.payment import signing

log = logging.getLogger("reference_connector")

MAX_BATCH = 500  # the portal's cap on entries per CapNhatTienDoHoSoMC call
WALK = ("4", "9", "10")
# The payment platform (message version 1.0.6, every LoaiBanTin on one endpoint) and the population
# database's citizen look-up, both through the NGSP gateway.
PAYMENT_PATH = "/ngsp/payment/messages"
POPULATION_PATH = "/ngsp/population/TraCuuThongTinCongDan"


@dataclass
class WalkSettings:
    """How the connector plays the province's officers: total walk time and batch cadence."""

    walk_seconds: float = 3.0
    batch_interval: float = 0.5
    workers: int = 8


class Processor:
    """A queue of deliveries worked by a few greenlets, and a progress reporter flushing batches."""

    def __init__(self, portal: PortalClient, gateway: GatewayClient | None, inbox: Inbox, settings: WalkSettings):
        self.portal, self.gateway, self.inbox, self.settings = portal, gateway, inbox, settings
        self.queue: gevent.queue.Queue = gevent.queue.Queue()
        self.stats: Counter = Counter()
        self._due: list[tuple[float, int, dict]] = []  # heap of (due time, tiebreak, progress entry)
        self._seq = itertools.count()
        self._greenlets: list[gevent.Greenlet] = []
        portal.on_retry = self._count_retry

    def _count_retry(self, reason: str) -> None:
        self.stats["retries"] += 1
        log.info("retrying: %s", reason)

    def start(self) -> None:
        """Start the workers and the progress reporter; re-queue deliveries left from a previous run."""
        for delivery in self.inbox.pending():
            self.queue.put(delivery)
        self._greenlets = [gevent.spawn(self._work) for _ in range(self.settings.workers)]
        self._greenlets.append(gevent.spawn(self._report_progress))

    def stop(self) -> None:
        """Stop every greenlet (queued deliveries stay in the inbox for the next start)."""
        gevent.killall(self._greenlets)

    def submit(self, delivery_id: str, event: str, body: str) -> None:
        """Queue an accepted delivery for processing."""
        self.queue.put((delivery_id, event, body))

    def snapshot(self) -> dict:
        """Counters for /stats, with the current queue depth and progress backlog."""
        return {**self.stats, "queued": self.queue.qsize(), "progress_pending": len(self._due)}

    def _work(self) -> None:
        while True:
            delivery_id, event, body = self.queue.get()
            try:
                ok = self.handle(event, json.loads(body))
            except PortalUnavailableError as err:
                log.warning("delivery %s failed: %s", delivery_id, err)
                ok = False
            except Exception:  # noqa: BLE001 - one bad delivery must never stop the worker
                log.exception("delivery %s crashed", delivery_id)
                ok = False
            if not ok:
                self.stats["failed"] += 1
            elif event == "dossier.submitted":
                self.stats["synced"] += 1
            self.inbox.finish(delivery_id, "done" if ok else "failed")

    def handle(self, event: str, push: dict) -> bool:
        """Process one push; True when done. Events other than dossier.submitted are acknowledged only."""
        if event != "dossier.submitted":
            log.info("event %s acknowledged (nothing to do in the reference connector)", event)
            return True
        # The portal's default body style is flat (the dossier's fields at the top, as OpenCPS'
        # /nps/createdossierfromdvcqg reads them); a connector registered as nested gets `data`.
        dossier = dict(push["data"] if isinstance(push.get("data"), dict) else push)
        if not dossier.get("MaHoSo"):
            log.warning("dossier.submitted without MaHoSo; dropped")
            return False
        self._link_applicant(dossier)
        self._enrich_from_population(dossier)
        if not self.sync(dossier):
            return False
        self._pay_fees(dossier)
        self._schedule_walk(dossier["MaHoSo"])
        return True

    def _pay_fees(self, dossier: dict) -> None:
        """Start the online payment of the dossier's fees (INIT on the payment platform, signed with MaXacThuc)."""

        fees = [f for f in dossier.get("DanhSachLePhi") or [] if float(f.get("Gia") or 0) > 0]
        total = sum(int(float(f["Gia"])) for f in fees)
        if not self.gateway or total <= 0:
            return
        payer = next((d.get("SoDinhDanh") for d in dossier.get("DinhDanhCHS") or [] if d.get("LoaiDinhDanh") == "1"), "")
        description = f"Nộp phí, lệ phí hồ sơ {dossier['MaHoSo']}"
        receipt = {
            "MaDichVu": "2",
            "MaHoSo": dossier["MaHoSo"],
            "MaTTHC": dossier.get("MaTTHC", ""),
            "NoiDungThanhToan": description,
            "HoTenNguoiNop": dossier.get("ChuHoSo", ""),
            "SoCMNDNguoiNop": payer,
            "PhiLePhi": [
                {
                    "LoaiPhiLePhi": "2",
                    "TenPhiLePhi": f.get("TenPhiLePhi") or "Lệ phí",
                    "MaPhiLePhi": f.get("MaPhiLePhi", ""),
                    "SoTien": str(int(float(f["Gia"]))),
                }
                for f in fees
            ],
            "DSKhoanNop": [{"NoiDung": description, "SoTien": str(total)}],
        }
        # One payment per dossier (retries reuse the reference); clients send the amount as a string.
        message = signing.init_message(
            self.portal.madonvi,
            f"TT-{dossier['MaHoSo']}",
            str(total),
            description=description,
            at=wire.portal_now(),
            receipt=receipt,
            ip="127.0.0.1",
        )
        message = self.sign_payment(message)
        reply = self.gateway.request("POST", PAYMENT_PATH, json=message)
        if reply is not None and reply.get("MaLoi") == "00":
            self.stats["payments"] += 1

    def sign_payment(self, message: dict) -> dict:
        """The message with its MaXacThuc, signed with the gateway secret (payment platform 1.0.6)."""
        return signing.signed(message, self.gateway.secret)

    def _link_applicant(self, dossier: dict) -> None:
        """Find the applicant's portal account as OpenCPS does: TraCuuTechID by MaSoThue (ID or tax code)."""
        number = dossier.get("MaSoThue") or dossier.get("SoGiayToChuHoSo")
        if not number:
            return
        reply = self.portal.call("TraCuuTechID", provider="wso2is", mstorcmnd=number)
        accounts = reply.get("result") if str(reply.get("error_code")) in ("0", "00") else None
        if accounts:
            dossier["MaDoiTuong"] = accounts[0].get("TECHNICALID") or dossier.get("MaDoiTuong", "")
            self.stats["accounts_linked"] += 1

    def _enrich_from_population(self, dossier: dict) -> None:
        """Fill the applicant's name from the population database when the gateway exists."""
        ids = [d.get("SoDinhDanh") for d in dossier.get("DinhDanhCHS") or [] if d.get("LoaiDinhDanh") == "1"]
        if not self.gateway or not ids:
            return
        record = self.gateway.request(
            "POST",
            POPULATION_PATH,
            # The LGSP's JSON face of TraCuuThongTinCongDan (docs/contract.md, population): camelCase fields,
            # reply Envelope.Body.CongdanCollection.CongDan.
            json={"maYeuCau": f"RC-{dossier['MaHoSo']}", "maDVC": self.portal.madonvi, "maCanBo": "connector", "soDinhDanh": ids[0]},
        )
        body = ((record or {}).get("Envelope") or {}).get("Body") or {}
        citizen = (body.get("CongdanCollection") or {}).get("CongDan") or {}
        name = citizen.get("HoVaTen") if isinstance(citizen, dict) else None
        if isinstance(name, dict) and not dossier.get("ChuHoSo"):
            dossier["ChuHoSo"] = " ".join(p for p in (name.get("Ho"), name.get("ChuDem"), name.get("Ten")) if p)
        if record is not None:
            self.stats["population_lookups"] += 1

    def sync(self, dossier: dict) -> bool:
        """Look up, then create or update; "đã tồn tại" retries as an update, "-4" on update as a create."""
        code = dossier["MaHoSo"]
        found = self.portal.call("TraCuuHoSo", mahoso=code)
        updating = bool(found.get("result"))
        # The province has accepted the dossier: status 2, received now.
        accepted = {**dossier, "TrangThaiHoSo": "2", "NgayTiepNhan": wire.portal_now()}
        for _ in range(2):
            reply = self.portal.call("DongBoHoSoMC", isUpdating=str(updating), data=[accepted])
            code_ = str(reply.get("error_code"))
            if code_ == "00":
                return True
            message = str(reply.get("message", ""))
            if code_ in ("3", "-3") and "đã tồn tại" in message and not updating:
                updating = True  # created meanwhile (or our earlier attempt landed): update instead
                continue
            if code_ == "-4" and updating:
                updating = False
                continue
            log.warning("sync %s refused: %s %s", code, code_, message[:200])
            return False
        return False

    def _schedule_walk(self, code: str) -> None:
        step = self.settings.walk_seconds / len(WALK)
        now = time.monotonic()
        for i, status in enumerate(WALK, start=1):
            heapq.heappush(self._due, (now + i * step, next(self._seq), wire.progress_entry(code, status)))

    def _report_progress(self) -> None:
        while True:
            gevent.sleep(self.settings.batch_interval)
            batch = []
            while self._due and self._due[0][0] <= time.monotonic() and len(batch) < MAX_BATCH:
                batch.append(heapq.heappop(self._due)[2])
            if batch:
                try:
                    self._send_progress(batch)
                except PortalUnavailableError as err:
                    log.warning("progress batch of %d lost: %s", len(batch), err)
                    self.stats["progress_failed"] += len(batch)

    def _send_progress(self, batch: list[dict]) -> None:
        for entry in batch:
            entry["ThoiDiemXuLy"] = wire.portal_now()
        reply = self.portal.call("CapNhatTienDoHoSoMC", data=batch)
        self.stats["progress_batches"] += 1
        outcomes = reply.get("result") or [{"error_code": reply.get("error_code")}] * len(batch)
        for entry, outcome in zip(batch, outcomes):
            if str(outcome.get("error_code")) == "00" or self._already_applied(entry, outcome):
                self.stats["progress_reported"] += 1
                if entry["TrangThai"] == WALK[-1]:
                    self.stats["finished"] += 1
            else:
                self.stats["progress_failed"] += 1
                log.warning("progress %s → %s refused: %s", entry["MaHoSo"], entry["TrangThai"], outcome)

    def _already_applied(self, entry: dict, outcome: dict) -> bool:
        """A "-5" after a retried batch may just mean the step landed the first time: check the portal."""
        if str(outcome.get("error_code")) != "-5":
            return False
        found = self.portal.call("TraCuuHoSo", mahoso=entry["MaHoSo"]).get("result") or []
        return bool(found) and str(found[0].get("TrangThaiHoSo")) == entry["TrangThai"]
