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
    # only its own rows: tests that commit through their own connections (sockets, races) leave audit rows
    ours = [AuditEvent.objects.create(action=action).pk for action in ("billing.refund", "billing.subscription_cancel")]
    vocabulary.forwards(apps, None)
    assert sorted(AuditEvent.objects.filter(pk__in=ours).values_list("action", flat=True)) == [
        "payment.refund",
        "platform_subscription.cancel",
    ]
    vocabulary.backwards(apps, None)
    assert sorted(AuditEvent.objects.filter(pk__in=ours).values_list("action", flat=True)) == [
        "billing.refund",
        "billing.subscription_cancel",
    ]
