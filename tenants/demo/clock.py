"""The demo's clock: each piece of history is written *as of* its day, through the apps' own services.

The services refuse a booking in the past, a program that starts yesterday or a check-in dated ahead of
today, exactly as they should for people. Rather than bypass them, the demo travels back to the day a
thing happened (time-machine, a development dependency) and calls the same service a person would have
called that day, so every row obeys the rules and its timestamps (created, consented, paid) read true.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.management.base import CommandError

from core.studio_time import studio_today, studio_zone

WEEKS = 8  # of history, by default


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the block with the clock stopped at `moment` (aware). Raises CommandError without time-machine."""
    try:
        import time_machine
    except ImportError as exc:  # production images carry no dev tools, and need no demo
        raise CommandError("seed_demo needs time-machine (requirements/dev.txt).") from exc
    with time_machine.travel(moment, tick=False):
        yield


@dataclass
class Calendar:
    """The demo's dates in the studio's zone: `first` is the Monday `weeks` weeks before this week's Monday."""

    today: date
    first: date
    weeks: int
    rng: random.Random = field(default_factory=lambda: random.Random(18))  # noqa: S311 - not secrets: the same studio on every machine

    @classmethod
    def of_studio(cls, *, weeks: int = WEEKS) -> Calendar:
        today = studio_today()
        this_monday = today - timedelta(days=today.weekday())
        return cls(today=today, first=this_monday - timedelta(weeks=weeks), weeks=weeks)

    def moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        """`day` at hh:mm on the studio's wall clock, as an aware datetime."""
        return datetime.combine(day, time(hour, minute), tzinfo=studio_zone())

    def past_days(self) -> Iterator[date]:
        """Every day from `first` up to yesterday."""
        day = self.first
        while day < self.today:
            yield day
            day += timedelta(days=1)
