"""Benchmark of population lookups: median/p99 per lookup and RSS before/after N distinct lookups.

Usage: python bench/identity_bench.py --n 1000000 [--seed 20250701]

Each of citizen(), insurance() and enterprise() is called with N distinct identifiers generated
on the fly (not stored), so a flat RSS shows the population keeps no per-identifier state.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from array import array
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.identity.population import Population
from simulator.identity.rules import tax_check_digit
from simulator.provinces import all_provinces, old_provinces


def citizen_ids(n: int, seed: int):
    """Distinct 12-digit IDs from a counter, spread over provinces, sexes and years 1900-2099."""
    olds = sorted(old_provinces())
    rng = random.Random(seed)
    offset = rng.randrange(10**6)
    for i in range(n):
        serial = (offset + i * 7919) % 10**6  # 7919 is prime to 10^6: distinct serials per block
        block = i // 10**6
        yield f"0{olds[(i + block) % len(olds)]}{(i // 7) % 4}{(i // 3 + block) % 100:02d}{serial:06d}"


def _valid_ids(n: int, seed: int):
    """Distinct IDs valid today (century digits 2/3 only with years up to 2019)."""
    for id12 in citizen_ids(n * 2, seed):
        if id12[3] in "23" and int(id12[4:6]) > 19:
            continue
        yield id12


def msdns(n: int):
    """N distinct enterprise codes with a valid check digit over the 34 provinces."""
    prefixes = [p.code for p in all_provinces()]
    produced, i = 0, 0
    while produced < n:
        head = f"{prefixes[i % len(prefixes)]}{(i // len(prefixes)) % 10**7:07d}"
        i += 1
        check = tax_check_digit(head)
        if check is None or head[2:] == "0000000":
            continue
        produced += 1
        yield f"{head}{check}"


def run(label: str, lookup, identifiers, n: int) -> None:
    """Time each lookup; print median, p99 and RSS before/after."""
    times = array("d", bytes(8 * n))  # preallocated so it does not count as growth
    proc = psutil.Process()
    rss_before = proc.memory_info().rss
    found = 0
    for k, identifier in enumerate(identifiers):
        if k >= n:
            break
        start = time.perf_counter()
        found += lookup(identifier) is not None
        times[k] = time.perf_counter() - start
    rss_after = proc.memory_info().rss
    ordered = sorted(times)
    print(
        f"{label:<12} n={n:>9,} found={found:>9,} median={ordered[n // 2] * 1e6:7.1f} µs "
        f"p99={ordered[int(n * 0.99)] * 1e6:7.1f} µs  RSS {rss_before / 2**20:6.1f} → {rss_after / 2**20:6.1f} MiB",
        flush=True,
    )


def main() -> None:
    """Parse arguments and run the three benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="distinct lookups per kind (default 100000)")
    parser.add_argument("--seed", type=int, default=20250701, help="population seed")
    args = parser.parse_args()
    population = Population(seed=args.seed)
    run("citizen()", population.citizen, _valid_ids(args.n, 1), args.n)
    run("insurance()", population.insurance, _valid_ids(args.n, 2), args.n)
    run("enterprise()", population.enterprise, msdns(args.n), args.n)


if __name__ == "__main__":
    main()
