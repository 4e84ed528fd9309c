"""Real concurrency in tests: threads with their own database connections, against committed rows.

pytest-django wraps each `db` test in a transaction no other connection can see, and `transaction=True`
tests would flush the session studios. So a concurrency test commits the rows it needs itself through
another connection (`in_own_connection`: a thread, autocommit), runs the racing calls in threads — each
with its own connection, put on the studio's schema — reads the outcome the same way, and deletes what it
made afterwards. (The test is still a `db` test: that is what makes pytest-django create the database.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection

from tenants.models import Studio

T = TypeVar("T")


def run_concurrently(studio: Studio, calls: Sequence[Callable[[], T]], *, timeout: float = 60) -> list[T | Exception]:
    """Run every call at the same moment, each in its own thread and connection; results in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[T | Exception] = [RuntimeError("did not run")] * len(calls)

    def worker(index: int, call: Callable[[], T]) -> None:
        try:
            connection.set_tenant(studio)
            connection.ensure_connection()  # connect before the barrier, so the race is in the calls
            barrier.wait(timeout=timeout)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each racer got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def in_own_connection(studio: Studio, call: Callable[[], T]) -> T:
    """Run `call` on a fresh connection (autocommit) on the studio's schema: its writes are committed."""
    (result,) = run_concurrently(studio, [call])
    if isinstance(result, Exception):
        raise result
    return result
