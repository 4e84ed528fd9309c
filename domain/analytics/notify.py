"""How analytics tells a person something: one function, so the channel is chosen in one place.

It goes through messaging's `notify()` (in-app bell, then email and push with the person's consent,
quiet hours respected, once per key).
"""

from __future__ import annotations

from core.models import User
from domain.messaging.services import notify


def at_risk_notify(*, recipient: User, client: User, detail: str, key: str, link: str) -> None:
    """Tell `recipient` that `client` may be at risk (`detail`: what was seen); once per `key`."""
    name = client.get_full_name() or client.email
    notify(
        user=recipient,
        kind="analytics.at_risk",
        key=key,
        context={"client_name": name, "detail": detail},
        link=link,
    )
