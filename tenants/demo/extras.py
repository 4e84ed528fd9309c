"""The rest of a studio's life: form-check videos reviewed by the trainers, conversations between clients
and trainers (their notifications come with them), nutrition targets and food diaries, and the
analytics computed for every day of the history.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from domain.analytics.models import BusinessMetric
from domain.analytics.services import days_backfill
from domain.library.models import Exercise
from domain.messaging.models import Thread
from domain.messaging.services import message_send, thread_direct_open
from domain.nutrition.models import Food, NutritionPlan
from domain.nutrition.services import FoodLogData, NutritionPlanData, food_log_add, nutrition_plan_create
from domain.videos.models import Video
from domain.videos.services import (
    UploadData,
    video_feedback_add,
    video_process,
    video_status_change,
    video_upload_chunk,
    video_upload_complete,
    video_upload_start,
)
from tenants.demo.clock import Calendar, at
from tenants.demo.people import Cast
from tenants.demo.training import KEYS

CONVERSATION = [
    (True, "Hi! My knees felt a bit sore after Monday's squats. Should I go lighter on Thursday?"),
    (False, "Thanks for telling me. Keep the weight, but stop two reps short and film one set for me."),
    (True, "Will do, I'll upload the video after the session."),
    (False, "Great form on that last set. Depth is good; keep the chest up on the way out of the hole."),
]
FEEDBACK = "Nice and controlled. Brace before you unrack, and keep your knees tracking over your toes."


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None


def _clip(work: Path) -> bytes | None:
    """Two seconds of ffmpeg's test pattern as an MP4, or None when ffmpeg is not installed."""
    if not ffmpeg_available():
        return None
    target = work / "clip.mp4"
    command = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15"]
    subprocess.run([*command, "-t", "2", "-pix_fmt", "yuv420p", str(target)], check=True, timeout=60)  # noqa: S603
    return target.read_bytes()


def videos_review(*, cast: Cast, calendar: Calendar) -> None:
    """Four clients film a squat set; their trainers review three (approved, or another attempt asked for),
    the newest waits in the queue.
    Without ffmpeg there are no videos (the caller says so)."""
    filming = cast.clients[:4]
    if Video.objects.filter(client__in=filming).exists():
        return
    with tempfile.TemporaryDirectory(prefix="demo-clip-") as work:
        clip = _clip(Path(work))
    if clip is None:
        return
    squat = Exercise.objects.get(slug="barbell-back-squat")
    for index, client in enumerate(filming):
        trainer = cast.trainer_of(client)
        filmed = calendar.moment(calendar.today - timedelta(days=9 - 2 * index), 19)
        with at(filmed):
            video = video_upload_start(
                actor=client,
                data=UploadData(size_bytes=len(clip), filename="squat.mp4", exercise_id=squat.pk, title="Squat set"),
            )
            video_upload_chunk(
                actor=client, video_id=video.pk, start=0, total=len(clip), stream=io.BytesIO(clip), length=len(clip)
            )
            video_upload_complete(actor=client, video_id=video.pk)
            video_process(video_id=video.pk)
        if index == 3:
            continue  # the newest waits in the trainer's review queue
        with at(filmed + timedelta(hours=15)):
            video_status_change(actor=trainer, video_id=video.pk, status="in_review")
            video_feedback_add(actor=trainer, video_id=video.pk, body=FEEDBACK)
            verdict = "needs_revision" if index == 2 else "approved"
            video_status_change(actor=trainer, video_id=video.pk, status=verdict)


def conversations_hold(*, cast: Cast, calendar: Calendar) -> None:
    """A short conversation between each of the first eight clients and their trainer, in the last week."""
    for index, client in enumerate(cast.clients[:8]):
        if Thread.objects.filter(participants__user=client).exists():
            continue
        trainer = cast.trainer_of(client)
        started = calendar.moment(calendar.today - timedelta(days=6 - index % 5), 8, 15)
        thread = None
        for turn, (from_client, body) in enumerate(CONVERSATION[: 2 + index % 3]):
            with at(started + timedelta(hours=3 * turn, minutes=index)):
                if thread is None:
                    thread, _created = thread_direct_open(actor=client, other_id=trainer.pk)
                message_send(actor=client if from_client else trainer, thread_id=thread.pk, body=body)


def nutrition_track(*, cast: Cast, calendar: Calendar) -> None:
    """Targets for four clients from three weeks ago, and their food diaries for the last week."""
    foods = list(Food.objects.filter(is_builtin=True).order_by("pk")[:40])
    meals = ["breakfast", "lunch", "dinner", "snack"]
    for index, client in enumerate(cast.clients[:4]):
        if NutritionPlan.objects.filter(client=client).exists():
            continue
        trainer = cast.trainer_of(client)
        start = calendar.today - timedelta(weeks=3)
        protein, carbohydrate, fat = 130 + 10 * (index % 3), 200 + 20 * (index % 4), 70
        with at(calendar.moment(start, 10)):
            nutrition_plan_create(
                actor=trainer,
                client_id=client.pk,
                data=NutritionPlanData(
                    name="Lean and strong",
                    starts_on=start,
                    energy_kcal=4 * protein + 4 * carbohydrate + 9 * fat,
                    protein_g=protein,
                    carbohydrate_g=carbohydrate,
                    fat_g=fat,
                    water_ml=2500,
                ),
            )
        for back in range(7, 0, -1):
            day = calendar.today - timedelta(days=back)
            for slot, meal in enumerate(meals[: 3 + back % 2]):
                food = foods[(index * 7 + back * 3 + slot) % len(foods)] if foods else None
                with at(calendar.moment(day, 8 + 5 * slot)):
                    food_log_add(
                        actor=client,
                        client_id=client.pk,
                        data=FoodLogData(
                            idempotency_key=uuid.uuid5(KEYS, f"food-{client.pk}-{day}-{meal}"),
                            meal=meal,
                            logged_on=day,
                            food_id=food.pk if food else None,
                            amount=Decimal(150 + 25 * slot) if food else None,
                            name="" if food else "Home-cooked meal",
                            energy_kcal=None if food else Decimal(550),
                        ),
                    )


def analytics_compute(*, cast: Cast, calendar: Calendar) -> None:
    """Every day of the history in the analytics tables (engagement, business and trainer metrics)."""
    if BusinessMetric.objects.filter(day=calendar.first).exists():
        return
    days_backfill(start=calendar.first, end=calendar.today - timedelta(days=1))
