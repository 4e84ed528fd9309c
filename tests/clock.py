"""The tests' clock: every test starts at one pinned instant (ticking on from it), never at the hour the
suite happens to run.

`FITWELL_TEST_NOW` chooses the instant: one of the names in `INSTANTS` (the edges CI runs the
date-sensitive modules at) or an ISO 8601 date-time with its UTC offset. Unset, it is `DEFAULT`.
The session studios' zone is Europe/London, so the London instants are the studio's own edges; the
New York ones are a Sunday early morning for them and the edges of the tests whose studio is in
New York.

Tests take the `clock` fixture (time-machine `Coordinates`) to move it: `clock.move_to(instant)`,
`clock.shift(timedelta(...))`. A test that must run on the machine's real clock (a server in another
process that checks request times, say) is marked `@pytest.mark.real_clock`. A process the tests start
(a Celery worker) shares the clock by running through `python -m tests.clocked <module> <args>`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

ENV = "FITWELL_TEST_NOW"

# A Wednesday mid-morning in London summer time: no edge anywhere near.
DEFAULT = "2026-06-10T10:00:00+01:00"

INSTANTS: dict[str, str] = {
    "sunday-late": "2026-11-29T23:30:00+00:00",  # Sunday 23:30 in London; next week starts in 30 minutes
    "london-spring-forward": "2026-03-29T00:30:00+00:00",  # 01:00 GMT becomes 02:00 BST in 30 minutes
    "london-fall-back": "2026-10-25T00:30:00+01:00",  # 02:00 BST becomes 01:00 GMT in 90 minutes
    "new-york-spring-forward": "2026-03-08T01:30:00-05:00",  # 02:00 EST becomes 03:00 EDT in 30 minutes
    "new-york-fall-back": "2026-11-01T01:30:00-04:00",  # 02:00 EDT becomes 01:00 EST in 30 minutes
    "year-end": "2026-12-31T23:59:00+00:00",  # the last minute of the year in London
    "leap-day": "2028-02-29T23:30:00+00:00",  # 29 February, half an hour before 1 March
}


def pinned_now() -> datetime:
    """The instant the tests start at (aware, UTC), from `FITWELL_TEST_NOW`.

    Raises ValueError when the variable is neither a name in `INSTANTS` nor an ISO 8601 date-time
    with an offset.
    """
    value = os.environ.get(ENV, "").strip() or DEFAULT
    text = INSTANTS.get(value, value)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{ENV}={value!r}: not one of {sorted(INSTANTS)} nor an ISO 8601 date-time") from None
    if instant.tzinfo is None:
        raise ValueError(f"{ENV}={value!r}: give the UTC offset (e.g. 2026-06-10T10:00:00+01:00)")
    return instant.astimezone(UTC)
