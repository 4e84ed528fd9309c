"""schemathesis fuzzes the whole studio API as owner, trainer and client of a throw-away studio.

The studio is provisioned inside the test's transaction (rolled back after), the API is called in-process
(WSGI), and every response must pass: no server error, the status documented, the content type and
the body as documented. Valid and invalid inputs are both generated (FUZZ_MODES). Bounded: a few
examples per operation and role (FUZZ_EXAMPLES), about two minutes in all on an idle machine.
The seed is printed; FUZZ_SEED=<seed> replays a run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api
from core.models import Role, User
from core.tokens import access_token_issue
from domain.clients.models import ClientTrainer
from tenants.services import studio_provision
from tests.factories.tenants import STRONG_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("FUZZ_SEED") or 20261130)  # fixed: CI replays the same run; set FUZZ_SEED to explore
MODES = [GenerationMode(mode) for mode in os.environ.get("FUZZ_MODES", "positive,negative").split(",")]
SLUG = "fuzz"


@pytest.fixture
def in_process_app() -> Iterator[WSGIHandler]:
    """Django's WSGI app in this thread, on the test's connection (as Django's test client keeps it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def throwaway(db: None, settings: Any) -> dict[str, str]:
    """A studio of its own, with an owner, a trainer and their client; a bearer header per role."""
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    connection.set_schema_to_public()
    studio = studio_provision(
        slug=SLUG, name="Fuzz Fitness", owner_email="owner@fuzz.test", owner_password=STRONG_PASSWORD
    ).studio
    with schema_context(studio.schema_name):
        owner = User.objects.get(email="owner@fuzz.test")
        trainer = User.objects.create_user(email="trainer@fuzz.test", role=Role.TRAINER, first_name="Tia")
        client = User.objects.create_user(email="client@fuzz.test", role=Role.CLIENT, first_name="Cal")
        ClientTrainer.objects.create(client=client, trainer=trainer)
        tokens = {person.role: access_token_issue(person) for person in (owner, trainer, client)}
    connection.set_tenant(studio)
    return {role: f"Bearer {token}" for role, token in tokens.items()}


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of([operation.as_strategy(generation_mode=mode) for mode in MODES]))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", [Role.OWNER, Role.TRAINER, Role.CLIENT])
def test_the_studio_api_passes_schemathesis(in_process_app, throwaway, role):
    print(f"schemathesis seed: FUZZ_SEED={SEED} (examples per operation: {EXAMPLES})")
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    schema.app = in_process_app
    headers = {"Host": f"{SLUG}.localhost", "Authorization": throwaway[role]}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/auth/logout":
            continue  # would end the session the rest of the run signs in with
        try:
            _fuzz(operation, headers)
        except Unsatisfiable:
            continue  # no invalid input exists for an operation without parameters (GET /studio)
        except Exception as exc:  # noqa: BLE001 - collect every operation's finding, then fail once
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert failures == [], f"FUZZ_SEED={SEED}\n" + "\n\n".join(failures)
