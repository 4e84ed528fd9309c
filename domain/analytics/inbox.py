"""The "needs attention" inbox: one list per person of what needs a human, most urgent first.

A registry of item providers: each kind is one small function that reads its app's selectors for the
clients the actor may see and answers `Item`s. An item names its action (`action`, `target_id`); the
edge that renders it turns that into a link (`Linker`), so no app here names another app's pages. An item
disappears when its cause is gone (the flag clears, the video is reviewed, the fee is waived or charged,
the invoice is paid, the client replies...): nothing is stored about the inbox itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from billing.payments import reporting as commerce
from core.models import User
from core.permissions import require
from core.studio_time import studio_time_text, studio_today
from domain.analytics.models import AtRiskFlag
from domain.clients.selectors import clearances_expiring, clients_visible_to
from domain.messaging.selectors import threads_awaiting_reply
from domain.videos.selectors import review_queue

# (action, target id) -> the link an edge gives it ("" when it has no page for it)
Linker = Callable[[str, int], str]

VIDEO_WAIT = timedelta(days=1)
MESSAGE_WAIT = timedelta(hours=4)
PACK_NOTICE = timedelta(days=7)
CLEARANCE_NOTICE_DAYS = 14


@dataclass(frozen=True)
class Item:
    kind: str  # the provider's name
    urgency: int  # lower is more urgent
    title: str
    detail: str
    since: datetime  # when it started needing attention (oldest first within a kind)
    action: str  # what the link opens: "client", "video", "fee", "invoice", "membership", "thread", ...
    target_id: int
    client_id: int | None = None
    link: str = ""


Provider = Callable[[User, datetime], Iterable[Item]]
PROVIDERS: list[tuple[str, int, Provider]] = []


def provider(kind: str, urgency: int) -> Callable[[Provider], Provider]:
    """Register a provider of `kind` items; `urgency` orders kinds (lower first)."""

    def register(function: Provider) -> Provider:
        PROVIDERS.append((kind, urgency, function))
        return function

    return register


def _item(title: str, detail: str, since: datetime, action: str, target_id: int, client_id: int | None) -> Item:
    """An item of the provider being run (its kind and urgency are filled in by `inbox_items`)."""
    return Item("", 0, title, detail, since, action, target_id, client_id)


def _name(person: User) -> str:
    return person.get_full_name() or person.email


@provider("at_risk", 10)
def at_risk(actor: User, now: datetime) -> Iterable[Item]:
    flags = AtRiskFlag.objects.filter(cleared_at__isnull=True, client__in=clients_visible_to(actor))
    for flag in flags.select_related("client").order_by("set_at", "pk"):
        yield _item(
            _("%(name)s may be at risk") % {"name": _name(flag.client)},
            flag.detail,
            flag.set_at,
            "client",
            flag.client_id,
            flag.client_id,
        )


@provider("payment_failed", 20)
def payments_failed(actor: User, now: datetime) -> Iterable[Item]:
    for invoice in commerce.payments_failed_open(clients=clients_visible_to(actor)):
        yield _item(
            _("Payment failed: %(name)s") % {"name": _name(invoice.client)},
            _("Invoice %(number)s is still open.") % {"number": invoice.number},
            invoice.issued_at or invoice.created_at,
            "invoice",
            invoice.pk,
            invoice.client_id,
        )


@provider("past_due", 21)
def memberships_past_due(actor: User, now: datetime) -> Iterable[Item]:
    for membership in commerce.memberships_past_due(clients=clients_visible_to(actor)):
        since = membership.past_due_since or membership.updated_at
        yield _item(
            _("Membership past due: %(name)s") % {"name": _name(membership.client)},
            _("%(package)s, unpaid since %(when)s.")
            % {"package": membership.package.name, "when": studio_time_text(since, style="short")},
            since,
            "membership",
            membership.pk,
            membership.client_id,
        )


@provider("fee", 30)
def fees_to_decide(actor: User, now: datetime) -> Iterable[Item]:
    for fee in commerce.fees_to_decide(clients=clients_visible_to(actor)):
        yield _item(
            _("Waive or charge: %(name)s") % {"name": _name(fee.client)},
            _("%(what)s. Charged automatically at %(when)s unless waived.")
            % {"what": fee.description, "when": studio_time_text(fee.charge_after, style="short")},
            fee.created_at,
            "fee",
            fee.pk,
            fee.client_id,
        )


@provider("video", 40)
def videos_unreviewed(actor: User, now: datetime) -> Iterable[Item]:
    for video in review_queue(actor=actor).filter(submitted_at__lt=now - VIDEO_WAIT):
        yield _item(
            _("Video waiting for review: %(name)s") % {"name": _name(video.client)},
            video.title or (video.exercise.name if video.exercise else _("Form check")),
            video.submitted_at or video.created_at,
            "video",
            video.pk,
            video.client_id,
        )


@provider("message", 50)
def messages_unanswered(actor: User, now: datetime) -> Iterable[Item]:
    threads = list(threads_awaiting_reply(actor=actor, sent_before=now - MESSAGE_WAIT))
    names = {u.pk: _name(u) for u in User.objects.filter(pk__in=[t.client_id for t in threads])}  # type: ignore[attr-defined]  # annotated
    for thread in threads:
        waiting: datetime = thread.waiting_since  # type: ignore[attr-defined]  # annotated by the selector
        yield _item(
            _("Unanswered message from %(name)s") % {"name": names.get(thread.client_id, "")},  # type: ignore[attr-defined]  # annotated
            detail=_("Waiting since %(when)s.") % {"when": studio_time_text(waiting, style="short")},
            since=waiting,
            action="thread",
            target_id=thread.pk,
            client_id=thread.client_id,  # type: ignore[attr-defined]  # annotated by the selector
        )


@provider("pack", 60)
def packs_expiring(actor: User, now: datetime) -> Iterable[Item]:
    for pack in commerce.packs_expiring(clients=clients_visible_to(actor), until=now + PACK_NOTICE, now=now):
        expires = pack.expires_at or now
        yield _item(
            _("Pack expiring: %(name)s") % {"name": _name(pack.client)},
            _("%(package)s: %(n)d credits left, expires %(when)s.")
            % {
                "package": pack.package.name,
                "n": pack.credits_remaining,
                "when": studio_time_text(expires, style="short"),
            },
            expires,
            "client_wallet",
            pack.client_id,
            pack.client_id,
        )


@provider("clearance", 70)
def clearances(actor: User, now: datetime) -> Iterable[Item]:
    until = studio_today(now=now) + timedelta(days=CLEARANCE_NOTICE_DAYS)
    for history in clearances_expiring(clients=clients_visible_to(actor), until=until):
        day = history.medical_clearance_expires_on
        yield _item(
            _("Medical clearance expiring: %(name)s") % {"name": _name(history.client)},
            _("Expires on %(day)s.") % {"day": day.isoformat() if day else ""},
            now,
            "client_health",
            history.client_id,
            history.client_id,
        )


def inbox_items(*, actor: User, link: Linker | None = None, now: datetime | None = None) -> list[Item]:
    """What needs `actor`: a trainer's clients (their own threads), or the whole studio for owners and
    managers; ordered by urgency, then oldest first. `link` turns each item's action into a URL.

    Raises PermissionDeniedError for clients.
    """
    require(actor, "analytics.view")
    now = now or timezone.now()
    items: list[Item] = []
    for _kind, _urgency, function in sorted(PROVIDERS, key=lambda entry: entry[1]):
        for item in function(actor, now):
            address = link(item.action, item.target_id) if link is not None else ""
            items.append(replace(item, kind=_kind, urgency=item.urgency or _urgency, link=address))
    return sorted(items, key=lambda item: (item.urgency, item.since))
