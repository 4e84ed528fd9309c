"""Answers remembered in one process for about a second: the host's studio, the token's person, a
studio's policies.

Every request needs these answers and they almost never change, so asking PostgreSQL each time was
among the largest costs of a short request (docs/performance.md). Each process keeps an answer (a miss
too) for `ttl()` seconds, then asks again: a change made elsewhere — a suspension, a deactivated
account, a new domain — reaches every worker of every server within that time, with no message bus
that could fail. A change made through this process is forgotten at once (`forget_on_commit`).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models.signals import post_delete, post_save

V = TypeVar("V")
M = TypeVar("M", bound=models.Model)


def clock() -> float:
    """Seconds on a monotonic clock (a seam so tests can hold a memo's time still)."""
    return time.monotonic()


def _now() -> float:
    return clock()  # looked up on each call, so a test's replacement of `clock` is seen


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


class RowMemo(Generic[M]):
    """Rows of `model` remembered by key as their column values (a `ShortMemo`): the host's studio, the
    token's person, a studio's policy. Each `get` builds a new instance, so a caller that edits it (a view
    editing `request.user`, a list column edited in place) never edits what the next caller sees. With
    `forget_on_save`, saving or deleting any row of `model` in this process forgets them all at commit.
    """

    def __init__(
        self,
        model: type[M],
        ttl: Callable[[], float],
        *,
        clock: Callable[[], float] | None = None,
        forget_on_save: bool,
    ) -> None:
        self._model = model
        self.fields = [field.attname for field in model._meta.concrete_fields]  # what a loader reads, in order
        self._memo: ShortMemo[tuple[Any, ...] | None] = ShortMemo(ttl=ttl, clock=clock or _now)
        if forget_on_save:
            post_save.connect(self._forget, sender=model, weak=False)
            post_delete.connect(self._forget, sender=model, weak=False)

    def get(self, key: Hashable, load: Callable[[], tuple[Any, ...] | None]) -> M | None:
        """The row at `key` as `load()` last read it (`values_list(*self.fields)` of one row), or None."""
        values = self._memo.get(key, load)
        if values is None:
            return None
        fresh = tuple(copy.deepcopy(value) if isinstance(value, list | dict) else value for value in values)
        return self._model.from_db(DEFAULT_DB_ALIAS, self.fields, fresh)

    def __len__(self) -> int:
        return len(self._memo)

    def clear(self) -> None:
        """Forget every row of this process now."""
        self._memo.clear()

    def forget_on_commit(self) -> None:
        """Forget every row of this process once the current transaction commits."""
        self._memo.forget_on_commit()

    def _forget(self, **_signal: Any) -> None:
        self._memo.forget_on_commit()


def schema_key() -> str:
    """The current studio's schema: the key of a per-studio singleton row (a policy) in a `RowMemo`."""
    return getattr(connection, "schema_name", "public")
