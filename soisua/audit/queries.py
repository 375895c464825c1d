from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry
from .services import object_type


def history_of(obj: models.Model) -> QuerySet[AuditEntry]:
    """Entries about one object, newest first. The caller has already checked the object is visible."""
    return AuditEntry.objects.filter(object_type=object_type(obj), object_id=str(obj.pk)).select_related("actor")
