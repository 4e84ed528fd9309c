"""The one notification service: `notify` keeps a notification in-app (the bell) and sends it on the
outside channels the person allows, each at most once.

A notification's `key` is unique (the same event never notifies twice, whoever calls again); each outside
channel gets one `Delivery` row (unique per notification and channel) that a task sends: the row is
locked with SKIP LOCKED and turns `sent` in the transaction that sends it, so a duplicate task is a no-op
and a worker killed mid-way leaves it `pending` for the retry (providers also get the idempotency key).
Consent is per channel and category (service vs marketing); quiet hours hold push and SMS until they end.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.branding import branding_for
from core.db import tenant_connection
from core.models import User
from core.tenancy import studio_base_url
from domain.messaging.catalog import MARKETING
from domain.messaging.models import Delivery, Notification, Participant, Preference
from domain.messaging.realtime import publish
from domain.messaging.services.preferences import person_setting, preference_of, quiet_until, unsubscribe_token
from domain.messaging.services.templates import template_render, wording_get
from domain.notifications.channels import DeliveryError, Message, channel_get

MAX_ATTEMPTS = 6
QUIET_CHANNELS = ("push", "sms")  # email waits in the inbox; these buzz a phone


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already handled, locked by another worker, or not due yet
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def _language(pref: Preference) -> str:
    """The person's language (their account preferences: the one store), else the studio's."""
    studio = getattr(tenant_connection, "tenant", None)
    return person_setting(pref.user_id, "language") or getattr(studio, "locale", None) or settings.LANGUAGE_CODE


def _context(user: User, context: dict[str, Any]) -> dict[str, Any]:
    studio = getattr(tenant_connection, "tenant", None)
    return {"first_name": user.first_name or user.full_name, "studio_name": getattr(studio, "name", ""), **context}


def _render(
    kind: str, channel: str, user: User, pref: Preference, context: dict[str, Any], given: Rendered | None
) -> Rendered:
    """The studio's override of `kind` if it has one, else the caller's own rendering, else the catalog's."""
    with translation.override(_language(pref)):
        if given is not None:
            from domain.messaging.models import TemplateOverride

            if not TemplateOverride.objects.filter(key=kind, channel__in=[channel, "any"]).exists():
                return given
        title, body = template_render(key=kind, channel=channel, context=_context(user, context))
    return Rendered(title=title, body=body)


def notify(
    *,
    user: User,
    kind: str,
    key: str,
    context: dict[str, Any] | None = None,
    link: str = "",
    channels: tuple[str, ...] | list[str] | None = None,
    category: str | None = None,
    title: str | None = None,
    body: str | None = None,
    send_now: bool = False,
    now: datetime | None = None,
) -> Notification | None:
    """Tell `user` about something, once per `key` (unique in the studio; e.g. "message-42-7").

    `kind`: a catalog key (domain/messaging/catalog.py) whose wording and category are used; `title`/`body`
    given by the caller are used unless the studio overrode the template. `channels`: outside channels
    besides in-app (default: the kind's); each is used only with the person's consent for the category and
    a way to reach them. Deliveries go out after commit by a task (push and SMS wait for the end of the
    person's quiet hours), or, with `send_now`, right here in the caller's transaction, for callers that
    own the timing and the retries (scheduling's reminders): then a call again with the same key retries
    what is still pending, and a channel that cannot carry it raises DeliveryError (permanent when the
    person gave no consent or cannot be reached, retryable when the provider failed).
    Returns the notification, or None when `key` was already used (nothing is sent again).
    """
    now = now or timezone.now()
    wording = wording_get(kind)
    category = category or wording.category
    pref = preference_of(user)
    given = Rendered(title=title, body=body or "") if title is not None else None
    inbox = _render(kind, "in_app", user, pref, context or {}, given)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                key=key[:200],
                kind=kind,
                category=category,
                title=inbox.title[:200],
                body=inbox.body,
                link=link,
                created_at=now,
            )
    except IntegrityError:
        if not send_now:
            return None
        notification = Notification.objects.get(key=key[:200])
    rows = []
    for channel in channels if channels is not None else wording.channels:
        if channel == "in_app":
            continue
        reason = _blocked(channel, category, user, pref)
        held = quiet_until(pref, now) if channel in QUIET_CHANNELS and not send_now else None
        rows.append(
            Delivery(
                notification=notification,
                channel=channel,
                send_after=held or now,
                status=Delivery.Status.SKIPPED if reason else Delivery.Status.PENDING,
                last_error=reason,
            )
        )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    publish(
        [user.pk],
        {
            "type": "notification",
            "id": notification.pk,
            "title": notification.title,
            "body": notification.body[:200],
            "link": link,
        },
    )
    pending = list(
        Delivery.objects.filter(notification=notification, status=Delivery.Status.PENDING).values_list(
            "pk", "send_after"
        )
    )
    if send_now:
        _send_now(notification, pending, now=now, given=given, context=context or {})
    else:
        _queue(pending, now)
    return notification


