"""Audit actions are one enumerable vocabulary, `<entity>.<verb>`; rows written under the old names read
as the new ones."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps

from core.audit import AuditAction, audit_record
from core.models import AuditEvent

vocabulary = import_module("core.migrations.0004_audit_action_vocabulary")


@pytest.mark.pure
def test_every_action_is_entity_dot_verb_with_a_label():
    for action in AuditAction:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*", action.value), action
        assert str(action.label) != action.value  # a label people read, not the code


@pytest.mark.pure
def test_every_old_name_has_a_new_one_in_the_vocabulary():
    assert set(vocabulary.RENAMED.values()) <= set(AuditAction.values)
    assert not set(vocabulary.RENAMED) & set(AuditAction.values)  # no old name lives on


def test_rows_under_old_names_are_renamed_and_back(tenant):
    # given rows written before the vocabulary, and one already in it
    for old in ("auth.login", "platform.suspend_studio", "clients.trainers_set"):
        AuditEvent.objects.create(action=old)
    audit_record(actor=None, action=AuditAction.WORKOUT_LOG)
    # when the migration runs forwards
    vocabulary.forwards(apps, None)
    # then every row reads in the vocabulary
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "account.sign_in",
        "client.set_trainers",
        "studio.suspend",
        "workout.log",
    ]
    # and backwards gives every row the old name of its action
    vocabulary.backwards(apps, None)
    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "auth.login",
        "clients.trainers_set",
        "platform.suspend_studio",
        "workouts.log",
    ]
