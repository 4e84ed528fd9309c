"""People and the abstract bases every domain model builds on.

`User` lives in the public schema (platform staff) and in every studio schema (that studio's
owner, staff, trainers and clients): the same email in two studios is two different people.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    TRAINER = "trainer", _("Trainer")
    CLIENT = "client", _("Client")
    PLATFORM_STAFF = "platform_staff", _("Platform staff")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.PLATFORM_STAFF)
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address; no username."""

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLIENT)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=[choice.value for choice in Role]),
                name="core_user_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["role", "is_active"], name="core_user_role_active_idx")]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name or self.email


class AuditAction(models.TextChoices):
    """Every action the audit log records, named `<entity>.<verb>`: the thing acted on (singular, snake
    case), then what was done to it (a verb in the present tense). Stored in `AuditEvent.action`; the
    labels are what auditors read. Add a member here for a new audited action (mypy refuses a bare string).
    """

    ACCOUNT_REGISTER = "account.register", _("Registered as a client")
    ACCOUNT_RESET_PASSWORD = "account.reset_password", _("Reset their password")
    ACCOUNT_SIGN_IN = "account.sign_in", _("Signed in")
    ACCOUNT_SIGN_IN_FAIL = "account.sign_in_fail", _("Failed to sign in")
    ACCOUNT_SIGN_OUT = "account.sign_out", _("Signed out")
    APPOINTMENT_BOOK = "appointment.book", _("Booked an appointment")
    APPOINTMENT_CANCEL = "appointment.cancel", _("Cancelled an appointment")
    APPOINTMENT_CONFIRM = "appointment.confirm", _("Confirmed an appointment")
    APPOINTMENT_MARK_ATTENDANCE = "appointment.mark_attendance", _("Marked attendance at an appointment")
    APPOINTMENT_MOVE = "appointment.move", _("Moved an appointment")
    APPOINTMENT_MOVE_FOLLOWING = "appointment.move_following", _("Moved an appointment and the following ones")
    APPOINTMENT_SERIES_CREATE = "appointment_series.create", _("Created a series of appointments")
    BOOKING_FEE_WAIVE = "booking_fee.waive", _("Waived a late-cancel or no-show fee")
    CALENDAR_FEED_REVOKE = "calendar_feed.revoke", _("Revoked a calendar feed")
    CALENDAR_FEED_ROTATE = "calendar_feed.rotate", _("Issued a new calendar feed address")
    CLASS_CANCEL = "class.cancel", _("Cancelled a class")
    CLASS_MARK_ATTENDANCE = "class.mark_attendance", _("Marked attendance at a class")
    CLASS_REGISTER = "class.register", _("Registered for a class")
    CLASS_UNREGISTER = "class.unregister", _("Left a class")
    CLASS_SERIES_CREATE = "class_series.create", _("Created a series of classes")
    CLIENT_ARCHIVE = "client.archive", _("Archived a client")
    CLIENT_CREATE = "client.create", _("Added a client")
    CLIENT_ERASE = "client.erase", _("Erased a client's personal data")
    CLIENT_RESTORE = "client.restore", _("Restored a client")
    CLIENT_SEND_ACCESS_LINK = "client.send_access_link", _("Sent a client a sign-in link")
    CLIENT_SET_TRAINERS = "client.set_trainers", _("Changed a client's trainers")
    CLIENT_UPDATE_HEALTH_HISTORY = "client.update_health_history", _("Updated a client's health history")
    COMMERCE_POLICY_UPDATE = "commerce_policy.update", _("Changed the billing settings")
    CONNECTED_ACCOUNT_CREATE = "connected_account.create", _("Connected the studio's payment account")
    DATA_EXPORT_DOWNLOAD = "data_export.download", _("Downloaded a data export")
    DATA_EXPORT_REQUEST = "data_export.request", _("Asked for a data export")
    ENTITLEMENT_OVERRIDE = "entitlement.override", _("Booked a client without a pass (override)")
    FOOD_ARCHIVE = "food.archive", _("Archived a food")
    FOOD_CREATE = "food.create", _("Added a food")
    FOOD_UPDATE = "food.update", _("Changed a food")
    FOOD_LOG_ENTRY_DELETE = "food_log_entry.delete", _("Deleted a food log entry")
    INVITATION_ACCEPT = "invitation.accept", _("Accepted an invitation")
    INVITATION_RESEND = "invitation.resend", _("Re-sent an invitation")
    INVITATION_REVOKE = "invitation.revoke", _("Withdrew an invitation")
    INVITATION_SEND = "invitation.send", _("Invited someone")
    INVOICE_VOID = "invoice.void", _("Voided an invoice")
    INVOICE_WRITE_OFF = "invoice.write_off", _("Wrote an invoice off as uncollectible")
    MEAL_PLAN_ASSIGN = "meal_plan.assign", _("Assigned a meal plan")
    MEAL_PLAN_CREATE = "meal_plan.create", _("Created a meal plan")
    MEAL_PLAN_UPDATE = "meal_plan.update", _("Changed a meal plan")
    MEMBERSHIP_CANCEL = "membership.cancel", _("Cancelled a membership at its period end")
    MEMBERSHIP_CANCEL_NOW = "membership.cancel_now", _("Ended a membership at once")
    MEMBERSHIP_DOWNGRADE = "membership.downgrade", _("Downgraded a membership from the next period")
    MEMBERSHIP_PAUSE = "membership.pause", _("Froze a membership")
    MEMBERSHIP_UPGRADE = "membership.upgrade", _("Upgraded a membership")
    METRIC_TYPE_CREATE = "metric_type.create", _("Added a progress metric")
    NUTRITION_PLAN_CREATE = "nutrition_plan.create", _("Set a nutrition plan")
    NUTRITION_SETTINGS_UPDATE = "nutrition_settings.update", _("Changed the nutrition settings")
    PACKAGE_CLOSE = "package.close", _("Stopped selling a package")
    PACKAGE_CREATE = "package.create", _("Created a package")
    PACKAGE_PURCHASE = "package.purchase", _("Sold a package")
    PAYMENT_RECORD = "payment.record", _("Recorded a payment")
    PAYMENT_REFUND = "payment.refund", _("Refunded a payment")
    PERSON_CHANGE_ROLE = "person.change_role", _("Changed someone's role")
    PERSON_DEACTIVATE = "person.deactivate", _("Deactivated someone")
    PERSON_REACTIVATE = "person.reactivate", _("Reactivated someone")
    PREFERENCES_UPDATE = "preferences.update", _("Changed their preferences")
    PLAN_CREATE = "plan.create", _("Created a platform plan")
    PLAN_PRICE_CREATE = "plan_price.create", _("Set a platform plan's price")
    PLATFORM_SUBSCRIPTION_CANCEL = "platform_subscription.cancel", _("Cancelled the studio's plan at its period end")
    PLATFORM_SUBSCRIPTION_REACTIVATE = (
        "platform_subscription.reactivate",
        _("Kept the studio's plan after cancelling it"),
    )
    PLATFORM_SUBSCRIPTION_RESTART = "platform_subscription.restart", _("Chose a plan again after the last one ended")
    PLATFORM_SUBSCRIPTION_SCHEDULE_DOWNGRADE = (
        "platform_subscription.schedule_downgrade",
        _("Moved the studio to a smaller plan from the next period"),
    )
    PLATFORM_SUBSCRIPTION_UPGRADE = "platform_subscription.upgrade", _("Moved the studio to a bigger plan")
    PROGRAM_ASSIGN = "program.assign", _("Assigned a program")
    PROGRAM_UPDATE = "program.update", _("Moved a program's phase, week or status")
    PROGRESS_PHOTO_DELETE = "progress_photo.delete", _("Deleted a progress photo")
    PROGRESS_PHOTO_UPLOAD = "progress_photo.upload", _("Uploaded a progress photo")
    PROGRESSION_RULE_DELETE = "progression_rule.delete", _("Removed a progression rule")
    PROGRESSION_RULE_SET = "progression_rule.set", _("Set a progression rule")
    RETENTION_POLICY_UPDATE = "retention_policy.update", _("Changed how long data is kept")
    RECIPE_CREATE = "recipe.create", _("Added a recipe")
    RECIPE_UPDATE = "recipe.update", _("Changed a recipe")
    SAVED_CARD_REMOVE = "saved_card.remove", _("Removed a card on file")
    SCHEDULING_POLICY_UPDATE = "scheduling_policy.update", _("Changed the scheduling policy")
    STRIKE_FORGIVE = "strike.forgive", _("Forgave a client's strikes")
    STUDIO_CLOSE = "studio.close", _("Closed a studio")
    STUDIO_ERASE = "studio.erase", _("Erased a closed studio's data")
    STUDIO_EXPORT = "studio.export", _("Exported a studio (data and media)")
    STUDIO_EXPORT_PEOPLE = "studio.export_people", _("Exported the studio's people")
    STUDIO_REACTIVATE = "studio.reactivate", _("Reactivated a studio")
    STUDIO_REOPEN = "studio.reopen", _("Reopened a closed studio")
    STUDIO_RESTORE = "studio.restore", _("Restored a studio from an export")
    STUDIO_SET_SIGNUP_POLICY = "studio.set_signup_policy", _("Changed whether clients may sign up")
    STUDIO_SIGN_UP = "studio.sign_up", _("Signed a studio up")
    STUDIO_SUSPEND = "studio.suspend", _("Suspended a studio")
    STUDIO_UPDATE_BRANDING = "studio.update_branding", _("Changed the studio's branding")
    STUDIO_UPDATE_SETTINGS = "studio.update_settings", _("Changed the studio's settings")
    VIDEO_ADD_FEEDBACK = "video.add_feedback", _("Gave feedback on a video")
    VIDEO_CHANGE_STATUS = "video.change_status", _("Changed a video's review status")
    VIDEO_COMPLETE_UPLOAD = "video.complete_upload", _("Finished uploading a video")
    VIDEO_DELETE = "video.delete", _("Deleted a video")
    VIDEO_REFUSE_UPLOAD = "video.refuse_upload", _("A video upload was refused")
    VIDEO_RETRY_PROCESSING = "video.retry_processing", _("Retried a video's processing")
    VIDEO_START_UPLOAD = "video.start_upload", _("Started uploading a video")
    VIDEO_ANNOTATION_CREATE = "video_annotation.create", _("Annotated a video")
    VIDEO_ANNOTATION_DELETE = "video_annotation.delete", _("Deleted a video annotation")
    VIDEO_ANNOTATION_UPDATE = "video_annotation.update", _("Changed a video annotation")
    AUTOMATION_UPDATE = "automation.update", _("Changed an automation")
    MESSAGE_DELETE = "message.delete", _("Deleted a message")
    MESSAGE_TEMPLATE_UPDATE = "message_template.update", _("Changed a message template")
    THREAD_CREATE = "thread.create", _("Started a group thread")
    WORKOUT_LOG = "workout.log", _("Logged a workout")


