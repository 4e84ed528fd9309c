"""Stripe webhooks: verify, store first, answer 2xx, then handle once in the right schema.

Two endpoints on the public host: `/stripe/webhooks/platform` (the platform account's own events:
subscriptions, invoices of studios) and `/stripe/webhooks/connect` (events of connected accounts;
`event.account` names the studio through ConnectedAccount). Each is verified with the library's
signature scheme and tolerance, must match `STRIPE_LIVEMODE`, and is stored keyed by its event id
before anything else; a replay finds the row and changes nothing.

Handlers register themselves for event types (exact, or a prefix such as "invoice.*") in a module named
`stripe_handlers` of any installed app or package (found by autodiscovery on first use):

    @stripe_handler("payment_intent.succeeded", "charge.refunded", endpoint=CONNECT)
    def payment_sync(*, event: stripe.Event, studio: Studio | None) -> None: ...

A Connect handler runs with the connection on the studio's schema; a platform handler on public. All
handlers of one event run in one transaction with the "processed" mark, so an event is handled exactly
once (the row is locked while it runs). Handlers that depend on order re-read the object from Stripe.
"""

from __future__ import annotations

import fnmatch
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import stripe
from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context

from billing.platform.models import ConnectedAccount, StripeEvent
from billing.stripe_client import stripe_client
from core.error_codes import ErrorCode
from core.metrics import WEBHOOK_LAG
from tenants.models import Studio

logger = logging.getLogger(__name__)

PLATFORM = StripeEvent.Endpoint.PLATFORM
CONNECT = StripeEvent.Endpoint.CONNECT


class StripeHandler(Protocol):
    def __call__(self, *, event: stripe.Event, studio: Studio | None) -> None: ...


_registry: list[tuple[str, str, StripeHandler]] = []  # (endpoint, type pattern, handler)
_discovered = False


def stripe_handler(*event_types: str, endpoint: str) -> Callable[[StripeHandler], StripeHandler]:
    """Register a handler for event types (exact or fnmatch patterns like "invoice.*") on one endpoint."""

    def register(handler: StripeHandler) -> StripeHandler:
        for event_type in event_types:
            entry = (str(endpoint), event_type, handler)
            if entry not in _registry:
                _registry.append(entry)
        return handler

    return register


