from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from soisua.org import access
from soisua.org.models import Unit

from .models import Attendance, Meeting


def get_meeting_for_user(user, pk: int, *, manage: bool = False) -> Meeting:
    """Whoever reads the cell sees its meetings; its leadership (secretary, cell committee) runs them."""
    meeting = Meeting.objects.select_related("unit", "unit__kind", "chair", "minute_taker").filter(pk=pk).first()
    if meeting is None or not access.can_read_unit(user, meeting.unit):
        raise Http404
    if manage and not access.leads_unit(user, meeting.unit):
        raise PermissionDenied
    return meeting


def meetings_of(unit: Unit) -> QuerySet[Meeting]:
    return Meeting.objects.filter(unit=unit).order_by("-starts_at")


def roll(meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendance.select_related("member").order_by("member__sort_key", "pk"))


def attendance_figures(lines: list[Attendance]) -> dict[str, int]:
    figures = {"total": len(lines)}
    for line in lines:
        figures[line.status] = figures.get(line.status, 0) + 1
    return figures
