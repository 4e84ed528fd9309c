"""Real concurrency in tests: threads with their own database connections, against committed rows.

pytest-django wraps each `db` test in a transaction no other connection can see, and `transaction=True`
tests would flush the session studios. So a concurrency test (or one driving a server in another thread)
commits the rows it needs itself through another connection (`in_own_connection`: a thread, autocommit),
runs the racing calls with `in_threads` — each in its own thread and connection, on the studio's schema
when a studio is given — reads the outcome the same way, and deletes what it made afterwards. (The test
is still a `db` test: that is what makes pytest-django create the database.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection, connections

from tenants.models import Studio

T = TypeVar("T")


def in_threads(
    calls: Sequence[Callable[[], T]], *, studio: Studio | None = None, timeout: float = 60
) -> list[T | BaseException]:
    """Run every call at the same moment, each in its own thread and connection (connected before the
    start, so the race is in the calls); the results or raised exceptions, in call order."""
    barrier = threading.Barrier(len(calls))
    results: list[T | BaseException] = [RuntimeError("did not run")] * len(calls)

    def worker(index: int, call: Callable[[], T]) -> None:
        try:
            if studio is not None:
                connection.set_tenant(studio)
            connection.ensure_connection()
            barrier.wait(timeout=timeout)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - the test inspects what each racer got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def in_own_connection(*args: Any, studio: Studio | None = None) -> Any:
    """`in_own_connection(call, studio=...)`: run `call` on a fresh connection (autocommit), on the studio's
    schema when given: its writes are committed. Returns its result or raises its exception.

    The older form `in_own_connection(studio, call)` is accepted too.
    """
    if len(args) == 2:
        studio, call = args
    else:
        (call,) = args
    (result,) = in_threads([call], studio=studio)
    if isinstance(result, BaseException):
        raise result
    return result


def run_concurrently(
    studio: Studio, calls: Sequence[Callable[[], T]], *, timeout: float = 60
) -> list[T | BaseException]:
    """The older name of `in_threads(calls, studio=studio)`."""
    return in_threads(calls, studio=studio, timeout=timeout)
