"""Audit actions get one vocabulary (core.models.AuditAction, `<entity>.<verb>`): rows written under the
old names are renamed, so old and new rows read alike. Reversible."""

from django.db import migrations

RENAMED = {
    "nutrition.food_archive": "food.archive",
    "nutrition.food_create": "food.create",
    "nutrition.food_update": "food.update",
    "nutrition.log_delete": "food_log_entry.delete",
    "nutrition.meal_plan_assign": "meal_plan.assign",
    "nutrition.meal_plan_create": "meal_plan.create",
    "nutrition.meal_plan_update": "meal_plan.update",
    "nutrition.plan_create": "nutrition_plan.create",
    "nutrition.settings_update": "nutrition_settings.update",
    "nutrition.recipe_create": "recipe.create",
    "nutrition.recipe_update": "recipe.update",
    "videos.feedback_add": "video.add_feedback",
    "videos.status_change": "video.change_status",
    "videos.upload_complete": "video.complete_upload",
    "videos.delete": "video.delete",
    "videos.upload_refused": "video.refuse_upload",
    "videos.retry": "video.retry_processing",
    "videos.upload_start": "video.start_upload",
    "videos.annotate": "video_annotation.create",
    "videos.annotation_delete": "video_annotation.delete",
    "videos.annotation_update": "video_annotation.update",
    "billing.connect_account_create": "connected_account.create",
    "billing.plan_create": "plan.create",
    "billing.plan_price_create": "plan_price.create",
    "auth.register": "account.register",
    "auth.password_reset": "account.reset_password",
    "auth.login": "account.sign_in",
    "auth.login_failed": "account.sign_in_fail",
    "auth.logout": "account.sign_out",
    "appointment.attendance": "appointment.mark_attendance",
    "class.attendance": "class.mark_attendance",
    "clients.archive": "client.archive",
    "clients.create": "client.create",
    "clients.restore": "client.restore",
    "clients.access_link": "client.send_access_link",
    "clients.trainers_set": "client.set_trainers",
    "clients.health_history_update": "client.update_health_history",
    "people.invite_accept": "invitation.accept",
    "people.invite_resend": "invitation.resend",
    "people.invite_revoke": "invitation.revoke",
    "people.invite": "invitation.send",
    "progress.type_create": "metric_type.create",
    "people.role_change": "person.change_role",
    "people.deactivate": "person.deactivate",
    "people.reactivate": "person.reactivate",
    "programs.assign": "program.assign",
    "programs.progress_update": "program.update",
    "programs.rule_delete": "progression_rule.delete",
    "programs.rule_set": "progression_rule.set",
    "progress.photo_delete": "progress_photo.delete",
    "progress.photo_upload": "progress_photo.upload",
    "scheduling.policy_update": "scheduling_policy.update",
    "data.export": "studio.export_people",
    "platform.reactivate_studio": "studio.reactivate",
    "studio.signup_policy": "studio.set_signup_policy",
    "studio.signup": "studio.sign_up",
    "platform.suspend_studio": "studio.suspend",
    "workouts.log": "workout.log",
}


def _rename(apps, mapping):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for old, new in mapping.items():
        AuditEvent.objects.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("core", "0003_invitation")]

    operations = [migrations.RunPython(forwards, backwards)]
