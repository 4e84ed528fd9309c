"""Committed commerce rows for tests on several connections, and their removal afterwards."""

from __future__ import annotations

from core.models import AuditEvent, User


def delete_commerce_of(people: list[User]) -> None:
    """Remove every commerce row of these people (and the packages nobody else holds), then them."""
    from billing.payments.models import (
        BookingFee,
        BookingUse,
        ClientPack,
        ClientSubscription,
        CreditMovement,
        Invoice,
        InvoiceLine,
        Package,
        Payment,
        Refund,
        Strike,
        SubscriptionPause,
    )

    ids = [p.pk for p in people]
    CreditMovement.objects.filter(pack__client_id__in=ids).delete()
    Strike.objects.filter(client_id__in=ids).delete()
    BookingFee.objects.filter(client_id__in=ids).delete()
    BookingUse.objects.filter(client_id__in=ids).delete()
    packages = set(ClientPack.objects.filter(client_id__in=ids).values_list("package_id", flat=True))
    packages |= set(ClientSubscription.objects.filter(client_id__in=ids).values_list("package_id", flat=True))
    packages |= set(
        InvoiceLine.objects.filter(invoice__client_id__in=ids, package__isnull=False).values_list(
            "package_id", flat=True
        )
    )
    ClientPack.objects.filter(client_id__in=ids).delete()
    Refund.objects.filter(payment__client_id__in=ids).delete()
    Payment.objects.filter(client_id__in=ids).delete()
    InvoiceLine.objects.filter(invoice__client_id__in=ids).delete()
    Invoice.objects.filter(client_id__in=ids).delete()
    SubscriptionPause.objects.filter(subscription__client_id__in=ids).delete()
    ClientSubscription.objects.filter(client_id__in=ids).delete()
    Package.objects.filter(pk__in=packages).delete()
    AuditEvent.objects.filter(actor_id__in=ids).delete()
