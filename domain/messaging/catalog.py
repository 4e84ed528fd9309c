"""Every message the platform sends, with its shipped wording, its variables and sample data.

The syntax is Python's `string.Template`: `$name` or `${name}`, `$$` for a dollar sign. Nothing else is
evaluated (no attribute access, no filters, no loops), so a studio's override cannot reach anything but
the documented variables it is handed as plain text. Studios override a template per channel
(`TemplateOverride`); `render` picks the override, else the shipped default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Template
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SERVICE, MARKETING = "service", "marketing"
COMMON_VARIABLES = {"first_name": _("the person's first name"), "studio_name": _("the studio's name")}


@dataclass(frozen=True)
class Wording:
    key: str
    label: str | Promise
    title: str | Promise
    body: str | Promise
    variables: dict[str, str]
    sample: dict[str, str]
    category: str = SERVICE
    channels: tuple[str, ...] = ("email",)  # outside channels used when the caller names none
    extra: dict[str, str] = field(default_factory=dict)


def _w(
    key: str, label: str | Promise, title: str | Promise, body: str | Promise, sample: dict[str, str], **options: Any
) -> Wording:
    variables = {name: str(COMMON_VARIABLES.get(name, _("see the sample"))) for name in sample}
    # label/title/body stay lazy: they are translated when rendered, in the reader's language
    return Wording(
        key=key,
        label=label,
        title=title,
        body=body,
        variables=variables,
        sample=sample,
        **options,
    )


_PERSON = {"first_name": "Chloe", "studio_name": "Demo Fitness Studio"}
_SESSION = {
    **_PERSON,
    "what": "Strength 1:1",
    "with_whom": "Theo Trainer",
    "where": "Room 2",
    "starts_at": "Tuesday 2 December, 18:00",
}

WORDINGS: dict[str, Wording] = {
    w.key: w
    for w in [
        _w(
            "message.new",
            _("New message"),
            _("New message from $sender_name"),
            "$preview",
            {**_PERSON, "sender_name": "Theo Trainer", "preview": "See you at six!"},
            channels=("push",),
        ),
        _w(
            "scheduling.reminder",
            _("Session reminder"),
            _("Reminder: $what at $starts_at"),
            _("Hi $first_name, this is a reminder of $what with $with_whom at $starts_at ($where)."),
            _SESSION,
        ),
        _w(
            "scheduling.promoted",
            _("Waitlist place confirmed"),
            _("You're in: $what at $starts_at"),
            _("Hi $first_name, a place opened up and you are now booked for $what at $starts_at."),
            _SESSION,
        ),
        _w(
            "scheduling.skipped",
            _("Waitlist place passed on"),
            _("A place opened for $what"),
            _("Hi $first_name, a place opened for $what at $starts_at but went to the next person: $reason"),
            {**_SESSION, "reason": "no class pass left"},
        ),
        _w(
            "videos.reviewed",
            _("Video reviewed"),
            _("Your video was reviewed: $verdict"),
            _("Hi $first_name, $reviewer reviewed your $exercise video: $verdict. $note"),
            {
                **_PERSON,
                "reviewer": "Theo Trainer",
                "exercise": "Back squat",
                "verdict": "Approved",
                "note": "Great depth.",
            },
            channels=("email", "push"),
        ),
        _w(
            "analytics.at_risk",
            _("Client at risk"),
            _("$client_name may be at risk"),
            _("Hi $first_name, $client_name may be at risk: $detail Open the needs-attention inbox to follow up."),
            {**_PERSON, "client_name": "Chloe Client", "detail": "No training or visit for 15 days."},
            channels=("email", "push"),
        ),
        _w(
            "payments.notice",
            _("Payment notice"),
            "$subject",
            "$text",
            {**_PERSON, "subject": "Payment received", "text": "We received 45.00 GBP. Thank you!"},
        ),
        _w(
            "automation.welcome",
            _("Welcome"),
            _("Welcome to $studio_name"),
            _("Hi $first_name, welcome to $studio_name! Reply here any time."),
            _PERSON,
            category=MARKETING,
        ),
        _w(
            "automation.first_workout",
            _("First workout"),
            _("Your first workout is done!"),
            _("Well done $first_name, your first workout is logged. Keep it going!"),
            _PERSON,
            category=MARKETING,
        ),
        _w(
            "automation.no_workout",
            _("We miss you (workouts)"),
            _("Time for a workout?"),
            _("Hi $first_name, it has been $days days since your last workout. Your plan is waiting."),
            {**_PERSON, "days": "7"},
            category=MARKETING,
        ),
        _w(
            "automation.no_visit",
            _("We miss you (visits)"),
            _("We miss you at $studio_name"),
            _("Hi $first_name, it has been $days days since your last visit. Book a session?"),
            {**_PERSON, "days": "14"},
            category=MARKETING,
        ),
        _w(
            "automation.missed_session",
            _("Missed session"),
            _("We missed you today"),
            _("Hi $first_name, you missed $what at $starts_at. Shall we book another time?"),
            _SESSION,
            category=MARKETING,
        ),
        _w(
            "automation.birthday",
            _("Birthday"),
            _("Happy birthday, $first_name!"),
            _("Everyone at $studio_name wishes you a happy birthday."),
            _PERSON,
            category=MARKETING,
        ),
        _w(
            "automation.expiring",
            _("Expiring soon"),
            _("Your $product ends on $ends_on"),
            _("Hi $first_name, your $product ends on $ends_on. Renew to keep training."),
            {**_PERSON, "product": "10-class pack", "ends_on": "15 December"},
        ),
        _w(
            "automation.payment_failed",
            _("Payment failed"),
            _("Your payment did not go through"),
            _("Hi $first_name, a payment of $amount failed. Please update your card."),
            {**_PERSON, "amount": "45.00 GBP"},
        ),
        _w(
            "automation.video_reviewed",
            _("Video reviewed (follow-up)"),
            _("Your trainer reviewed your video"),
            _("Hi $first_name, $reviewer left feedback on your video. Take a look!"),
            {**_PERSON, "reviewer": "Theo Trainer"},
            category=MARKETING,
        ),
    ]
}


def identifiers(text: str) -> set[str]:
    """The variable names `text` uses; raises ValueError for a malformed placeholder."""
    names: set[str] = set()
    for match in Template.pattern.finditer(text):
        if match.group("invalid") is not None:
            raise ValueError(text[match.start() : match.start() + 12])
        name = match.group("named") or match.group("braced")
        if name:
            names.add(name)
    return names


def fill(text: str, context: Mapping[str, object]) -> str:
    """`text` with its variables replaced by the context's values as plain text (unknown ones left as typed)."""
    return Template(text).safe_substitute({name: str(value) for name, value in context.items()})
