"""Clients' share of a client's export and erasure: profile, trainers, health history, contacts, goals,
assessments."""

from __future__ import annotations

from django.utils import timezone

from core.models import User
from core.privacy import ExportPart, erase_part, export_part, rows
from domain.clients.models import (
    AssessmentMeasurement,
    ClientGoal,
    ClientProfile,
    ClientStatus,
    ClientTrainer,
    EmergencyContact,
    FitnessAssessment,
    HealthHistory,
)


@export_part("clients")
def export(client: User) -> ExportPart:
    return ExportPart(
        data={
            "profile": rows(ClientProfile.objects.filter(user=client)),
            "trainers": rows(ClientTrainer.objects.filter(client=client)),
            "health_history": rows(HealthHistory.objects.filter(client=client)),
            "emergency_contacts": rows(EmergencyContact.objects.filter(client=client)),
            "goals": rows(ClientGoal.objects.filter(client=client)),
            "assessments": rows(FitnessAssessment.objects.filter(client=client)),
            "assessment_measurements": rows(AssessmentMeasurement.objects.filter(assessment__client=client)),
        }
    )


@erase_part("clients")
def erase(client: User) -> list[str]:
    """Everything personal goes; the profile stays, emptied and archived (other records point at the person)."""
    for model in (HealthHistory, EmergencyContact, ClientGoal, FitnessAssessment, ClientTrainer):
        model.objects.filter(client=client).delete()
    profile = ClientProfile.objects.filter(user=client).first()
    if profile is not None:
        profile.date_of_birth = None
        profile.height_cm = None
        profile.tags = []
        profile.trainer_notes = ""
        profile.sex = ClientProfile._meta.get_field("sex").default
        if profile.status != ClientStatus.ARCHIVED:
            profile.status = ClientStatus.ARCHIVED
            profile.archived_at = timezone.now()
        profile.save()
    return []
