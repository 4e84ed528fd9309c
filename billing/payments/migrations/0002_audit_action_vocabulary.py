"""Commerce's and platform billing's audit actions join the one vocabulary (core.models.AuditAction,
`<entity>.<verb>`): rows written under the old `billing.*` names are renamed. Reversible."""

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
    "billing.invoice_uncollectible": "invoice.mark_uncollectible",
    "billing.payment_record": "payment.record",
    "billing.refund": "payment.refund",
    "billing.fee_waive": "booking_fee.waive",
    "billing.strikes_forgive": "strike.forgive",
    "billing.policy_update": "commerce_policy.update",
    "billing.entitlement_override": "entitlement.override",
    "billing.plan_upgrade": "studio_subscription.upgrade",
    "billing.plan_downgrade_scheduled": "studio_subscription.schedule_downgrade",
    "billing.subscription_cancel": "studio_subscription.cancel",
    "billing.subscription_reactivate": "studio_subscription.reactivate",
}


def _rename(apps, mapping):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for old, new in mapping.items():
        AuditEvent.objects.filter(action=old).update(action=new)


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
