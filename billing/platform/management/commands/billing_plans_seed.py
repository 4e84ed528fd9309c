"""Create the platform's starting plans (Starter, Studio, Pro) at Stripe and here, if there are none yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from billing.platform.models import Plan
from billing.platform.services import plan_create

PLANS = [
    # code, name, client limit, fee (basis points), monthly, annual (minor units)
    ("starter", "Starter", 25, 300, 2900, 29000),
    ("studio", "Studio", 100, 250, 5900, 59000),
    ("pro", "Pro", None, 150, 12900, 129000),
]


class Command(BaseCommand):
    help = "Seed the starting platform plans (idempotent: does nothing when any plan exists)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--currency", default="GBP")

    def handle(self, *args: Any, **options: Any) -> None:
        if Plan.objects.exists():
            self.stdout.write("plans exist; nothing to do")
            return
        for rank, (code, name, limit, fee, monthly, annual) in enumerate(PLANS):
            plan_create(
                code=code,
                name=name,
                client_limit=limit,
                platform_fee_bps=fee,
                trial_days=14,
                monthly_amount=monthly,
                annual_amount=annual,
                currency=options["currency"],
                rank=rank,
            )
        self.stdout.write(f"{len(PLANS)} plans created")
