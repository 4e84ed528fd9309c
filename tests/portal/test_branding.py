"""Branding: the owner's logo and colours, checked on upload and live at once on pages and the manifest."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import engines
from django_tenants.utils import schema_context
from PIL import Image

from core.models import AuditEvent, Role
from tenants.models import Studio

pytestmark = pytest.mark.django_db


def image_upload(
    name: str = "logo.png", image_format: str = "PNG", size: tuple[int, int] = (300, 120)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0A7C59").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def post_branding(client, **fields):
    data = {"primary_color": "#112233", "accent_color": "#445566", **fields}
    return client.post("/settings/branding/", data)


def branding_of(studio: Studio) -> tuple[str, str, str]:
    studio.refresh_from_db()
    return studio.logo.name, studio.primary_color, studio.accent_color


def test_owner_uploads_a_logo_and_colours_and_every_page_and_the_manifest_follow(studio, signed_in, media_root):
    # given the studio's owner, signed in on the studio host
    client, owner = signed_in(Role.OWNER)
    # when they upload a logo and pick colours
    response = post_branding(client, logo=image_upload())
    assert response.status_code == 302
    # then the logo is stored (re-encoded) under the studio's own schema prefix
    studio.refresh_from_db()
    assert studio.primary_color == "#112233"
    assert studio.accent_color == "#445566"
    stored = media_root / studio.schema_name / studio.logo.name
    assert stored.exists()
    with Image.open(stored) as saved:
        assert (saved.format, saved.size) == ("PNG", (300, 120))
    with schema_context(studio.schema_name):
        logo_url = studio.logo.url
        assert AuditEvent.objects.filter(action="studio.update_branding", actor_id=owner.pk).exists()
    assert logo_url.startswith(f"/media/{studio.schema_name}/branding/")
    # and every page carries it at once, even for visitors
    for page in ("/", "/dashboard/", "/settings/branding/"):
        body = client.get(page).content.decode()
        assert "--primary: #112233" in body
        assert logo_url in body
        assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    # and so does the web-app manifest, with icons drawn from the logo
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert (data["name"], data["theme_color"], data["background_color"]) == (studio.name, "#112233", "#112233")
    assert [icon["sizes"] for icon in data["icons"]] == ["192x192", "512x512"]
    icon = client.get(data["icons"][0]["src"])
    assert icon["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(icon.content)) as drawn:
        assert drawn.size == (192, 192)
        assert drawn.getpixel((96, 96)) == (10, 124, 89)  # the logo's green, centred on the icon
        assert drawn.getpixel((2, 2)) == (255, 255, 255)


def test_without_a_logo_the_icon_is_the_studio_initial_on_its_colour(studio, studio_client):
    Studio.objects.filter(pk=studio.pk).update(primary_color="#AA0000")
    manifest = studio_client.get("/manifest.webmanifest").json()
    icon = studio_client.get(manifest["icons"][1]["src"])
    with Image.open(io.BytesIO(icon.content)) as drawn:
        assert drawn.size == (512, 512)
        assert drawn.getpixel((5, 5)) == (170, 0, 0)
        assert (255, 255, 255) in {color for _count, color in drawn.getcolors(maxcolors=512 * 512)}


def test_unknown_icon_size_is_not_found(studio_client):
    assert studio_client.get("/icons/icon-64.png").status_code == 404


def test_manifest_is_only_served_on_studio_hosts(public_client):
    assert public_client.get("/manifest.webmanifest").status_code == 404
    assert "manifest.webmanifest" not in public_client.get("/").content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"<html>not an image</html>", content_type="image/png"), "not an image"),
        (
            SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"),
            "not an image",
        ),
        (image_upload("logo.gif", "GIF"), "PNG, JPEG or WebP"),
        (image_upload("huge.png", size=(5000, 10)), "at most 4096 pixels"),
        (SimpleUploadedFile("big.png", b"\0" * (2 * 1024 * 1024 + 1), content_type="image/png"), "at most 2 MB"),
    ],
)
def test_a_bad_logo_is_refused_and_changes_nothing(studio, signed_in, media_root, upload, message):
    # given the owner and the studio's current look
    client, _owner = signed_in(Role.OWNER)
    before = branding_of(studio)
    # when they upload something that is not an acceptable logo
    response = post_branding(client, logo=upload)
    # then the form says why, and neither the studio nor the storage changed
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["logo"])
    assert branding_of(studio) == before
    assert not any(media_root.rglob("*.*"))
    with schema_context(studio.schema_name):
        assert not AuditEvent.objects.filter(action="studio.update_branding").exists()


def test_a_bad_colour_is_refused_and_changes_nothing(studio, signed_in):
    client, _owner = signed_in(Role.OWNER)
    before = branding_of(studio)
    response = post_branding(client, primary_color="red")
    assert response.status_code == 200
    assert "#1A2B3C" in " ".join(response.context["form"].errors["primary_color"])
    assert branding_of(studio) == before


def test_replacing_the_logo_removes_the_old_file(studio, signed_in, media_root, django_capture_on_commit_callbacks):
    client, _owner = signed_in(Role.OWNER)
    post_branding(client, logo=image_upload())
    first = media_root / studio.schema_name / branding_of(studio)[0]
    with django_capture_on_commit_callbacks(execute=True):
        post_branding(client, logo=image_upload("new.jpg", "JPEG"))
    second = media_root / studio.schema_name / branding_of(studio)[0]
    assert second.suffix == ".jpg"
    assert second.exists()
    assert not first.exists()


def test_removing_the_logo_goes_back_to_the_name_and_deletes_the_file(
    studio, signed_in, media_root, django_capture_on_commit_callbacks
):
    client, _owner = signed_in(Role.OWNER)
    post_branding(client, logo=image_upload())
    stored = media_root / studio.schema_name / branding_of(studio)[0]
    with django_capture_on_commit_callbacks(execute=True):
        post_branding(client, remove_logo="on")
    assert branding_of(studio)[0] == ""
    assert not stored.exists()
    assert "/media/" not in client.get("/").content.decode()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TRAINER, Role.CLIENT])
def test_only_the_owner_may_change_the_branding(studio, signed_in, role):
    client, _person = signed_in(role)
    before = branding_of(studio)
    assert client.get("/settings/branding/").status_code == 403
    assert post_branding(client).status_code == 403
    assert branding_of(studio) == before


def test_anonymous_visitors_are_sent_to_sign_in(studio_client):
    response = studio_client.get("/settings/branding/")
    assert response.status_code == 302
    assert "next=/settings/branding/" in response["Location"]


def test_emails_carry_the_studio_branding(studio, signed_in, media_root, rf, tenant):
    # given the owner has branded the studio
    client, _owner = signed_in(Role.OWNER)
    post_branding(client, logo=image_upload())
    studio.refresh_from_db()
    connection.set_tenant(studio)
    # when an email is rendered with a request on the studio's host (as allauth renders its mails)
    request = rf.get("/", HTTP_HOST=f"{studio.slug}.localhost")
    request.tenant = studio
    message = engines["django"].from_string('{% extends "emails/base.html" %}{% block body %}Hello{% endblock %}')
    email = message.render({"action_url": "http://x/", "action_label": "Go"}, request)
    # then it shows the studio's name, colours and logo by absolute URL
    assert studio.name in email
    assert "background:#112233" in email
    assert "background:#445566" in email
    assert f'src="http://{studio.slug}.localhost/media/{studio.schema_name}/branding/' in email


def test_development_media_route_serves_only_the_studios_own_branding(settings, studio, tenant, tmp_path):
    from django.test import Client
    from django.urls import clear_url_caches

    from config import urls_tenant
    from portal.views.branding import branding_media_route

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "studio_alpha" / "branding").mkdir(parents=True)
    (tmp_path / "studio_alpha" / "branding" / "logo.png").write_bytes(b"png")
    (tmp_path / "studio_alpha" / "progress-photos").mkdir(parents=True)
    (tmp_path / "studio_alpha" / "progress-photos" / "p.jpg").write_bytes(b"jpg")
    route = branding_media_route()
    urls_tenant.urlpatterns.append(route)
    clear_url_caches()
    try:
        client = Client(HTTP_HOST="alpha.localhost")
        assert client.get("/media/studio_alpha/branding/logo.png").status_code == 200
        assert client.get("/media/studio_alpha/progress-photos/p.jpg").status_code == 404
        assert Client(HTTP_HOST="beta.localhost").get("/media/studio_alpha/branding/logo.png").status_code == 404
    finally:
        urls_tenant.urlpatterns.remove(route)
        clear_url_caches()
