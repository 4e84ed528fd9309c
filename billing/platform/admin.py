"""Read-only views of platform billing for platform staff. Changes go through the console and services
(plans and prices at Stripe; a price is never edited), and Stripe is the truth for subscriptions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from billing.platform.models import ConnectedAccount, Plan, PlanPrice, PlatformInvoice, StripeEvent, StudioSubscription


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "client_limit", "platform_fee_bps", "trial_days", "rank", "active")


@admin.register(PlanPrice)
class PlanPriceAdmin(ReadOnlyAdmin):
    list_display = ("plan", "interval", "amount", "currency", "active", "stripe_price_id", "created_at")
    list_filter = ("active", "interval")


@admin.register(StudioSubscription)
class StudioSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("studio", "price", "status", "current_period_end", "cancel_at_period_end", "past_due_since")
    list_filter = ("status",)


@admin.register(PlatformInvoice)
class PlatformInvoiceAdmin(ReadOnlyAdmin):
    list_display = ("stripe_invoice_id", "studio", "status", "amount_due", "currency", "attempt_count", "created")
    list_filter = ("status",)


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(ReadOnlyAdmin):
    list_display = ("studio", "stripe_account_id", "charges_enabled", "payouts_enabled", "updated_at")


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "endpoint", "account", "status", "attempts", "created")
    list_filter = ("status", "endpoint")
    search_fields = ("event_id", "type", "account")
