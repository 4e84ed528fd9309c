"""Messages and notifications pages.

`/messages/` is one page for staff and clients: the thread list, a thread, the composer (text and files) and
"new conversation". static/js/messages.js draws it from the API (/api/v1/messaging/...) with the session
cookie and keeps it live over the socket (/ws/messaging/), polling instead while the socket is down.
`/notifications/` lists the bell's notifications; `/notifications/unsubscribe/<token>/` works without
signing in (the token is signed and names the person, the channel and the kind of message).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.decorators import page_requires
from core.exceptions import ApplicationError
from core.http import id_param
from core.permissions import can
from core.studio_time import studio_zone
from domain.messaging import selectors, services
from domain.messaging.catalog import WORDINGS
from domain.messaging.models import Category, TemplateOverride, Trigger
from tenants.http import StudioRequest


def _texts() -> dict[str, str]:
    """Every string the script shows, translated here (no JavaScript catalog needed)."""
    return {
        "seen": _("Seen"),
        "typing": _("%(name)s is typing…"),
        "deleted": _("This message was deleted."),
        "edited": _("edited"),
        "empty": _("No conversations yet. Start one with someone below."),
        "pick": _("Choose a conversation."),
        "offline": _("Live updates are paused; checking for new messages every few seconds."),
        "error": _("That did not work:"),
        "delete": _("Delete"),
        "confirmDelete": _("Delete this message?"),
        "attachment": _("attachment"),
    }


@page_requires("messaging.view")
def messages_page(request: StudioRequest) -> HttpResponse:
    thread = request.GET.get("thread", "")
    config: dict[str, Any] = {
        "api": "/api/v1/messaging",
        "socket": "/ws/messaging/",
        "me": request.user.pk,
        "thread": id_param(thread),
        "pollSeconds": settings.MESSAGING_POLL_SECONDS,
        "canGroup": can(request.user, "messaging.create_group"),
        "texts": _texts(),
    }
    contacts = selectors.contacts_for(actor=request.user)[:500]
    manage = can(request.user, "messaging.manage_automations")
    context = {"config": config, "contacts": contacts, "manage": manage}
    return render(request, "portal/messaging/messages.html", context)


@page_requires("notifications.view")
def notifications_page(request: StudioRequest) -> HttpResponse:
    found = selectors.notification_list(actor=request.user).order_by("-created_at", "-pk")[:100]
    with timezone.override(studio_zone()):
        return render(request, "portal/messaging/notifications.html", {"notifications": found})


@require_POST
@page_requires("notifications.view")
def notifications_read(request: StudioRequest) -> HttpResponse:
    ids = [number for number in map(id_param, request.POST.getlist("id")) if number is not None]
    services.notifications_mark_read(actor=request.user, ids=ids or None)
    return redirect("portal:notifications")


@csrf_exempt  # RFC 8058 one-click: the mail client posts without a session or a CSRF token; the token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page that says what will stop, with a button; POST: stop it."""
    if request.method == "GET":
        return render(request, "portal/messaging/unsubscribe.html", {"token": token, "done": False})
    try:
        person, channel, category = services.unsubscribe(token=token)
    except ApplicationError as exc:
        return render(request, "portal/messaging/unsubscribe.html", {"error": exc.message}, status=400)
    if request.user.is_authenticated:
        messages.success(request, _("You will no longer get these messages."))
    context = {"done": True, "channel": channel, "category": category, "email": person.email}
    return render(request, "portal/messaging/unsubscribe.html", context)


CONSENTS = [
    ("email_service", gettext_lazy("Email: bookings, payments, replies")),
    ("email_marketing", gettext_lazy("Email: news and offers")),
    ("push_service", gettext_lazy("Phone notifications: bookings, payments, replies")),
    ("push_marketing", gettext_lazy("Phone notifications: news and offers")),
    ("sms_service", gettext_lazy("Text messages: bookings, payments, replies")),
    ("sms_marketing", gettext_lazy("Text messages: news and offers")),
]


def _time_or_none(value: str) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        return None


