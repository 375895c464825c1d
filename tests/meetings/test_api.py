"""Meetings in the JSON API: what each caller reads, and check-in, the roll and speakers written through the
services of the pages (docs/domain.md, "Meetings")."""

import datetime

import time_machine
from django.test import Client
from django.utils import timezone

from soisua.accounts.services import issue_api_token
from soisua.core.actors import SYSTEM
from soisua.meetings import services
from soisua.meetings.enums import MeetingKind
from soisua.meetings.models import Attendance, Contribution

START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)  # 19:30 in Hà Nội


def client_of(user, *, writes: bool = False) -> Client:
    """A phone holding the user's token (one that may write, for the writes)."""
    token = issue_api_token(user, name="điện thoại", scope="read_write" if writes else "read", by=user)
    return Client(headers={"authorization": f"Bearer {token}"})


def post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def schedule(unit, starts_at=START, **changes):
    values = {"title": "Sinh hoạt chi bộ tháng 12", "starts_at": starts_at,
              "ends_at": starts_at + datetime.timedelta(minutes=120), "agenda": ["Thời sự"]}
    return services.schedule_meeting(unit, by=SYSTEM, **(values | changes))


def a_week_ago() -> datetime.datetime:
    return timezone.now().replace(microsecond=0) - datetime.timedelta(days=7)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def status_of(meeting, member) -> tuple[str, int]:
    return Attendance.objects.values_list("status", "minutes_late").get(meeting=meeting, member=member)


# --- reading ------------------------------------------------------------------------------------------------------


def test_meeting_detail_names_its_people_and_state(cast):
    meeting = schedule(cast.cell, place="Nhà văn hóa thôn", chair=cast.members["secretary"],
                       minute_taker=cast.members["member"])

    with at(START + datetime.timedelta(minutes=5)):
        body = client_of(cast.users["member"]).get(f"/api/meetings/{meeting.pk}").json()

    assert body["kind"] == "regular" and body["place"] == "Nhà văn hóa thôn"
    assert body["chair"] == {"id": cast.members["secretary"].pk, "full_name": "Lê Văn Cường"}
    assert body["minute_taker"]["full_name"] == "Trần Thị Bình"
    assert (body["status"], body["minutes"]) == ("in_progress", "none")
    assert body["starts_at"].startswith("2026-12-03T12:30:00")


def test_a_member_of_another_cell_does_not_find_the_meeting(cast):
    meeting = schedule(cast.cell)
    client = client_of(cast.users["sibling"])

    answers = [client.get(f"/api/meetings/{meeting.pk}{tail}").status_code
               for tail in ("", "/roll", "/speakers", "/minutes")]
    listed = client.get("/api/meetings").json()

    assert answers == [404, 404, 404, 404]
    assert listed == {"items": [], "count": 0}


def test_meeting_list_holds_only_the_meetings_the_caller_reads(cast):
    own = schedule(cast.cell)
    sibling = schedule(cast.sibling_cell, title="Chi bộ Thôn 2")
    other = schedule(cast.other_cell, title="Chi bộ Thôn 3")

    mine = client_of(cast.users["member"]).get("/api/meetings").json()
    staff = client_of(cast.users["parent_staff"]).get("/api/meetings").json()

    assert [item["id"] for item in mine["items"]] == [own.pk]
    assert {item["id"] for item in staff["items"]} == {own.pk, sibling.pk}
    assert other.pk not in {item["id"] for item in staff["items"]}


def test_meeting_list_filters_by_subtree_days_and_kind(cast):
    december = schedule(cast.cell)
    thematic = schedule(cast.cell, START + datetime.timedelta(days=10), kind=MeetingKind.THEMATIC,
                        title="Chuyên đề quý IV")
    sibling = schedule(cast.sibling_cell, title="Chi bộ Thôn 2")
    client = client_of(cast.users["admin"])

    def ids(**query):
        return [item["id"] for item in client.get("/api/meetings", query).json()["items"]]

    assert ids(unit=cast.cell.pk) == [thematic.pk, december.pk]
    assert set(ids(unit=cast.commune.pk)) == {thematic.pk, december.pk, sibling.pk}
    assert ids(unit=cast.other_commune.pk) == []
    assert set(ids(**{"from": "2026-12-03", "to": "2026-12-03"})) == {december.pk, sibling.pk}
    assert ids(**{"from": "2026-12-04"}) == [thematic.pk]
    assert ids(kind="thematic") == [thematic.pk]


def test_meeting_list_days_are_local_days(cast):
    # 23:30 in Hà Nội on 3 December is still 2 December in UTC.
    late = schedule(cast.cell, datetime.datetime(2026, 12, 3, 16, 30, tzinfo=datetime.UTC), title="Họp muộn")

    body = client_of(cast.users["secretary"]).get("/api/meetings", {"from": "2026-12-03", "to": "2026-12-03"}).json()

    assert [item["id"] for item in body["items"]] == [late.pk]


