"""The early warning on meeting quality: a cell whose latest regular meetings in a row were assessed below fair
(or short of the framework, or not assessed) is warned at its grassroots committee; one good meeting among them
resolves it."""

from soisua.alerts import services as alerts
from soisua.alerts.enums import AlertStatus, Check
from soisua.alerts.models import Alert
from soisua.core.actors import SYSTEM
from soisua.meetings.enums import AttendanceStatus
from soisua.quality import services
from soisua.quality.models import QualityRubric
from tests.alerts.test_checks import hold, today

LOW = {"preparation": 5, "excused_runs": 5, "conduct": 5, "principles": 5, "resolution": 5, "results": 5}
FULL = {"preparation": 10, "excused_runs": 5, "conduct": 10, "principles": 15, "resolution": 10, "results": 10}


def assess(cast, meeting, points):
    return services.record_assessment(meeting, judged={code: {"points": value} for code, value in points.items()},
                                      by=cast.users["secretary"])


def live():
    return list(Alert.objects.filter(kind=Check.QUALITY_LOW).exclude(status=AlertStatus.RESOLVED))


def test_three_meetings_in_a_row_below_fair_or_not_assessed_raise_a_warning(cast):
    services.choose_rubric(cast.commune, rubric=QualityRubric.objects.get(code="diem-100-phu-tho"), by=SYSTEM)
    present = [cast.members["secretary"], cast.members["member"]]
    meetings = [hold(cast, days, present=present) for days in (100, 70, 40, 10)]
    for meeting in meetings[1:3]:
        assess(cast, meeting, LOW)

    alerts.evaluate(by=SYSTEM, today=today())

    [alert] = live()
    # The latest three: 10 days ago (not assessed), 40 and 70 (below fair); the one 100 days ago is not needed.
    assert alert.unit == cast.cell and alert.owner == cast.commune
    assert sorted(alert.evidence["meetings"]) == sorted(meeting.pk for meeting in meetings[1:])


def test_a_good_meeting_among_the_latest_resolves_it(cast):
    services.choose_rubric(cast.commune, rubric=QualityRubric.objects.get(code="diem-100-phu-tho"), by=SYSTEM)
    present = [cast.members["secretary"], cast.members["member"]]
    meetings = [hold(cast, days, present=present) for days in (70, 40, 10)]
    alerts.evaluate(by=SYSTEM, today=today())
    assert live()

    assess(cast, meetings[2], FULL)
    alerts.evaluate(by=SYSTEM, today=today())

    assert not live()
    assert meetings[2].attendance.filter(status=AttendanceStatus.PRESENT).count() == 2


def test_a_meeting_still_in_its_assessment_window_is_not_counted(cast):
    present = [cast.members["secretary"]]
    for days in (70, 40):
        hold(cast, days, present=present)
    hold(cast, 2, present=present)

    alerts.evaluate(by=SYSTEM, today=today())

    assert not live()
