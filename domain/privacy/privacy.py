"""The account's share of a client's export (who they are, their addresses, preferences, what they did
as the audit log recorded it) and the erasure of their earlier exports and email addresses."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from core.models import AuditEvent, Preferences, User
from core.privacy import ExportPart, erase_part, export_part, rows
from domain.privacy.models import DataExport

ACCOUNT_FIELDS = ["id", "email", "first_name", "last_name", "phone", "role", "is_active", "date_joined", "last_login"]


@export_part("account")
def export(client: User) -> ExportPart:
    own = [f.name for f in User._meta.concrete_fields if f.name not in ACCOUNT_FIELDS]
    return ExportPart(
        data={
            "person": rows([client], leave_out=own)[0],
            "email_addresses": rows(EmailAddress.objects.filter(user=client)),
            "preferences": rows(Preferences.objects.filter(user=client)),
            "activity": rows(AuditEvent.objects.filter(actor=client), leave_out=["actor_email"]),
            "exports": rows(DataExport.objects.filter(client=client), leave_out=["key", "storage_name"]),
        }
    )


@erase_part("exports")
def erase(client: User) -> list[str]:
    exports = DataExport.objects.filter(client=client)
    names = [name for name in exports.values_list("storage_name", flat=True) if name]
    exports.delete()
    EmailAddress.objects.filter(user=client).delete()
    return names
