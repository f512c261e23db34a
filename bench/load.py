"""The load side of `make bench`: wrk runs on the load core, the clients' credentials, the Lua scripts.

Every server gets the same requests: the gateway lookup as provincial gateways send it (a Bearer
token, the citizen cycling over 2,000 IDs), the portal's `TraCuuHoSo` with a session, and
`DongBoHoSoMC` syncing a new dossier per request.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path

import requests

from bench import servers
from loadtests import wire
from simulator.clients import by_province
from simulator.identity import Population

ADMIN = "bench-admin-token"
SEED = 20250701
LOOKUP_PATH = "/ngsp/population/lookup"
PORTAL_PATH = "/dvcqg/api/service"


def wrk(
    pin: servers.Pinning,
    url: str,
    connections: int,
    duration: int,
    script: Path | None,
    timeout: int,
    threads: int = 1,
    extra: list[str] | None = None,
) -> dict:
    """One wrk run on the load core; its figures parsed (latencies in ms), its output under "raw"."""
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", f"{timeout}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if extra:
        cmd += ["--", *extra]
    out = subprocess.run(pin.load(cmd), capture_output=True, text=True, timeout=duration + 180).stdout
    lat = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": lat.get("50"),
        "p99_ms": lat.get("99"),
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "raw": out,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def valid_ids(count: int, offset: int = 0) -> list[str]:
    """`count` distinct valid IDs that have a citizen record, from a fixed walk over the ID space."""
    pop = Population(SEED)
    ids, seen, n = [], set(), offset
    while len(ids) < count:
        candidate = f"0{(n % 90) + 1:02d}{n % 2}{(n * 7) % 100:02d}{(n * 7919) % 10**6:06d}"
        n += 1
        if candidate in seen:
            continue
        seen.add(candidate)
        try:
            if pop.citizen(candidate) is not None:
                ids.append(candidate)
        except Exception:  # invalid by the rules: skip
            continue
    return ids


def lookup_body(n: int | str, citizen: str) -> str:
    """The population lookup request as provincial gateways send it."""
    return json.dumps(
        {"MaYeuCau": f"BENCH-{n}", "MaDVC": "000.00.00.H56", "MaTichHop": "bench", "MaCanBo": "bench", "SoDinhDanh": citizen},
        separators=(",", ":"),
    )


def gateway_token(base: str) -> str:
    """A gateway bearer token for province 56 (OAuth2 client credentials, HTTP Basic)."""
    c = by_province(SEED, "56")
    auth = base64.b64encode(f"{c.gateway_key}:{c.gateway_secret}".encode()).decode()
    return requests.post(base + "/ngsp/token", headers={"Authorization": "Basic " + auth}, timeout=5).json()["access_token"]


def portal_session(base: str) -> tuple[str, str]:
    """(session, madonvi) of province 56's connector, logged in."""
    c = by_province(SEED, "56")
    session = requests.post(base + "/dvcqg/api/auth", json={"username": c.username, "password": c.password}, timeout=10).json()
    return session["session"], c.madonvi


def lookup_script(token: str, path: Path, ids: list[str]) -> Path:
    """A wrk Lua script POSTing lookups of the given citizen IDs in turn (the same for all three servers)."""
    lua = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        f'wrk.headers["Authorization"] = "Bearer {token}"',
        "local ids = {" + ",".join(f'"{i}"' for i in ids) + "}",
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        "  local id = ids[(n % #ids) + 1]",
        '  return wrk.format(nil, nil, nil, \'{"MaYeuCau":"BENCH-\' .. n .. \'","MaDVC":"000.00.00.H56",\'',
        '    .. \'"MaTichHop":"bench","MaCanBo":"bench","SoDinhDanh":"\' .. id .. \'"}\')',
        "end",
    ]
    path.write_text("\n".join(lua), encoding="utf-8")
    return path


def portal_prelude(base: str) -> str:
    """wrk Lua lines calling the portal's TraCuuHoSo (the cheapest simulated operation) with a session."""
    session, madonvi = portal_session(base)
    body = json.dumps({"session": session, "madonvi": madonvi, "service": "TraCuuHoSo", "mahoso": "000.00.01.H56-261126-0001"})
    return "\n".join(['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"', f"wrk.body = '{body}'"])


def sync_script(base: str, path: Path, run_id: str, worker: int) -> Path:
    """A wrk Lua script syncing a new dossier per request (`DongBoHoSoMC`, isUpdating False): a write each."""
    session, madonvi = portal_session(base)
    days = [wire.dossier_code("56", run_id, worker, k * wire.PER_DAY)[:-5] for k in range(wire.DAYS_PER_WORKER)]
    sample = wire.dossier_payload("CODE")
    body = json.dumps(
        {"session": session, "madonvi": madonvi, "service": "DongBoHoSoMC", "isUpdating": "False", "data": [sample]}, ensure_ascii=False
    )
    head, tail = body.split('"CODE"', 1)
    lua = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        "local days = {" + ",".join(f'"{d}"' for d in days) + "}",
        f"local per_day = {wire.PER_DAY}",
        "local head, tail = " + _lua_str(head) + ", " + _lua_str(tail),
        "local n = 0",
        "request = function()",
        "  local day = days[math.floor(n / per_day) + 1]",
        '  local code = string.format("%s-%04d", day, n % per_day + 1)',
        "  n = n + 1",
        "  return wrk.format(nil, nil, nil, head .. '\"' .. code .. '\"' .. tail)",
        "end",
    ]
    path.write_text("\n".join(lua), encoding="utf-8")
    return path


def _lua_str(text: str) -> str:
    return "[==[" + text + "]==]"
