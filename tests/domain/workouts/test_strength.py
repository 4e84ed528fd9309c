"""Estimated 1RM and record detection against values worked out by hand."""

from decimal import Decimal

import pytest

from domain.workouts.models import RecordKind
from domain.workouts.strength import Bests, SetDone, brzycki, epley, estimated_1rm, records_in

pytestmark = pytest.mark.pure  # no database, no cache


@pytest.mark.parametrize(
    ("load", "reps", "expected_epley", "expected_brzycki"),
    [
        ("100", 5, "116.67", "112.50"),  # 100 x (1 + 5/30); 100 x 36 / 32
        ("80", 12, "112.00", "115.20"),  # 80 x 1.4; 80 x 36 / 25
        ("100", 10, "133.33", "133.33"),  # the two agree at ten reps
        ("62.5", 3, "68.75", "66.18"),  # 62.5 x 1.1; 62.5 x 36 / 34 = 66.176...
    ],
)
def test_epley_and_brzycki_match_hand_computed_values(load, reps, expected_epley, expected_brzycki):
    assert epley(Decimal(load), reps) == Decimal(expected_epley)
    assert brzycki(Decimal(load), reps) == Decimal(expected_brzycki)


@pytest.mark.parametrize(
    ("load", "reps", "shown"),
    [
        ("140", 1, "140.00"),  # a single is its own max
        ("100", 5, "112.50"),  # Brzycki up to 10 reps
        ("100", 10, "133.33"),
        ("80", 12, "112.00"),  # Epley above
        ("50", 20, "83.33"),  # 50 x (1 + 20/30)
        ("50", 21, None),  # too far from a single to mean anything
        ("0", 5, None),  # bodyweight: no load, no estimate
        ("100", 0, None),
    ],
)
def test_the_shown_estimate_is_brzycki_up_to_ten_reps_and_epley_above(load, reps, shown):
    assert estimated_1rm(Decimal(load), reps) == (Decimal(shown) if shown else None)


def test_brzycki_refuses_reps_where_it_is_undefined():
    with pytest.raises(ValueError, match="37"):
        brzycki(Decimal(100), 37)


def _kinds(found):
    return {(r.kind, r.load_kg, r.value, r.previous, r.ref) for r in found}


def test_a_first_workout_sets_every_record_once():
    # given no history and three sets: 5 x 100, 5 x 100, 3 x 110
    sets = [SetDone(0, 5, Decimal(100)), SetDone(1, 5, Decimal(100)), SetDone(2, 3, Decimal(110))]
    # when the records are worked out
    found = records_in(sets, Bests())
    # then the heaviest set is the load and 1RM record (110 x 36/34 = 116.47 beats 112.50), and each load
    # gets a reps record as no heavier set did as many reps
    assert _kinds(found) == {
        (RecordKind.HEAVIEST_LOAD, Decimal(110), Decimal(110), None, 2),
        (RecordKind.BEST_E1RM, Decimal(110), Decimal("116.47"), None, 2),
        (RecordKind.MOST_REPS, Decimal(110), Decimal(3), None, 2),
        (RecordKind.MOST_REPS, Decimal(100), Decimal(5), None, 0),
    }


def test_only_what_beats_the_previous_bests_is_a_record():
    # given bests of 120 kg, a 130 kg estimate, 8 reps at 100 kg and 2 at 120 kg
    bests = Bests(heaviest_load=Decimal(120), best_e1rm=Decimal(130), reps_by_load={Decimal(100): 8, Decimal(120): 2})
    # when the client does 9 x 100 (e1RM 100 x 36/28 = 128.57) and 6 x 90
    found = records_in([SetDone(0, 9, Decimal(100)), SetDone(1, 6, Decimal(90))], bests)
    # then only the reps at 100 kg is a record (6 at 90 kg is less than 8 at the heavier 100 kg)
    assert _kinds(found) == {(RecordKind.MOST_REPS, Decimal(100), Decimal(9), Decimal(8), 0)}


def test_a_tie_is_not_a_record():
    bests = Bests(heaviest_load=Decimal(100), best_e1rm=Decimal("112.50"), reps_by_load={Decimal(100): 5})
    assert records_in([SetDone(0, 5, Decimal(100))], bests) == []


def test_bodyweight_sets_count_for_reps_only():
    # given 10 pull-ups done before
    bests = Bests(reps_by_load={Decimal(0): 10})
    # when the client does 12
    found = records_in([SetDone(0, 12, Decimal(0))], bests)
    # then that is a reps record at bodyweight, and no load or 1RM record
    assert _kinds(found) == {(RecordKind.MOST_REPS, Decimal(0), Decimal(12), Decimal(10), 0)}
