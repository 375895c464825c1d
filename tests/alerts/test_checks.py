"""Early warnings: the checks find what the rules describe, each warning is raised once, acknowledged with a note,
resolved when its condition is gone and re-opened when it returns; rules change as new versions."""

import datetime

import pytest
from django.urls import reverse

from soisua.alerts import services
from soisua.alerts.enums import AlertStatus, Check
from soisua.alerts.models import Alert, Rule
from soisua.core.actors import SYSTEM
from soisua.core.errors import Conflict
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus, ContributionKind
from soisua.notifications.models import Notification
from tests.conftest import fixed_now
from tests.factories import make_member


def today() -> datetime.date:
    return fixed_now().date()


def hold(cast, days_ago: int, *, present=(), speakers=(), absent=(), minutes=120):
    """A regular meeting of the cell `days_ago` days ago; `present` marked present, `absent` absent without
    reason, `speakers` logged as having spoken."""
    starts = fixed_now() - datetime.timedelta(days=days_ago)
    meeting = meetings.schedule_meeting(cast.cell, title=f"Sinh hoạt {starts:%d/%m}", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=minutes), by=SYSTEM)
    for member, status in [*((m, AttendanceStatus.PRESENT) for m in present),
                           *((m, AttendanceStatus.UNEXCUSED) for m in absent)]:
        meetings.mark_attendance(meeting.attendance.get(member=member), status=status, by=cast.users["secretary"])
    for member in speakers:
        meetings.add_contribution(meeting, member=member, kind=ContributionKind.OPINION, by=cast.users["secretary"])
    return meeting


def young_members(cast, count=3):
    born = today().replace(year=today().year - 25, day=1)
    return [make_member(cast.cell, f"Đoàn Văn Trẻ {number}", date_of_birth=born) for number in range(count)]


def live(check: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=check).exclude(status=AlertStatus.RESOLVED))


def test_young_members_silent_raise_one_warning_told_once_acknowledged_then_resolved_and_reopened(cast):
    young = young_members(cast)
    speakers = [cast.members["secretary"]]
    for days in (75, 45, 15):
        hold(cast, days, present=[*young, *speakers], speakers=speakers)

    services.evaluate(by=SYSTEM, today=today())
    services.evaluate(by=SYSTEM, today=today())  # a second run raises nothing more

    [alert] = live(Check.YOUNG_SILENT)
    assert (alert.unit, alert.owner, alert.status, alert.figures) == (
        cast.cell, cast.cell, AlertStatus.OPEN, {"count": 3, "meetings": 3})
    assert sorted(alert.evidence["members"]) == sorted(member.pk for member in young)
    told = Notification.objects.filter(event_key__startswith=f"alerts.raised:{Check.YOUNG_SILENT}:")
    assert [note.recipient for note in told] == [cast.users["secretary"]]

    services.acknowledge(alert, by=cast.users["secretary"], note="Phân công đảng viên trẻ chuẩn bị ý kiến.",
                         version=alert.version)
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, cast.users["secretary"])

    hold(cast, 1, present=[*young, *speakers], speakers=[*young, *speakers])
    services.evaluate(by=SYSTEM, today=today())
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolved_at is not None

    later = today() + datetime.timedelta(days=100)
    for days in (-30, -60, -90):
        hold(cast, days, present=[*young, *speakers], speakers=speakers)
    services.evaluate(by=SYSTEM, today=later)
    alert.refresh_from_db()
    assert (alert.status, alert.times_opened, alert.acknowledgement) == (AlertStatus.OPEN, 2, "")
    assert Alert.objects.filter(kind=Check.YOUNG_SILENT).count() == 1


def test_members_who_spoke_once_or_are_older_are_not_young_and_silent(cast):
    young = young_members(cast, 2)
    older = make_member(cast.cell, "Đỗ Văn Lớn", date_of_birth=today().replace(year=today().year - 50, day=1))
    for days in (75, 45, 15):
        hold(cast, days, present=[*young, older], speakers=[young[0]] if days == 45 else [])

    services.evaluate(by=SYSTEM, today=today())

    [alert] = live(Check.YOUNG_SILENT)
    assert alert.evidence["members"] == [young[1].pk]
    [everyone] = live(Check.SILENT)
    assert sorted(everyone.evidence["members"]) == sorted([young[1].pk, older.pk])


def test_three_absences_without_reason_warn_about_the_member(cast):
    member = cast.members["member"]
    for days in (100, 70, 40):
        hold(cast, days, absent=[member])

    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])

    [alert] = live(Check.UNEXCUSED)
    assert (alert.unit, alert.member, alert.subject, alert.figures) == (
        cast.cell, member, f"member:{member.pk}", {"count": 3})


def test_months_without_a_regular_meeting_go_to_the_commune_committee(cast):
    hold(cast, 40, present=[cast.members["member"]])  # only one of the last three ended months has a meeting

    services.evaluate(by=SYSTEM, today=today(), checks=[Check.MEETINGS_MISSING])

    by_unit = {alert.unit: alert for alert in live(Check.MEETINGS_MISSING)}
    assert by_unit[cast.cell].owner == cast.commune
    assert by_unit[cast.cell].figures["count"] >= 1
    assert by_unit[cast.sibling_cell].figures == {"count": 3}
    assert {alert.owner for alert in by_unit.values()} == {cast.commune, cast.other_commune}


