"""Privacy pages: a client's own data, a client's data and erasure (staff), the studio's export and
retention settings (owner), and the download of an export through its signed link."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.decorators import page_requires
from core.exceptions import ApplicationError, NotFoundError
from core.forms import form_add_service_errors
from core.http import client_ip
from core.permissions import can, is_client
from core.studio_time import studio_local
from domain.clients.selectors import client_in_scope
from domain.privacy import services
from domain.privacy.models import DataExport
from portal.views.common import found
from tenants.http import StudioRequest


class EraseForm(forms.Form):
    confirm_name = forms.CharField(label=gettext_lazy("Type the client's full name"), max_length=300)
    understood = forms.BooleanField(
        label=gettext_lazy("I understand that this erases their personal data for good and cannot be undone.")
    )


class RetentionForm(forms.Form):
    export_days = forms.IntegerField(label=gettext_lazy("Keep data exports for (days)"), min_value=1, max_value=30)
    archived_client_media_days = forms.IntegerField(
        label=gettext_lazy("Delete photos and videos of archived clients after (days, 0: never)"),
        min_value=0,
        max_value=3650,
    )
    review_video_days = forms.IntegerField(
        label=gettext_lazy("Delete reviewed form-check videos after (days, 0: never)"), min_value=0, max_value=3650
    )


def _exports_context(exports: list[DataExport]) -> list[dict[str, object]]:
    return [
        {"export": export, "token": services.export_token(export) if export.status == export.Status.READY else ""}
        for export in exports
    ]


@page_requires("privacy.export")
@require_http_methods(["GET", "POST"])
def my_data(request: StudioRequest) -> HttpResponse:
    """A client's "Your data" page: ask for a copy of everything, download it when it is ready."""
    if not is_client(request.user):
        raise Http404  # staff's own data is the studio's, in its export
    if request.method == "POST":
        services.client_export_request(actor=request.user, client_id=request.user.pk, ip=client_ip(request))
        messages.success(
            request, _("We are preparing your data. You will get an email with the link when it is ready.")
        )
        return redirect("portal:my_data")
    exports = services.export_list(viewer=request.user)
    return render(request, "portal/privacy/my_data.html", {"exports": _exports_context(exports)})


@page_requires("privacy.export")
@require_http_methods(["GET", "POST"])
def client_privacy(request: StudioRequest, client_id: int) -> HttpResponse:
    """Staff: ask for a client's export; the owner: erase the client (typed name + confirmation)."""
    client = found(client_in_scope, actor=request.user, client_id=client_id, action="privacy.export")
    erase_form = EraseForm(request.POST if request.POST.get("action") == "erase" else None)
    if request.method == "POST" and request.POST.get("action") == "export":
        services.client_export_request(actor=request.user, client_id=client.pk, ip=client_ip(request))
        messages.success(request, _("The export is being prepared; you will get an email with the link."))
        return redirect("portal:client_privacy", client_id=client.pk)
    if request.method == "POST" and erase_form.is_valid():
        try:
            services.client_erase(
                actor=request.user,
                client_id=client.pk,
                confirm_name=erase_form.cleaned_data["confirm_name"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            form_add_service_errors(erase_form, exc)
        else:
            messages.success(request, _("The client's personal data is erased."))
            return redirect("portal:client_list")
    context = {
        "client": client,
        "erased": services.is_erased(client),
        "exports": _exports_context(services.export_list(viewer=request.user, client_id=client.pk)),
        "can_erase": can(request.user, "privacy.erase"),
        "erase_form": erase_form,
    }
    return render(request, "portal/privacy/client.html", context, status=400 if erase_form.errors else 200)


@page_requires("privacy.manage_retention")
@require_http_methods(["GET", "POST"])
def privacy_settings(request: StudioRequest) -> HttpResponse:
    """The owner's privacy settings: retention per kind of data, and the whole studio's export."""
    policy = services.retention_get()
    initial = {name: getattr(policy, name) for name in services.RETENTION_FIELDS}
    form = RetentionForm(request.POST if request.POST.get("action") == "retention" else None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "studio_export":
        services.studio_export_request(actor=request.user, ip=client_ip(request))
        messages.success(request, _("The studio's export is being prepared; you will get an email with the link."))
        return redirect("portal:privacy_settings")
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_update(actor=request.user, ip=client_ip(request), **form.cleaned_data)
        except ApplicationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Retention settings saved."))
            return redirect("portal:privacy_settings")
    exports = _exports_context(services.export_list(viewer=request.user))
    return render(request, "portal/privacy/settings.html", {"form": form, "exports": exports})


@page_requires("privacy.export", bearer=True)
def export_download(request: StudioRequest, token: str) -> HttpResponse:
    """The archive behind a signed link, for whoever may download it: signed in (the link from the email),
    or an app sending its bearer token (the API's `download_url`). Otherwise a page that says why: 404 for
    a bad link or someone else's, 410 once it has expired."""
    try:
        export = services.export_for_download(viewer=request.user, token=token, ip=client_ip(request))
    except NotFoundError as exc:
        return render(request, "portal/privacy/export_gone.html", {"message": exc.message}, status=exc.status_code)
    # The day on the studio's wall clock (23:30 UTC is already tomorrow in London's summer).
    stamp = studio_local(export.ready_at).strftime("%Y-%m-%d") if export.ready_at else "export"
    filename = f"{request.tenant.slug}-{export.kind}-data-{stamp}.zip"
    response: HttpResponse = FileResponse(  # type: ignore[assignment]  # streamed, an HttpResponseBase
        default_storage.open(export.storage_name, "rb"), as_attachment=True, filename=filename
    )
    return response
