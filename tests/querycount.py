"""Counting the queries a piece of code makes, leaving out django-tenants' `SET search_path` calls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


class Queries:
    def __init__(self, context: CaptureQueriesContext) -> None:
        self._context = context

    @property
    def sql(self) -> list[str]:
        return [q["sql"] for q in self._context.captured_queries if not q["sql"].startswith("SET search_path")]

    def __len__(self) -> int:
        return len(self.sql)


@contextmanager
def count_queries() -> Iterator[Queries]:
    with CaptureQueriesContext(connection) as context:
        yield Queries(context)


def queries_of_get(client, url: str) -> int:
    """How many queries a successful GET of `url` makes."""
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)
