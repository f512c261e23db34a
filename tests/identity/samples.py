"""Identifiers drawn at random for the identity checks: plausible citizen IDs and valid tax codes."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from tests.identity.official import MST_WEIGHTS, PRE_2025_PROVINCES


def sample_ids(n: int, seed: int, last_year: int) -> list[str]:
    """`n` well-formed citizen IDs of people born 1935..`last_year` in pre-2025 provinces (not all exist)."""
    rng = random.Random(seed)
    ids = []
    for _ in range(n):
        year = rng.randint(1935, last_year)
        digit = (year - 1900) // 100 * 2 + rng.randrange(2)
        ids.append(f"0{rng.choice(sorted(PRE_2025_PROVINCES))}{digit}{year % 100:02d}{rng.randrange(10**6):06d}")
    return ids


def ids_born_1900s(rng: random.Random, n: int, born_from: int) -> Iterator[str]:
    """`n` well-formed citizen IDs of people born `born_from`..1999 in pre-2025 provinces (not all exist)."""
    for _ in range(n):
        province = rng.choice(sorted(PRE_2025_PROVINCES))
        yield f"0{province}{rng.randrange(2)}{rng.randrange(born_from - 1900, 100)}{rng.randrange(10**6):06d}"


def weighted(head: str) -> int:
    """The weighted digit sum of a tax code's first nine digits (its check digit is 10 - sum mod 11)."""
    return sum(int(d) * w for d, w in zip(head, MST_WEIGHTS))


def random_msts(rng: random.Random, prefixes: Sequence[str], draws: int) -> Iterator[str]:
    """Valid 10-digit tax codes with random serials under `prefixes`: those of `draws` heads that have
    a check digit (a head whose sum is 0 mod 11 has none and is skipped)."""
    for _ in range(draws):
        head = f"{rng.choice(prefixes)}{rng.randrange(1, 10**7):07d}"
        total = weighted(head)
        if total % 11:
            yield f"{head}{(10 - total % 11) % 10}"
