"""Commerce rows made directly (use inside the `tenant` fixture); sales and bookings go through the services."""

from __future__ import annotations

import factory

from billing.payments.models import Package, PackageKind


class PackFactory(factory.django.DjangoModelFactory):
    """A 10-credit pack for everything, 100.00 in the test studio's currency, 20 % VAT included."""

    class Meta:
        model = Package

    kind = PackageKind.PACK
    name = factory.Sequence(lambda n: f"10-class pack {n}")
    price_amount = 10000
    currency = "USD"
    tax_rate_bp = 2000
    tax_inclusive = True
    credits = 10
    expiry_days = 90


class MembershipFactory(PackFactory):
    kind = PackageKind.MEMBERSHIP
    name = factory.Sequence(lambda n: f"Monthly unlimited {n}")
    price_amount = 6000
    credits = None
    expiry_days = None
    billing_period = "month"
