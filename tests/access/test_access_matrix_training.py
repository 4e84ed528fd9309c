"""The access matrix of videos and workouts: every role x every entry point x assigned / unassigned / other studio.

The same rule and the same world as tests/access/test_access_matrix.py: owners and managers act on every
client; a trainer on the clients assigned to them (the unassigned client is another trainer's); a client
on themself (the unassigned client is another client). Anything else answers 404, exactly like an id of
another studio; a role that may not attempt the operation at all gets 403 whatever the client; never a 500.
Entry points that take an object (a video, a workout, a logged workout) address that client's object; for
the other studio, an object that exists only there. A person of another studio, with their own studio's
token, is not signed in here at all (401).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Model
from django.test import Client
from django_tenants.utils import schema_context

from core.models import User
from core.tokens import access_token_issue
from domain.programs.models import WorkoutSession
from domain.videos.models import Processing, Video, VideoAnnotation
from domain.workouts.models import WorkoutCompletion
from tests.access import test_access_matrix as matrix
from tests.access.test_access_matrix import OTHER_STUDIO_ID, World, expected
from tests.conftest import host_of
from tests.factories.core import OwnerFactory
from tests.factories.videos import VideoFactory
from tests.factories.workouts import assign_program, exercise, first_session, log_adhoc
from tests.portal.conftest import media_root  # noqa: F401 - uploads start in a temporary media root
from tests.portal.test_training_pages import browser

pytestmark = pytest.mark.django_db
world = matrix.world  # the same people as the first matrix


@dataclass(frozen=True)
class Things:
    """One client's objects the entry points address (ids)."""

    video: int
    twin: int  # another ready video of the same exercise, for compare
    failed: int  # a video whose processing failed, for retry
    annotation: int  # by the assigned client's trainer
    workout: int  # a scheduled workout of an assigned program
    completion: int  # an ad-hoc workout logged


def _things_of(client: User, author: User, actor: User) -> Things:
    squat = exercise("barbell-back-squat")
    video, twin = VideoFactory(client=client, exercise=squat), VideoFactory(client=client, exercise=squat)
    failed = VideoFactory(client=client, processing=Processing.FAILED, error="ffmpeg said no")
    note = VideoAnnotation.objects.create(video=video, author=author, time_ms=0, frame=0, text="Knees out")
    session = first_session(assign_program(client=client, actor=actor))
    logged = log_adhoc(actor=actor, client=client, slug="barbell-back-squat", sets=[(5, "100")])
    return Things(video.pk, twin.pk, failed.pk, note.pk, session.pk, logged.completion.pk)


def _ids_from(start: int, *models: type[Model]) -> None:
    """New rows of these tables get ids from `start` on (in the current schema), out of this studio's range."""
    sequence = "pg_get_serial_sequence(%(table)s, 'id')"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(
                f"SELECT setval({sequence}, GREATEST(%(start)s, nextval({sequence})))",
                {"table": model._meta.db_table, "start": start},
            )


@pytest.fixture
def things(world: World, other_studio) -> dict[int, Things]:
    """client id -> that client's objects; the other studio's objects exist only in its schema."""
    owner = world.owner
    found = {person.pk: _things_of(person, world.trainer, owner) for person in (world.assigned, world.unassigned)}
    with schema_context(other_studio.schema_name):
        _ids_from(OTHER_STUDIO_ID, Video, VideoAnnotation, WorkoutSession, WorkoutCompletion)
        there = User.objects.get(pk=OTHER_STUDIO_ID)
        found[OTHER_STUDIO_ID] = _things_of(there, OwnerFactory(), OwnerFactory())
    here = found[world.assigned.pk]
    assert all(getattr(found[OTHER_STUDIO_ID], name) != getattr(here, name) for name in Things.__dataclass_fields__)
    return found


Operation = Callable[[Client, Things, int], int]
JSON = "application/json"


