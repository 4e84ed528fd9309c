"""The platform as deployed: gunicorn workers in production settings, and behind a real PgBouncer.

Each worker keeps its own host cache, so a suspension must reach every worker within the cache's
second. Behind PgBouncer (session mode, as docs/performance.md recommends) many concurrent requests
for several studios must each be answered from their own studio's schema.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django_tenants.utils import schema_context

from core.models import User
from core.tokens import access_token_issue
from tenants.models import Domain, Studio
from tests.concurrency import in_own_connection
from tests.conftest import host_of
from tests.servers import database_url, get, gunicorn, pgbouncer

pytestmark = [pytest.mark.slow, pytest.mark.real_clock]  # the servers run on the machine's clock

ME = "/api/v1/auth/me"


def owner_token(studio: Studio) -> str:
    with schema_context(studio.schema_name):
        return access_token_issue(User.objects.get(email=f"owner@{studio.slug}.test"))


def test_a_suspension_and_a_new_domain_reach_every_worker_within_a_second(studio):
    host = host_of(studio)

    def set_status(status: str) -> None:
        in_own_connection(studio, lambda: Studio.objects.filter(pk=studio.pk).update(status=status))

    def set_alias(present: bool) -> None:
        def change() -> None:
            if present:
                Domain.objects.create(domain="alpha-alias.localhost", tenant_id=studio.pk, is_primary=False)
            else:
                Domain.objects.filter(domain="alpha-alias.localhost").delete()

        in_own_connection(studio, change)

    with gunicorn(workers=3, ROUTING_CACHE_SECONDS="1") as base, ThreadPoolExecutor(6) as pool:

        def burst(path: str, on: str) -> list[tuple[float, int]]:
            """Six requests at once (spread over the workers): (when each was sent, its status)."""

            def one(_: int) -> tuple[float, int]:
                sent = time.monotonic()
                return sent, get(base, path, host=on)[0]

            return list(pool.map(one, range(6)))

        for _ in range(5):  # every worker has the studio (and the unknown alias) in its cache
            assert {status for _, status in burst(ME, host)} == {401}
            assert {status for _, status in burst("/healthz", "alpha-alias.localhost")} == {404}
        try:
            set_status(Studio.Status.SUSPENDED)
            set_alias(True)
            changed = time.monotonic()
            answers: list[tuple[float, int]] = []
            aliases: list[tuple[float, int]] = []
            while time.monotonic() < changed + 2.5:
                answers += burst(ME, host)
                aliases += burst("/healthz", "alpha-alias.localhost")
        finally:
            set_status(Studio.Status.ACTIVE)
            set_alias(False)
    # Anything sent more than the cache's second after the change sees it, on every worker.
    late = [status for sent, status in answers if sent > changed + 1.05]
    assert late
    assert set(late) == {403}
    assert {status for sent, status in aliases if sent > changed + 1.05} == {200}


def test_behind_pgbouncer_every_answer_comes_from_its_own_studio(studio, other_studio):
    studios = [studio, other_studio]
    tokens = {s.slug: owner_token(s) for s in studios}
    with (
        pgbouncer(pool_mode="session") as port,
        gunicorn(
            db_url=database_url(host="127.0.0.1", port=port), workers=2, threads=4, API_RATE_LIMIT_PER_MINUTE="100000"
        ) as base,
        ThreadPoolExecutor(16) as pool,
    ):

        def ask(n: int) -> tuple[str, int, str]:
            asked = studios[n % len(studios)]
            status, body = get(base, ME, host=host_of(asked), headers={"Authorization": f"Bearer {tokens[asked.slug]}"})
            return asked.slug, status, json.loads(body).get("email", "") if status == 200 else body.decode()[:200]

        results = list(pool.map(ask, range(240)))
    wrong = [(slug, status, email) for slug, status, email in results if (status, email) != (200, f"owner@{slug}.test")]
    assert wrong == []
