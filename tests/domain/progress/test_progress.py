"""Check-ins: values typed in the client's units, stored metric, checked against plausible ranges."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from core.exceptions import ValidationError
from core.studio_time import studio_today
from domain.clients.models import ClientProfile, UnitSystem
from domain.progress.models import Measurement, MetricType, PerformanceMetric, ProgressEntry
from domain.progress.services import (
    MetricTypeData,
    ProgressEntryData,
    ValueData,
    metric_type_create,
    progress_entry_record,
)
from tests.factories.core import ClientFactory

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant


def _values(model) -> dict[str, Decimal]:
    return dict(model.objects.values_list("type__slug", "value"))


def test_values_typed_in_imperial_are_stored_metric(client_user):
    progress_entry_record(
        actor=client_user,
        client_id=client_user.pk,
        data=ProgressEntryData(
            unit_system="imperial",
            measurements=[
                ValueData(type="body_weight", value=Decimal(180)),
                ValueData(type="waist", value=Decimal(34)),
            ],
            metrics=[ValueData(type="run_5k", value=Decimal(1421)), ValueData(type="max_pull_ups", value=Decimal(12))],
        ),
    )
    assert _values(Measurement) == {"body_weight": Decimal("81.65"), "waist": Decimal("86.36")}
    assert _values(PerformanceMetric) == {"run_5k": Decimal(1421), "max_pull_ups": Decimal(12)}


def test_recording_a_type_again_the_same_day_replaces_it(client_user):
    for weight in ("82.4", "82.1"):
        progress_entry_record(
            actor=client_user,
            client_id=client_user.pk,
            data=ProgressEntryData(measurements=[ValueData(type="body_weight", value=Decimal(weight))]),
        )
    assert ProgressEntry.objects.count() == 1
    assert _values(Measurement) == {"body_weight": Decimal("82.10")}


def test_implausible_values_and_unknown_types_are_refused_with_the_range_in_the_clients_units(client_user):
    data = ProgressEntryData(
        unit_system="imperial",
        recorded_on=studio_today() + timedelta(days=1),
        measurements=[
            ValueData(type="body_weight", value=Decimal(1000)),  # 453.6 kg: above 400 kg
            ValueData(type="run_5k", value=Decimal(1500)),  # a performance metric, not a measurement
        ],
    )
    with pytest.raises(ValidationError) as caught:
        progress_entry_record(actor=client_user, client_id=client_user.pk, data=data)
    fields = caught.value.extra["fields"]
    assert set(fields) == {"recorded_on", "measurements.0.value", "measurements.1.type"}
    assert fields["measurements.0.value"] == "Enter a value from 44.1 lb to 881.8 lb."
    assert not ProgressEntry.objects.exists()


def test_a_studio_defines_its_own_types(client_user, trainer):
    grip = metric_type_create(
        actor=trainer,
        data=MetricTypeData(
            name="Grip strength", category="performance", dimension="mass", minimum=Decimal(5), maximum=Decimal(150)
        ),
    )
    sleep = metric_type_create(
        actor=trainer,
        data=MetricTypeData(
            name="Sleep",
            category="measurement",
            dimension="other",
            custom_unit="h",
            minimum=Decimal(0),
            maximum=Decimal(24),
        ),
    )
    progress_entry_record(
        actor=client_user,
        client_id=client_user.pk,
        data=ProgressEntryData(
            measurements=[ValueData(type=sleep.slug, value=Decimal("7.5"))],
            metrics=[ValueData(type=grip.slug, value=Decimal(48))],
        ),
    )
    assert (grip.slug, sleep.slug, sleep.metric_unit) == ("custom-grip-strength", "custom-sleep", "h")
    assert _values(Measurement) == {"custom-sleep": Decimal("7.50")}


def test_clients_cannot_define_types(client_user):
    from core.exceptions import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        metric_type_create(
            actor=client_user,
            data=MetricTypeData(name="Mine", category="measurement", dimension="count", minimum=0, maximum=10),
        )
    assert not MetricType.objects.filter(is_builtin=False).exists()


def test_the_api_shows_values_in_the_clients_units_to_the_client(api_client, client_user):
    ClientProfile.objects.filter(user=client_user).update(unit_preference=UnitSystem.IMPERIAL)
    body = {"unit_system": "imperial", "measurements": [{"type": "body_weight", "value": "180"}]}
    response = api_client(client_user).post(
        f"/api/v1/clients/{client_user.pk}/progress", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    (weight,) = response.json()["measurements"]
    assert (weight["value"], weight["unit"], weight["display"]) == ("81.65", "kg", "180 lb")
    series = api_client(client_user).get(f"/api/v1/clients/{client_user.pk}/measurements?type=body_weight").json()
    assert [(p["recorded_on"], p["display"]) for p in series["items"]] == [(str(studio_today()), "180 lb")]


def test_an_invalid_check_in_through_the_api_writes_nothing(api_client, client_user):
    body = {"measurements": [{"type": "body_weight", "value": "5"}]}
    response = api_client(client_user).post(
        f"/api/v1/clients/{client_user.pk}/progress", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "progress_invalid"
    assert not ProgressEntry.objects.exists()


def test_progress_of_someone_else_is_not_found(api_client, client_user):
    other = ClientFactory()
    assert api_client(other).get(f"/api/v1/clients/{client_user.pk}/progress").status_code == 404
    body = {"measurements": [{"type": "body_weight", "value": "80"}]}
    response = api_client(other).post(
        f"/api/v1/clients/{client_user.pk}/progress", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 404
    assert not ProgressEntry.objects.exists()
