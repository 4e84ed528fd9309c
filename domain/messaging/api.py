"""/api/v1/messaging: threads and messages, the bell (notifications), preferences and push devices, and the
studio's templates. Attachments are served only by `GET /messaging/attachments/{id}`, which checks that the
caller is in the thread each time."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from core.api.pagination import CursorPage, paginate_cursor
from core.http import AuthedRequest
from core.preferences import preferences_of
from domain.messaging import schemas, selectors, services
from domain.messaging.catalog import WORDINGS
from domain.messaging.models import TemplateOverride
from domain.messaging.schemas import (
    AutomationIn,
    AutomationOut,
    AutomationSwitchIn,
    ConversationPersonOut,
    CountOut,
    DirectIn,
    EditIn,
    GroupIn,
    MarkReadIn,
    MessageTemplateIn,
    MessageTemplateOut,
    MessageTemplatePreviewIn,
    MessageTemplatePreviewOut,
    MessagingSettingsIo,
    MuteIn,
    NotificationOut,
    PreferenceIo,
    PushEndpointIn,
    PushSubscriptionIn,
    ReadIn,
    ThreadDetailOut,
    ThreadMessageOut,
    ThreadOut,
)

router = Router(tags=["messaging"])


def _detail(request: AuthedRequest, thread_id: int) -> dict[str, object]:
    thread = selectors.thread_get(actor=request.user, thread_id=thread_id)
    body = schemas.thread_out(thread, request.user.pk)
    return {**body, "muted": thread.me.muted}  # type: ignore[attr-defined]  # attached by the selector


@router.get("/messaging/threads", response=list[ThreadOut], summary="My threads with last message and unread count")
def thread_list(request: AuthedRequest, search: str | None = None) -> object:
    return [schemas.thread_out(t, request.user.pk) for t in selectors.thread_list(actor=request.user, search=search)]


@router.get(
    "/messaging/contacts", response=list[ConversationPersonOut], summary="People I may start a conversation with"
)
def contacts(request: AuthedRequest) -> object:
    return [schemas.person_out(person) for person in selectors.contacts_for(actor=request.user)[:500]]


@router.post(
    "/messaging/threads/direct",
    response={200: ThreadDetailOut, 201: ThreadDetailOut},
    summary="Open (or find) my one-to-one thread with someone",
)
def thread_direct(request: AuthedRequest, payload: DirectIn) -> object:
    thread, created = services.thread_direct_open(actor=request.user, other_id=payload.user_id)
    return Status(201 if created else 200, _detail(request, thread.pk))


@router.post("/messaging/threads/group", response={201: ThreadDetailOut}, summary="Start a group thread (staff)")
def thread_group(request: AuthedRequest, payload: GroupIn) -> object:
    thread = services.thread_group_create(actor=request.user, title=payload.title, member_ids=payload.member_ids)
    return Status(201, _detail(request, thread.pk))


@router.get("/messaging/threads/{thread_id}", response=ThreadDetailOut, summary="One thread and who has read what")
def thread_detail(request: AuthedRequest, thread_id: int) -> object:
    return _detail(request, thread_id)


@router.get(
    "/messaging/threads/{thread_id}/messages",
    response=list[ThreadMessageOut],
    summary="Messages, oldest first: the newest page, `before` an id, or every one `after` an id (polling)",
)
def message_list(
    request: AuthedRequest,
    thread_id: int,
    before: int | None = None,
    after: int | None = None,
    search: str | None = None,
    limit: int = 50,
) -> object:
    found = selectors.message_list(
        actor=request.user, thread_id=thread_id, before=before, after=after, search=search, limit=limit
    )
    return [schemas.message_out(message) for message in found]


@router.post(
    "/messaging/threads/{thread_id}/messages",
    response={201: ThreadMessageOut},
    summary="Send a message (multipart: body, files: up to 5 images or PDFs of 10 MB)",
)
def message_send(
    request: AuthedRequest, thread_id: int, body: Form[str] = "", files: File[list[UploadedFile]] | None = None
) -> object:
    # ninja leaves an optional file list unbound: the request's own list is the same files
    uploads: list[Any] = list(files or []) or request.FILES.getlist("files")
    message = services.message_send(actor=request.user, thread_id=thread_id, body=body, files=uploads)
    return Status(201, schemas.message_out(message))


@router.patch(
    "/messaging/messages/{message_id}", response=ThreadMessageOut, summary="Edit my message (within the window)"
)
def message_edit(request: AuthedRequest, message_id: int, payload: EditIn) -> object:
    return schemas.message_out(services.message_edit(actor=request.user, message_id=message_id, body=payload.body))


@router.delete(
    "/messaging/messages/{message_id}", response=ThreadMessageOut, summary="Delete my message (a tombstone stays)"
)
def message_delete(request: AuthedRequest, message_id: int) -> object:
    return schemas.message_out(services.message_delete(actor=request.user, message_id=message_id))


@router.post("/messaging/threads/{thread_id}/read", response=ThreadDetailOut, summary="Mark read up to a message")
def thread_read(request: AuthedRequest, thread_id: int, payload: ReadIn) -> object:
    services.thread_mark_read(actor=request.user, thread_id=thread_id, up_to_message_id=payload.message_id)
    return _detail(request, thread_id)


@router.post("/messaging/threads/{thread_id}/mute", response=ThreadDetailOut, summary="Mute or unmute a thread")
def thread_mute(request: AuthedRequest, thread_id: int, payload: MuteIn) -> object:
    services.thread_mute(actor=request.user, thread_id=thread_id, muted=payload.muted)
    return _detail(request, thread_id)


@router.get(
    "/messaging/attachments/{attachment_id}",
    url_name="messaging_attachment",
    summary="A message's file (participants only)",
)
def attachment(request: AuthedRequest, attachment_id: int) -> FileResponse:
    found = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    content_type = "image/jpeg" if found.kind == "image" else "application/pdf"
    response = FileResponse(found.file.open("rb"), content_type=content_type, filename=found.name)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the bell ------------------------------------------------------------------------------------


@router.get("/messaging/notifications", response=CursorPage[NotificationOut], summary="My notifications, newest first")
def notification_list(
    request: AuthedRequest, unread: bool = False, cursor: str | None = None, limit: int = 20
) -> object:
    found = selectors.notification_list(actor=request.user, unread_only=unread)
    page = paginate_cursor(found, cursor=cursor, limit=limit, order=("-created_at", "-id"))
    return {"items": [schemas.notification_out(n) for n in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/messaging/notifications/unread-count", response=CountOut, summary="How many unread notifications")
def notification_count(request: AuthedRequest) -> object:
    return {"unread": selectors.notification_unread_count(actor=request.user)}


@router.post("/messaging/notifications/read", response=CountOut, summary="Mark notifications read (all without ids)")
def notification_read(request: AuthedRequest, payload: MarkReadIn) -> object:
    services.notifications_mark_read(actor=request.user, ids=payload.ids)
    return {"unread": selectors.notification_unread_count(actor=request.user)}


# --- preferences and devices ---------------------------------------------------------------------------


def _preference(user: object) -> dict[str, object]:
    pref = services.preference_of(user)  # type: ignore[arg-type]  # the signed-in User
    account = preferences_of(user)  # language and zone: the account's, the one store
    found = {name: getattr(pref, name, None) for name in PreferenceIo.model_fields}
    return {**found, "timezone": account.timezone, "language": account.language}


@router.get("/messaging/preferences", response=PreferenceIo, summary="My channels, consent and quiet hours")
def preference_get(request: AuthedRequest) -> object:
    return _preference(request.user)


@router.patch("/messaging/preferences", response=PreferenceIo, summary="Change my channels, consent, quiet hours")
def preference_update(request: AuthedRequest, payload: PreferenceIo) -> object:
    services.preference_update(actor=request.user, changes=payload.model_dump(exclude_unset=True))
    return _preference(request.user)


@router.get("/messaging/push/key", response=dict[str, str], summary="The VAPID public key for pushManager.subscribe")
def push_key(request: AuthedRequest) -> object:
    return {"public_key": settings.WEBPUSH_VAPID_PUBLIC_KEY}


@router.post("/messaging/push/subscriptions", response={201: dict[str, int]}, summary="Register this device for push")
def push_subscribe(request: AuthedRequest, payload: PushSubscriptionIn) -> object:
    found = services.push_subscribe(
        actor=request.user,
        endpoint=payload.endpoint,
        p256dh=payload.keys.p256dh,
        auth=payload.keys.auth,
        user_agent=request.headers.get("User-Agent", ""),
    )
    return Status(201, {"id": found.pk})


@router.post("/messaging/push/unsubscribe", response={204: None}, summary="Forget this device")
def push_unsubscribe(request: AuthedRequest, payload: PushEndpointIn) -> object:
    services.push_unsubscribe(actor=request.user, endpoint=payload.endpoint)
    return Status(204, None)


# --- templates (owners and managers) ------------------------------------------------------------------


@router.get(
    "/messaging/templates", response=list[MessageTemplateOut], summary="Every template with the studio's overrides"
)
def template_list(request: AuthedRequest) -> object:
    from core.permissions import require

    require(request.user, "messaging.manage_templates")
    overrides: dict[str, list[dict[str, str]]] = {}
    for o in TemplateOverride.objects.order_by("key", "channel"):
        overrides.setdefault(o.key, []).append({"channel": o.channel, "subject": o.subject, "body": o.body})
    return [
        {
            "key": w.key,
            "label": str(w.label),
            "category": w.category,
            "title": str(w.title),
            "body": str(w.body),
            "variables": w.variables,
            "overrides": overrides.get(w.key, []),
        }
        for w in WORDINGS.values()
    ]


@router.put(
    "/messaging/templates/{key}/{channel}", response=MessageTemplatePreviewOut, summary="Set the studio's wording"
)
def template_set(request: AuthedRequest, key: str, channel: str, payload: MessageTemplateIn) -> object:
    found = services.template_override_set(
        actor=request.user, key=key, channel=channel, subject=payload.subject, body=payload.body
    )
    return {"title": found.subject, "body": found.body}


@router.delete("/messaging/templates/{key}/{channel}", response={204: None}, summary="Back to the shipped wording")
def template_reset(request: AuthedRequest, key: str, channel: str) -> object:
    services.template_override_reset(actor=request.user, key=key, channel=channel)
    return Status(204, None)


@router.post(
    "/messaging/templates/{key}/{channel}/preview",
    response=MessageTemplatePreviewOut,
    summary="Preview with sample data",
)
def template_preview(request: AuthedRequest, key: str, channel: str, payload: MessageTemplatePreviewIn) -> object:
    title, body = services.template_preview(
        actor=request.user, key=key, channel=channel, subject=payload.subject, body=payload.body
    )
    return {"title": title, "body": body}


# --- automations and settings (owners and managers) -----------------------------------------------------


@router.get("/messaging/automations", response=list[AutomationOut], summary="The studio's automations")
def automation_list(request: AuthedRequest) -> object:
    return [schemas.automation_out(a) for a in selectors.automation_list(actor=request.user)]


@router.post("/messaging/automations", response={201: AutomationOut}, summary="Add an automation (switched off)")
def automation_create(request: AuthedRequest, payload: AutomationIn) -> object:
    found = services.automation_save(actor=request.user, data=services.AutomationData(**payload.model_dump()))
    return Status(201, schemas.automation_out(found))


@router.put("/messaging/automations/{automation_id}", response=AutomationOut, summary="Change an automation")
def automation_update(request: AuthedRequest, automation_id: int, payload: AutomationIn) -> object:
    data = services.AutomationData(**payload.model_dump())
    return schemas.automation_out(services.automation_save(actor=request.user, data=data, automation_id=automation_id))


@router.post("/messaging/automations/{automation_id}/switch", response=AutomationOut,
             summary="Switch on (from now on, or also for everyone who already matches) or off")  # fmt: skip
def automation_switch(request: AuthedRequest, automation_id: int, payload: AutomationSwitchIn) -> object:
    found = services.automation_switch(
        actor=request.user, automation_id=automation_id, active=payload.active, backfill=payload.backfill
    )
    return schemas.automation_out(found)


@router.patch("/messaging/settings", response=MessagingSettingsIo, summary="Archive period and edit window")
def settings_update(request: AuthedRequest, payload: MessagingSettingsIo) -> object:
    found = services.settings_update(actor=request.user, **payload.model_dump(exclude_unset=True))
    return {"archive_after_months": found.archive_after_months, "edit_window_minutes": found.edit_window_minutes}
