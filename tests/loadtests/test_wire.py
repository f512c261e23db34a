"""Dossier codes and push signatures, checked against independent implementations of the rules."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

from loadtests import wire


def test_codes_are_unique_across_workers_and_counters_of_a_run():
    codes = {wire.dossier_code("56", "run-a", worker, n) for worker in range(4) for n in range(0, 30000, 7)}
    assert len(codes) == 4 * len(range(0, 30000, 7))


def test_codes_follow_the_portal_format_with_a_real_date_and_the_province_agency():
    for worker, counter in [(0, 0), (31, 99_989), (7, 12_345)]:
        code = wire.dossier_code("56", "any-run", worker, counter)
        match = re.fullmatch(r"000\.00\.01\.H56-(\d{6})-(\d{4})", code)
        assert match, code
        datetime.strptime(match.group(1), "%y%m%d")  # raises if not a real date
        assert match.group(2) != "0000"


def test_push_signature_is_hmac_sha256_over_timestamp_dot_raw_body():
    raw = b'{"event":"dossier.submitted"}'
    expected = hmac.new(b"S3cret", b"1764150000." + raw, hashlib.sha256).hexdigest()
    assert wire.sign_push("S3cret", 1764150000, raw) == "sha256=" + expected
    assert wire.verify_push("S3cret", "1764150000", raw, "sha256=" + expected)
    assert not wire.verify_push("S3cret", "1764150001", raw, "sha256=" + expected)


def test_every_run_slot_and_worker_gets_its_own_block_of_real_days():
    seen = set()
    for run in (f"run-{i}" for i in range(400)):
        for worker in (0, 31):
            code = wire.dossier_code("56", run, worker, 0)
            day = datetime.strptime(code.split("-")[1], "%y%m%d")  # a real date, or this raises
            seen.add((wire.run_slot(run), worker, day))
    assert len({(slot, worker) for slot, worker, _ in seen}) == len({day for *_, day in seen})
