"""Parallel requests for one unique value: one wins, every other gets the 409 a sequential duplicate gets.

Real parallel connections (threads), committed rows; what the requests made is removed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django_tenants.utils import schema_context

from core.api.integrity import integrity_error_as_application_error
from core.models import AuditEvent, User
from core.tokens import access_token_issue
from tenants.models import Studio
from tests.concurrency import in_own_connection, in_threads
from tests.conftest import host_of
from tests.factories.tenants import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

ADDRESS = "race-sam@example.test"


def _cleanup(studio: Studio) -> None:
    with schema_context(studio.schema_name):
        people = User.objects.filter(email__iexact=ADDRESS)
        AuditEvent.objects.filter(actor_id__in=people.values("pk")).delete()
        AuditEvent.objects.filter(target_id__in=[str(pk) for pk in people.values_list("pk", flat=True)]).delete()
        people.delete()
    Studio.objects.filter(pk=studio.pk).update(allow_client_signup=False)


@pytest.fixture
def committed(studio: Studio, django_db_blocker) -> Iterator[Studio]:
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        in_own_connection(lambda: Studio.objects.filter(pk=studio.pk).update(allow_client_signup=True))
        try:
            yield studio
        finally:
            in_own_connection(lambda: _cleanup(studio))


def _outcomes(responses: list) -> tuple[list[int], set[str]]:
    for response in responses:
        assert not isinstance(response, BaseException), response
    statuses = sorted(r.status_code for r in responses)
    codes = {r.json()["code"] for r in responses if r.status_code != 201}
    return statuses, codes


def _accounts(studio: Studio) -> int:
    with schema_context(studio.schema_name):
        return User.objects.filter(email__iexact=ADDRESS).count()


def test_twenty_parallel_sign_ups_with_one_address_make_one_account(committed):
    studio = committed
    addresses = [ADDRESS] * 19 + [ADDRESS.upper().replace("EXAMPLE.TEST", "Example.Test")]

    def register(address: str):
        body = {"email": address, "password": STRONG_PASSWORD, "first_name": "Sam"}
        return Client(HTTP_HOST=host_of(studio)).post("/api/v1/auth/register", body, content_type="application/json")

    statuses, codes = _outcomes(in_threads([lambda a=a: register(a) for a in addresses]))
    assert statuses == [201] + [409] * 19
    assert codes == {"email_taken"}
    assert in_own_connection(lambda: _accounts(studio)) == 1


def test_twelve_parallel_staff_creates_with_one_address_make_one_client(committed):
    studio = committed

    def token() -> str:
        with schema_context(studio.schema_name):
            return access_token_issue(User.objects.get(email=f"owner@{studio.slug}.test"))

    bearer = in_own_connection(token)

    def create():
        return Client(HTTP_HOST=host_of(studio), HTTP_AUTHORIZATION=f"Bearer {bearer}").post(
            "/api/v1/clients", {"email": ADDRESS, "first_name": "Sam"}, content_type="application/json"
        )

    statuses, codes = _outcomes(in_threads([create] * 12))
    assert statuses == [201] + [409] * 11
    assert codes == {"email_taken"}
    assert in_own_connection(lambda: _accounts(studio)) == 1


@pytest.mark.parametrize("duplicate", ["dup@alpha.test", "DUP@Alpha.test"])
def test_a_unique_violation_maps_to_409_with_the_fields_code(tenant, duplicate):
    User.objects.create_user(email="dup@alpha.test", role="client")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        User.objects.create(email=duplicate, role="client")  # past the service's check, as a racer is
    error = integrity_error_as_application_error(caught.value)
    assert (error.status_code, error.code, list(error.extra["fields"])) == (409, "email_taken", ["email"])
