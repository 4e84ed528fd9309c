"""Small helpers for tests that go through HTTP: sign in, and follow links from real emails."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.test import Client

URL = re.compile(r"https?://[^\s<>\"']+")


def signin(client: Client, email: str, password: str, **extra: str) -> HttpResponse:
    """POST the web sign-in form, as a browser would."""
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def links_in(message: EmailMessage) -> list[str]:
    """Every absolute URL in the text body of an email, in order."""
    return URL.findall(message.body)


def link_to(message: EmailMessage, path_contains: str) -> tuple[str, str]:
    """(host, path) of the email's first link whose path contains `path_contains`."""
    for url in links_in(message):
        parts = urlsplit(url)
        if path_contains in parts.path:
            return parts.netloc, parts.path
    raise AssertionError(f"no link containing {path_contains!r} in:\n{message.body}")
