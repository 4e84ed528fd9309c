"""SMS through a Twilio-style HTTP API: `POST {SMS_API_BASE}/2010-04-01/Accounts/{SID}/Messages.json`
with form fields To, From, Body and HTTP basic auth (account SID, auth token).

Settings: SMS_API_BASE (default https://api.twilio.com), SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM (a
number or a messaging service's sender). Without an account SID the channel is off. 4xx answers (a bad
number, an unsubscribed recipient) are permanent; 429, 5xx and network failures are retried.
"""

from __future__ import annotations

import requests
from django.conf import settings

from core.models import User
from domain.notifications.channels import DeliveryError, Message

MAX_SMS_CHARS = 640  # four segments


class SmsChannel:
    name = "sms"

    def can_reach(self, user: User) -> bool:
        return bool(getattr(settings, "SMS_ACCOUNT_SID", "")) and bool(user.phone) and user.is_active

    def send(self, message: Message) -> None:
        sid = settings.SMS_ACCOUNT_SID
        url = f"{settings.SMS_API_BASE.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        text = f"{message.subject}: {message.text}" if message.subject else message.text
        try:
            response = requests.post(
                url,
                data={"To": message.recipient.phone, "From": settings.SMS_FROM, "Body": text[:MAX_SMS_CHARS]},
                auth=(sid, settings.SMS_AUTH_TOKEN),
                headers={"I-Twilio-Idempotency-Token": message.idempotency_key[:64]},
                timeout=10,
            )
        except requests.RequestException as exc:
            raise DeliveryError(f"SMS provider unreachable: {exc}") from exc
        if response.status_code in (200, 201):
            return
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        raise DeliveryError(f"SMS provider answered {response.status_code}: {response.text[:200]}", permanent=permanent)
