"""Form-check video pages through HTTP: the client's list and upload, the trainer's queue, the player,
the review and comment forms, compare, and "add a video" on the logged sets of the workout history."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import time_machine

from domain.videos.models import VideoFeedback
from tenants.models import Studio
from tests.domain import people_fixtures
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, TrainerFactory
from tests.factories.videos import VideoFactory
from tests.factories.workouts import exercise, log_adhoc
from tests.portal.test_training_pages import browser
from tests.querycount import queries_of_get

pytestmark = pytest.mark.django_db
trainer, client_user = people_fixtures.trainer, people_fixtures.client_user  # the same people


def _config(page, name: str) -> dict:
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page.content.decode(), re.S)
    assert match, f"no {name} on the page"
    return json.loads(match[1])


def test_the_client_sees_their_videos_and_the_upload_form_for_a_logged_set(studio, client_user):
    logged = log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100")])
    set_id = logged.completion.exercises.get().sets.get().pk
    video = VideoFactory(client=client_user, title="Squat check")
    page = browser(studio, client_user).get(f"/me/videos/?set={set_id}")
    assert page.status_code == 200
    assert "Squat check" in page.content.decode()
    assert f'href="/videos/{video.pk}/"' in page.content.decode()
    config = _config(page, "uploader-config")
    assert (config["clientId"], config["loggedSetId"]) == (client_user.pk, set_id)
    assert config["startUrl"] == "/api/v1/videos/upload"


def test_the_workout_history_offers_a_video_per_set_and_links_the_ones_there(studio, client_user):
    logged = log_adhoc(actor=client_user, client=client_user, slug="barbell-back-squat", sets=[(5, "100"), (5, "100")])
    first, second = logged.completion.exercises.get().sets.order_by("set_number")
    video = VideoFactory(client=client_user, logged_set=first)
    html = browser(studio, client_user).get("/me/workouts/").content.decode()
    assert f'href="/videos/{video.pk}/"' in html
    assert f'href="/me/videos/?set={second.pk}"' in html
    assert f'href="/me/videos/?set={first.pk}"' not in html


def test_the_trainer_queue_lists_their_clients_videos_and_clients_may_not_open_it(studio, client_user, trainer):
    mine = VideoFactory(client=client_user, title="Deadlift")
    theirs = VideoFactory(client=assigned_client(TrainerFactory()), title="Someone else's")
    html = browser(studio, trainer).get("/videos/review/").content.decode()
    assert f'href="/videos/{mine.pk}/"' in html
    assert f'href="/videos/{theirs.pk}/"' not in html
    assert browser(studio, client_user).get("/videos/review/").status_code == 403


def test_the_player_page_carries_the_video_and_its_annotations_and_drawing_only_for_staff(studio, client_user, trainer):
    video = VideoFactory(client=client_user)
    as_trainer = _config(browser(studio, trainer).get(f"/videos/{video.pk}/"), "player-config")
    assert as_trainer["canDraw"] is True
    assert as_trainer["annotationsUrl"] == f"/api/v1/videos/{video.pk}/annotations"
    as_client = browser(studio, client_user).get(f"/videos/{video.pk}/")
    assert _config(as_client, "player-config")["canDraw"] is False
    assert 'id="tools"' not in as_client.content.decode()
    assert browser(studio, ClientFactory()).get(f"/videos/{video.pk}/").status_code == 404
    assert browser(studio, TrainerFactory()).get(f"/videos/{video.pk}/").status_code == 404


def test_the_player_costs_the_same_queries_however_many_annotations(studio, client_user, trainer):
    video = VideoFactory(client=client_user)
    me = browser(studio, trainer)
    video.annotations.create(author=trainer, time_ms=0, frame=0, text="one")
    before = queries_of_get(me, f"/videos/{video.pk}/")
    for n in range(5):
        video.annotations.create(author=trainer, time_ms=n * 100, frame=n * 3, text=f"note {n}")
        video.feedback.create(author=client_user, body=f"comment {n}")
    assert queries_of_get(me, f"/videos/{video.pk}/") == before


def test_the_review_and_comment_forms(studio, client_user, trainer):
    video = VideoFactory(client=client_user)
    me = browser(studio, trainer)
    assert me.post(f"/videos/{video.pk}/status/", {"status": "in_review"}).status_code == 302
    me.post(f"/videos/{video.pk}/status/", {"status": "approved", "note": "Great depth"})
    video.refresh_from_db()
    assert video.status == "approved"
    browser(studio, client_user).post(f"/videos/{video.pk}/comment/", {"body": "Thanks!"})
    assert list(VideoFeedback.objects.values_list("body", flat=True)) == ["Thanks!"]
    # a client cannot post a review
    assert browser(studio, client_user).post(f"/videos/{video.pk}/status/", {"status": "in_review"}).status_code == 403


def test_compare_page_and_its_refusal(studio, client_user, trainer):
    squat = exercise("barbell-back-squat")
    first, second = VideoFactory(client=client_user, exercise=squat), VideoFactory(client=client_user, exercise=squat)
    page = browser(studio, trainer).get(f"/videos/compare/?a={first.pk}&b={second.pk}")
    assert page.status_code == 200
    assert [v["id"] for v in _config(page, "compare-config")["videos"]] == [first.pk, second.pk]
    bench = VideoFactory(client=client_user, exercise=exercise("barbell-bench-press"))
    refused = browser(studio, trainer).get(f"/videos/compare/?a={first.pk}&b={bench.pk}")
    assert refused.status_code == 302


def test_times_on_the_pages_are_the_studios_wall_clock(studio, client_user, trainer):
    # given a studio in Tokyo and a video uploaded at 10:00 UTC
    Studio.objects.filter(pk=studio.pk).update(timezone="Asia/Tokyo")
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        video = VideoFactory(client=client_user)
    # then the player and the queue say 19:00, Tokyo's time
    assert "19:00" in browser(studio, client_user).get(f"/videos/{video.pk}/").content.decode()
    assert "19:00" in browser(studio, trainer).get("/videos/review/").content.decode()
