import factory

from domain.library.models import Exercise, ExerciseCategory


class ExerciseCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseCategory

    slug = factory.Sequence(lambda n: f"custom-category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class ExerciseFactory(factory.django.DjangoModelFactory):
    """A studio's own exercise (the starter library is already in every studio schema)."""

    class Meta:
        model = Exercise

    slug = factory.Sequence(lambda n: f"custom-exercise-{n}")
    name = factory.Sequence(lambda n: f"Exercise {n}")
    category = factory.LazyFunction(lambda: ExerciseCategory.objects.get(slug="strength-lower"))
    primary_muscles = factory.LazyFunction(lambda: ["quadriceps"])
    equipment = factory.LazyFunction(lambda: ["dumbbell"])
    difficulty = "beginner"
    mechanics = "compound"
    force = "push"


def starter(slug: str) -> Exercise:
    return Exercise.objects.get(slug=slug)