def handlers_for(*, endpoint: str, event_type: str) -> list[StripeHandler]:
    """The handlers of an event type, in registration order (billing's own first)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("stripe_handlers")
        _discovered = True
    return [h for e, pattern, h in _registry if e == endpoint and fnmatch.fnmatchcase(event_type, pattern)]


# --- receiving ------------------------------------------------------------------------------------------
def _refuse(message: str, code: ErrorCode) -> JsonResponse:
    return JsonResponse({"detail": message, "code": code}, status=400)


def _receive(request: HttpRequest, *, endpoint: str, secret: str) -> JsonResponse:
    try:
        event = stripe_client().construct_event(
            request.body,
            request.headers.get("Stripe-Signature"),
            secret,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
        )
    except stripe.SignatureVerificationError:
        return _refuse(_("The Stripe signature is missing, wrong or too old."), ErrorCode.INVALID_SIGNATURE)
    except (ValueError, KeyError, TypeError):
        return _refuse(_("The body is not a Stripe event."), ErrorCode.INVALID_PAYLOAD)
    if not getattr(event, "id", None) or not getattr(event, "type", None):
        return _refuse(_("The body is not a Stripe event."), ErrorCode.INVALID_PAYLOAD)
    if bool(event.livemode) != settings.STRIPE_LIVEMODE:
        return _refuse(_("The event's livemode does not match this deployment."), ErrorCode.LIVEMODE_MISMATCH)
    account = getattr(event, "account", None) or ""
    if (endpoint == CONNECT) != bool(account):
        return _refuse(_("This event belongs to the other webhook endpoint."), ErrorCode.WRONG_ENDPOINT)
    row = event_store(event_id=event.id, endpoint=endpoint, payload=json.loads(request.body), account=account)
    if row.status in (StripeEvent.Status.PENDING, StripeEvent.Status.FAILED):
        event_enqueue(event_id=row.event_id)
    return JsonResponse({"received": True, "status": row.status})


@csrf_exempt
@require_POST
def platform_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, endpoint=PLATFORM, secret=settings.STRIPE_WEBHOOK_SECRET)


@csrf_exempt
@require_POST
def connect_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, endpoint=CONNECT, secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET)


def event_store(*, event_id: str, endpoint: str, payload: dict[str, Any], account: str = "") -> StripeEvent:
    """Store a verified event once (first write wins; a replay returns the stored row unchanged)."""
    studio_id = None
    if account:
        studio_id = (
            ConnectedAccount.objects.filter(stripe_account_id=account).values_list("studio_id", flat=True).first()
        )
    row, _created = StripeEvent.objects.get_or_create(
        event_id=event_id,
        defaults={
            "endpoint": endpoint,
            "type": payload["type"],
            "account": account,
            "studio_id": studio_id,
            "livemode": bool(payload.get("livemode")),
            "api_version": payload.get("api_version") or "",
            "created": datetime.fromtimestamp(int(payload["created"]), tz=UTC),
            "payload": payload,
        },
    )
    return row


def event_enqueue(*, event_id: str) -> None:
    """Queue the handling task after the surrounding transaction commits."""
    from billing.platform.tasks import stripe_event_process

    transaction.on_commit(lambda: stripe_event_process.delay(event_id))


# --- handling -------------------------------------------------------------------------------------------
def _studio_for(row: StripeEvent) -> Studio | None:
    if row.endpoint != CONNECT:
        return None
    link = ConnectedAccount.objects.select_related("studio").filter(stripe_account_id=row.account).first()
    return link.studio if link else None


def event_process(*, event_id: str) -> str:
    """Handle a stored event exactly once; returns its final status ("processed", "ignored", "failed").

    Raises: StripeEvent.DoesNotExist for an unknown id. A handler's exception is recorded on the row
    (status "failed", last_error) and re-raised after the failure is committed, so the task can retry.
    """
    error: Exception | None = None
    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().get(pk=event_id)
        if row.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED):
            return row.status
        row.attempts += 1
        handlers = handlers_for(endpoint=row.endpoint, event_type=row.type)
        studio = _studio_for(row)
        if not handlers or (row.endpoint == CONNECT and studio is None):
            row.status = StripeEvent.Status.IGNORED
            row.last_error = "" if handlers else "no handler"
            if handlers:
                row.last_error = f"no studio for account {row.account}"
        else:
            event = stripe_client().construct_event_without_verification(json.dumps(row.payload))
            try:
                with transaction.atomic():
                    _run(handlers, event=event, studio=studio)
                row.status = StripeEvent.Status.PROCESSED
                row.last_error = ""
            except Exception as exc:
                logger.exception("Stripe event %s (%s) failed", row.event_id, row.type)
                row.status, row.last_error, error = StripeEvent.Status.FAILED, repr(exc)[:2000], exc
        row.studio = studio or row.studio
        row.processed_at = timezone.now()
        row.save()
        lag = (row.processed_at - row.created).total_seconds()
        transaction.on_commit(lambda: WEBHOOK_LAG.labels(row.endpoint, row.status).observe(max(lag, 0.0)))
    if error is not None:
        raise error
    return row.status


def _run(handlers: list[StripeHandler], *, event: stripe.Event, studio: Studio | None) -> None:
    if studio is None:
        for handler in handlers:
            handler(event=event, studio=None)
        return
    with tenant_context(studio):
        for handler in handlers:
            handler(event=event, studio=studio)


# --- recovery: failed events, missed deliveries ------------------------------------------------------------
def events_failed(*, include_stale_pending_minutes: int = 10) -> list[StripeEvent]:
    """Events whose handling failed, and pending ones older than N minutes (their task was lost), oldest first."""
    stale = timezone.now() - timedelta(minutes=include_stale_pending_minutes)
    return list(
        StripeEvent.objects.filter(
            models.Q(status=StripeEvent.Status.FAILED)
            | models.Q(status=StripeEvent.Status.PENDING, received_at__lt=stale)
        ).order_by("created")
    )


def events_reconcile(*, since: datetime, until: datetime) -> dict[str, int]:
    """Fetch Stripe's events of [since, until] (the platform's and every connected account's), store the
    ones we never received, and handle them. Returns {"seen", "stored", "processed", "failed"}.

    Stripe keeps events 30 days. Raises PaymentProviderError when Stripe cannot be listed.
    """
    from stripe import RequestOptions
    from stripe.params import EventListParams

    from billing.stripe_client import stripe_errors

    counts = {"seen": 0, "stored": 0, "processed": 0, "failed": 0}
    params: EventListParams = {"created": {"gte": int(since.timestamp()), "lte": int(until.timestamp())}, "limit": 100}
    sources: list[tuple[str, str]] = [(PLATFORM, "")]
    sources += [(CONNECT, a) for a in ConnectedAccount.objects.values_list("stripe_account_id", flat=True)]
    client = stripe_client()
    for endpoint, account in sources:
        options: RequestOptions = {"stripe_account": account} if account else {}
        with stripe_errors():
            events = list(client.v1.events.list(params=params, options=options).auto_paging_iter())
        for event in events:
            counts["seen"] += 1
            if StripeEvent.objects.filter(pk=event.id).exists():
                continue
            payload = event.to_dict()
            if account:
                payload["account"] = account
            with transaction.atomic():
                event_store(event_id=event.id, endpoint=endpoint, payload=payload, account=account)
            counts["stored"] += 1
            try:
                status = event_process(event_id=event.id)
            except Exception:  # noqa: BLE001 (recorded on the row; the failed-events command retries it)
                status = StripeEvent.Status.FAILED
            counts["processed" if status != StripeEvent.Status.FAILED else "failed"] += 1
    return counts
