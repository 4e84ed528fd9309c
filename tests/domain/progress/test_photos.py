"""Progress photos: kept only with consent, cleaned by Pillow, shown only to the client and their trainers."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image

from core.models import AuditEvent
from domain.progress.models import ProgressPhoto
from tests.domain.progress.conftest import jpeg, upload
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory

pytestmark = pytest.mark.date_sensitive  # make test-instants runs it at each fixed instant


def _upload(client, person, content: bytes | None = None, **fields):
    data = {"pose": "front", "consent": "true", "image": upload(content or jpeg()), **fields}
    return client.post(f"/api/v1/clients/{person.pk}/photos", data=data)


def test_a_client_uploads_a_photo_and_it_is_served_only_through_the_authorised_view(
    api_client, media_root, client_user
):
    # when the client uploads a front photo
    response = _upload(api_client(client_user), client_user)
    # then it is kept, and its address is the authorised view, not a file in storage
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"] == f"/api/v1/photos/{body['id']}/image"
    photo = ProgressPhoto.objects.get()
    assert photo.consent is True
    assert photo.image.name.startswith(f"progress-photos/{client_user.pk}/")
    assert photo.image.name not in response.content.decode()
    # and the file sits under the studio's schema in media storage
    assert (media_root / connection.schema_name / photo.image.name).exists()
    # and the client gets the image back as a private JPEG
    image = api_client(client_user).get(body["url"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"].startswith("private")
    assert AuditEvent.objects.filter(action="progress_photo.upload").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("their trainer", 200), ("owner", 200), ("manager", 200), ("another trainer", 404), ("another client", 404)],
)
def test_photos_are_visible_only_to_the_client_their_trainers_and_management(
    api_client, media_root, client_user, trainer, studio_owner, who, status
):
    photo_id = _upload(api_client(client_user), client_user).json()["id"]
    viewer = {
        "their trainer": lambda: trainer,
        "owner": lambda: studio_owner,
        "manager": ManagerFactory,
        "another trainer": TrainerFactory,
        "another client": ClientFactory,
    }[who]()
    assert api_client(viewer).get(f"/api/v1/photos/{photo_id}/image").status_code == status
    listing = api_client(viewer).get(f"/api/v1/clients/{client_user.pk}/photos")
    assert listing.status_code == status


def test_without_a_session_or_token_the_photo_is_not_served(studio_client, api_client, media_root, client_user):
    photo_id = _upload(api_client(client_user), client_user).json()["id"]
    assert studio_client.get(f"/api/v1/photos/{photo_id}/image").status_code == 401


def test_another_studios_photo_ids_are_not_found(api_client, media_root, client_user, studio, other_studio):
    with tenant_context(other_studio):
        stranger = ClientFactory()
    photo_id = _upload(api_client(client_user), client_user).json()["id"]
    # a person of the other studio asking their own studio for this id finds nothing there
    assert api_client(stranger, on=other_studio).get(f"/api/v1/photos/{photo_id}/image").status_code == 404


def test_without_consent_nothing_is_kept(api_client, media_root, client_user):
    response = _upload(api_client(client_user), client_user, consent="false")
    assert response.status_code == 400
    assert "consent" in response.json()["fields"]
    assert not ProgressPhoto.objects.exists()
    assert not any(media_root.rglob("*.jpg"))


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"%PDF-1.4 not a photo", "me.jpg", "photo_type"),
        (b"GIF89a" + b"\x00" * 100, "me.gif", "photo_type"),
        (jpeg()[:200], "cut.jpg", "photo_type"),  # truncated
    ],
)
def test_files_that_are_not_photos_we_read_are_refused(api_client, media_root, client_user, content, name, code):
    data = {"pose": "side", "consent": "true", "image": upload(content, name=name)}
    response = api_client(client_user).post(f"/api/v1/clients/{client_user.pk}/photos", data=data)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not ProgressPhoto.objects.exists()


def test_a_gif_is_refused_even_though_pillow_reads_it(api_client, media_root, client_user):
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(out, format="GIF")
    response = _upload(api_client(client_user), client_user, content=out.getvalue())
    assert response.status_code == 400
    assert response.json()["code"] == "photo_type"


def test_a_photo_over_the_size_limit_is_refused(api_client, media_root, client_user, monkeypatch):
    monkeypatch.setattr("domain.progress.photos.MAX_PHOTO_BYTES", 1000)
    response = _upload(api_client(client_user), client_user, content=jpeg(400, 400, color="white") + b"\0" * 2000)
    assert response.status_code == 400
    assert response.json()["code"] == "photo_too_large"


def test_the_stored_photo_is_upright_and_carries_no_metadata(api_client, media_root, client_user):
    # given a phone photo lying on its side (EXIF orientation 6) with the camera's make in its EXIF
    content = jpeg(40, 20, exif={0x0112: 6, 0x010F: "PhoneCam"})
    # when it is uploaded
    photo_id = _upload(api_client(client_user), client_user, content=content).json()["id"]
    # then what is served is turned upright and has no EXIF left
    served = b"".join(api_client(client_user).get(f"/api/v1/photos/{photo_id}/image").streaming_content)
    with Image.open(io.BytesIO(served)) as image:
        assert image.size == (20, 40)
        assert dict(image.getexif()) == {}


def test_one_photo_per_pose_and_day(api_client, media_root, client_user):
    assert _upload(api_client(client_user), client_user).status_code == 201
    again = _upload(api_client(client_user), client_user)
    assert again.status_code == 409
    assert ProgressPhoto.objects.count() == 1
    assert _upload(api_client(client_user), client_user, pose="back").status_code == 201


def test_deleting_a_photo_removes_the_row_and_then_the_file(
    api_client, media_root, client_user, django_capture_on_commit_callbacks
):
    photo_id = _upload(api_client(client_user), client_user).json()["id"]
    path = media_root / connection.schema_name / ProgressPhoto.objects.get().image.name
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(client_user).delete(f"/api/v1/photos/{photo_id}")
    assert response.status_code == 204
    assert not ProgressPhoto.objects.exists()
    assert not path.exists()


def test_another_client_cannot_delete_the_photo(api_client, media_root, client_user):
    photo_id = _upload(api_client(client_user), client_user).json()["id"]
    assert api_client(ClientFactory()).delete(f"/api/v1/photos/{photo_id}").status_code == 404
    assert ProgressPhoto.objects.count() == 1
