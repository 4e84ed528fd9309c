"""`manage.py rotate_field_encryption` re-encrypts health histories in every studio schema."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from domain.clients.models import HealthHistory
from domain.clients.services import HealthData, health_history_update

pytestmark = pytest.mark.django_db


def test_the_command_rotates_every_studio_and_the_template(studio, trainer, client_user, settings):
    health_history_update(actor=trainer, client_id=client_user.pk, data=HealthData(conditions=["Asthma"]))
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = StringIO()
    call_command("rotate_field_encryption", stdout=out)
    assert "Re-encrypted" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new]
    connection.set_tenant(studio)
    assert HealthHistory.objects.get(client=client_user).conditions == ["Asthma"]
