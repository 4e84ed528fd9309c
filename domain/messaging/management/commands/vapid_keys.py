"""`python manage.py vapid_keys`: print a new VAPID key pair for Web Push (docs/messaging.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from domain.notifications.push import vapid_keys


class Command(BaseCommand):
    help = "Print a new VAPID key pair for WEBPUSH_VAPID_PRIVATE_KEY and WEBPUSH_VAPID_PUBLIC_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        private, public = vapid_keys()
        self.stdout.write(f"WEBPUSH_VAPID_PRIVATE_KEY={private}\nWEBPUSH_VAPID_PUBLIC_KEY={public}\n")
