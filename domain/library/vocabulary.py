"""Closed vocabularies of the exercise library: muscles, equipment, contraindications and so on.

They are closed so that search, filters and contraindication matching work on exact terms; the
database enforces them too (check constraints on the array columns). Adding a term is a code change
with a migration, which also keeps every studio's library consistent.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class Muscle(models.TextChoices):
    ABDUCTORS = "abductors", _("Abductors")
    ADDUCTORS = "adductors", _("Adductors")
    BICEPS = "biceps", _("Biceps")
    CALVES = "calves", _("Calves")
    CARDIOVASCULAR = "cardiovascular", _("Cardiovascular system")
    CHEST = "chest", _("Chest")
    CORE = "core", _("Core")
    FOREARMS = "forearms", _("Forearms")
    FRONT_DELTS = "front delts", _("Front delts")
    GLUTES = "glutes", _("Glutes")
    HAMSTRINGS = "hamstrings", _("Hamstrings")
    HIP_FLEXORS = "hip flexors", _("Hip flexors")
    LATS = "lats", _("Lats")
    LOWER_BACK = "lower back", _("Lower back")
    NECK = "neck", _("Neck")
    OBLIQUES = "obliques", _("Obliques")
    QUADRICEPS = "quadriceps", _("Quadriceps")
    REAR_DELTS = "rear delts", _("Rear delts")
    SIDE_DELTS = "side delts", _("Side delts")
    TRAPS = "traps", _("Traps")
    TRICEPS = "triceps", _("Triceps")
    UPPER_BACK = "upper back", _("Upper back")
    UPPER_CHEST = "upper chest", _("Upper chest")


class Equipment(models.TextChoices):
    AB_WHEEL = "ab wheel", _("Ab wheel")
    ASSAULT_BIKE = "assault bike", _("Assault bike")
    BARBELL = "barbell", _("Barbell")
    BATTLE_ROPES = "battle ropes", _("Battle ropes")
    BENCH = "bench", _("Bench")
    BODYWEIGHT = "bodyweight", _("Bodyweight")
    CABLE = "cable", _("Cable")
    DIP_STATION = "dip station", _("Dip station")
    DUMBBELL = "dumbbell", _("Dumbbell")
    EZ_BAR = "ez bar", _("EZ bar")
    FOAM_ROLLER = "foam roller", _("Foam roller")
    JUMP_ROPE = "jump rope", _("Jump rope")
    KETTLEBELL = "kettlebell", _("Kettlebell")
    LANDMINE = "landmine", _("Landmine")
    MACHINE = "machine", _("Machine")
    MAT = "mat", _("Mat")
    MEDICINE_BALL = "medicine ball", _("Medicine ball")
    PLYO_BOX = "plyo box", _("Plyo box")
    PULL_UP_BAR = "pull-up bar", _("Pull-up bar")
    RESISTANCE_BAND = "resistance band", _("Resistance band")
    ROWER = "rower", _("Rower")
    SANDBAG = "sandbag", _("Sandbag")
    SKI_ERG = "ski erg", _("Ski erg")
    SLAM_BALL = "slam ball", _("Slam ball")
    SLED = "sled", _("Sled")
    SMITH_MACHINE = "smith machine", _("Smith machine")
    SQUAT_RACK = "squat rack", _("Squat rack")
    STABILITY_BALL = "stability ball", _("Stability ball")
    STATIONARY_BIKE = "stationary bike", _("Stationary bike")
    TRAP_BAR = "trap bar", _("Trap bar")
    TREADMILL = "treadmill", _("Treadmill")
    TRX = "trx", _("Suspension trainer (TRX)")


class Contraindication(models.TextChoices):
    ANKLE_SPRAIN = "ankle sprain", _("Ankle sprain")
    ELBOW_TENDINOPATHY = "elbow tendinopathy", _("Elbow tendinopathy")
    HERNIATED_DISC = "herniated disc", _("Herniated disc")
    HIP_IMPINGEMENT = "hip impingement", _("Hip impingement")
    HYPERTENSION = "hypertension", _("Hypertension")
    KNEE_INJURY = "knee injury", _("Knee injury")
    LOWER_BACK_PAIN = "lower back pain", _("Lower back pain")
    NECK_INJURY = "neck injury", _("Neck injury")
    OSTEOPOROSIS = "osteoporosis", _("Osteoporosis")
    PATELLAR_TENDINOPATHY = "patellar tendinopathy", _("Patellar tendinopathy")
    PREGNANCY = "pregnancy", _("Pregnancy")
    RECENT_SURGERY = "recent surgery", _("Recent surgery")
    ROTATOR_CUFF_INJURY = "rotator cuff injury", _("Rotator cuff injury")
    SHOULDER_IMPINGEMENT = "shoulder impingement", _("Shoulder impingement")
    WRIST_PAIN = "wrist pain", _("Wrist pain")


# Everyday words people write in a health history, mapped to the contraindication they mean.
# Matching also accepts the vocabulary term anywhere inside an entry ("left shoulder impingement").
CONTRAINDICATION_SYNONYMS: dict[str, Contraindication] = {
    "high blood pressure": Contraindication.HYPERTENSION,
    "slipped disc": Contraindication.HERNIATED_DISC,
    "bulging disc": Contraindication.HERNIATED_DISC,
    "disc herniation": Contraindication.HERNIATED_DISC,
    "sciatica": Contraindication.HERNIATED_DISC,
    "back pain": Contraindication.LOWER_BACK_PAIN,
    "low back pain": Contraindication.LOWER_BACK_PAIN,
    "lumbar pain": Contraindication.LOWER_BACK_PAIN,
    "tennis elbow": Contraindication.ELBOW_TENDINOPATHY,
    "golfer's elbow": Contraindication.ELBOW_TENDINOPATHY,
    "golfers elbow": Contraindication.ELBOW_TENDINOPATHY,
    "jumper's knee": Contraindication.PATELLAR_TENDINOPATHY,
    "jumpers knee": Contraindication.PATELLAR_TENDINOPATHY,
    "acl": Contraindication.KNEE_INJURY,
    "mcl": Contraindication.KNEE_INJURY,
    "meniscus": Contraindication.KNEE_INJURY,
    "knee pain": Contraindication.KNEE_INJURY,
    "knee replacement": Contraindication.KNEE_INJURY,
    "rotator cuff": Contraindication.ROTATOR_CUFF_INJURY,
    "shoulder pain": Contraindication.SHOULDER_IMPINGEMENT,
    "frozen shoulder": Contraindication.SHOULDER_IMPINGEMENT,
    "whiplash": Contraindication.NECK_INJURY,
    "neck pain": Contraindication.NECK_INJURY,
    "carpal tunnel": Contraindication.WRIST_PAIN,
    "wrist sprain": Contraindication.WRIST_PAIN,
    "twisted ankle": Contraindication.ANKLE_SPRAIN,
    "rolled ankle": Contraindication.ANKLE_SPRAIN,
    "pregnant": Contraindication.PREGNANCY,
    "osteopenia": Contraindication.OSTEOPOROSIS,
    "femoroacetabular impingement": Contraindication.HIP_IMPINGEMENT,
    "fai": Contraindication.HIP_IMPINGEMENT,
    "operation": Contraindication.RECENT_SURGERY,
    "post-op": Contraindication.RECENT_SURGERY,
    "post op": Contraindication.RECENT_SURGERY,
    "surgery": Contraindication.RECENT_SURGERY,
}


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class Mechanics(models.TextChoices):
    COMPOUND = "compound", _("Compound")
    ISOLATION = "isolation", _("Isolation")


class Force(models.TextChoices):
    PUSH = "push", _("Push")
    PULL = "pull", _("Pull")
    HINGE = "hinge", _("Hinge")
    CARRY = "carry", _("Carry")
    ROTATION = "rotation", _("Rotation")
    STATIC = "static", _("Static")
    OTHER = "other", _("Other")


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").replace("_", " ").split())


def _mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


def contraindications_mentioned(text: str) -> set[str]:
    """The contraindication terms a free-text health entry mentions, directly or by a common synonym."""
    normal = _normalise(text)
    found = {term for term in Contraindication.values if _mentions(normal, term)}
    found |= {str(term) for phrase, term in CONTRAINDICATION_SYNONYMS.items() if _mentions(normal, phrase)}
    return found
