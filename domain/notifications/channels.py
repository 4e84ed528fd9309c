"""One interface for every way of telling a person something.

`EmailChannel` goes through Django's email backend (SMTP, Anymail, console...). `WebPushChannel` sends Web
Push with pywebpush to every device the person subscribed (VAPID keys from settings; a device the push
service answers 404/410 for is forgotten). `SmsChannel` posts to a Twilio-style HTTP API (SMS_API_BASE,
account SID and token from settings). A deployment may still plug another provider in through
`settings.NOTIFICATION_PROVIDERS` (dotted paths, `ProviderChannel`). A channel that is not configured
says so (`can_reach` is False) and callers skip it.
Every message carries an idempotency key: providers that honour one (and email receivers, through the
stable Message-ID) drop a duplicate if a retry sends the same message twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from core.emails import header_text
from core.models import User


class DeliveryError(Exception):
    """The channel could not deliver; `permanent` says retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    recipient: User
    subject: str
    text: str
    idempotency_key: str
    html: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # extra email headers (List-Unsubscribe)


class Channel(Protocol):
    name: str

    def can_reach(self, user: User) -> bool: ...

    def send(self, message: Message) -> None: ...


class Provider(Protocol):
    """What an SMS or push provider implements: deliver `text` to an address (phone number, device)."""

    def send(self, *, to: str, title: str, text: str, idempotency_key: str, data: dict[str, str]) -> None: ...


class EmailChannel:
    name = "email"

    def can_reach(self, user: User) -> bool:
        return bool(user.email) and user.is_active

    def send(self, message: Message) -> None:
        domain = settings.PLATFORM_DOMAIN
        email = EmailMultiAlternatives(
            subject=header_text(message.subject),
            body=message.text,
            to=[message.recipient.email],
            headers={
                "Message-ID": f"<{message.idempotency_key}@{domain}>",
                "X-Idempotency-Key": message.idempotency_key,
                **message.headers,
            },
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except OSError as exc:  # SMTP and socket errors: worth another try
            raise DeliveryError(str(exc)) from exc


class ProviderChannel:
    """SMS or push through whichever provider the deployment configures."""

    def __init__(self, name: str, address_of: str) -> None:
        self.name = name
        self._address_of = address_of

    @property
    def provider(self) -> Provider | None:
        path = getattr(settings, "NOTIFICATION_PROVIDERS", {}).get(self.name)
        return import_string(path)() if path else None

    def can_reach(self, user: User) -> bool:
        return self.provider is not None and bool(getattr(user, self._address_of, "")) and user.is_active

    def send(self, message: Message) -> None:
        provider = self.provider
        if provider is None:
            raise DeliveryError(f"No {self.name} provider is configured.", permanent=True)
        provider.send(
            to=getattr(message.recipient, self._address_of),
            title=message.subject,
            text=message.text,
            idempotency_key=message.idempotency_key,
            data=message.data,
        )


CHANNEL_NAMES = ("email", "sms", "push")


def _configured(name: str) -> bool:
    return bool(getattr(settings, "NOTIFICATION_PROVIDERS", {}).get(name))


@cache
def _channels() -> dict[str, Channel]:
    from domain.notifications.push import WebPushChannel
    from domain.notifications.sms import SmsChannel

    return {
        "email": EmailChannel(),
        "sms": ProviderChannel("sms", "phone") if _configured("sms") else SmsChannel(),
        "push": ProviderChannel("push", "push_token") if _configured("push") else WebPushChannel(),
    }


def channel_get(name: str) -> Channel:
    try:
        return _channels()[name]
    except KeyError as exc:
        raise DeliveryError(f"Unknown channel {name!r}.", permanent=True) from exc
