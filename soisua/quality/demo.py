"""Demo meeting quality: the commune of the school follows the 100-point version of provincial practice, and the
school cell's last three held regular meetings are assessed, each the day after it (the latest confirmed by the
level above), so the meeting pages, the criteria page and the commune's dashboard show levels (soisua.demo loads it
after the meetings)."""

import datetime

from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.core.demo import on_day
from soisua.meetings.enums import REGULAR_KINDS
from soisua.meetings.models import Meeting
from soisua.org.models import Unit

from . import services
from .models import QualityRubric

ASSESSED = 3
# The points the cell judged at each meeting, oldest first (the record gives the rest).
JUDGED = (
    {"preparation": 5, "excused_runs": 5, "conduct": 5, "principles": 8, "resolution": 5, "results": 5},
    {"preparation": 10, "excused_runs": 5, "conduct": 10, "principles": 13, "resolution": 10, "results": 8},
    {"preparation": 10, "excused_runs": 5, "conduct": 10, "principles": 15, "resolution": 10, "results": 10},
)


def load_demo_quality(today: datetime.date) -> None:
    school = Unit.objects.get(code="DL-EK-EKM-MTB")
    rubric = QualityRubric.objects.filter(code="diem-100-phu-tho").first()
    if rubric is None:
        return
    services.choose_rubric(school.parent, rubric=rubric, by=SYSTEM)
    held = list(Meeting.objects.filter(unit=school, kind__in=REGULAR_KINDS, ends_at__lt=timezone.now())
                .order_by("-starts_at")[:ASSESSED])
    for meeting, points in zip(reversed(held), JUDGED[-len(held):] if held else (), strict=True):
        day = timezone.localtime(meeting.ends_at).date() + datetime.timedelta(days=1)
        if day > today:
            continue
        with on_day(day):
            services.record_assessment(meeting, judged={code: {"points": value} for code, value in points.items()},
                                       comment="Chi bộ biểu quyết thông qua.", by=SYSTEM)
    if held and timezone.localtime(held[0].ends_at).date() + datetime.timedelta(days=2) <= today:
        with on_day(timezone.localtime(held[0].ends_at).date() + datetime.timedelta(days=2)):
            services.confirm_assessment(held[0], by=SYSTEM)