@page_requires("notifications.preferences")
def notification_settings(request: StudioRequest) -> HttpResponse:
    """What a person is sent, where, and when not (consent per channel and kind, quiet hours). The zone of
    the quiet hours is the person's display zone, set on their preferences page (one store)."""
    if request.method == "POST":
        changes: dict[str, Any] = {name: name in request.POST for name, _label in CONSENTS}
        changes["quiet_start"] = _time_or_none(request.POST.get("quiet_start", ""))
        changes["quiet_end"] = _time_or_none(request.POST.get("quiet_end", ""))
        try:
            services.preference_update(actor=request.user, changes=changes)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("portal:notification_settings")
    pref = services.preference_of(request.user)
    consents = [(name, label, getattr(pref, name)) for name, label in CONSENTS]
    texts = {
        "on": _("Notifications are on for this device."),
        "denied": _("This browser blocks notifications."),
        "unsupported": _("This browser cannot receive notifications."),
    }
    push = {
        "key": settings.WEBPUSH_VAPID_PUBLIC_KEY,
        "subscribe": "/api/v1/messaging/push/subscriptions",
        "texts": texts,
    }
    context = {"consents": consents, "pref": pref, "push": push, "zone": services.zone_of(pref).key}
    return render(request, "portal/messaging/settings.html", context)


@page_requires("messaging.manage_automations")
def automations_page(request: StudioRequest) -> HttpResponse:
    """Owners and managers: the studio's automations (add, switch on or off) and the templates they use."""
    if request.method == "POST":
        try:
            _automation_post(request)
        except ApplicationError as exc:
            fields = exc.extra.get("fields") or {}
            messages.error(request, " ".join([exc.message, *(f"{k}: {v}" for k, v in fields.items())]))
        return redirect("portal:automations")
    context = {
        "automations": selectors.automation_list(actor=request.user),
        "triggers": Trigger.choices,
        "templates": [(w.key, w.label) for w in WORDINGS.values() if w.key.startswith("automation.")],
        "channels": [("in_app", _("In the app")), ("email", _("Email")), ("push", _("Phone notification")),
                     ("sms", _("Text message"))],
    }  # fmt: skip
    with timezone.override(studio_zone()):
        return render(request, "portal/messaging/automations.html", context)


def _automation_post(request: StudioRequest) -> None:
    post = request.POST
    if post.get("switch"):
        services.automation_switch(actor=request.user, automation_id=id_param(post["switch"]) or 0,
                                   active=post.get("active") == "1", backfill=post.get("backfill") == "1")  # fmt: skip
        return

    def number(name: str, default: int) -> int:
        found = id_param(post.get(name)) if post.get(name) else default
        return -1 if found is None else found  # refused by the service, naming the field

    data = services.AutomationData(
        name=post.get("name", ""), trigger=post.get("trigger", ""), channel=post.get("channel", ""),
        template_key=post.get("template_key", ""), days=number("days", 0), delay_minutes=number("delay_minutes", 0),
        once_per_client=post.get("once_per_client") == "on", send_hour=number("send_hour", 10),
    )  # fmt: skip
    services.automation_save(actor=request.user, data=data)
    messages.success(request, _("Automation added. Switch it on when you are ready."))


@page_requires("messaging.manage_templates")
def templates_page(request: StudioRequest) -> HttpResponse:
    """Owners and managers: every message's wording, the studio's own per channel, and a preview with sample
    data ("preview" shows it without saving, "save" keeps it, "reset" returns to the shipped wording)."""
    preview = None
    if request.method == "POST":
        post = request.POST
        key, channel = post.get("key", ""), post.get("channel", "any")
        subject, body = post.get("subject", ""), post.get("body", "")
        try:
            if "preview" in post:
                title, text = services.template_preview(actor=request.user, key=key, channel=channel, subject=subject,
                                                        body=body)  # fmt: skip
                preview = {"key": key, "title": title, "body": text}
            elif "reset" in post:
                services.template_override_reset(actor=request.user, key=key, channel=channel)
                return redirect("portal:message_templates")
            else:
                services.template_override_set(actor=request.user, key=key, channel=channel, subject=subject, body=body)
                messages.success(request, _("Saved."))
                return redirect("portal:message_templates")
        except ApplicationError as exc:
            fields = exc.extra.get("fields") or {}
            messages.error(request, " ".join([exc.message, *(f"{k}: {v}" for k, v in fields.items())]))
    overrides = {(o.key, o.channel): o for o in TemplateOverride.objects.all()}
    rows = []
    for wording in WORDINGS.values():
        own = overrides.get((wording.key, "any"))
        rows.append({"wording": wording, "subject": own.subject if own else str(wording.title),
                     "body": own.body if own else str(wording.body), "own": own is not None,
                     "others": [c for (k, c) in overrides if k == wording.key and c != "any"]})  # fmt: skip
    context = {"rows": rows, "preview": preview, "categories": Category.choices}
    return render(request, "portal/messaging/templates.html", context)