class AuditEvent(models.Model):
    """One sensitive action. Rows are only ever inserted (no updates, no deletes from the app)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(
        max_length=64, db_index=True
    )  # an AuditAction value (no choices: no migration per action)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action}"


class RefreshToken(models.Model):
    """A rotating refresh token (stored hashed). Lives in the studio's schema, so it is useless elsewhere.

    Each refresh replaces the token with a new one of the same family; presenting a token that was
    already replaced means it leaked, and the whole family is revoked.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    family = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="core_refresh_user_live_idx")]

    def __str__(self) -> str:
        return f"refresh token {self.pk} of user {self.user_id}"


class Invitation(TimeStampedModel):
    """A one-time link that lets a person join this studio with a role (a studio-schema row).

    Only the SHA-256 of the link's token is stored: whoever reads the database cannot accept an
    invitation. Re-sending stores a new hash, so the previous link stops working at once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    INVITABLE_ROLES = (Role.TRAINER, Role.CLIENT)

    email = models.EmailField(_("email address"), max_length=254)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live invitation per address: a second invite is a re-send, not a duplicate.
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(status="pending"), name="core_invitation_one_pending_per_email"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in (Role.TRAINER, Role.CLIENT)]),
                name="core_invitation_role_invitable",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "revoked"]), name="core_invitation_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(accepted_at__isnull=False),
                name="core_invitation_accepted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="core_invitation_revoked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def display_status(self) -> str:
        """Pending, accepted or revoked, with "expired" for a pending link past its date."""
        return str(_("Expired")) if self.is_expired else self.get_status_display()


class Units(models.TextChoices):
    METRIC = "metric", _("Metric (kg, cm)")
    IMPERIAL = "imperial", _("Imperial (lb, in)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Preferences(models.Model):
    """A person's own choices for how the product speaks and shows things. Absent until first saved.

    Blank `language` / `timezone`: the studio's. A client's units are on their client profile (trainers
    set them there too); `units` here serves staff. Notification channels and quiet hours are messaging's.
    """

    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE, related_name="preferences")
    language = models.CharField(_("language"), max_length=10, blank=True)
    timezone = models.CharField(_("time zone for display"), max_length=64, blank=True)
    week_start = models.PositiveSmallIntegerField(_("calendar starts on"), choices=Weekday.choices, default=0)
    units = models.CharField(_("units"), max_length=10, choices=Units.choices, default=Units.METRIC)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")
        constraints = [
            models.CheckConstraint(condition=models.Q(week_start__lte=6), name="core_preferences_week_start_valid"),
            models.CheckConstraint(
                condition=models.Q(units__in=[choice.value for choice in Units]), name="core_preferences_units_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
