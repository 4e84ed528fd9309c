"""core.memo.StudioRowMemo: a studio's policies read once a second per process, changes seen in time."""

from __future__ import annotations

import pytest
from django.test import override_settings

from billing.payments import selectors as commerce
from billing.payments.models import CommercePolicy
from billing.payments.services.policy import commerce_policy_update
from core import memo
from domain.scheduling import selectors as scheduling
from domain.scheduling.models import SchedulingPolicy
from domain.scheduling.services.policy import scheduling_policy_update
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def remembered(monkeypatch, django_capture_on_commit_callbacks):
    """Policies remembered for 1 s on a clock the test moves (`now[0] += 0.5`); on-commit work runs at once."""
    now = [100.0]
    monkeypatch.setattr(memo, "clock", lambda: now[0])
    monkeypatch.setattr("django.db.transaction.on_commit", lambda callback, *a, **k: callback())
    for policy_memo in (scheduling._policy, commerce._policy):
        policy_memo.clear()
    with override_settings(POLICY_CACHE_SECONDS=1):
        yield now
    for policy_memo in (scheduling._policy, commerce._policy):
        policy_memo.clear()


def test_a_policy_is_read_once_a_second_and_each_caller_gets_its_own(remembered, tenant):
    SchedulingPolicy.objects.create(key=1, late_cancel_window_minutes=90, reminder_offsets_minutes=[60])
    first = scheduling.policy_get()
    with count_queries() as queries:
        second = scheduling.policy_get()
    assert len(queries) == 0
    assert second is not first
    assert second.late_cancel_window_minutes == 90
    second.reminder_offsets_minutes.append(5)  # edited in place by a caller: the next caller never sees it
    assert scheduling.policy_get().reminder_offsets_minutes == [60]
    remembered[0] += 1.01
    with count_queries() as queries:
        scheduling.policy_get()
    assert len(queries) == 1


def test_a_change_elsewhere_is_seen_within_the_second_and_one_here_at_once(remembered, studio_owner, tenant):
    SchedulingPolicy.objects.create(key=1, late_cancel_window_minutes=90)
    assert scheduling.policy_get().late_cancel_window_minutes == 90
    SchedulingPolicy.objects.filter(key=1).update(late_cancel_window_minutes=30)  # another process: no signal
    remembered[0] += 0.9
    assert scheduling.policy_get().late_cancel_window_minutes == 90
    remembered[0] += 0.11
    assert scheduling.policy_get().late_cancel_window_minutes == 30
    scheduling_policy_update(actor=studio_owner, late_cancel_window_minutes=240)
    assert scheduling.policy_get().late_cancel_window_minutes == 240  # saved here: forgotten at commit


def test_a_studio_without_a_scheduling_policy_gets_the_defaults(remembered, tenant):
    assert scheduling.policy_get().pk is None
    assert scheduling.policy_get().late_cancel_window_minutes == SchedulingPolicy().late_cancel_window_minutes


def test_the_commerce_policy_made_on_first_read_is_remembered_from_the_next(remembered, studio_owner, tenant):
    CommercePolicy.objects.all().delete()
    made = commerce.policy_get()  # made now, in a transaction that may yet roll back: not remembered
    assert made.pk is not None
    remembered[0] += 1.01
    assert commerce.policy_get().pk == made.pk
    with count_queries() as queries:
        assert commerce.policy_get().pk == made.pk
    assert len(queries) == 0
    commerce_policy_update(actor=studio_owner, invoice_prefix="FW-")
    assert commerce.policy_get().invoice_prefix == "FW-"


def test_each_studio_has_its_own_row(remembered, studio, other_studio):
    from django_tenants.utils import schema_context

    for tenant, minutes in ((studio, 15), (other_studio, 45)):
        with schema_context(tenant.schema_name):
            SchedulingPolicy.objects.update_or_create(key=1, defaults={"late_cancel_window_minutes": minutes})
    for tenant, minutes in ((studio, 15), (other_studio, 45), (studio, 15)):
        with schema_context(tenant.schema_name):
            assert scheduling.policy_get().late_cancel_window_minutes == minutes
