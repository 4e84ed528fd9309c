"""How analytics tells a person something: one function, so the channel can change in one place.

Until messaging's `notify()` is on main this sends email through `domain/notifications/channels.py`,
the way scheduling's reminders do.
"""

from __future__ import annotations

from core.models import User
from domain.notifications.channels import Message, channel_get


def person_notify(*, recipient: User, subject: str, text: str, key: str) -> None:
    """Tell `recipient` (email for now); `key` makes a retried send a duplicate the receiver drops.

    Raises domain.notifications.channels.DeliveryError when the channel cannot deliver.
    """
    channel = channel_get("email")
    if channel.can_reach(recipient):
        channel.send(Message(recipient=recipient, subject=subject, text=text, idempotency_key=key))
