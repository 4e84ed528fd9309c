"""`{% onboarding_checklist %}`: the owner's first steps, rendered into the dashboard's onboarding block."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import can
from tenants.selectors import studio_onboarding_status

register = template.Library()


@register.inclusion_tag("portal/onboarding/checklist.html", takes_context=True)
def onboarding_checklist(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    studio = getattr(request, "tenant", None)
    if studio is None or not can(user, "studio.view_onboarding"):
        return {"items": []}
    status = studio_onboarding_status(studio=studio)
    items = [
        {
            "key": "branding",
            "title": _("Add your logo and colours"),
            "text": _("Your brand on every page, email and the app your clients install."),
            "done": status.branding_done,
            "url": reverse("portal:branding") if can(user, "studio.update_branding") else "",
            "action": _("Set up branding"),
        },
        {
            "key": "trainers",
            "title": _("Invite your trainers"),
            "text": _("They run their clients, programs and schedules from here."),
            "done": status.has_trainers,
            "url": reverse("portal:people") + "?role=trainer#invite" if can(user, "people.invite_trainer") else "",
            "action": _("Invite trainers"),
        },
        {
            "key": "clients",
            "title": _("Invite your clients"),
            "text": _("They book, train and pay in your studio's app."),
            "done": status.has_clients,
            "url": reverse("portal:people") + "?role=client#invite" if can(user, "people.invite_client") else "",
            "action": _("Invite clients"),
        },
        {
            "key": "payments",
            "title": _("Connect payments"),
            "text": _("Take card payments for packages and memberships."),
            "done": status.payments_connected,
            "url": reverse("portal:billing") + "#payments" if can(user, "studio.manage_billing") else "",
            "action": _("Set up payouts with Stripe"),
        },
    ]
    return {"items": items, "done_count": status.done_count, "total": len(items)}
