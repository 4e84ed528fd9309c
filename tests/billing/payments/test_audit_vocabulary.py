"""Billing's audit actions are members of core's vocabulary; rows under the old `billing.*` names are renamed."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from core.audit import AuditAction
from core.models import AuditEvent

vocabulary = import_module("billing.payments.migrations.0002_audit_action_vocabulary")


@pytest.mark.pure
def test_every_old_billing_name_has_a_member_of_the_vocabulary():
    assert set(vocabulary.RENAMED.values()) <= set(AuditAction.values)
    assert not {name for name in AuditAction.values if name.startswith("billing.")}


def test_old_billing_rows_are_renamed_and_back(tenant):
    AuditEvent.objects.create(action="billing.refund")
    AuditEvent.objects.create(action="billing.subscription_cancel")
    vocabulary.forwards(apps, None)
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "payment.refund",
        "platform_subscription.cancel",
    ]
    vocabulary.backwards(apps, None)
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "billing.refund",
        "billing.subscription_cancel",
    ]
