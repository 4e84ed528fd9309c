"""A trainer opens a client's form-check video, steps to a frame, draws an arrow and saves it; the client
opens the same video on a phone and sees the arrow on that frame. Headless Chromium, real rendition."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.files.storage import storages
from django.db import connection
from playwright.sync_api import sync_playwright

from core.models import AuditEvent, User
from domain.videos import services
from domain.videos.models import Processing, Video, VideoAnnotation
from domain.workouts.models import WorkoutCompletion
from tenants.models import Studio
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, served_world
from tests.concurrency import in_own_connection
from tests.conftest import STUDIO_SLUG
from tests.factories.clients import assigned_client
from tests.factories.core import DEFAULT_PASSWORD, TrainerFactory
from tests.factories.videos import clip
from tests.factories.workouts import log_adhoc
from tests.needs import needs

pytestmark = [pytest.mark.browser, pytest.mark.django_db, needs("chromium", "ffmpeg")]
STEPS = 12  # frames forward from the first


@dataclass(frozen=True)
class World:
    port: int
    video_id: int
    set_id: int
    trainer_email: str
    client_email: str
    people: tuple[int, int]

    @property
    def url(self) -> str:
        return f"http://{STUDIO_SLUG}.localhost:{self.port}"


def _on_studio() -> None:
    connection.set_tenant(Studio.objects.get(slug=STUDIO_SLUG))


def _make(suffix: str) -> dict[str, object]:
    """A trainer, their client and the client's clip, uploaded and processed (eagerly) for real."""
    _on_studio()
    trainer = TrainerFactory(email=f"coach-{suffix}@browser.test")
    client = assigned_client(trainer, email=f"lifter-{suffix}@browser.test")
    content = clip(2, "320x180")
    video = services.video_upload_start(
        actor=client, data=services.UploadData(size_bytes=len(content), title="Squat, top set")
    )
    services.video_upload_chunk(
        actor=client, video_id=video.pk, start=0, total=len(content), stream=io.BytesIO(content), length=len(content)
    )
    services.video_upload_complete(actor=client, video_id=video.pk)  # processing runs eagerly on commit
    assert Video.objects.get(pk=video.pk).processing == Processing.READY
    logged = log_adhoc(actor=client, client=client, slug="barbell-back-squat", sets=[(5, "100")])
    return {
        "video_id": video.pk,
        "set_id": logged.completion.exercises.get().sets.get().pk,
        "trainer_email": trainer.email,
        "client_email": client.email,
        "people": (trainer.pk, client.pk),
    }


def _remove(world: World) -> None:
    _on_studio()
    Video.objects.filter(client_id=world.people[1]).delete()
    WorkoutCompletion.objects.filter(client_id=world.people[1]).delete()
    AuditEvent.objects.filter(actor_id__in=world.people).delete()
    for session in Session.objects.all():
        if session.get_decoded().get(SESSION_KEY) in {str(pk) for pk in world.people}:
            session.delete()
    User.objects.filter(pk__in=world.people).delete()


@pytest.fixture
def world(django_db_blocker, settings, tmp_path) -> Iterator[World]:
    settings.MEDIA_ROOT = str(tmp_path)
    storages["default"].__dict__.pop("relative_media_root", None)
    suffix = uuid.uuid4().hex[:8]
    remove = lambda made: _remove(World(port=0, **made))  # noqa: E731
    with django_db_blocker.unblock(), served_world(lambda: _make(suffix), remove) as (port, made):
        yield World(port=port, **made)
    storages["default"].__dict__.pop("relative_media_root", None)


