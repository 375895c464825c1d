"""Plans, documents, speakers, minutes, rules, statistics and the subtree counters (docs/domain.md, "Meetings")."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.counters import rollups
from soisua.meetings import queries, services
from soisua.meetings.enums import AttendanceStatus, ContributionKind, MeetingKind
from soisua.meetings.models import Meeting, Minutes, MinutesChange
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.models import CellMembership, Unit
from tests.factories import make_member, make_unit
from tests.meetings.test_rules import publish_rules

START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n%test\n"


def schedule(cast, starts_at=START, minutes=120, **changes):
    values = {"title": "Sinh hoạt chi bộ", "starts_at": starts_at,
              "ends_at": starts_at + datetime.timedelta(minutes=minutes), "agenda": ["Thời sự", "Nhiệm vụ"]}
    return services.schedule_meeting(cast.cell, by=cast.users["secretary"], **(values | changes))


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def line_of(meeting, member):
    return meeting.attendance.get(member=member)


def test_a_published_plan_offers_its_topics_to_the_cells_below_and_coverage_shows_who_has_none(cast):
    topic = services.save_topic(cast.commune, title="Học và làm theo Bác", tags=["học và làm theo Bác"],
                                by=cast.users["parent_staff"])
    draft = services.save_topic_plan(cast.commune, 2027, topics=[topic], by=cast.users["parent_staff"])
    assert list(services.topics_for_cell(cast.cell, 2027)) == []

    services.save_topic_plan(cast.commune, 2027, topics=[topic], publish=True, by=cast.users["parent_staff"])
    assert list(services.topics_for_cell(cast.cell, 2027)) == [topic]
    assert draft.pk == services.save_topic_plan(cast.commune, 2027, topics=[topic], by=cast.users["parent_staff"]).pk

    services.save_cell_plan(cast.cell, 2027, meeting_day=3, meeting_time=datetime.time(19, 30),
                            topics={1: [topic]}, by=cast.users["secretary"])
    missing, count = queries.cells_without_thematic(cast.commune, 2027, 1)
    assert (missing, count) == ([cast.sibling_cell], 1)
    assert queries.cells_without_thematic(cast.commune, 2027, 2)[1] == 2


def test_a_cell_cannot_pick_a_topic_not_published_to_it(cast):
    other = services.save_topic(cast.other_commune, title="Chủ đề xã khác", by=cast.users["unrelated_staff"])
    services.save_topic_plan(cast.other_commune, 2027, topics=[other], publish=True, by=cast.users["unrelated_staff"])

    with pytest.raises(services.MeetingError) as error:
        services.save_cell_plan(cast.cell, 2027, meeting_day=3, meeting_time=datetime.time(19, 30),
                                topics={1: [other]}, by=cast.users["secretary"])
    assert error.value.code == "topic"


def test_the_regular_meetings_of_the_year_are_generated_on_the_fixed_day(cast):
    plan = services.save_cell_plan(cast.cell, 2027, meeting_day=5, meeting_time=datetime.time(19, 30),
                                   place="Nhà văn hóa", by=cast.users["secretary"])
    schedule(cast, starts_at=datetime.datetime(2027, 3, 5, 12, 30, tzinfo=datetime.UTC), kind=MeetingKind.COMBINED)

    made = services.generate_regular_meetings(plan, by=cast.users["secretary"])

    assert len(made) == 11
    assert {timezone_day(meeting.starts_at) for meeting in made} == {5}
    assert services.generate_regular_meetings(plan, by=cast.users["secretary"]) == []


def timezone_day(moment):
    return timezone.localtime(moment).day


def test_documents_published_less_than_a_day_before_are_flagged(cast):
    meeting = schedule(cast)
    services.add_document(meeting, title="Dự thảo nghị quyết", upload=SimpleUploadedFile("nq.pdf", PDF),
                          by=cast.users["secretary"])

    with at(START - datetime.timedelta(hours=3)):
        services.publish_documents(meeting, by=cast.users["secretary"])
    meeting.refresh_from_db()

    assert meeting.documents_late
    assert Notification.objects.filter(recipient=cast.users["member"], kind="meetings.documents").count() == 1
    assert "documents" in {finding.code for finding in queries.rule_findings(cast.cell, 2026,
                                                                              datetime.date(2027, 1, 5))}


def test_publishing_again_changes_and_records_nothing(cast):
    meeting = schedule(cast)
    services.add_document(meeting, title="Dự thảo nghị quyết", upload=SimpleUploadedFile("nq.pdf", PDF),
                          by=cast.users["secretary"])
    services.publish_documents(meeting, by=cast.users["secretary"])
    published_at = Meeting.objects.get(pk=meeting.pk).documents_published_at

    services.publish_documents(meeting, by=cast.users["secretary"])

    assert Meeting.objects.get(pk=meeting.pk).documents_published_at == published_at
    assert AuditEntry.objects.filter(action="meetings.documents.publish").count() == 1


def test_the_notice_period_shown_for_late_documents_is_the_one_of_the_rules_of_the_meeting_day(cast, _fixed_clock):
    _fixed_clock.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))))
    publish_rules(datetime.date(2026, 11, 25), documents_days_before=3)
    meeting = schedule(cast)
    services.add_document(meeting, title="Dự thảo nghị quyết", upload=SimpleUploadedFile("nq.pdf", PDF),
                          by=cast.users["secretary"])
    client = cast.client("secretary")

    with at(START - datetime.timedelta(days=2)):
        published = client.post(reverse("meetings:documents.publish", args=[meeting.pk]), follow=True)

    assert "chưa đủ 3 ngày trước cuộc họp" in published.text
    assert "Muộn: tài liệu phải gửi trước ít nhất 3 ngày." in published.text


def test_rules_show_missing_months_quarters_and_short_meetings(cast):
    Unit.objects.filter(pk=cast.cell.pk).update(active_from=datetime.date(2020, 1, 1))
    cast.cell.refresh_from_db()
    schedule(cast, starts_at=datetime.datetime(2026, 2, 3, 12, 30, tzinfo=datetime.UTC), minutes=60)
    schedule(cast, starts_at=datetime.datetime(2026, 5, 3, 12, 30, tzinfo=datetime.UTC), minutes=100,
             kind=MeetingKind.COMBINED)

    findings = queries.rule_findings(cast.cell, 2026, datetime.date(2026, 7, 10))

    codes = [finding.code for finding in findings]
    assert codes.count("month") == 4  # January, March, April, June
    assert codes.count("quarter") == 1  # the first quarter; the second had the combined session
    assert codes.count("short") == 2  # 60 < 90 and 100 < 120 (combined)


def test_a_cell_is_expected_to_meet_from_the_month_it_began(cast):
    """A cell without a recorded start began with its first member's joining; one that never had a member is
    expected nothing (a cell just set up is not told of months before it existed)."""
    empty = make_unit(cast.commune, "cell", "Chi bộ Thôn 4")
    CellMembership.objects.filter(cell=cast.cell).update(started_on=datetime.date(2026, 4, 15))

    findings = queries.rule_findings(cast.cell, 2026, datetime.date(2026, 7, 10))
    empty_findings = queries.rule_findings(empty, 2026, datetime.date(2026, 7, 10))

    assert [finding.text[-8:-1] for finding in findings if finding.code == "month"] == [
        "04/2026", "05/2026", "06/2026"]
    assert [finding.text for finding in findings if finding.code == "quarter"] == [
        "Không sinh hoạt chuyên đề quý 2 năm 2026."]
    assert empty_findings == []


def test_approved_minutes_change_only_with_a_reason_and_keep_the_history(cast):
    meeting = schedule(cast)
    secretary = cast.users["secretary"]
    with at(START + datetime.timedelta(minutes=100)):
        services.save_minutes(meeting, conclusions="Thống nhất kế hoạch tháng 1", votes_for=2, by=secretary)
        with pytest.raises(services.MeetingError) as error:
            services.approve_minutes(meeting, by=secretary)
        assert error.value.code == "incomplete"  # the roll is not marked
        assert services.mark_rest_absent(meeting, by=secretary) == 2
        services.approve_minutes(meeting, by=secretary)

        with pytest.raises(services.MeetingError) as error:
            services.save_minutes(meeting, conclusions="Sửa lại", by=secretary)
        assert error.value.code == "locked"
        with pytest.raises(services.MeetingError):
            services.mark_attendance(line_of(meeting, cast.members["member"]), status=AttendanceStatus.EXCUSED,
                                     reason="Ốm", by=secretary)
        assert Minutes.objects.get(meeting=meeting).conclusions == "Thống nhất kế hoạch tháng 1"

        services.save_minutes(meeting, conclusions="Sửa lại", reason="Ghi sót ý kiến", by=secretary)
        services.mark_attendance(line_of(meeting, cast.members["member"]), status=AttendanceStatus.EXCUSED,
                                 reason="Ốm", change_reason="Đã báo trước qua điện thoại", by=secretary)

    changes = list(MinutesChange.objects.filter(meeting=meeting))
    assert [(change.what, change.reason) for change in changes] == [
        ("minutes", "Ghi sót ý kiến"),
        (f"attendance:{cast.members['member'].pk}", "Đã báo trước qua điện thoại")]
    assert changes[0].before == {"conclusions": "Thống nhất kế hoạch tháng 1"}


def test_a_stale_minutes_form_does_not_overwrite(cast):
    meeting = schedule(cast)
    first = services.save_minutes(meeting, conclusions="Bản 1", by=cast.users["secretary"])
    services.save_minutes(meeting, conclusions="Bản 2", version=first.version, by=cast.users["secretary"])

    with pytest.raises(services.StaleMinutes):
        services.save_minutes(meeting, conclusions="Bản cũ", version=first.version, by=cast.users["secretary"])
    assert Minutes.objects.get(meeting=meeting).conclusions == "Bản 2"


def test_more_votes_than_people_are_refused(cast):
    meeting = schedule(cast)
    with pytest.raises(services.MeetingError) as error:
        services.save_minutes(meeting, votes_for=5, votes_against=1, by=cast.users["secretary"])
    assert error.value.code == "votes"


def test_speakers_must_be_on_the_roll_and_marked_present_or_late(cast):
    meeting = schedule(cast)
    item = meeting.agenda.first()
    services.mark_attendance(line_of(meeting, cast.members["member"]), status=AttendanceStatus.LATE, minutes_late=5,
                             by=cast.users["secretary"])
    services.add_contribution(meeting, member=cast.members["member"], kind=ContributionKind.SELF_CRITICISM,
                              agenda_item=item, note="Chưa đóng đảng phí đúng hạn", by=cast.users["secretary"])

    with pytest.raises(services.MeetingError) as stranger:
        services.add_contribution(meeting, member=cast.members["other"], by=cast.users["secretary"])
    with pytest.raises(services.MeetingError) as unmarked:
        services.add_contribution(meeting, member=cast.members["secretary"], by=cast.users["secretary"])
    services.mark_attendance(line_of(meeting, cast.members["secretary"]), status=AttendanceStatus.EXCUSED,
                             reason="Đi công tác", by=cast.users["secretary"])
    with pytest.raises(services.MeetingError) as excused:
        services.add_contribution(meeting, member=cast.members["secretary"], by=SYSTEM)

    assert stranger.value.code == "member"
    assert unmarked.value.code == excused.value.code == "absent"
    assert excused.value.messages == ["Lê Văn Cường chưa được ghi có mặt hoặc đến muộn trong cuộc họp này: chỉ "
                                      "người dự họp mới được ghi là người phát biểu."]
    assert [c.member for c in queries.contributions_of(meeting)] == [cast.members["member"]]
    assert list(queries.speakers_for(meeting)) == [cast.members["member"]]


def test_silent_members_are_listed_with_their_age_band(cast):
    young = make_member(cast.cell, "Nguyễn Văn Trẻ", date_of_birth=datetime.date(2000, 1, 1))
    meetings = [schedule(cast, starts_at=datetime.datetime(2026, month, 3, 12, 30, tzinfo=datetime.UTC))
                for month in (1, 2, 3)]
    for meeting in meetings:
        services.mark_attendance(line_of(meeting, cast.members["secretary"]), status=AttendanceStatus.PRESENT,
                                 by=cast.users["secretary"])
        services.add_contribution(meeting, member=cast.members["secretary"], kind=ContributionKind.REPORT,
                                  by=cast.users["secretary"])

    with at(datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)):
        silent = queries.silent_members(cast.cell)

    assert set(silent.members) == {cast.members["member"], young}
    assert silent.by_age["< 30"] == (1, 1)


def test_counters_follow_the_roll_and_rebuild_finds_no_drift(cast):
    meeting = schedule(cast)
    services.schedule_meeting(cast.sibling_cell, title="Chi bộ 2", starts_at=START,
                              ends_at=START + datetime.timedelta(minutes=90), by=SYSTEM)
    secretary = cast.users["secretary"]
    services.mark_attendance(line_of(meeting, cast.members["member"]), status=AttendanceStatus.LATE,
                             minutes_late=15, by=secretary)
    services.mark_attendance(line_of(meeting, cast.members["secretary"]), status=AttendanceStatus.PRESENT,
                             by=secretary)

    summary = queries.attendance_summary(cast.province, 2026)
    assert (summary["meetings"], summary["late"], summary["present"], summary["unmarked"]) == (2, 1, 1, 1)
    assert summary["minutes_late"] == 15
    assert summary["rate"] == 100
    assert queries.attendance_summary(cast.cell, 2026)["unmarked"] == 0
    assert rollups.rebuild() == {"attendance.": 0, "corr.": 0, "dir.": 0, "meetings.": 0, "quality.": 0, "rev.": 0}

    services.update_meeting(meeting, starts_at=datetime.datetime(2027, 1, 3, 12, 30, tzinfo=datetime.UTC),
                            ends_at=datetime.datetime(2027, 1, 3, 14, 30, tzinfo=datetime.UTC),
                            by=cast.users["secretary"])
    assert queries.attendance_summary(cast.commune, 2026)["meetings"] == 1
    assert queries.attendance_summary(cast.commune, 2027)["late"] == 1
    assert rollups.rebuild() == {"attendance.": 0, "corr.": 0, "dir.": 0, "meetings.": 0, "quality.": 0, "rev.": 0}


def test_moving_a_cell_moves_its_figures_to_the_new_ancestors(cast):
    meeting = schedule(cast)
    services.mark_attendance(line_of(meeting, cast.members["member"]), status=AttendanceStatus.PRESENT,
                             by=cast.users["secretary"])

    org_services.move_unit(cast.cell, new_parent=cast.other_commune, by=SYSTEM)

    assert queries.attendance_summary(cast.commune, 2026)["present"] == 0
    assert queries.attendance_summary(cast.other_commune, 2026)["present"] == 1
    assert queries.attendance_summary(cast.province, 2026)["present"] == 1
    assert rollups.rebuild() == {"attendance.": 0, "corr.": 0, "dir.": 0, "meetings.": 0, "quality.": 0, "rev.": 0}


def test_a_corrupted_counter_is_reported_and_repaired(cast):
    schedule(cast)
    rollups.bump(cast.cell, "2026-12", {"attendance.unmarked": 5})

    assert rollups.rebuild(["attendance."])["attendance."] == 3  # the cell, the commune and the province
    assert queries.attendance_summary(cast.province, 2026)["unmarked"] == 2


def test_members_are_reminded_once_before_the_meeting(cast):
    schedule(cast)
    with at(START - datetime.timedelta(hours=5)):
        assert services.send_meeting_reminders() == 2
        assert services.send_meeting_reminders() == 0
    assert Notification.objects.filter(recipient=cast.users["member"], kind="meetings.reminder").count() == 1


def test_a_cancelled_meeting_leaves_no_figures(cast):
    meeting = schedule(cast)
    services.cancel_meeting(meeting, by=cast.users["secretary"])
    assert queries.attendance_summary(cast.province, 2026)["lines"] == 0


def test_moving_a_commune_to_another_province_moves_the_province_key_of_its_roll_lines(cast):
    meeting = schedule(cast)
    other_province = make_unit(None, "province", "Tỉnh ủy Khác")

    org_services.move_unit(cast.commune, new_parent=other_province, by=SYSTEM)

    assert set(meeting.attendance.values_list("province_id", flat=True)) == {other_province.pk}
    meeting.refresh_from_db()
    assert meeting.province_id == other_province.pk