def client_videos(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/videos").status_code


def upload_start(api: Client, of: Things, client_id: int) -> int:
    payload = {"size_bytes": 1000, "filename": "squat.mp4", "client_id": client_id}
    return api.post("/api/v1/videos/upload", payload, JSON).status_code


def upload_progress(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/videos/{of.video}/upload").status_code


def video_detail(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/videos/{of.video}").status_code


def compare(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/videos/compare?a={of.video}&b={of.twin}").status_code


def retry(api: Client, of: Things, client_id: int) -> int:
    return api.post(f"/api/v1/videos/{of.failed}/retry").status_code


def delete_video(api: Client, of: Things, client_id: int) -> int:
    return api.delete(f"/api/v1/videos/{of.twin}").status_code


def move_review(api: Client, of: Things, client_id: int) -> int:
    return api.put(f"/api/v1/videos/{of.video}/status", {"status": "in_review"}, JSON).status_code


def read_thread(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/videos/{of.video}/feedback").status_code


def comment(api: Client, of: Things, client_id: int) -> int:
    return api.post(f"/api/v1/videos/{of.video}/feedback", {"body": "Better depth"}, JSON).status_code


def read_annotations(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/videos/{of.video}/annotations").status_code


def annotate(api: Client, of: Things, client_id: int) -> int:
    return api.post(f"/api/v1/videos/{of.video}/annotations", {"time_ms": 500, "text": "Chest up"}, JSON).status_code


def change_annotation(api: Client, of: Things, client_id: int) -> int:
    url = f"/api/v1/videos/{of.video}/annotations/{of.annotation}"
    return api.put(url, {"time_ms": 600, "text": "Knees out more"}, JSON).status_code


def remove_annotation(api: Client, of: Things, client_id: int) -> int:
    return api.delete(f"/api/v1/videos/{of.video}/annotations/{of.annotation}").status_code


def workout_detail(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/workouts/{of.workout}").status_code


def _log(exercise_id: int | None = None) -> dict[str, object]:
    sets = [{"reps": 5, "load": "60"}]
    exercises = [{"exercise_id": exercise_id or exercise("barbell-back-squat").pk, "sets": sets}]
    return {"idempotency_key": str(uuid.uuid4()), "exercises": exercises}


def complete_workout(api: Client, of: Things, client_id: int) -> int:
    return api.post(f"/api/v1/workouts/{of.workout}/complete", _log(), JSON).status_code


def log_adhoc_workout(api: Client, of: Things, client_id: int) -> int:
    return api.post(f"/api/v1/clients/{client_id}/workouts", {**_log(), "name": "Hotel gym"}, JSON).status_code


def workout_history(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/workout-history").status_code


def logged_workout(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/workout-completions/{of.completion}").status_code


def personal_records(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/personal-records").status_code


def training_summary(api: Client, of: Things, client_id: int) -> int:
    return api.get(f"/api/v1/clients/{client_id}/training-summary").status_code


EVERYONE = frozenset({"owner", "manager", "trainer", "client"})
STAFF = frozenset({"owner", "manager", "trainer"})
OPERATIONS: dict[str, tuple[Operation, int, frozenset[str]]] = {
    # name: (operation, success status, roles that may attempt it)
    "list a client's videos": (client_videos, 200, EVERYONE),
    "start an upload for": (upload_start, 201, EVERYONE),
    "see an upload's progress": (upload_progress, 200, EVERYONE),
    "see a video": (video_detail, 200, EVERYONE),
    "compare two videos": (compare, 200, EVERYONE),
    "retry a failed video": (retry, 202, EVERYONE),
    "delete a video": (delete_video, 204, EVERYONE),
    "move a review": (move_review, 200, STAFF),
    "read a video's thread": (read_thread, 200, EVERYONE),
    "comment on a video": (comment, 201, EVERYONE),
    "read annotations": (read_annotations, 200, EVERYONE),
    "annotate a video": (annotate, 201, STAFF),
    "change an annotation": (change_annotation, 200, STAFF),
    "remove an annotation": (remove_annotation, 204, STAFF),
    "see a scheduled workout": (workout_detail, 200, EVERYONE),
    "log a scheduled workout": (complete_workout, 201, EVERYONE),
    "log an ad-hoc workout": (log_adhoc_workout, 201, EVERYONE),
    "see the workout history": (workout_history, 200, EVERYONE),
    "see a logged workout": (logged_workout, 200, EVERYONE),
    "see personal records": (personal_records, 200, EVERYONE),
    "see the training summary": (training_summary, 200, EVERYONE),
}


def client_videos_page(page: Client, of: Things, client_id: int) -> int:
    return page.get(f"/clients/{client_id}/videos/").status_code


def player_page(page: Client, of: Things, client_id: int) -> int:
    return page.get(f"/videos/{of.video}/").status_code


def compare_page(page: Client, of: Things, client_id: int) -> int:
    return page.get(f"/videos/compare/?a={of.video}&b={of.twin}").status_code


def comment_form(page: Client, of: Things, client_id: int) -> int:
    return page.post(f"/videos/{of.video}/comment/", {"body": "Better depth"}).status_code


def review_form(page: Client, of: Things, client_id: int) -> int:
    return page.post(f"/videos/{of.video}/status/", {"status": "in_review"}).status_code


def logger_page(page: Client, of: Things, client_id: int) -> int:
    return page.get(f"/me/workouts/{of.workout}/log/").status_code


PAGES: dict[str, tuple[Operation, int, frozenset[str]]] = {
    # the portal's pages and forms of the same (a form done answers 302 back to the player)
    "open a client's videos page": (client_videos_page, 200, EVERYONE),
    "open the player": (player_page, 200, EVERYONE),
    "open the compare page": (compare_page, 200, EVERYONE),
    "send the comment form": (comment_form, 302, EVERYONE),
    "send the review form": (review_form, 302, STAFF),
    "open the workout logger": (logger_page, 200, EVERYONE),
}


SURFACES = {**{name: ("api", *row) for name, row in OPERATIONS.items()}, **{n: ("page", *r) for n, r in PAGES.items()}}


@pytest.mark.usefixtures("media_root")
@pytest.mark.parametrize("operation", list(SURFACES))
@pytest.mark.parametrize("role", ["owner", "manager", "trainer", "client"])
def test_access_matrix_of_videos_and_workouts(studio, api_client, world, things, role, operation):
    # given the role's person (through the API, or signed in to the portal) and three clients' objects:
    # assigned to them (or themself), not, and another studio's
    surface, run, success, allowed_roles = SURFACES[operation]
    actor = world.actor(role)
    caller = api_client(actor) if surface == "api" else browser(studio, actor)
    targets = {"assigned": world.assigned.pk, "unassigned": world.unassigned.pk, "other studio": OTHER_STUDIO_ID}
    # when they try the operation on each
    answers = {target: run(caller, things[client_id], client_id) for target, client_id in targets.items()}
    # then it works in their scope, and is "not found" outside it, as for another studio's id
    assert answers == {target: expected(role, target, success, allowed_roles) for target in targets}


def test_a_person_of_another_studio_is_not_signed_in_here_for_any_video_or_workout(studio, world, things, other_studio):
    # given the owner of another studio with a token of their own studio
    with schema_context(other_studio.schema_name):
        token = access_token_issue(User.objects.filter(role="owner").first())
    api = Client(HTTP_HOST=host_of(studio), HTTP_AUTHORIZATION=f"Bearer {token}")
    # when they send it here to each entry point, addressing the assigned client's objects
    mine = things[world.assigned.pk]
    answers = {name: run(api, mine, world.assigned.pk) for name, (run, _success, _roles) in OPERATIONS.items()}
    # then none is answered (401): none says whether the client or the object exists
    assert answers == dict.fromkeys(OPERATIONS, 401)
