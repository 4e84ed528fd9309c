"""Writes of platform billing, by sub-area; each module's functions are re-exported here."""

from billing.platform.services.connect import connect_account_sync, connect_onboarding_link_create
from billing.platform.services.plans import plan_create, plan_price_create

__all__ = [
    "connect_account_sync",
    "connect_onboarding_link_create",
    "plan_create",
    "plan_price_create",
]
