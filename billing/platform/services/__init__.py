"""Writes of platform billing, by sub-area; each module's functions are re-exported here."""

from billing.platform.services.connect import (
    connect_account_refresh,
    connect_account_sync,
    connect_onboarding_link_create,
)
from billing.platform.services.dunning import dunning_remind, dunning_suspend_overdue, invoice_sync
from billing.platform.services.plans import plan_create, plan_price_create
from billing.platform.services.subscriptions import (
    payment_method_session_create,
    subscription_cancel,
    subscription_change_plan,
    subscription_reactivate,
    subscription_refresh,
    subscription_stripe_setup,
    subscription_sync,
    subscription_trial_start,
)

__all__ = [
    "connect_account_refresh",
    "connect_account_sync",
    "connect_onboarding_link_create",
    "dunning_remind",
    "dunning_suspend_overdue",
    "invoice_sync",
    "payment_method_session_create",
    "plan_create",
    "plan_price_create",
    "subscription_cancel",
    "subscription_change_plan",
    "subscription_reactivate",
    "subscription_refresh",
    "subscription_stripe_setup",
    "subscription_sync",
    "subscription_trial_start",
]