def test_meeting_list_refuses_bad_days_and_units_not_seen(cast):
    client = client_of(cast.users["member"])

    bad = client.get("/api/meetings", {"from": "03/12/2026"})
    reversed_days = client.get("/api/meetings", {"from": "2026-12-04", "to": "2026-12-03"})
    far = client.get("/api/meetings", {"to": "9999-12-31"})
    hidden = client.get("/api/meetings", {"unit": cast.commune.pk})
    kind = client.get("/api/meetings", {"kind": "party"})

    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "from"
    assert reversed_days.status_code == 422 and reversed_days.json()["code"] == "date_order"
    assert far.status_code == 422 and far.json()["code"] == "date_range"
    assert hidden.status_code == 404
    assert kind.status_code == 422


def test_meeting_list_pages_are_bounded(cast):
    for number in range(3):
        schedule(cast.cell, START + datetime.timedelta(days=number), title=f"Buổi {number}")
    client = client_of(cast.users["secretary"])

    second = client.get("/api/meetings", {"page_size": 2, "page": 2}).json()
    too_big = client.get("/api/meetings", {"page_size": 1000})

    assert second["count"] == 3 and len(second["items"]) == 1
    assert too_big.status_code == 422


def test_roll_lists_each_line_with_its_attendance(cast):
    meeting = schedule(cast.cell)
    services.mark_attendance(meeting.attendance.get(member=cast.members["member"]), status="excused",
                             reason="Đi công tác", by=cast.users["secretary"])
    services.mark_attendance(meeting.attendance.get(member=cast.members["secretary"]), status="late",
                             minutes_late=15, by=cast.users["secretary"])

    body = client_of(cast.users["parent_staff"]).get(f"/api/meetings/{meeting.pk}/roll").json()

    lines = {line["full_name"]: line for line in body["items"]}
    assert [line["full_name"] for line in body["items"]] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert (lines["Trần Thị Bình"]["status"], lines["Trần Thị Bình"]["reason"]) == ("excused", "Đi công tác")
    assert (lines["Lê Văn Cường"]["status"], lines["Lê Văn Cường"]["minutes_late"]) == ("late", 15)
    assert lines["Lê Văn Cường"]["member_status"] == "official"


def test_speakers_and_minutes_as_the_cell_reads_them(cast):
    meeting = schedule(cast.cell, a_week_ago())
    secretary = cast.users["secretary"]
    services.mark_attendance(meeting.attendance.get(member=cast.members["member"]), status="present", by=secretary)
    services.add_contribution(meeting, member=cast.members["member"], note="Ý kiến về thời sự", by=secretary)
    client = client_of(cast.users["member"])

    before = client.get(f"/api/meetings/{meeting.pk}/minutes").json()
    services.save_minutes(meeting, conclusions="Thống nhất kế hoạch tháng", by=secretary)
    draft = client.get(f"/api/meetings/{meeting.pk}/minutes").json()
    speakers = client.get(f"/api/meetings/{meeting.pk}/speakers").json()

    assert before["status"] == "none"
    assert (draft["status"], draft["conclusions"]) == ("draft", "Thống nhất kế hoạch tháng")
    assert [(item["full_name"], item["kind"], item["note"]) for item in speakers["items"]] == [
        ("Trần Thị Bình", "opinion", "Ý kiến về thời sự")]


# --- check-in -----------------------------------------------------------------------------------------------------


def check_in(user, meeting, code: str, **extra):
    return post(client_of(user, writes=True), f"/api/meetings/{meeting.pk}/check-in", {"code": code, **extra})


def test_check_in_is_present_before_the_start_and_late_after_it(cast):
    meeting = schedule(cast.cell)

    with at(START - datetime.timedelta(minutes=5)):
        early = check_in(cast.users["member"], meeting, services.check_in_code(meeting))
    with at(START + datetime.timedelta(minutes=12, seconds=30)):
        late = check_in(cast.users["secretary"], meeting, services.check_in_code(meeting).lower())

    assert early.status_code == 200 and early.json()["status"] == "present"
    assert late.json()["status"] == "late" and late.json()["minutes_late"] == 12
    assert status_of(meeting, cast.members["member"]) == ("present", 0)
    assert status_of(meeting, cast.members["secretary"]) == ("late", 12)


def test_check_in_refuses_a_wrong_or_expired_code_and_a_closed_window(cast):
    meeting = schedule(cast.cell)
    member = cast.users["member"]
    with at(START):
        old = services.check_in_code(meeting)

    with at(START):
        wrong = check_in(member, meeting, "AAAAAAAA")
    with at(START + datetime.timedelta(minutes=5)):
        expired = check_in(member, meeting, old)
    with at(START + datetime.timedelta(hours=3)):
        closed = check_in(member, meeting, services.check_in_code(meeting))

    assert (wrong.status_code, wrong.json()["code"]) == (422, "code")
    assert wrong.json()["detail"].startswith("Mã điểm danh không hợp lệ")
    assert (expired.status_code, expired.json()["code"]) == (422, "code")
    assert (closed.status_code, closed.json()["code"]) == (422, "window")
    assert status_of(meeting, cast.members["member"]) == ("unmarked", 0)


