"""allauth's views, with the few answers a multi-studio platform needs to differ."""

from __future__ import annotations

from allauth.account.views import SignupView
from django.http import HttpResponse


class StudioSignupView(SignupView):
    def closed(self) -> HttpResponse:
        """The page says sign-up is closed; a POST to it is refused outright (403), not ignored."""
        response = super().closed()
        if self.request.method == "POST":
            response.status_code = 403
        return response


signup = StudioSignupView.as_view()
