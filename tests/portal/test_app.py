"""The installable app's server side: the studio's service worker, and install guidance for clients only
(the browser half is tests/browser/test_app_browser.py)."""

from __future__ import annotations

import re

import pytest

from core.models import Role
from portal.views.app import SHELL_PAGES

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_with_the_shell_pages(studio, signed_in):
    client, _person = signed_in(Role.CLIENT)
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"fitwell-app-v1"' in body
    assert "/static/js/app.js" in body


@pytest.mark.parametrize(
    ("path", "offline"),
    [
        ("/me/today/", True),
        ("/me/program/", True),
        ("/me/workouts/12/log/", True),
        ("/schedule/bookings/", True),
        ("/dashboard/", True),
        ("/shop/", False),
        ("/clients/3/", False),
    ],
)
def test_the_offline_shell_is_the_clients_main_pages(path, offline):
    assert bool(re.search(SHELL_PAGES, path)) is offline


def test_clients_see_how_to_install_the_app_and_staff_do_not(studio, signed_in):
    client, _person = signed_in(Role.CLIENT)
    page = client.get("/dashboard/").content.decode()
    assert "data-install-app" in page
    assert "Add to Home Screen" in page
    assert '<meta name="fitwell-service-worker" content="/sw.js">' in page
    trainer, _person = signed_in(Role.TRAINER)
    page = trainer.get("/dashboard/").content.decode()
    assert "data-install-app" not in page
    assert "fitwell-service-worker" not in page


def test_the_manifest_says_what_an_installed_app_needs(studio, signed_in):
    client, _person = signed_in(Role.CLIENT)
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["background_color"] == studio.primary_color
    assert studio.name in manifest["description"]
