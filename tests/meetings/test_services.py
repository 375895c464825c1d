"""Scheduling, check-in by rotating code and attendance (docs/domain.md, "Meetings")."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core import qr
from soisua.core.actors import SYSTEM
from soisua.counters import rollups
from soisua.meetings import queries, services
from soisua.meetings.models import Attendance
from soisua.org.enums import MemberStatus
from tests.factories import PASSWORD, make_member

START = datetime.datetime(2026, 12, 3, 19, 30, tzinfo=datetime.UTC)
END = START + datetime.timedelta(minutes=120)


def schedule(cast, **changes):
    values = {"title": "Sinh hoạt chi bộ tháng 12", "starts_at": START, "ends_at": END,
              "agenda": ["Thông tin thời sự", "Kiểm điểm tháng 11"]} | changes
    return services.schedule_meeting(cast.cell, by=cast.users["secretary"], **values)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def test_the_roll_lists_official_probationary_and_exempt_members(cast):
    probationary = make_member(cast.cell, "Vũ Thị Lan", status=MemberStatus.PROBATIONARY)
    suspended = make_member(cast.cell, "Đinh Văn Tám", status=MemberStatus.SUSPENDED)

    meeting = schedule(cast)

    members = set(meeting.attendance.values_list("member", flat=True))
    assert {cast.members["member"].pk, cast.members["secretary"].pk, probationary.pk} <= members
    assert suspended.pk not in members
    assert [item.title for item in meeting.agenda.all()] == ["Thông tin thời sự", "Kiểm điểm tháng 11"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"ends_at": START - datetime.timedelta(minutes=5)}, "times"),
    ({"agenda": [f"Mục {number}" for number in range(10_000)]}, "agenda"),
])
def test_bad_meetings_are_refused(cast, changes, code):
    with pytest.raises(services.MeetingError) as error:
        schedule(cast, **changes)

    assert error.value.code == code
    assert not cast.cell.meetings.exists()


def test_overlapping_meetings_of_one_cell_are_refused(cast):
    schedule(cast)

    with pytest.raises(services.MeetingError) as error:
        schedule(cast, title="Chuyên đề", starts_at=START + datetime.timedelta(minutes=60),
                 ends_at=END + datetime.timedelta(minutes=60))

    assert error.value.code == "overlap"
    assert services.schedule_meeting(cast.sibling_cell, title="Chi bộ Thôn 2", starts_at=START, ends_at=END, by=SYSTEM)


def test_check_in_is_present_before_the_start_and_late_after_it_by_the_server_clock(cast):
    meeting = schedule(cast)
    arrival = START - datetime.timedelta(minutes=5)

    with at(arrival):
        early = services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["member"])
    with at(START + datetime.timedelta(minutes=12, seconds=30)):
        late = services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["secretary"])

    assert (early.status, early.minutes_late) == ("present", 0)
    assert (late.status, late.minutes_late) == ("late", 12)


def test_a_code_from_another_meeting_or_an_expired_one_is_refused(cast):
    meeting = schedule(cast)
    other = services.schedule_meeting(cast.sibling_cell, title="Chi bộ Thôn 2", starts_at=START, ends_at=END, by=SYSTEM)

    with at(START), pytest.raises(services.MeetingError) as foreign:
        services.check_in(meeting, code=services.check_in_code(other), by=cast.users["member"])
    with at(START):
        old = services.check_in_code(meeting)
    with at(START + datetime.timedelta(seconds=95)), pytest.raises(services.MeetingError) as expired:
        services.check_in(meeting, code=old, by=cast.users["member"])

    assert foreign.value.code == expired.value.code == "code"
    assert Attendance.objects.get(meeting=meeting, member=cast.members["member"]).status == "unmarked"


def test_the_system_checks_nobody_in(cast):
    without_login = make_member(cast.cell, "Đinh Văn Tám")
    meeting = schedule(cast)

    with at(START), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=SYSTEM)

    assert error.value.code == "member"
    assert set(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True)) == {"unmarked"}
    assert Attendance.objects.filter(meeting=meeting, member=without_login).exists()


def test_check_in_outside_the_meeting_window_is_refused(cast):
    meeting = schedule(cast)

    with at(END + datetime.timedelta(minutes=1)), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["member"])

    assert error.value.code == "window"


def test_the_check_in_screen_states_its_window_and_period_from_the_settings(cast, settings):
    settings.MEETING_CHECK_IN_OPENS_MINUTES = 45
    settings.MEETING_CHECK_IN_PERIOD_SECONDS = 20
    meeting = schedule(cast)

    with at(START - datetime.timedelta(minutes=50)):
        screen = cast.client("secretary").get(reverse("meetings:check_in_screen", args=[meeting.pk]))
    with at(START - datetime.timedelta(minutes=50)), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["member"])

    assert "Chỉ điểm danh được từ 45 phút trước giờ họp đến khi kết thúc." in screen.text
    assert "Mã đổi sau mỗi 20 giây." in screen.text
    assert error.value.messages == ["Chỉ điểm danh được từ 45 phút trước giờ họp đến khi kết thúc."]


def test_a_check_in_by_someone_not_on_the_roll_is_refused(cast):
    meeting = schedule(cast)

    with at(START), pytest.raises(services.MeetingError) as error:
        services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["sibling"])

    assert error.value.code == "member"


def test_the_secretarys_correction_is_audited(cast):
    meeting = schedule(cast)
    line = Attendance.objects.get(meeting=meeting, member=cast.members["member"])

    with pytest.raises(services.MeetingError):
        services.mark_attendance(line, status="excused", by=cast.users["secretary"])
    services.mark_attendance(line, status="excused", reason="Đi công tác", by=cast.users["secretary"])

    entry = AuditEntry.objects.get(action="meetings.attendance.mark")
    assert entry.changes["status"] == ["unmarked", "excused"]
    assert entry.actor == cast.users["secretary"]


def qr_path(svg: str) -> str:
    """The drawing of a QR code in an SVG: two drawings are equal when they code the same text."""
    return re.search(r' d="([^"]+)"', svg)[1]


def check_in_link(meeting) -> str:
    """The link the QR code on the screen carries now (the page checks it is the code drawn)."""
    return reverse("meetings:check_in", args=[meeting.pk]) + f"?code={services.check_in_code(meeting)}"


def test_the_check_in_screen_shows_the_qr_code_and_the_code_in_large_and_prints_no_link(cast):
    meeting = schedule(cast)

    with at(START - datetime.timedelta(minutes=10)):
        screen = cast.client("secretary").get(reverse("meetings:check_in_screen", args=[meeting.pk])).text
        code = services.check_in_code(meeting)
        link = "http://testserver" + check_in_link(meeting)

    assert f'<p class="code">{code[:4]} {code[4:]}</p>' in screen
    assert qr_path(screen) == qr_path(qr.svg(link, title="Mã điểm danh"))
    assert "?code=" not in screen
    assert 'hx-trigger="every 30s"' in screen
    assert '<meta http-equiv="refresh" content="30">' in screen  # without scripts the page refreshes itself


def test_a_member_checks_in_from_the_qr_link_on_their_phone(cast):
    meeting = schedule(cast)
    client = cast.client("member")

    with at(START - datetime.timedelta(minutes=10)):
        scanned = client.get(check_in_link(meeting))
        page = client.get(scanned["Location"])

    assert scanned.status_code == 302 and scanned["Location"] == reverse("meetings:check_in", args=[meeting.pk])
    assert "Đã điểm danh: có mặt." in page.text
    assert 'name="code"' not in page.text
    assert Attendance.objects.get(meeting=meeting, member=cast.members["member"]).status == "present"


def test_a_member_not_logged_in_scans_logs_in_after_the_code_expired_and_is_checked_in_as_of_the_scan(cast):
    meeting = schedule(cast)
    phone = cast.client("anonymous")
    scan = START + datetime.timedelta(minutes=2, seconds=10)

    with at(scan):
        scanned = phone.get(check_in_link(meeting), follow=True)
    with at(scan + datetime.timedelta(minutes=3)):  # several codes later
        logged_in = phone.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD,
                                                           "next": reverse("meetings:check_in", args=[meeting.pk])},
                               follow=True)

    line = Attendance.objects.get(meeting=meeting, member=cast.members["member"])
    assert scanned.redirect_chain[-1][0].startswith(reverse("accounts:login") + "?next=")
    assert "Mã hợp lệ. Đồng chí đăng nhập để hoàn tất điểm danh: lần quét được giữ trong 5 phút." in scanned.text
    assert meeting.title not in scanned.text
    assert "Đã điểm danh, đến muộn 2 phút." in logged_in.text
    assert (line.status, line.minutes_late, line.checked_in_at) == ("late", 2, scan)
    entry = AuditEntry.objects.get(action="meetings.attendance.check_in")
    assert (entry.actor, entry.changes["scanned_at"]) == (cast.users["member"], scan.isoformat())
    with at(scan + datetime.timedelta(minutes=4)):  # while the login's session lasts, whatever the suite's clock
        assert phone.get(reverse("meetings:check_in", args=[meeting.pk])).status_code == 200  # the proof is spent
    assert AuditEntry.objects.filter(action="meetings.attendance.check_in").count() == 1


def test_a_scan_kept_longer_than_the_setting_is_refused_clearly_and_checks_nobody_in(cast, settings):
    settings.MEETING_CHECK_IN_PROOF_MINUTES = 2
    meeting = schedule(cast)
    phone = cast.client("anonymous")

    with at(START - datetime.timedelta(minutes=5)):
        phone.get(check_in_link(meeting))
    with at(START - datetime.timedelta(minutes=2, seconds=59)):
        logged_in = phone.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD,
                                                           "next": reverse("meetings:check_in", args=[meeting.pk])},
                               follow=True)
        again = phone.get(reverse("meetings:check_in", args=[meeting.pk]))

    assert ("Mã đã được quét cách đây hơn 2 phút: đồng chí quét lại mã trên màn hình." in logged_in.text)
    assert 'name="code"' in logged_in.text  # the code on the screen can be typed instead
    assert "cách đây hơn" not in again.text
    assert Attendance.objects.get(meeting=meeting, member=cast.members["member"]).status == "unmarked"


def test_a_forwarded_link_opened_later_is_refused_and_carries_nothing_through_the_login(cast):
    meeting = schedule(cast)
    with at(START):
        link = check_in_link(meeting)
    phone = cast.client("anonymous")

    with at(START + datetime.timedelta(seconds=95)):
        opened = phone.get(link)
        phone.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD,
                                               "next": reverse("meetings:check_in", args=[meeting.pk])}, follow=True)

    assert opened.status_code == 200
    assert "Mã điểm danh không hợp lệ" in opened.text
    assert meeting.title not in opened.text
    assert Attendance.objects.get(meeting=meeting, member=cast.members["member"]).status == "unmarked"


def test_a_proof_checks_in_one_member_of_the_roll_of_its_own_meeting(cast):
    meeting = schedule(cast)
    other = services.schedule_meeting(cast.sibling_cell, title="Chi bộ Thôn 2", starts_at=START, ends_at=END, by=SYSTEM)
    with at(START - datetime.timedelta(minutes=1)):
        proof = services.scan_check_in_code(meeting, code=services.check_in_code(meeting))

    with at(START + datetime.timedelta(minutes=1)):
        refusals = {}
        for name, call in {
            "other meeting": lambda: services.check_in(other, proof=proof, by=cast.users["sibling"]),
            "made up": lambda: services.check_in(meeting, proof=proof[:-2] + "xx", by=cast.users["member"]),
            "not on the roll": lambda: services.check_in(meeting, proof=proof, by=cast.users["sibling"]),
        }.items():
            with pytest.raises(services.MeetingError) as error:
                call()
            refusals[name] = error.value.code
        checked_in = services.check_in(meeting, proof=proof, by=cast.users["member"])
        with pytest.raises(services.MeetingError) as replayed:
            services.check_in(meeting, proof=proof, by=cast.users["secretary"])

    assert refusals == {"other meeting": "code", "made up": "code", "not on the roll": "member"}
    assert replayed.value.code == "proof_used"
    assert (checked_in.status, checked_in.minutes_late) == ("present", 0)
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("member", "status")) == {
        cast.members["member"].pk: "present", cast.members["secretary"].pk: "unmarked"}
    assert Attendance.objects.get(meeting=other, member=cast.members["sibling"]).status == "unmarked"


def test_a_code_scanned_outside_the_window_gives_no_proof(cast):
    meeting = schedule(cast)

    with at(END + datetime.timedelta(minutes=1)), pytest.raises(services.MeetingError) as error:
        services.scan_check_in_code(meeting, code=services.check_in_code(meeting))

    assert error.value.code == "window"


def test_a_code_typed_from_the_screen_checks_in_whatever_its_case_and_spaces(cast):
    meeting = schedule(cast)
    client = cast.client("member")

    with at(START + datetime.timedelta(minutes=4)):
        code = services.check_in_code(meeting)
        typed = client.post(reverse("meetings:check_in", args=[meeting.pk]),
                            {"code": f" {code[:4].lower()} - {code[4:]} "}, follow=True)

    assert "Đã điểm danh, đến muộn 4 phút." in typed.text
    assert Attendance.objects.get(meeting=meeting, member=cast.members["member"]).status == "late"


def test_a_refused_typed_code_is_told_and_not_kept_in_the_form(cast):
    meeting = schedule(cast)

    with at(START):
        refused = cast.client("member").post(reverse("meetings:check_in", args=[meeting.pk]), {"code": "ABCD2345"})

    assert refused.status_code == 200
    assert "Mã điểm danh không hợp lệ" in refused.text
    assert "ABCD2345" not in refused.text
    assert "data-submit-once" in refused.text  # the button is disabled once the form is sent


def test_everyone_not_yet_marked_is_marked_present_in_one_step_with_the_counters_and_the_audit(cast):
    extra = [make_member(cast.cell, name) for name in ("Vũ Thị Lan", "Đinh Văn Tám", "Hồ Thị Mai")]
    meeting = schedule(cast)
    secretary = cast.users["secretary"]
    services.mark_attendance(Attendance.objects.get(meeting=meeting, member=extra[0]), status="excused",
                             reason="Đi viện", by=secretary)
    with at(START + datetime.timedelta(minutes=7)):
        services.check_in(meeting, code=services.check_in_code(meeting), by=cast.users["member"])

    with at(START + datetime.timedelta(minutes=20)):
        marked = services.mark_rest_present(meeting, by=secretary)
        again = services.mark_rest_present(meeting, by=secretary)

    statuses = dict(Attendance.objects.filter(meeting=meeting).values_list("member", "status"))
    assert (marked, again) == (3, 0)
    assert statuses == {cast.members["member"].pk: "late", cast.members["secretary"].pk: "present",
                        extra[0].pk: "excused", extra[1].pk: "present", extra[2].pk: "present"}
    entries = AuditEntry.objects.filter(action="meetings.attendance.mark", changes__status=["unmarked", "present"])
    assert sorted(int(entry.object_id) for entry in entries) == sorted(
        Attendance.objects.filter(meeting=meeting, member__in=[cast.members["secretary"], *extra[1:]])
        .values_list("pk", flat=True))
    assert {entry.actor for entry in entries} == {secretary}
    summary = queries.attendance_summary(cast.province, 2026)
    assert (summary["present"], summary["late"], summary["excused"], summary["unmarked"]) == (3, 1, 1, 0)
    assert rollups.rebuild(["attendance."]) == {"attendance.": 0}


def test_everyone_present_is_refused_once_the_minutes_are_approved(cast):
    meeting = schedule(cast)
    secretary = cast.users["secretary"]
    services.save_minutes(meeting, conclusions="Kết luận", by=secretary)
    services.mark_rest_absent(meeting, by=secretary)
    with at(END):
        services.approve_minutes(meeting, by=secretary)
    joiner = make_member(cast.cell, "Đỗ Thị Hằng")
    late_joiner, _created = Attendance.objects.get_or_create(meeting=meeting, member=joiner)

    with pytest.raises(services.MeetingError) as error:
        services.mark_rest_present(meeting, by=secretary)

    assert error.value.code == "locked"
    late_joiner.refresh_from_db()
    assert late_joiner.status == "unmarked"
