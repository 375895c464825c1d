"""A held regular meeting of the cast's cell two days before the clock, with a roll of five: three present
(the secretary, the member and one more), one late, one absent with reason; two of those present spoke."""

import datetime

from django.utils import timezone
from time_machine import travel

from soisua.meetings import services as meetings
from soisua.meetings.models import Attendance
from tests.factories import UserFactory, make_member


def held(cast, *, minutes=120, days_ago=2, kind="regular", unexcused=False, publish=True):
    starts = timezone.now() - datetime.timedelta(days=days_ago, hours=3)
    secretary = cast.users["secretary"]
    others = [make_member(cast.cell, name, user=UserFactory(username=f"m{index}"))
              for index, name in enumerate(["Nguyễn Văn An", "Đỗ Thị Lan", "Vũ Văn Hải"])]
    with_time = starts - datetime.timedelta(days=3)
    with travel(with_time, tick=False):
        meeting = meetings.schedule_meeting(cast.cell, kind=kind, title="Sinh hoạt chi bộ tháng 11", starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=minutes),
                                            agenda=["Thời sự"], introductory_paper="Nội dung", by=secretary)
        if publish:
            meetings.publish_documents(meeting, by=secretary)
    marks = {cast.members["secretary"]: "present", cast.members["member"]: "present", others[0]: "present",
             others[1]: "late", others[2]: "unexcused" if unexcused else "excused"}
    for member, status in marks.items():
        extra = {"minutes_late": 10} if status == "late" else {"reason": "Ốm"} if status == "excused" else {}
        meetings.mark_attendance(Attendance.objects.get(meeting=meeting, member=member), status=status,
                                 by=secretary, **extra)
    for member in (cast.members["secretary"], cast.members["member"]):
        meetings.add_contribution(meeting, member=member, note="Ý kiến", by=secretary)
    meeting.refresh_from_db()
    assert timezone.now() > meeting.ends_at
    return meeting, others