def test_check_in_by_someone_not_on_the_roll_is_refused(cast):
    meeting = schedule(cast.cell)

    with at(START):
        staff = check_in(cast.users["parent_staff"], meeting, services.check_in_code(meeting))
        sibling = check_in(cast.users["sibling"], meeting, services.check_in_code(meeting))

    assert staff.status_code == 403
    assert sibling.status_code == 404


def test_request_bodies_refuse_unknown_fields(cast):
    meeting = schedule(cast.cell)

    with at(START):
        response = check_in(cast.users["member"], meeting, services.check_in_code(meeting), late=0)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["body.late"]
    assert status_of(meeting, cast.members["member"]) == ("unmarked", 0)


# --- the roll and the speakers, by the cell's leadership -----------------------------------------------------------


def test_the_secretary_marks_a_line_of_the_roll(cast):
    meeting = schedule(cast.cell)
    member = cast.members["member"]
    client = client_of(cast.users["secretary"], writes=True)
    url = f"/api/meetings/{meeting.pk}/roll/{member.pk}"

    late = post(client, url, {"status": "late", "minutes_late": 20})
    excused = post(client, url, {"status": "excused", "reason": "Ốm"})
    no_reason = post(client, url, {"status": "excused"})

    assert late.json()["status"] == "late" and late.json()["minutes_late"] == 20
    assert excused.json()["reason"] == "Ốm"
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reason")
    assert Attendance.objects.values_list("status", "reason").get(meeting=meeting, member=member) == ("excused", "Ốm")


def test_a_member_or_the_committee_above_cannot_mark_the_roll(cast):
    meeting = schedule(cast.cell)
    url = f"/api/meetings/{meeting.pk}/roll/{cast.members['member'].pk}"

    answers = [post(client_of(cast.users[who], writes=True), url, {"status": "present"}).status_code
               for who in ("member", "parent_staff", "sibling")]

    assert answers == [403, 403, 404]
    assert status_of(meeting, cast.members["member"]) == ("unmarked", 0)


def test_marking_someone_not_on_the_roll_is_not_found(cast):
    meeting = schedule(cast.cell)

    response = post(client_of(cast.users["secretary"], writes=True),
                    f"/api/meetings/{meeting.pk}/roll/{cast.members['sibling'].pk}", {"status": "present"})

    assert response.status_code == 404


def test_changing_the_roll_of_approved_minutes_needs_a_reason(cast):
    meeting = schedule(cast.cell, a_week_ago())
    secretary = cast.users["secretary"]
    for line in meeting.attendance.all():
        services.mark_attendance(line, status="present", by=secretary)
    services.save_minutes(meeting, conclusions="Thống nhất", by=secretary)
    services.approve_minutes(meeting, by=secretary)
    client = client_of(secretary, writes=True)
    url = f"/api/meetings/{meeting.pk}/roll/{cast.members['member'].pk}"

    refused = post(client, url, {"status": "late", "minutes_late": 10})
    changed = post(client, url, {"status": "late", "minutes_late": 10, "change_reason": "Ghi nhầm"})

    assert refused.status_code == 422
    assert changed.status_code == 200
    assert meeting.minutes_changes.get().reason == "Ghi nhầm"


def test_the_secretary_records_a_speaker_who_attended(cast):
    meeting = schedule(cast.cell)
    secretary = cast.users["secretary"]
    services.mark_attendance(meeting.attendance.get(member=cast.members["member"]), status="present", by=secretary)
    item = meeting.agenda.get()
    client = client_of(secretary, writes=True)
    url = f"/api/meetings/{meeting.pk}/speakers"

    recorded = post(client, url, {"member_id": cast.members["member"].pk, "kind": "criticism",
                                  "agenda_item_id": item.pk, "note": "Góp ý"})
    absent = post(client, url, {"member_id": cast.members["secretary"].pk})
    stranger = post(client, url, {"member_id": cast.members["sibling"].pk})
    other_item = post(client, url, {"member_id": cast.members["member"].pk, "agenda_item_id": item.pk + 1000})

    assert recorded.status_code == 200
    assert (recorded.json()["kind"], recorded.json()["agenda_item"]) == ("criticism", "Thời sự")
    assert (absent.status_code, absent.json()["code"]) == (422, "absent")
    assert (stranger.status_code, stranger.json()["code"]) == (422, "member")
    assert "Phạm Thị Dung" not in stranger.text
    assert (other_item.status_code, other_item.json()["code"]) == (422, "item")
    assert list(Contribution.objects.filter(meeting=meeting).values_list("member", "note")) == [
        (cast.members["member"].pk, "Góp ý")]


def test_a_member_cannot_record_a_speaker(cast):
    meeting = schedule(cast.cell)
    services.mark_attendance(meeting.attendance.get(member=cast.members["member"]), status="present",
                             by=cast.users["secretary"])

    response = post(client_of(cast.users["member"], writes=True), f"/api/meetings/{meeting.pk}/speakers",
                    {"member_id": cast.members["member"].pk})

    assert response.status_code == 403
    assert not Contribution.objects.filter(meeting=meeting).exists()
