"""Reads of roster imports. Who may see them is decided in `policy.py`."""

from django.db.models import QuerySet

from .models import ImportJob


def recent_imports(unit, user, *, limit: int = 5) -> QuerySet[ImportJob]:
    """The user's latest imports into the unit, newest first (without their error lists)."""
    return ImportJob.objects.filter(unit=unit, created_by=user).defer("errors")[:limit]
