"""Security headers: a Content Security Policy on every response, CORS only for listed origins, no inline code.

The browser side (nothing on the key pages is blocked by the policy) is tests/browser/test_csp_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from config import env
from tests.conftest import host_of

TEMPLATES = Path(settings.BASE_DIR) / "templates"
ORIGIN = "https://app.partner.test"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_a_studio_page_carries_the_policy_and_its_inline_style_the_responses_nonce(studio_client):
    # when a page is served (the sign-in page has the branding <style> of base.html)
    response = studio_client.get("/accounts/login/")
    # then the policy allows our own files and that response's nonce, and nothing inline or eval'd
    policy = _directives(response)
    (nonce,) = re.findall(r'<style nonce="([^"]+)">', response.content.decode())
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'", "localhost:*", "*.localhost:*"]  # sign-up lands on the studio
    assert policy["base-uri"] == ["'self'"]
    # and another response has another nonce
    assert nonce not in studio_client.get("/accounts/login/")["Content-Security-Policy"]
    # and the frame, referrer and type headers are still there
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("host", "path", "status"),
    [
        ("studio", "/api/v1/auth/me", 401),  # JSON
        ("studio", "/api/v1/docs", 200),
        ("public", "/", 200),
        ("public", "/signup/", 200),
        ("nowhere", "/", 404),  # answered by routing itself, before any urlconf
    ],
)
def test_every_kind_of_response_carries_the_policy(studio, host, path, status):
    hosts = {
        "studio": host_of(studio),
        "public": settings.PLATFORM_DOMAIN,
        "nowhere": f"nowhere.{settings.PLATFORM_DOMAIN}",
    }
    response = Client(HTTP_HOST=hosts[host]).get(path)
    assert response.status_code == status
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert _directives(response)["script-src"][0] == "'self'"


def test_a_response_without_a_nonce_carries_exactly_django_csps_policy(studio_client):
    """core.csp builds the common header once; it must be the very string django-csp builds per response."""
    from csp.utils import build_policy

    first = studio_client.get("/healthz")
    second = studio_client.get("/api/v1/auth/me")
    assert first["Content-Security-Policy"] == build_policy()
    assert second["Content-Security-Policy"] == build_policy()
    assert "nonce-" not in first["Content-Security-Policy"]


def test_a_changed_policy_is_built_anew(studio_client):
    directives = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'", "https://cdn.example.test"]}
    studio_client.get("/healthz")
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": directives}):
        assert _directives(studio_client.get("/healthz"))["img-src"] == ["'self'", "https://cdn.example.test"]
    assert "cdn.example.test" not in studio_client.get("/healthz")["Content-Security-Policy"]


def test_a_view_that_changes_its_policy_or_is_exempt_is_left_to_django_csp(rf):
    from csp.decorators import csp_exempt, csp_update
    from django.http import HttpResponse

    from core.csp import CSPMiddleware

    @csp_update({"img-src": ["https://maps.example.test"]})
    def with_update(request):
        return HttpResponse("ok")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("ok")

    updated = CSPMiddleware(with_update)(rf.get("/"))
    assert "https://maps.example.test" in updated["Content-Security-Policy"]
    assert "Content-Security-Policy" not in CSPMiddleware(exempt)(rf.get("/"))


def test_the_api_docs_are_served_from_our_static_files(studio_client):
    page = studio_client.get("/api/v1/docs").content.decode()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts
    assert all(src.startswith(settings.STATIC_URL) for src in scripts)
    assert "cdn" not in page.lower()


def test_cors_answers_no_origin_by_default(studio_client):
    # when a page of another origin asks to call the API (a preflight) and no origin is allowed
    response = studio_client.options(
        "/api/v1/auth/login", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    # then the browser is not allowed to read anything
    assert "Access-Control-Allow-Origin" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[ORIGIN])
def test_cors_allows_the_listed_origins_on_the_api_only(studio_client):
    # given the platform lists one partner origin
    preflight = studio_client.options(
        "/api/v1/auth/login",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )
    # then that origin may call the API, without cookies (tokens travel in the Authorization header)
    assert preflight["Access-Control-Allow-Origin"] == ORIGIN
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
    assert studio_client.get("/api/v1/auth/me", HTTP_ORIGIN=ORIGIN)["Access-Control-Allow-Origin"] == ORIGIN
    # and another origin may not
    other = studio_client.get("/api/v1/auth/me", HTTP_ORIGIN="https://evil.test")
    assert "Access-Control-Allow-Origin" not in other
    # and the portal's pages are never shared across origins
    assert "Access-Control-Allow-Origin" not in studio_client.get("/accounts/login/", HTTP_ORIGIN=ORIGIN)


def test_cors_origins_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://a.test, https://b.test")
    assert env.env_list("CORS_ALLOWED_ORIGINS") == ["https://a.test", "https://b.test"]


@pytest.mark.parametrize(
    ("variables", "origins"),
    [
        ({}, []),  # media on the filesystem: same origin
        (
            {"MEDIA_S3_BUCKET": "fw", "MEDIA_S3_ENDPOINT_URL": "http://127.0.0.1:9000"},
            ["http://127.0.0.1:9000", "http://fw.127.0.0.1:9000"],
        ),
        ({"MEDIA_S3_BUCKET": "fw", "MEDIA_S3_CUSTOM_DOMAIN": "media.fitwell.test"}, ["https://media.fitwell.test"]),
        ({"MEDIA_S3_BUCKET": "fw", "MEDIA_S3_REGION": "eu-west-2"}, ["https://fw.s3.eu-west-2.amazonaws.com"]),
        ({"MEDIA_S3_BUCKET": "fw", "CSP_MEDIA_ORIGINS": "https://cdn.test"}, ["https://cdn.test"]),
    ],
)
def test_media_in_a_bucket_may_be_shown_from_its_origin(monkeypatch, variables, origins):
    for name in ("MEDIA_S3_BUCKET", "MEDIA_S3_ENDPOINT_URL", "MEDIA_S3_CUSTOM_DOMAIN", "MEDIA_S3_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CSP_MEDIA_ORIGINS", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert env.media_origins() == origins


# Pages (not emails: mail clients ignore CSP and need inline styles; not PDF templates, which WeasyPrint renders
# outside any browser) must hold no inline code.
_INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
_STYLE_WITHOUT_NONCE = re.compile(r"<style(?![^>]*nonce=)[^>]*>", re.IGNORECASE)


def _page_templates() -> list[Path]:
    return [
        path
        for path in TEMPLATES.rglob("*.html")
        if "emails" not in path.relative_to(TEMPLATES).parts and not path.name.endswith("_pdf.html")  # PDFs: no browser
    ]


@pytest.mark.parametrize(
    ("rule", "pattern"),
    [
        ("inline event handler", _INLINE_HANDLER),
        ("inline script without src", _INLINE_SCRIPT),
        ("style attribute", _STYLE_ATTRIBUTE),
        ("<style> without the nonce", _STYLE_WITHOUT_NONCE),
    ],
)
def test_no_page_template_holds_inline_code_the_policy_blocks(rule, pattern):
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in _page_templates()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == [], f"{rule}: see docs/api.md, Security headers"


def test_the_template_check_finds_what_it_looks_for():
    assert _INLINE_HANDLER.search('<form method="post" onsubmit="return confirm(1)">')
    assert _INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not _INLINE_SCRIPT.search('<script src="/static/js/a.js" defer></script>')
    assert not _INLINE_SCRIPT.search('<script type="application/json" id="x">{}</script>')
    assert _STYLE_ATTRIBUTE.search('<span style="color:red">')
    assert not _INLINE_HANDLER.search('<li data-done="true" class="done">')
    assert _STYLE_WITHOUT_NONCE.search("<style>body{}</style>")
    assert not _STYLE_WITHOUT_NONCE.search('<style nonce="{{ CSP_NONCE }}">')
