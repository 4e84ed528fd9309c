"""Change of email address: allauth's form, made safe for addresses nobody has verified yet."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm
from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress
from django.db import transaction
from django.http import HttpRequest

from core.models import User


class ChangeEmailForm(AddEmailForm):
    """allauth's add-email form in change-email mode, safe for addresses nobody has verified yet.

    allauth takes *any* unverified address as the pending new one and deletes it when another is
    asked for, including the current address of someone the studio created (never verified): the
    account would be left with no email at all. Here only an earlier pending request is replaced;
    the current address stays until the new one is verified (allauth then swaps them).
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            # Otherwise verifying it would collide with the other account's unique email.
            raise get_adapter().validation_error("email_taken")
        return email

    def save(self, request: HttpRequest) -> EmailAddress:
        user = self.user
        with transaction.atomic():
            EmailAddress.objects.filter(user_id=user.pk, verified=False).exclude(email__iexact=user.email).delete()
            address = EmailAddress.objects.create(user=user, email=self.cleaned_data["email"])
        send_verification_email_to_address(request, address)
        return address
