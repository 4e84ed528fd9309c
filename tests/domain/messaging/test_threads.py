"""Threads and messages: who may talk to whom, attachments, read state, edit/delete window, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.exceptions import NotFoundError, ValidationError
from domain.messaging import selectors, services
from domain.messaging.models import Attachment, Message, Notification, Participant, Thread
from tests.domain.messaging.conftest import jpeg, upload
from tests.factories.clients import assigned_client
from tests.factories.core import ClientFactory, TrainerFactory
from tests.querycount import count_queries


def test_a_client_and_their_trainer_share_one_direct_thread(client_user, trainer):
    # when both open the thread with the other
    first, created = services.thread_direct_open(actor=client_user, other_id=trainer.pk)
    second, created_again = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    # then it is the same thread, made once, with both in it
    assert created
    assert not created_again
    assert first.pk == second.pk
    assert set(first.participants.values_list("user_id", flat=True)) == {client_user.pk, trainer.pk}


@pytest.mark.parametrize("who", ["another client", "unassigned trainer"])
def test_a_client_cannot_message_people_outside_their_studio_circle(client_user, who):
    other = ClientFactory() if who == "another client" else TrainerFactory()
    with pytest.raises(NotFoundError):
        services.thread_direct_open(actor=client_user, other_id=other.pk)
    assert Thread.objects.count() == 0


def test_a_trainer_cannot_message_a_client_of_another_trainer(trainer):
    stranger = assigned_client(TrainerFactory())
    with pytest.raises(NotFoundError):
        services.thread_direct_open(actor=trainer, other_id=stranger.pk)


def test_messages_mark_unread_for_the_others_and_read_receipts_move_forward(client_user, trainer, media_root):
    thread, _ = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    # given the trainer sends two messages, one with a photo
    services.message_send(actor=trainer, thread_id=thread.pk, body="Hi Chloe")
    second = services.message_send(actor=trainer, thread_id=thread.pk, body="Form check:", files=[upload(jpeg())])
    # then the client has two unread, the trainer none
    [for_client] = selectors.thread_list(actor=client_user)
    [for_trainer] = selectors.thread_list(actor=trainer)
    assert (for_client.unread, for_trainer.unread) == (2, 0)
    assert for_client.last_message.pk == second.pk
    assert second.attachments.get().kind == Attachment.Kind.IMAGE
    # and the client is notified in-app of each message
    assert Notification.objects.filter(user=client_user, kind="message.new").count() == 2
    # when the client reads up to the newest
    services.thread_mark_read(actor=client_user, thread_id=thread.pk)
    # then nothing is unread, and the trainer sees the receipt on their message
    assert selectors.thread_list(actor=client_user)[0].unread == 0
    link = Participant.objects.get(thread=thread, user=client_user)
    assert link.last_read_message_id == second.pk
    # and reading an older message does not move the receipt back
    services.thread_mark_read(actor=client_user, thread_id=thread.pk, up_to_message_id=second.pk - 1)
    link.refresh_from_db()
    assert link.last_read_message_id == second.pk


def test_the_thread_list_costs_the_same_queries_for_one_thread_or_many(trainer):
    def make_thread(n: int) -> None:
        client = assigned_client(trainer)
        thread, _ = services.thread_direct_open(actor=trainer, other_id=client.pk)
        for i in range(n):
            services.message_send(actor=client, thread_id=thread.pk, body=f"message {i}")

    make_thread(2)
    with count_queries() as one:
        assert len(selectors.thread_list(actor=trainer)) == 1
    for _ in range(4):
        make_thread(3)
    with count_queries() as five:
        threads = selectors.thread_list(actor=trainer)
        assert [t.unread for t in threads] == [3, 3, 3, 3, 2]
        assert all(t.last_message.body.startswith("message") and len(t.people) == 2 for t in threads)
    assert len(one) == len(five) == 4, five.sql


def test_only_participants_see_a_thread_and_its_files(client_user, trainer, manager, media_root, api_client):
    thread, _ = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    message = services.message_send(actor=client_user, thread_id=thread.pk, body="", files=[upload(jpeg())])
    file_url = f"/api/v1/messaging/attachments/{message.attachments.get().pk}"
    # the participants get the file; the manager (not in the thread) gets 404, like any unknown id
    assert api_client(trainer).get(file_url).status_code == 200
    assert api_client(manager).get(file_url).status_code == 404
    assert api_client(manager).get(f"/api/v1/messaging/threads/{thread.pk}/messages").status_code == 404
    with pytest.raises(NotFoundError):
        services.message_send(actor=manager, thread_id=thread.pk, body="hello")


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 this is an exe", "photo.jpg"),
        (b"%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF", "plan.pdf"),
        (b"%PDF-1.4\n truncated", "plan.pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png"),
    ],
)
def test_attachments_that_are_not_what_they_claim_are_refused(client_user, trainer, media_root, content, name):
    thread, _ = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    with pytest.raises(ValidationError) as refused:
        services.message_send(actor=trainer, thread_id=thread.pk, body="see", files=[upload(content, name)])
    assert refused.value.code == "attachment_invalid"
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_a_plain_pdf_is_accepted(client_user, trainer, media_root, api_client):
    thread, _ = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    response = api_client(trainer).post(
        f"/api/v1/messaging/threads/{thread.pk}/messages",
        data={"body": "Your plan", "files": [upload(pdf, "../../plan.pdf", "application/pdf")]},
    )
    assert response.status_code == 201, response.content
    [attachment] = response.json()["attachments"]
    assert (attachment["kind"], attachment["name"]) == ("pdf", "plan.pdf")
    served = api_client(client_user).get(attachment["url"])
    assert served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == pdf


def test_own_messages_can_be_edited_and_deleted_within_the_window_only(client_user, trainer, clock):
    thread, _ = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    message = services.message_send(actor=trainer, thread_id=thread.pk, body="See you at 6")
    # someone else cannot touch it
    with pytest.raises(NotFoundError):
        services.message_edit(actor=client_user, message_id=message.pk, body="hacked")
    # the sender edits it within the window
    edited = services.message_edit(actor=trainer, message_id=message.pk, body="See you at 7")
    assert edited.body == "See you at 7"
    assert edited.edited_at is not None
    # and deletes it: a tombstone stays
    deleted = services.message_delete(actor=trainer, message_id=message.pk)
    assert deleted.deleted_at is not None
    assert deleted.body == ""
    assert Message.objects.filter(pk=message.pk).exists()
    # a later message cannot be changed once the window closed
    late = services.message_send(actor=trainer, thread_id=thread.pk, body="typo")
    clock.shift(timedelta(minutes=16))
    with pytest.raises(ValidationError) as closed:
        services.message_edit(actor=trainer, message_id=late.pk, body="fixed")
    assert closed.value.code == "message_edit_closed"
    late.refresh_from_db()
    assert late.body == "typo"


def test_staff_make_group_threads_and_clients_cannot(client_user, trainer, manager):
    other = assigned_client(trainer)
    group = services.thread_group_create(
        actor=trainer, title="Saturday bootcamp", member_ids=[client_user.pk, other.pk]
    )
    roles = dict(group.participants.values_list("user_id", "role"))
    assert roles == {trainer.pk: "admin", client_user.pk: "member", other.pk: "member"}
    from core.exceptions import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.thread_group_create(actor=client_user, title="Mine", member_ids=[other.pk])
    with pytest.raises(NotFoundError):  # a client the trainer does not see
        services.thread_group_create(actor=trainer, title="x", member_ids=[assigned_client(manager).pk])


def test_search_finds_threads_by_person_and_messages_by_text(client_user, trainer):
    thread, _ = services.thread_direct_open(actor=trainer, other_id=client_user.pk)
    services.message_send(actor=trainer, thread_id=thread.pk, body="Bring your lifting belt")
    services.message_send(actor=trainer, thread_id=thread.pk, body="And water")
    assert [t.pk for t in selectors.thread_list(actor=trainer, search=client_user.last_name)] == [thread.pk]
    assert selectors.thread_list(actor=trainer, search="nobody-by-this-name") == []
    found = selectors.message_list(actor=client_user, thread_id=thread.pk, search="belt")
    assert [m.body for m in found] == ["Bring your lifting belt"]


def test_the_api_answers_bad_input_with_codes_not_500(client_user, trainer, api_client):
    api = api_client(client_user)
    assert (
        api.post("/api/v1/messaging/threads/direct", {"user_id": 999999}, content_type="application/json").json()[
            "code"
        ]
        == "recipient_invalid"
    )
    opened = api.post("/api/v1/messaging/threads/direct", {"user_id": trainer.pk}, content_type="application/json")
    assert opened.status_code == 201
    thread_id = opened.json()["id"]
    empty = api.post(f"/api/v1/messaging/threads/{thread_id}/messages", data={"body": "  "})
    assert (empty.status_code, empty.json()["code"]) == (400, "message_empty")
    listed = api.get("/api/v1/messaging/threads").json()
    assert listed[0]["title"] == trainer.full_name
    assert listed[0]["unread"] == 0
