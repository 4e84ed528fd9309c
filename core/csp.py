"""django-csp's middleware, with the policy of an ordinary response built once instead of per response.

django-csp builds the header string for every response (it copies the settings' directives, sorts and
joins them, twice: enforced and report-only): about a sixth of the CPU of a trivial request here
(docs/performance.md). Most responses use no nonce and no per-view policy, so their header is the same
string every time; it is built once per policy object (so `override_settings` in tests still works).
Anything else — a page whose template used the nonce, a view decorated with `csp_update`/`csp_exempt`, a
report-only policy, excluded prefixes, DEBUG's error pages — goes through django-csp itself, unchanged.
"""

from __future__ import annotations

from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Response attributes by which a view changes its policy (django-csp's decorators set them).
_PER_RESPONSE = tuple(
    f"_csp_{kind}{suffix}" for kind in ("config", "update", "replace", "exempt") for suffix in ("", "_ro")
)


class CSPMiddleware(LibraryCSPMiddleware):
    """`csp.middleware.CSPMiddleware`; the same headers, the common one built once per policy."""

    _built: tuple[int, str] | None = None

    def _shared_policy(self) -> str | None:
        """The enforced policy's header when this response can share it, else None (django-csp decides)."""
        policy: Any = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if (
            not policy
            or policy.get("EXCLUDE_URL_PREFIXES")
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        ):
            return None
        built = self._built
        if built is None or built[0] != id(policy):
            built = self._built = (id(policy), build_policy())
        return built[1]

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        header = self._shared_policy()
        if header is None:
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = header
        # As django-csp does: a nonce asked for after the header is written would be in no header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]  # django-csp's own attribute
        return response
