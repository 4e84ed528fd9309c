"""Database constraints every area writes the same way (house rule 5: the database backs the service)."""

from __future__ import annotations

from django.db import models


def choice_values(choices: type[models.TextChoices]) -> list[str]:
    return [choice.value for choice in choices]


def one_of(field: str, choices: type[models.TextChoices], *, name: str) -> models.CheckConstraint:
    """`field` holds one of the choices' values (choices are not enforced by Django itself)."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": choice_values(choices)}), name=name)


def stamped_iff(field: str, value: str, stamp: str, *, name: str) -> models.CheckConstraint:
    """`stamp` (e.g. completed_at) is set exactly when `field` is `value` (e.g. status = completed)."""
    return models.CheckConstraint(
        condition=models.Q(**{field: value, f"{stamp}__isnull": False})
        | (~models.Q(**{field: value}) & models.Q(**{f"{stamp}__isnull": True})),
        name=name,
    )
