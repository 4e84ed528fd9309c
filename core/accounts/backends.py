"""The sign-in backend: allauth's, loading a person's preferences with them (one query, not two).

Every page asks for the signed-in person's language and display zone (core.preferences); reading the
preferences row in the same query as the person keeps a page's query count what it was.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from core.models import User


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("preferences").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
