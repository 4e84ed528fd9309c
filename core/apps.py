from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.models import User
        from core.tokens import people_forget

        # A saved or deleted person is forgotten by the token path of this process at once (after commit).
        post_save.connect(people_forget, sender=User, dispatch_uid="core.people_forget.save")
        post_delete.connect(people_forget, sender=User, dispatch_uid="core.people_forget.delete")
