"""Every email the platform sends, in the branding of the studio it speaks for.

A message is `<prefix>_subject.txt` + `<prefix>_message.txt`, and an HTML part: `<prefix>_message.html`
when a template exists, otherwise the text laid out in `emails/base.html` (logo, name, colours).
allauth's emails (verification, password reset, ...) and our own (invitations) both come through here.
"""

from __future__ import annotations

import re
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from core.branding import branding_for
from core.studio_time import studio_clock

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def header_text(value: str) -> str:
    """`value` fit for one email header (a subject, a sender's name): line breaks and other control
    characters become spaces and runs of spaces one. Names people type (a client's, a group's, the studio's)
    reach subjects and senders, and Django refuses a header with a line break (BadHeaderError)."""
    return " ".join(_CONTROL.sub(" ", value).split())


def branded_email(
    *,
    template_prefix: str,
    to: list[str],
    context: dict[str, Any],
    studio: Any | None,
    base_url: str,
    headers: dict[str, str] | None = None,
    language: str | None = None,
) -> EmailMultiAlternatives:
    """Render (not send) one message; `base_url` is the scheme and host its links point to.

    Times in it are on the studio's wall clock, whoever sends it (a request or a worker); it speaks
    `language` (the recipient's own, core.preferences) or else the studio's.
    """
    branding = branding_for(studio, base_url=base_url)
    ctx = {"branding": branding, "base_url": base_url.rstrip("/"), **context}
    with studio_clock(studio=studio, language=language or None):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx).splitlines()).strip()
        text = render_to_string(f"{template_prefix}_message.txt", ctx).strip()
        try:
            html = render_to_string(f"{template_prefix}_message.html", ctx)
        except TemplateDoesNotExist:
            html = render_to_string("emails/base.html", {**ctx, "body_text": text, "subject": subject})
    reply_to = getattr(studio, "email_reply_to", "") if studio is not None else ""
    message = EmailMultiAlternatives(
        subject=header_text(f"[{branding['name']}] {subject}"),
        body=text,
        from_email=sender_address(studio),
        to=to,
        headers=headers,
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    return message


def sender_address(studio: Any | None) -> str:
    """`"<studio's sender name> <platform address>"`: the studio signs, the platform's domain sends (so SPF
    and DKIM hold). The sender name is the studio's `email_sender_name`, else its name."""
    if studio is None:
        return settings.DEFAULT_FROM_EMAIL
    _platform_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = header_text(getattr(studio, "email_sender_name", "") or getattr(studio, "name", ""))
    return formataddr((name, address)) if name and address else settings.DEFAULT_FROM_EMAIL
