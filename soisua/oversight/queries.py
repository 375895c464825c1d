"""Reads of inspections; access is decided in policy.py."""

from django.db.models import Count, Q, QuerySet

from soisua.org.models import Member, Unit

from .enums import InspectionStatus
from .models import Inspection


def programme(body: Unit, year: int) -> QuerySet[Inspection]:
    """The body's inspections of a year: its programme."""
    return (Inspection.objects.filter(body=body, year=year).select_related("body", "subject_unit", "subject_member")
            .prefetch_related("team").annotate(remedy_count=Count("remedies")).order_by("period_start", "pk"))


def received(unit: Unit) -> QuerySet[Inspection]:
    """Inspections of the unit or of its members, newest first."""
    return (Inspection.objects.filter(subject_unit=unit).select_related("body", "subject_unit", "subject_member")
            .prefetch_related("team").order_by("-period_start", "-pk"))


def years(body: Unit) -> list[int]:
    return list(Inspection.objects.filter(body=body).order_by("-year").values_list("year", flat=True).distinct())


def subjects_for(body: Unit) -> dict:
    """What a planning form offers: the units at or below the body, the members below it, the people holding a
    role in the body (its team)."""
    from django.contrib.auth import get_user_model

    return {"units": Unit.objects.filter(path__startswith=body.path, depth__lte=body.depth + 2,
                                         active_until__isnull=True).order_by("path"),
            "members": Member.objects.filter(cell__path__startswith=body.path),
            "team": get_user_model().objects.filter(role_grants__unit=body).distinct().order_by("username")}


def remedy_choices(inspection: Inspection) -> dict:
    subject = inspection.subject_unit
    return {"units": Unit.objects.filter(path__startswith=subject.path, depth__lte=subject.depth + 2).order_by("path"),
            "members": (Member.objects.filter(pk=inspection.subject_member_id) if inspection.subject_member_id
                        else Member.objects.filter(cell__path__startswith=subject.path))}


def details(inspection: Inspection) -> dict:
    return {"findings": list(inspection.findings.select_related("recorded_by")),
            "remedies": list(inspection.remedies.select_related("unit", "member", "shortcoming")),
            "team": list(inspection.team.all())}


# --- what waits for a person (oversight/agenda.py) ------------------------------------------------------------


def under_way_for(body_ids: list[int], subject_ids: list[int], member_id: int | None) -> list[Inspection]:
    """Inspections told and not concluded: held by the units `body_ids`, of the units `subject_ids`, or of the
    member `member_id` (who sees and acts on each is the policy's)."""
    where = Q(body_id__in=body_ids) | Q(subject_unit_id__in=subject_ids, subject_member__isnull=True)
    if member_id:
        where |= Q(subject_member_id=member_id)
    return list(Inspection.objects.filter(where, status=InspectionStatus.NOTIFIED)
                .select_related("body", "subject_unit", "subject_member").prefetch_related("team")
                .order_by("period_end", "pk")[:20])
