"""Billing's audit actions join core's vocabulary (core.models.AuditAction, `<entity>.<verb>`): rows
written under the old `billing.*` names, in each studio's audit log, are renamed. Reversible."""

from importlib import import_module

from django.db import migrations

RENAMED = {
    "billing.package_create": "package.create",
    "billing.package_close": "package.close",
    "billing.package_purchase": "package.purchase",
    "billing.membership_pause": "membership.pause",
    "billing.membership_cancel": "membership.cancel",
    "billing.membership_cancel_now": "membership.cancel_now",
    "billing.membership_downgrade": "membership.downgrade",
    "billing.membership_upgrade": "membership.upgrade",
    "billing.invoice_void": "invoice.void",
    "billing.invoice_uncollectible": "invoice.write_off",
    "billing.payment_record": "payment.record",
    "billing.refund": "payment.refund",
    "billing.fee_waive": "booking_fee.waive",
    "billing.strikes_forgive": "strike.forgive",
    "billing.policy_update": "commerce_policy.update",
    "billing.entitlement_override": "entitlement.override",
    "billing.subscription_cancel": "platform_subscription.cancel",
    "billing.subscription_reactivate": "platform_subscription.reactivate",
    "billing.plan_upgrade": "platform_subscription.upgrade",
    "billing.plan_downgrade_scheduled": "platform_subscription.schedule_downgrade",
}


# The same renaming as core's vocabulary migration, over billing's old names.
_rename = import_module("core.migrations.0004_audit_action_vocabulary")._rename


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("core", "0004_audit_action_vocabulary"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
