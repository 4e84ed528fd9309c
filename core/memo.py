"""Answers remembered in one process for about a second: the host's studio, the token's person.

Every request needs these answers and they almost never change, so asking PostgreSQL each time was
among the largest costs of a short request (docs/performance.md). Each process keeps an answer (a miss
too) for `ttl()` seconds, then asks again: a change made elsewhere — a suspension, a deactivated
account, a new domain — reaches every worker of every server within that time, with no message bus
that could fail. A change made through this process is forgotten at once (`forget_on_commit`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.db import transaction

V = TypeVar("V")


class ShortMemo(Generic[V]):
    """A per-process map of key -> (deadline, answer).

    `ttl` and `clock` are called on each use (seconds; a monotonic clock), so settings and tests can
    change them; a `ttl()` of 0 or less remembers nothing. Past `max_entries` keys (a flood of made-up
    host names, say) it starts afresh, which bounds its memory.
    """

    def __init__(self, ttl: Callable[[], float], clock: Callable[[], float], max_entries: int = 10_000) -> None:
        self._ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._answers: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The answer for `key` as of at most `ttl()` seconds ago; `load()` computes it when due."""
        now = self._clock()
        found = self._answers.get(key)
        if found is not None and found[0] > now:
            return found[1]
        answer = load()
        ttl = self._ttl()
        if ttl > 0:
            if len(self._answers) >= self._max_entries:
                self._answers.clear()
            self._answers[key] = (now + ttl, answer)
        return answer

    def __len__(self) -> int:
        return len(self._answers)

    def clear(self) -> None:
        """Forget every answer of this process now."""
        self._answers.clear()

    def forget_on_commit(self) -> None:
        """Forget every answer of this process once the current transaction commits (at once outside one)."""
        transaction.on_commit(self.clear)
