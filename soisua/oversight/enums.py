from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    """Kinds of inspection and supervision (docs/domain.md, "Inspection and supervision")."""

    REGULAR_SUPERVISION = "regular_supervision", _("Regular supervision")
    THEMATIC_SUPERVISION = "thematic_supervision", _("Thematic supervision")
    INSPECTION = "inspection", _("Inspection on signs of violation")
    SELF_INSPECTION = "self_inspection", _("Self-inspection")


class InspectionStatus(models.TextChoices):
    """planned → notified (the subject is told and writes its self-report) → concluded."""

    PLANNED = "planned", _("Planned")
    NOTIFIED = "notified", _("Under way")
    CONCLUDED = "concluded", _("Concluded")