def test_a_disabled_rule_resolves_its_warnings(cast):
    for days in (100, 70, 40):
        hold(cast, days, absent=[cast.members["member"]])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])
    rule = Rule.objects.get(kind=Check.UNEXCUSED, current=True)

    services.update_rule(rule, by=cast.users["superuser"], version=rule.version, threshold=3, period=12,
                         receiver="cell", enabled=False, note="Tạm dừng")
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])

    assert live(Check.UNEXCUSED) == []


def test_a_rule_changes_as_a_new_version_and_refuses_bad_figures(cast):
    rule = Rule.objects.get(kind=Check.ATTENDANCE_LOW, current=True)
    admin = cast.users["superuser"]

    with pytest.raises(services.AlertError, match="không được âm"):
        services.update_rule(rule, by=admin, version=rule.version, threshold=-1, period=3, receiver="cell",
                             enabled=True)
    with pytest.raises(services.AlertError, match="không phải là một cấp"):
        services.update_rule(rule, by=admin, version=rule.version, threshold=70, period=3, receiver="ward",
                             enabled=True)
    created = services.update_rule(rule, by=admin, version=rule.version, threshold=70, period=6,
                                   receiver="commune", enabled=True, note="Theo hướng dẫn mới")
    with pytest.raises(Conflict):
        services.update_rule(rule, by=admin, version=rule.version, threshold=60, period=6, receiver="commune",
                             enabled=True)

    versions = list(Rule.objects.filter(kind=Check.ATTENDANCE_LOW).values_list("version", "current", "threshold"))
    assert sorted(versions) == [(1, False, 80), (2, True, 70)]
    assert (created.period, created.receiver.code, created.note) == (6, "commune", "Theo hướng dẫn mới")


def test_the_rule_page_keeps_what_was_typed_and_says_why_it_was_refused(cast):
    rule = Rule.objects.get(kind=Check.ATTENDANCE_LOW, current=True)
    url = reverse("alerts:rules.edit", args=[rule.pk])

    response = cast.client("superuser").post(url, {"enabled": "on", "threshold": "-5", "period": "3",
                                                   "receiver": "cell", "note": "Thử", "version": rule.version})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="-5"' in page and "không được âm" in page
    assert Rule.objects.filter(kind=Check.ATTENDANCE_LOW).count() == 1
    assert cast.client("admin").get(url).status_code == 200
    assert cast.client("secretary").post(url, {"threshold": "1"}).status_code == 403
    assert cast.client("member").get(url).status_code == 200  # what the checks look for is no secret


def test_who_sees_and_who_acknowledges_a_warning(cast):
    for days in (100, 70, 40):
        hold(cast, days, absent=[cast.members["member"]])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])
    [alert] = live(Check.UNEXCUSED)
    url = reverse("alerts:detail", args=[alert.pk])

    seen = {who: cast.client(who).get(url).status_code for who in
            ("secretary", "parent_staff", "committee", "inspector", "admin", "member", "sibling", "unrelated_staff")}
    assert seen == {"secretary": 200, "parent_staff": 200, "committee": 200, "inspector": 200, "admin": 200,
                    "member": 404, "sibling": 404, "unrelated_staff": 404}
    assert cast.client("parent_staff").post(url, {"note": "x", "version": alert.version}).status_code == 403

    response = cast.client("secretary").post(url, {"note": "", "version": alert.version})
    assert "Bắt buộc" in response.content.decode() or "bắt buộc" in response.content.decode()
    response = cast.client("secretary").post(url, {"note": "Đã nhắc nhở", "version": alert.version}, follow=True)
    assert "Đã nhắc nhở" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED

    listing = cast.client("parent_staff").get(reverse("alerts:unit", args=[cast.commune.pk])).content.decode()
    assert url in listing
    assert cast.client("unrelated_staff").get(reverse("alerts:unit", args=[cast.commune.pk])).status_code == 404


def test_the_weekly_digest_tells_each_owner_once(cast):
    for days in (100, 70, 40):
        hold(cast, days, absent=[cast.members["member"]])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])

    assert services.send_weekly_digest(today=today()) == 1
    assert services.send_weekly_digest(today=today()) == 0
    [digest] = Notification.objects.filter(kind="alerts.digest")
    assert digest.recipient == cast.users["secretary"] and "1" in digest.body


def test_the_home_page_of_a_leadership_lists_open_warnings_about_or_owned_by_its_unit(cast):
    hold(cast, 40, present=[cast.members["member"]])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.MEETINGS_MISSING])  # owned by the commune

    secretary_home = cast.client("secretary").get(reverse("org:dashboard")).content.decode()
    committee_home = cast.client("committee").get(reverse("org:dashboard")).content.decode()
    member_home = cast.client("member").get(reverse("org:dashboard")).content.decode()

    [about_cell] = [alert for alert in live(Check.MEETINGS_MISSING) if alert.unit == cast.cell]
    link = reverse("alerts:detail", args=[about_cell.pk])
    assert link in secretary_home and link in committee_home
    assert "/alerts/" not in member_home
