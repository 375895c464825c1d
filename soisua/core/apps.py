from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The empty choice of every select. Django's own label ("- Select an option -") is missing from its Vietnamese
# catalogue, so the project names it once for all forms.
EMPTY_CHOICE = _("— choose —")


class CoreConfig(AppConfig):
    name = "soisua.core"
    label = "core"

    def ready(self):
        from django.db.models import fields
        from django.db.models.signals import post_migrate

        from soisua.core.partitions import partition_after_migrate

        post_migrate.connect(partition_after_migrate, dispatch_uid="soisua.core.partitions")

        # The documented way to set the default blank choice label (read when each form field is built).
        fields.BLANK_CHOICE_LABEL = EMPTY_CHOICE
