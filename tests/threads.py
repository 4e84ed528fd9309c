"""Work on separate database connections (threads), committed for real, outside a test's transaction.

For tests of concurrency and of servers running in other threads. Whatever the work commits, the
test must remove again (the session studios must stay as they are).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections


def in_threads(works: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run each piece of work in its own thread and connection, all released at once; results or exceptions."""
    start = threading.Barrier(len(works))
    results: list[Any] = [None] * len(works)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, work)) for i, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def in_own_connection(work: Callable[[], Any]) -> Any:
    """Run `work` on a connection of its own and return its result (or raise its exception)."""
    (result,) = in_threads([work])
    if isinstance(result, BaseException):
        raise result
    return result
