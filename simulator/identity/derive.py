"""Deterministic randomness keyed by (seed, kind, key): the only source of chance in a population.

Every fact about a person is a pure function of the sandbox seed and an identifier, so no state is
stored and memory stays flat. A blake2b digest of `"{seed}:{kind}:{key}"` feeds either quick
draws (`unit`, `pick`) or a `random.Random` when a record needs many draws.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from hashlib import blake2b
from itertools import accumulate


def digest(seed: int, kind: str, key: str) -> bytes:
    """16 bytes of keyed hash; different `kind`s give independent streams for the same key."""
    return blake2b(f"{seed}:{kind}:{key}".encode(), digest_size=16).digest()


def unit(seed: int, kind: str, key: str) -> float:
    """A uniform float in [0, 1) derived from (seed, kind, key)."""
    return int.from_bytes(digest(seed, kind, key)[:7], "big") / 2**56


def number(seed: int, kind: str, key: str) -> int:
    """A 128-bit non-negative integer derived from (seed, kind, key); take it modulo what you need."""
    return int.from_bytes(digest(seed, kind, key), "big")


def rng(seed: int, kind: str, key: str) -> random.Random:
    """A `random.Random` seeded from (seed, kind, key) for records that need many draws."""
    return random.Random(number(seed, kind, key))


class Weighted:
    """A weighted table of values, drawn from a uniform float by bisection (no per-draw allocation)."""

    def __init__(self, pairs: Sequence[tuple[object, float]]):
        self.values = [v for v, _ in pairs]
        self.cumulative = list(accumulate(w for _, w in pairs))
        self.total = self.cumulative[-1]

    def pick(self, u: float):
        """The value whose cumulative weight band contains `u` (a float in [0, 1))."""
        return self.values[min(bisect_right(self.cumulative, u * self.total), len(self.values) - 1)]


class DecimalFeistel:
    """A keyed bijection on range(half * half), e.g. all 6-digit serials for half=1000.

    A balanced Feistel network in base `half`: invertible whatever the round function, so two
    records can name each other (spouses, a BHXH code and its ID) without storing anything.
    """

    # Round values are memoised for small halves (4 x 1000 ints for the spouse and representative
    # permutations): a citizen's derivation walks several partner links, each four rounds.
    MEMO_MAX_HALF = 1000

    def __init__(self, half: int, key: str, rounds: int = 4):
        self.half = half
        self.key = key
        self.rounds = rounds
        self._memo: dict[tuple[int, int], int] | None = {} if half <= self.MEMO_MAX_HALF else None

    def _f(self, r: int, x: int) -> int:
        memo = self._memo
        if memo is not None:
            value = memo.get((r, x))
            if value is not None:
                return value
        h = blake2b(f"{self.key}:{r}:{x}".encode(), digest_size=8).digest()
        value = int.from_bytes(h, "big") % self.half
        if memo is not None:
            memo[(r, x)] = value
        return value

    def forward(self, x: int) -> int:
        """Map x to its image."""
        left, right = divmod(x, self.half)
        for r in range(self.rounds):
            left, right = right, (left + self._f(r, right)) % self.half
        return left * self.half + right

    def inverse(self, y: int) -> int:
        """Map an image back to x."""
        left, right = divmod(y, self.half)
        for r in reversed(range(self.rounds)):
            left, right = (right - self._f(r, left)) % self.half, left
        return left * self.half + right
