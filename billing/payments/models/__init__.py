"""Studio commerce models (studio schema): catalog, wallet, invoices and payments."""

from billing.payments.models.catalog import (
    BillingPeriod,
    BookingFeeRule,
    CommercePolicy,
    ExpiryStart,
    Package,
    PackageKind,
)
from billing.payments.models.invoices import (
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceReminder,
    Payment,
    PaymentDispute,
    Refund,
)
from billing.payments.models.wallet import (
    BookingFee,
    BookingUse,
    ClientPack,
    ClientSubscription,
    CreditMovement,
    SavedCard,
    Strike,
    SubscriptionPause,
)

__all__ = [
    "BillingPeriod",
    "BookingFee",
    "BookingFeeRule",
    "BookingUse",
    "ClientPack",
    "ClientSubscription",
    "CommercePolicy",
    "CreditMovement",
    "ExpiryStart",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "InvoiceReminder",
    "Package",
    "PackageKind",
    "Payment",
    "PaymentDispute",
    "Refund",
    "SavedCard",
    "Strike",
    "SubscriptionPause",
]
