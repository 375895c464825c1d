"""Meetings' part of the year's record offered to a review's writer: a member's attendance line by line, the times
they spoke and one summary; for the collective's review, the meetings held against those expected, the attendance
rate and the thematic sessions. Registered with soisua/core/record.py (loaded by MeetingsConfig.ready)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.core import record
from soisua.org import access
from soisua.org.models import Unit

from .enums import REGULAR_KINDS, THEMATIC_KINDS, AttendanceStatus, MinutesStatus
from .models import Attendance, Contribution, Meeting, MeetingRules
from .queries import rate

KINDS = ("meetings.attendance", "meetings.contribution", "meetings.summary", "meetings.held", "meetings.thematic",
         "meetings.meeting")


def _day(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def _fact(key, text, source, group, url="", file_url="", day=None) -> dict:
    return {"key": key, "text": text, "source": source, "group": group, "url": url, "file_url": file_url,
            "day": day}


def _page(meeting_pk: int, step: str, anchor: str) -> str:
    """The step of the meeting's page that shows the fact: the roll and the speakers "during", the minutes
    "after"."""
    return reverse("meetings:detail", args=[meeting_pk]) + f"?step={step}#{anchor}"


def _window(review):
    """The cycle's period as aware moments, and the moment it is read (a period not over yet counts until now)."""
    cycle = review.cycle
    start = timezone.make_aware(datetime.datetime.combine(cycle.period_start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(cycle.period_end + datetime.timedelta(days=1),
                                                        datetime.time.min))
    return start, min(end, timezone.now())


def _source(meeting: Meeting) -> str:
    return _("Minutes of the cell meeting of %(day)s") % {"day": _day(meeting.starts_at)}


def _minutes_url(meeting: Meeting) -> str:
    """The approved minutes (on the meeting's page) are the evidence of what a meeting recorded."""
    minutes = getattr(meeting, "minutes", None)
    approved = minutes is not None and minutes.status == MinutesStatus.APPROVED
    return _page(meeting.pk, "after", "minutes") if approved else ""


def _line_sentence(line: Attendance) -> str:
    values = {"title": line.meeting.title, "day": _day(line.meeting.starts_at)}
    if line.status == AttendanceStatus.PRESENT:
        return _("Attended “%(title)s” on %(day)s.") % values
    if line.status == AttendanceStatus.LATE:
        return _("Attended “%(title)s” on %(day)s, %(minutes)s minutes late.") % {**values,
                                                                                   "minutes": line.minutes_late}
    if line.status == AttendanceStatus.EXCUSED:
        if line.reason:
            return _("Absent with reason from “%(title)s” on %(day)s: %(reason)s.") % {**values,
                                                                                        "reason": line.reason}
        return _("Absent with reason from “%(title)s” on %(day)s.") % values
    return _("Absent without reason from “%(title)s” on %(day)s.") % values


def member_facts(review) -> list[dict]:
    start, end = _window(review)
    lines = list(Attendance.objects.filter(member_id=review.member_id, meeting__starts_at__gte=start,
                                           meeting__starts_at__lt=end)
                 .exclude(status=AttendanceStatus.UNMARKED).select_related("meeting", "meeting__minutes"))
    group = _("Meetings")
    facts = []
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for line in lines:
        counts[line.status] += 1
        facts.append(_fact(f"meetings.attendance:{line.pk}", _line_sentence(line), _source(line.meeting),
                                 group, _page(line.meeting_id, "during", "roll"),
                                 _minutes_url(line.meeting), timezone.localtime(line.meeting.starts_at).date()))
    spoken = list(Contribution.objects.filter(member_id=review.member_id, meeting__starts_at__gte=start,
                                              meeting__starts_at__lt=end).select_related("meeting", "meeting__minutes"))
    for contribution in spoken:
        meeting = contribution.meeting
        facts.append(_fact(
            f"meetings.contribution:{contribution.pk}",
            _("Spoke (%(kind)s) at “%(title)s” on %(day)s.") % {
                "kind": contribution.get_kind_display().lower(), "title": meeting.title,
                "day": _day(meeting.starts_at)},
            _source(meeting), group, _page(meeting.pk, "during", "speakers"),
            _minutes_url(meeting), timezone.localtime(meeting.starts_at).date()))
    if lines:
        attended = counts[AttendanceStatus.PRESENT] + counts[AttendanceStatus.LATE]
        summary = _("From %(start)s to %(end)s: attended %(attended)s of %(total)s meetings (late %(late)s), absent "
                    "with reason %(excused)s, without reason %(unexcused)s; spoke %(spoke)s times.") % {
            "start": _day(review.cycle.period_start), "end": _day(review.cycle.period_end),
            "attended": attended, "total": len(lines), "late": counts[AttendanceStatus.LATE],
            "excused": counts[AttendanceStatus.EXCUSED], "unexcused": counts[AttendanceStatus.UNEXCUSED],
            "spoke": len(spoken)}
        facts.insert(0, _fact(f"meetings.summary:{review.unit_id}", summary, _("Meeting rolls of the cell"), group,
                                    reverse("meetings:list", args=[review.unit_id])))
    return facts


def _months(first: datetime.date, last: datetime.date) -> int:
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def collective_facts(review) -> list[dict]:
    start, end = _window(review)
    cycle = review.cycle
    meetings = list(Meeting.objects.filter(unit_id=review.unit_id, starts_at__gte=start, starts_at__lt=end)
                    .annotate(attended=Count("attendance", filter=Q(attendance__status__in=[
                        AttendanceStatus.PRESENT, AttendanceStatus.LATE])),
                        marked=Count("attendance", filter=~Q(attendance__status=AttendanceStatus.UNMARKED)))
                    .order_by("starts_at"))
    last_day = min(cycle.period_end, timezone.localdate())
    regular = [meeting for meeting in meetings if meeting.kind in REGULAR_KINDS]
    thematic = [meeting for meeting in meetings if meeting.kind in THEMATIC_KINDS]
    months = _months(cycle.period_start, last_day)
    attended, marked = sum(m.attended for m in meetings), sum(m.marked for m in meetings)
    share = rate(attended, marked)
    group = _("Meetings")
    list_url = reverse("meetings:list", args=[review.unit_id])
    rules = MeetingRules.in_force_on(last_day)
    quarters = (months + 2) // 3
    facts = [
        _fact(f"meetings.held:{review.unit_id}",
                    _("From %(start)s to %(end)s the cell held %(held)s regular meetings for %(months)s months "
                      "(one expected each month); attendance %(rate)s.") % {
                        "start": _day(cycle.period_start), "end": _day(last_day),
                        "held": len(regular), "months": months,
                        "rate": f"{share} %" if share is not None else "—"},
                    _("Meeting rolls of the cell"), group, list_url),
        _fact(f"meetings.thematic:{review.unit_id}",
                    _("Thematic sessions held: %(held)s (%(expected)s expected, %(per)s per quarter, %(rules)s).")
                    % {"held": len(thematic), "expected": quarters * rules.thematic_per_quarter,
                       "per": rules.thematic_per_quarter, "rules": rules.name},
                    _("Meeting rolls of the cell"), group, list_url),
    ]
    for meeting in thematic:
        facts.append(_fact(f"meetings.meeting:{meeting.pk}",
                                 _("Thematic session “%(title)s” held on %(day)s.") % {
                                     "title": meeting.title, "day": _day(meeting.starts_at)},
                                 _source(meeting), group, reverse("meetings:detail", args=[meeting.pk]),
                                 day=timezone.localtime(meeting.starts_at).date()))
    return facts


def facts(review) -> list[dict]:
    return collective_facts(review) if review.member_id is None else member_facts(review)


def links(user, asked: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """A meeting is opened by whoever reads its cell (meetings.policy.get_meeting_for_user)."""
    found = {}
    lines = Attendance.objects.filter(pk__in=record.ids(asked, "meetings.attendance")).select_related(
        "meeting__unit", "meeting__minutes")
    spoken = Contribution.objects.filter(pk__in=record.ids(asked, "meetings.contribution")).select_related(
        "meeting__unit", "meeting__minutes")
    for kind, rows, anchor in (("meetings.attendance", lines, "roll"), ("meetings.contribution", spoken,
                                                                         "speakers")):
        for row in rows:
            if access.can_read_unit(user, row.meeting.unit):
                found[f"{kind}:{row.pk}"] = (_page(row.meeting_id, "during", anchor), _minutes_url(row.meeting))
    for meeting in Meeting.objects.filter(pk__in=record.ids(asked, "meetings.meeting")).select_related(
            "unit", "minutes"):
        if access.can_read_unit(user, meeting.unit):
            found[f"meetings.meeting:{meeting.pk}"] = (reverse("meetings:detail", args=[meeting.pk]),
                                                       _minutes_url(meeting))
    unit_ids = {ident for kind in ("meetings.summary", "meetings.held", "meetings.thematic")
                for ident in record.ids(asked, kind)}
    for unit in Unit.objects.filter(pk__in=unit_ids):
        if access.can_read_unit(user, unit):
            for kind in ("meetings.summary", "meetings.held", "meetings.thematic"):
                if str(unit.pk) in asked.get(kind, []):
                    found[f"{kind}:{unit.pk}"] = (reverse("meetings:list", args=[unit.pk]), "")
    return found


record.register_source("meetings", kinds=KINDS, facts=facts, links=links)
