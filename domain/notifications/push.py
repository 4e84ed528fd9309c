"""Web Push (RFC 8030/8291/8292) to every browser or installed app a person subscribed, with pywebpush.

Keys: WEBPUSH_VAPID_PRIVATE_KEY (the base64url raw private key or a PEM) and WEBPUSH_VAPID_SUBJECT
(`mailto:` address the push services may write to); the public key (WEBPUSH_VAPID_PUBLIC_KEY) is what pages
pass to `pushManager.subscribe`. The push service answers 201; 404 or 410 means the device unsubscribed or
expired, so its subscription is deleted; other failures are retried by the caller.
"""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils import timezone
from pywebpush import WebPushException, webpush

from core.models import User
from domain.notifications.channels import DeliveryError, Message

GONE = (404, 410)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def vapid_keys() -> tuple[str, str]:
    """A new VAPID key pair (private, public), raw and base64url as WEBPUSH_VAPID_* take them
    (`python manage.py vapid_keys`)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(private), _b64url(public)


TTL_SECONDS = 24 * 3600


class WebPushChannel:
    name = "push"

    def _subscriptions(self, user: User):
        from domain.messaging.models import PushSubscription

        return PushSubscription.objects.filter(user=user)

    def can_reach(self, user: User) -> bool:
        configured = bool(getattr(settings, "WEBPUSH_VAPID_PRIVATE_KEY", ""))
        return configured and user.is_active and self._subscriptions(user).exists()

    def send(self, message: Message) -> None:
        """Deliver to every device; fails (retryably) only if no device took it and one may yet."""
        payload = json.dumps(
            {"title": message.subject, "body": message.text, "tag": message.idempotency_key, **message.data}
        )
        delivered, retry = 0, None
        for subscription in list(self._subscriptions(message.recipient)):
            info = {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            }
            try:
                webpush(
                    subscription_info=info,
                    data=payload,
                    vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
                    ttl=TTL_SECONDS,
                    headers={"Topic": message.idempotency_key[-32:].replace(":", "-")},
                    timeout=10,
                )
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in GONE:
                    subscription.delete()
                    continue
                retry = DeliveryError(f"push service answered {status}: {exc}", permanent=status in (400, 403, 413))
                continue
            except OSError as exc:  # requests' connection errors
                retry = DeliveryError(f"push service unreachable: {exc}")
                continue
            delivered += 1
            subscription.last_used_at = timezone.now()
            subscription.save(update_fields=["last_used_at"])
        if not delivered:
            raise retry or DeliveryError("No device is subscribed.", permanent=True)