def _send_now(
    notification: Notification,
    pending: list[tuple[int, datetime]],
    *,
    now: datetime,
    given: Rendered | None,
    context: dict[str, Any],
) -> None:
    for delivery_id, _due in pending:
        outcome = delivery_send(delivery_id=delivery_id, now=now, given=given, context=context, on_time=True)
        if outcome in (Outcome.RETRY, Outcome.FAILED):
            error = Delivery.objects.get(pk=delivery_id).last_error or "delivery failed"
            raise DeliveryError(error, permanent=outcome == Outcome.FAILED)
    blocked = notification.deliveries.filter(status=Delivery.Status.SKIPPED).values_list("last_error", flat=True)
    if not pending and blocked:
        raise DeliveryError(f"Not sent: {', '.join(blocked)}.", permanent=True)


def _queue(pending: list[tuple[int, datetime]], now: datetime) -> None:
    from domain.messaging.tasks import delivery_send_task

    def later(delivery_id: int, countdown: int) -> None:
        delivery_send_task.apply_async(kwargs={"delivery_id": delivery_id}, countdown=countdown)

    for delivery_id, due in pending:
        countdown = max(0, int((due - now).total_seconds()))
        transaction.on_commit(functools.partial(later, delivery_id, countdown))


def notify_many(*, user_ids: list[int], key: str, muted_thread: int | None = None, **options: Any) -> int:
    """`notify` each person (key suffixed with their id); people who muted `muted_thread` are left out."""
    if muted_thread is not None:
        muted = set(Participant.objects.filter(thread_id=muted_thread, muted=True).values_list("user_id", flat=True))
        user_ids = [pk for pk in user_ids if pk not in muted]
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        sent += notify(user=user, key=f"{key}-{user.pk}", **options) is not None
    return sent


def _blocked(channel: str, category: str, user: User, pref: Preference) -> str:
    """Why `channel` may not carry this to `user` ("" when it may)."""
    if not pref.allows(channel, MARKETING if category == MARKETING else "service"):
        return "no consent"
    try:
        if not channel_get(channel).can_reach(user):
            return "not reachable"
    except DeliveryError:
        return "unknown channel"
    return ""


def _message(delivery: Delivery, rendered: Rendered) -> Message:
    notification, user = delivery.notification, delivery.notification.user
    base = studio_base_url()
    link = f"{base}{notification.link}" if notification.link.startswith("/") else notification.link
    schema = tenant_connection.schema_name
    key = notification.key if schema in notification.key else f"{schema}-{notification.key}"
    key = key if delivery.channel == "email" else f"{key}-{delivery.channel}"  # email: the Message-ID
    if delivery.channel != "email":
        return Message(
            recipient=user,
            subject=rendered.title,
            text=rendered.body,
            idempotency_key=key,
            data={"url": link} if link else {},
        )
    category = MARKETING if notification.category == MARKETING else "service"
    stop = f"{base}/notifications/unsubscribe/{unsubscribe_token(user_id=user.pk, channel='email', category=category)}/"
    studio = getattr(tenant_connection, "tenant", None)
    footer = _("You get these emails from %(studio)s. Stop them: %(url)s") % {
        "studio": getattr(studio, "name", ""),
        "url": stop,
    }
    text = "\n\n".join(part for part in (rendered.body, link, footer) if part)
    html = render_to_string(
        "emails/base.html",
        {
            "branding": branding_for(studio, base_url=base),
            "base_url": base,
            "subject": rendered.title,
            "body_text": f"{rendered.body}\n\n{footer}",
            "action_url": link,
            "action_label": _("Open"),
        },
    )
    return Message(
        recipient=user,
        subject=rendered.title,
        text=text,
        html=html,
        idempotency_key=key,
        headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


@transaction.atomic
def delivery_send(
    *,
    delivery_id: int,
    now: datetime | None = None,
    context: dict[str, Any] | None = None,
    given: Rendered | None = None,
    on_time: bool = False,
) -> Outcome:
    """Send one delivery at most once (see the module's docstring). Returns what happened; RETRY means the
    caller should try again later (the row stays pending), FAILED that it gave up (permanent or too many).
    `on_time`: the caller decides when (send_now): a pending row is sent whatever its `send_after`."""
    now = now or timezone.now()
    delivery = (
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("notification__user")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != Delivery.Status.PENDING or (delivery.send_after > now and not on_time):
        return Outcome.SKIPPED
    notification, user = delivery.notification, delivery.notification.user
    pref = preference_of(user)
    reason = _blocked(delivery.channel, notification.category, user, pref)  # consent may have changed since
    if reason:
        delivery.status, delivery.last_error = Delivery.Status.SKIPPED, reason
        delivery.save(update_fields=["status", "last_error"])
        return Outcome.SKIPPED
    # the studio's override of the kind for this channel if any, else what the caller or the bell has
    fallback = given or Rendered(title=notification.title, body=notification.body)
    rendered = _render(notification.kind, delivery.channel, user, pref, context or {}, fallback)

    delivery.attempts += 1
    try:
        with translation.override(_language(pref)):
            channel_get(delivery.channel).send(_message(delivery, rendered))
    except DeliveryError as exc:
        delivery.last_error = str(exc)[:500]
        give_up = exc.permanent or delivery.attempts >= MAX_ATTEMPTS
        delivery.status = Delivery.Status.FAILED if give_up else Delivery.Status.PENDING
        delivery.send_after = now + timedelta(minutes=2**delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "status", "send_after"])
        return Outcome.FAILED if give_up else Outcome.RETRY
    delivery.status, delivery.sent_at, delivery.last_error = Delivery.Status.SENT, now, ""
    delivery.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return Outcome.SENT


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (quiet hours over, retry wait over, or a lost task)."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )
