"""Live events over the channel layer: one group per person per studio, named with the studio's schema.

`publish` is called after commit by the services; a socket (domain/messaging/consumers.py) joins exactly
one group, `person_group(schema, user_id)`, so an event of studio A can never reach a socket of studio B,
whatever the ids. A channel layer that is down costs the live update only: pages fall back to polling.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from core.db import tenant_connection

logger = logging.getLogger(__name__)


def person_group(schema: str, user_id: int) -> str:
    """The group of one person's sockets in one studio (channels allows [a-z0-9._-], under 100 chars)."""
    return f"s.{schema}.u{user_id}"


def _send(schema: str, user_ids: list[int], event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        for user_id in user_ids:
            async_to_sync(layer.group_send)(person_group(schema, user_id), {"type": "fitwell.event", "event": event})
    except Exception:
        logger.warning("live event %s not published", event.get("type"), exc_info=True)


def publish(user_ids: Iterable[int], event: dict[str, Any]) -> None:
    """Send `event` (JSON: {"type": ..., ...}) to these people's sockets in this studio once the transaction commits."""
    schema = tenant_connection.schema_name
    ids = sorted(set(user_ids))
    transaction.on_commit(lambda: _send(schema, ids, event))
