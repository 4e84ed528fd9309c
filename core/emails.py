"""Every email the platform sends, in the branding of the studio it speaks for.

A message is `<prefix>_subject.txt` + `<prefix>_message.txt`, and an HTML part: `<prefix>_message.html`
when a template exists, otherwise the text laid out in `emails/base.html` (logo, name, colours).
allauth's emails (verification, password reset, ...) and our own (invitations) both come through here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from core.branding import branding_for
from core.studio_time import studio_clock


def branded_email(
    *,
    template_prefix: str,
    to: list[str],
    context: dict[str, Any],
    studio: Any | None,
    base_url: str,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render (not send) one message; `base_url` is the scheme and host its links point to.

    Times in it are on the studio's wall clock, whoever sends it (a request or a worker).
    """
    branding = branding_for(studio, base_url=base_url)
    ctx = {"branding": branding, "base_url": base_url.rstrip("/"), **context}
    with studio_clock(studio=studio):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx).splitlines()).strip()
        text = render_to_string(f"{template_prefix}_message.txt", ctx).strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", ctx)
        except TemplateDoesNotExist:
            html = render_to_string("emails/base.html", {**ctx, "body_text": text, "subject": subject})
    message = EmailMultiAlternatives(
        subject=f"[{branding['name']}] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
