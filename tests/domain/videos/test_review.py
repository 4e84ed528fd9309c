"""The review: queue, status workflow and its permissions, the client told after commit, comments,
annotations anchored to a frame, compare, and the seed's indexes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from domain.videos.models import Processing, ReviewStatus, Video, VideoAnnotation, VideoStatusChange
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, ManagerFactory, TrainerFactory
from tests.factories.videos import VideoFactory
from tests.factories.workouts import exercise

ARROW = {"type": "arrow", "points": [[0.2, 0.8], [0.5, 0.4]], "color": "#00ff00"}
ANGLE = {"type": "angle", "points": [[0.1, 0.1], [0.2, 0.5], [0.6, 0.5]]}


@pytest.fixture
def video(client_user) -> Video:
    return VideoFactory(client=client_user, exercise=exercise("barbell-back-squat"))


def _status(client, video_id, status, note=""):
    return client.put(f"/api/v1/videos/{video_id}/status", {"status": status, "note": note}, "application/json")


def test_the_queue_holds_the_trainers_clients_ready_videos_oldest_first(api_client, trainer, client_user):
    now = timezone.now()
    newer = VideoFactory(client=client_user, submitted_at=now - timedelta(hours=1))
    older = VideoFactory(client=client_user, submitted_at=now - timedelta(days=1))
    VideoFactory(client=client_user, processing=Processing.PROCESSING, rendition_name="")  # not playable yet
    VideoFactory(client=client_user, status=ReviewStatus.APPROVED)  # done
    VideoFactory(client=assigned_client(TrainerFactory()))  # someone else's client
    items = api_client(trainer).get("/api/v1/videos/pending").json()["items"]
    assert [item["id"] for item in items] == [older.pk, newer.pk]
    only_approved = api_client(trainer).get("/api/v1/videos/pending?status=approved").json()["items"]
    assert [item["status"] for item in only_approved] == ["approved"]
    assert api_client(trainer).get("/api/v1/videos/pending?status=nonsense").status_code == 400
    assert api_client(client_user).get("/api/v1/videos/pending").status_code == 403


def test_the_workflow_records_who_changed_what_and_tells_the_client_after_commit(
    api_client, trainer, client_user, video, django_capture_on_commit_callbacks, settings
):
    settings.PLATFORM_URL_PORT = "8107"  # `make run` on another port: the email's link must carry it
    reviewer = api_client(trainer)
    assert _status(reviewer, video.pk, "in_review").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = _status(reviewer, video.pk, "needs_revision", "Knees cave in on the way up.")
    assert done.status_code == 200
    assert done.json()["status"] == "needs_revision"
    history = list(VideoStatusChange.objects.filter(video=video).values_list("from_status", "to_status", "actor"))
    assert history == [("pending", "in_review", trainer.pk), ("in_review", "needs_revision", trainer.pk)]
    (message,) = mail.outbox
    assert message.to == [client_user.email]
    assert "Needs another attempt" in message.subject
    assert "Knees cave in on the way up." in message.body
    assert f"http://{connection.tenant.slug}.localhost:8107/videos/{video.pk}/" in message.body
    detail = api_client(client_user).get(f"/api/v1/videos/{video.pk}").json()
    assert [h["to_status"] for h in detail["history"]] == ["in_review", "needs_revision"]


def test_a_transition_outside_the_workflow_is_refused_and_changes_nothing(api_client, trainer, video):
    response = _status(api_client(trainer), video.pk, "approved")  # pending -> approved skips the review
    assert response.status_code == 409
    assert response.json()["code"] == "status_transition"
    assert _status(api_client(trainer), video.pk, "bogus").status_code == 400
    video.refresh_from_db()
    assert video.status == "pending"
    assert not VideoStatusChange.objects.exists()


def test_a_video_still_processing_cannot_be_reviewed(api_client, trainer, client_user):
    video = VideoFactory(client=client_user, processing=Processing.PROCESSING, rendition_name="")
    assert _status(api_client(trainer), video.pk, "in_review").json()["code"] == "video_not_ready"


@pytest.mark.parametrize(
    ("who", "view", "change"),
    [
        ("the client", 200, 403),
        ("their trainer", 200, 200),
        ("a manager", 200, 200),
        ("another trainer", 404, 404),
        ("another client", 404, 403),
    ],
)
def test_who_sees_and_who_reviews(api_client, trainer, client_user, video, who, view, change):
    person = {
        "the client": lambda: client_user,
        "their trainer": lambda: trainer,
        "a manager": ManagerFactory,
        "another trainer": TrainerFactory,
        "another client": ClientFactory,
    }[who]()
    assert api_client(person).get(f"/api/v1/videos/{video.pk}").status_code == view
    assert _status(api_client(person), video.pk, "in_review").status_code == change


def test_another_studio_finds_nothing(api_client, video, other_studio):
    with tenant_context(other_studio):
        owner = TrainerFactory()
    connection.set_tenant(other_studio)
    assert api_client(owner, on=other_studio).get(f"/api/v1/videos/{video.pk}").status_code == 404


def test_the_comments_thread(api_client, trainer, client_user, video):
    api_client(client_user).post(
        f"/api/v1/videos/{video.pk}/feedback", {"body": "Was that deep enough?"}, "application/json"
    )
    answer = api_client(trainer).post(
        f"/api/v1/videos/{video.pk}/feedback", {"body": "Yes: hip crease below knee."}, "application/json"
    )
    assert answer.status_code == 201
    blank = api_client(trainer).post(f"/api/v1/videos/{video.pk}/feedback", {"body": "  "}, "application/json")
    assert blank.status_code == 400
    thread = api_client(client_user).get(f"/api/v1/videos/{video.pk}/feedback").json()
    assert [(c["author_id"], c["body"]) for c in thread] == [
        (client_user.pk, "Was that deep enough?"),
        (trainer.pk, "Yes: hip crease below knee."),
    ]


def test_annotations_round_trip_on_their_frame(api_client, trainer, client_user, video):
    staff = api_client(trainer)
    # 1.517 s at 30 fps is frame 45
    made = staff.post(
        f"/api/v1/videos/{video.pk}/annotations",
        {"time_ms": 1517, "text": "Knee over toe here", "shapes": [ARROW, ANGLE]},
        "application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["frame"], body["time_ms"]) == (45, 1517)
    assert body["shapes"][0] == ARROW
    assert body["shapes"][1]["color"] == "#ff3b30"  # the default colour
    # the client sees exactly what was drawn, on that frame
    (seen,) = api_client(client_user).get(f"/api/v1/videos/{video.pk}/annotations").json()
    assert (seen["frame"], seen["text"], seen["shapes"]) == (45, "Knee over toe here", body["shapes"])
    # edited, then removed
    edited = staff.put(
        f"/api/v1/videos/{video.pk}/annotations/{body['id']}", {"time_ms": 100, "text": "Start"}, "application/json"
    )
    assert edited.json()["frame"] == 3
    assert edited.json()["shapes"] == []
    assert staff.delete(f"/api/v1/videos/{video.pk}/annotations/{body['id']}").status_code == 204
    assert not VideoAnnotation.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"time_ms": 99999, "text": "after the end"},
        {"time_ms": 10},
        {"time_ms": 10, "shapes": [{"type": "arrow", "points": [[0.1, 0.1]]}]},
        {"time_ms": 10, "shapes": [{"type": "arrow", "points": [[0.1, 0.1], [1.5, 0.2]]}]},
        {"time_ms": 10, "shapes": [{"type": "star", "points": [[0.1, 0.1], [0.2, 0.2]]}]},
        {"time_ms": 10, "shapes": [{**ARROW, "color": "red; drop table"}]},
        {"time_ms": 10, "shapes": ["arrow"]},
    ],
)
def test_a_bad_annotation_is_a_400_and_writes_nothing(api_client, trainer, video, payload):
    response = api_client(trainer).post(f"/api/v1/videos/{video.pk}/annotations", payload, "application/json")
    assert response.status_code == 400, response.content
    assert not VideoAnnotation.objects.exists()


def test_clients_cannot_draw_and_others_cannot_edit_an_annotation(api_client, trainer, client_user, video):
    assert (
        api_client(client_user)
        .post(f"/api/v1/videos/{video.pk}/annotations", {"time_ms": 0, "text": "x"}, "application/json")
        .status_code
        == 403
    )
    made = api_client(trainer).post(
        f"/api/v1/videos/{video.pk}/annotations", {"time_ms": 0, "text": "x"}, "application/json"
    )
    colleague = TrainerFactory()
    assigned = assigned_client(colleague)
    assert assigned  # the colleague sees other clients, not this one
    gone = api_client(colleague).delete(f"/api/v1/videos/{video.pk}/annotations/{made.json()['id']}")
    assert gone.status_code == 404


def test_compare_two_videos_of_the_same_exercise(api_client, trainer, client_user, video):
    second = VideoFactory(client=client_user, exercise=video.exercise)
    other_lift = VideoFactory(client=client_user, exercise=exercise("barbell-bench-press"))
    pair = api_client(trainer).get(f"/api/v1/videos/compare?a={video.pk}&b={second.pk}")
    assert pair.status_code == 200
    assert (pair.json()["first"]["id"], pair.json()["second"]["id"]) == (video.pk, second.pk)
    refused = api_client(trainer).get(f"/api/v1/videos/compare?a={video.pk}&b={other_lift.pk}")
    assert refused.status_code == 400
    assert refused.json()["code"] == "compare_invalid"
    assert api_client(TrainerFactory()).get(f"/api/v1/videos/compare?a={video.pk}&b={second.pk}").status_code == 404


def test_the_seed_indexes_exist(tenant):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = 'videos_video'",
            [connection.schema_name],
        )
        indexes = dict(cursor.fetchall())
    assert "(client_id, status)" in indexes["videos_client_status"]
    assert "WHERE ((status)::text = 'pending'::text)" in indexes["videos_pending_queue"]


def test_a_client_lists_their_videos_and_deletes_one(api_client, client_user, video, media_root):
    listing = api_client(client_user).get(f"/api/v1/clients/{client_user.pk}/videos").json()
    assert [item["id"] for item in listing["items"]] == [video.pk]
    assert api_client(client_user).delete(f"/api/v1/videos/{video.pk}").status_code == 204
    assert not Video.objects.exists()