def _sign_in(page, world: World, email: str, then: str | None = None) -> None:
    page.set_default_navigation_timeout(90_000)  # a loaded CI machine serves the first page slowly
    then = then or f"/videos/{world.video_id}/"
    page.goto(f"{world.url}/accounts/login/?next={then}")
    page.fill("#id_login", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{then}")
    if then.startswith("/videos/"):
        page.wait_for_function("() => document.querySelector('#video').readyState >= 2")


def _annotations(world: World) -> list[tuple[int, str, list]]:
    _on_studio()
    return [(a.frame, a.text, a.shapes) for a in VideoAnnotation.objects.filter(video_id=world.video_id)]


def test_a_trainer_draws_an_arrow_on_a_frame_and_the_client_sees_it_there(world):
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # given the trainer has the client's video open
            coach = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
            coach.set_default_timeout(60_000)
            _sign_in(coach, world, world.trainer_email)
            # when they step forward frame by frame
            for _ in range(STEPS):
                coach.click("#forward")
            coach.wait_for_selector(f'#overlay[data-frame="{STEPS}"]')
            # and draw an arrow from the lower left towards the middle, with a note, and save it
            box = coach.locator("#overlay").bounding_box()
            assert box
            coach.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
            coach.mouse.down()
            coach.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6, steps=4)
            coach.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.45, steps=4)
            coach.mouse.up()
            coach.fill("#note-text", "Drive the knee out here")
            coach.click("#save-note")
            coach.wait_for_selector("#player-status:has-text('Annotation saved')")
            # then the studio has the arrow on that frame, in picture coordinates
            ((frame, text, shapes),) = in_own_connection(lambda: _annotations(world))
            assert (frame, text) == (STEPS, "Drive the knee out here")
            (arrow,) = shapes
            assert arrow["type"] == "arrow"
            (x1, y1), (x2, y2) = arrow["points"]
            assert abs(x1 - 0.25) < 0.02 and abs(y1 - 0.75) < 0.02  # noqa: PT018
            assert abs(x2 - 0.55) < 0.02 and abs(y2 - 0.45) < 0.02  # noqa: PT018
            # when the client opens the video on their phone and jumps to the annotation
            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
            ).new_page()
            phone.set_default_timeout(60_000)
            _sign_in(phone, world, world.client_email)
            assert phone.locator(".marker").count() == 1
            assert "Drive the knee out here" in phone.inner_text("#notes")
            phone.click(".marker")
            # then the player stands on that frame and the arrow is drawn over it
            phone.wait_for_selector(f'#overlay[data-frame="{STEPS}"][data-shown="1"]')
            painted = phone.evaluate(
                """() => {
                  const canvas = document.querySelector('#overlay');
                  const at = (x, y) => canvas.getContext('2d').getImageData(
                    Math.round(canvas.width * x), Math.round(canvas.height * y), 1, 1).data;
                  return [Array.from(at(0.4, 0.6)), Array.from(at(0.9, 0.1))];
                }"""
            )
            on_arrow, elsewhere = painted
            assert on_arrow[3] > 0 and on_arrow[0] > 200  # noqa: PT018 - red, opaque, on the arrow's shaft
            assert elsewhere[3] == 0  # nothing drawn away from it
            # and the client has no drawing tools
            assert phone.locator("#tools").count() == 0
        finally:
            browser.close()


def test_a_client_adds_a_video_to_a_logged_set_from_the_phone(world, tmp_path):
    clip_file = tmp_path / "IMG_0042.MOV"
    clip_file.write_bytes(clip(1, "320x180", rotate=90))
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            page = phone.new_page()
            page.set_default_timeout(90_000)
            # given the client follows "Add a video" of a set they logged
            _sign_in(page, world, world.client_email, then=f"/me/videos/?set={world.set_id}")
            assert page.locator(".notice").count() == 1  # "attached to the set you logged"
            # when they pick the clip from their phone and upload it
            page.set_input_files("#video-file", str(clip_file))
            page.fill("#video-title", "Top set")
            page.click("#video-upload button[type=submit]")
            # then they land on the video, processed and playable
            page.wait_for_url("**/videos/*/")
            page.wait_for_function(
                "() => document.querySelector('#video') && document.querySelector('#video').readyState >= 2"
            )
            assert page.evaluate("() => document.querySelector('#video').videoHeight") == 320  # portrait, upright
        finally:
            browser.close()

    # and the studio has it on that set
    def uploaded() -> list[tuple[int | None, str, str]]:
        _on_studio()
        rows = Video.objects.filter(client_id=world.people[1]).exclude(pk=world.video_id)
        return [(v.logged_set_id, v.title, v.processing) for v in rows]

    assert in_own_connection(uploaded) == [(world.set_id, "Top set", "ready")]
