"""Votes in meetings (docs/domain.md, "Votes in meetings"): motions opened on a meeting, votes from the members
present, the count against the roll, the minutes, and the secrecy of a secret ballot (docs/security.md)."""

import datetime
import io
import threading

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from docx import Document

from soisua.accounts.services import issue_api_token
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.meetings import exports, services, voting
from soisua.meetings.enums import AttendanceStatus, VoteKind, VoteMethod
from soisua.meetings.models import Motion, MotionVoter, VoteRule
from soisua.org import services as org_services
from soisua.org.enums import MemberStatus
from tests.factories import UserFactory, make_member

START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)
DURING = START + datetime.timedelta(minutes=30)
POSTGRES = "connection.vendor != 'postgresql'"


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def held(cast):
    """A meeting under way: the member and the secretary present, two more official members present, one official
    member absent, one probationary member present."""
    cast.members["an"] = make_member(cast.cell, "Nguyễn Văn An")
    cast.members["hoa"] = make_member(cast.cell, "Đỗ Thị Hoa")
    cast.members["khanh"] = make_member(cast.cell, "Vũ Văn Khánh")
    cast.members["lan"] = make_member(cast.cell, "Bùi Thị Lan", status=MemberStatus.PROBATIONARY)
    with at(START - datetime.timedelta(days=5)):
        meeting = services.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ tháng 12", starts_at=START,
                                            ends_at=START + datetime.timedelta(minutes=120),
                                            agenda=["Kết nạp đảng viên"], by=cast.users["secretary"])
    with at(DURING):
        for name in ("member", "secretary", "an", "hoa", "lan"):
            services.mark_attendance(meeting.attendance.get(member=cast.members[name]),
                                     status=AttendanceStatus.PRESENT, by=cast.users["secretary"])
        services.mark_attendance(meeting.attendance.get(member=cast.members["khanh"]),
                                 status=AttendanceStatus.EXCUSED, reason="Ốm", by=cast.users["secretary"])
    return meeting


def open_motion(cast, meeting, kind=VoteKind.RESOLUTION, secret=False, text="Thông qua nghị quyết tháng 12"):
    with at(DURING):
        return services.open_motion(meeting, text=text, kind=kind, secret=secret, by=cast.users["secretary"])


def vote(cast, motion, name, choice):
    with at(DURING):
        services.cast_vote(motion, member=cast.members[name], choice=choice, by=SYSTEM)


def refused(code, action):
    with pytest.raises(services.MeetingError) as error:
        action()
    assert error.value.code == code
    return error.value


def test_the_rules_shipped_name_their_documents_and_force_the_method_of_each_kind(db):
    rules = {rule.kind: rule for rule in VoteRule.objects.all()}

    assert set(rules) == set(VoteKind.values)
    assert rules["discipline"].method == rules["personnel"].method == VoteMethod.SECRET
    assert rules["admission"].method == VoteMethod.CELL_CHOOSES
    assert rules["resolution"].method == VoteMethod.OPEN
    assert "69-QĐ/TW" in rules["discipline"].cite()
    assert "Điều 4 khoản 3" in rules["admission"].cite()
    assert all(rule.note for rule in rules.values())


@pytest.mark.parametrize(("numerator", "denominator", "strict", "base", "needed"), [
    (1, 2, True, 6, 4), (1, 2, True, 5, 3), (2, 3, False, 6, 4), (2, 3, False, 5, 4), (2, 3, False, 0, 1),
])
def test_the_votes_needed_follow_the_threshold(numerator, denominator, strict, base, needed):
    rule = VoteRule(threshold_numerator=numerator, threshold_denominator=denominator, threshold_strict=strict)

    assert voting.required(rule, base) == needed


def test_a_secret_ballot_is_counted_against_the_roll_and_keeps_no_choice_of_anyone(cast, held):
    motion = open_motion(cast, held, kind=VoteKind.DISCIPLINE, secret=False, text="Kỷ luật khiển trách đồng chí X")

    vote(cast, motion, "member", "for")
    vote(cast, motion, "secretary", "for")
    vote(cast, motion, "an", "against")
    vote(cast, motion, "hoa", "for")
    with at(DURING):
        closed = services.close_motion(motion, by=cast.users["secretary"])

    assert closed.secret
    # Official members entitled: member, secretary, an, hoa, khanh (absent) = 5; more than half needs 3.
    assert (closed.entitled, closed.entitled_present, closed.required) == (5, 4, 3)
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain, closed.passed) == (3, 1, 0, True)
    assert set(MotionVoter.objects.filter(motion=motion).values_list("choice", flat=True)) == {""}
    entries = AuditEntry.objects.filter(action="meetings.motion.vote")
    assert entries.count() == 4
    assert all(entry.changes == {} for entry in entries)


def test_an_open_vote_keeps_who_voted_what_and_names_them_only_when_the_rule_says_so(cast, held):
    motion = open_motion(cast, held, secret=True)
    vote(cast, motion, "member", "for")
    vote(cast, motion, "an", "against")
    with at(DURING):
        services.close_motion(motion, by=cast.users["secretary"])
    text_without = exports.minutes_document(held)

    VoteRule.objects.filter(pk=motion.rule_id).update(names_in_minutes=True)
    text_with = exports.minutes_document(held)

    assert not Motion.objects.get(pk=motion.pk).secret
    assert dict(MotionVoter.objects.filter(motion=motion).values_list("member__full_name", "choice")) == {
        "Trần Thị Bình": "for", "Nguyễn Văn An": "against"}
    assert "Trần Thị Bình" not in str(text_without.blocks)
    assert "Trần Thị Bình" in str(text_with.blocks)


def test_the_cell_chooses_a_secret_ballot_for_an_admission_and_the_rule_forces_it_for_discipline(cast, held):
    admission = open_motion(cast, held, kind=VoteKind.ADMISSION, secret=True, text="Kết nạp quần chúng Y")
    with at(DURING):
        services.close_motion(admission, by=cast.users["secretary"])
    open_admission = open_motion(cast, held, kind=VoteKind.ADMISSION, secret=False, text="Kết nạp quần chúng Z")

    assert Motion.objects.get(pk=admission.pk).secret
    assert not open_admission.secret


def test_two_thirds_of_the_official_members_of_the_cell_are_needed_for_an_admission(cast, held):
    motion = open_motion(cast, held, kind=VoteKind.ADMISSION, text="Kết nạp quần chúng Y")
    for name in ("member", "secretary", "an"):
        vote(cast, motion, name, "for")
    vote(cast, motion, "hoa", "abstain")
    with at(DURING):
        closed = services.close_motion(motion, by=cast.users["secretary"])

    # 3 of 5 official members is less than 2/3 (4 needed), though all but one of those present are for it.
    assert (closed.required, closed.passed) == (4, False)


def test_refused_votes_store_nothing(cast, held):
    motion = open_motion(cast, held, kind=VoteKind.PERSONNEL, text="Giới thiệu nhân sự bí thư")
    vote(cast, motion, "member", "for")
    cast.members["outsider"] = make_member(cast.cell, "Ngô Văn Phúc")  # joined after the roll was written

    with at(DURING):
        refused("absent", lambda: services.cast_vote(motion, member=cast.members["khanh"], choice="for", by=SYSTEM))
        refused("not_entitled", lambda: services.cast_vote(motion, member=cast.members["lan"], choice="for",
                                                           by=SYSTEM))
        refused("twice", lambda: services.cast_vote(motion, member=cast.members["member"], choice="against",
                                                    by=SYSTEM))
        refused("member", lambda: services.cast_vote(motion, member=cast.members["sibling"], choice="for",
                                                     by=SYSTEM))
        refused("choice", lambda: services.cast_vote(motion, member=cast.members["an"], choice="maybe", by=SYSTEM))
        services.close_motion(motion, by=cast.users["secretary"])
        refused("closed", lambda: services.cast_vote(motion, member=cast.members["an"], choice="for", by=SYSTEM))
        refused("closed", lambda: services.close_motion(motion, by=cast.users["secretary"]))

    motion.refresh_from_db()
    assert (motion.votes_for, motion.votes_against, motion.votes_abstain) == (1, 0, 0)
    assert MotionVoter.objects.filter(motion=motion).count() == 1


def test_a_probationary_member_votes_where_the_rule_lets_every_member_vote(cast, held):
    VoteRule.objects.filter(kind=VoteKind.RESOLUTION).update(voters="all")
    motion = open_motion(cast, held)

    vote(cast, motion, "lan", "for")

    assert Motion.objects.get(pk=motion.pk).votes_for == 1


def test_a_motion_is_refused_before_the_meeting_and_after_the_minutes_are_approved(cast, held):
    with at(START - datetime.timedelta(hours=1)):
        refused("not_started", lambda: services.open_motion(held, text="Sớm", kind=VoteKind.RESOLUTION,
                                                            by=cast.users["secretary"]))
    motion = open_motion(cast, held)
    refused("open", lambda: open_motion(cast, held, text="Một việc khác"))
    with at(DURING):
        services.mark_rest_present(held, by=cast.users["secretary"])
        services.save_minutes(held, conclusions="Kết luận", by=cast.users["secretary"])
        problems = services.approval_problems(held)
        services.close_motion(motion, by=cast.users["secretary"])
        services.approve_minutes(held, by=cast.users["secretary"])
        refused("locked", lambda: services.open_motion(held, text="Muộn", kind=VoteKind.RESOLUTION,
                                                       by=cast.users["secretary"]))

    assert "Còn biểu quyết đang mở: hãy kết thúc biểu quyết đó trước." in problems
    assert Motion.objects.filter(meeting=held).count() == 1


def test_the_minutes_in_word_carry_the_result_against_the_roll(cast, held):
    motion = open_motion(cast, held, kind=VoteKind.DISCIPLINE, text="Kỷ luật khiển trách đồng chí X")
    for name in ("member", "secretary", "an"):
        vote(cast, motion, name, "for")
    with at(DURING):
        services.close_motion(motion, by=cast.users["secretary"])
        response = cast.client("member").get(reverse("meetings:minutes", args=[held.pk, "docx"]))

    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(response.content)).paragraphs)
    assert "Kỷ luật khiển trách đồng chí X" in text
    assert "bỏ phiếu kín" in text
    assert "có mặt 4/5 đảng viên có quyền biểu quyết" in text
    assert "3 tán thành, 0 không tán thành, 0 không biểu quyết" in text
    assert "Kết quả: thông qua." in text


def test_only_the_leadership_and_the_chair_open_votes_and_strangers_see_nothing(cast, held):
    url = reverse("meetings:votes", args=[held.pk])
    data = {"text": "Thông qua", "kind": "resolution"}

    with at(DURING):
        assert cast.client("member").post(url, data).status_code == 403
        assert cast.client("sibling").get(url).status_code == 404
        assert cast.client("member").get(url).status_code == 200
        held.chair = cast.members["an"]
        held.save()
        user = UserFactory(username="an")
        org_services.link_account(cast.members["an"], user=user, by=SYSTEM)
        client = Client()
        client.force_login(user)
        response = client.post(url, data)

    assert response.status_code == 302
    assert Motion.objects.filter(meeting=held, text="Thông qua").exists()


def test_a_refused_motion_comes_back_with_what_was_typed(cast, held):
    url = reverse("meetings:votes", args=[held.pk])

    with at(START - datetime.timedelta(hours=2)):
        response = cast.client("secretary").post(url, {"text": "Thông qua nghị quyết quý", "kind": "resolution"})

    assert response.status_code == 200
    assert "Thông qua nghị quyết quý" in response.content.decode()
    assert "Cuộc họp chưa bắt đầu: biểu quyết được mở trong cuộc họp." in response.content.decode()
    assert not Motion.objects.exists()


def test_members_vote_from_the_page_and_a_second_vote_is_refused_with_a_message(cast, held):
    motion = open_motion(cast, held)
    url = reverse("meetings:motion.vote", args=[motion.pk])

    with at(DURING):
        client = cast.client("member")
        first = client.post(url, {"choice": "for"}, follow=True)
        second = client.post(url, {"choice": "against"}, follow=True)
        panel = client.get(reverse("meetings:votes", args=[held.pk]), headers={"HX-Request": "true"})

    assert "Biểu quyết của đồng chí đã được ghi nhận." in first.content.decode()
    assert "Đồng chí Trần Thị Bình đã biểu quyết nội dung này." in second.content.decode()
    assert Motion.objects.get(pk=motion.pk).votes_for == 1
    assert 'id="motions-panel"' in panel.content.decode()
    assert "<html" not in panel.content.decode()


def test_a_member_not_on_the_roll_cannot_post_a_vote(cast, held):
    motion = open_motion(cast, held)

    with at(DURING):
        response = cast.client("parent_staff").post(reverse("meetings:motion.vote", args=[motion.pk]),
                                                    {"choice": "for"})

    assert response.status_code == 403
    assert Motion.objects.get(pk=motion.pk).votes_for == 0


@pytest.mark.skipif(POSTGRES, reason="row locks across connections need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_votes_cast_at_once_never_lose_a_count(cast):
    voters = [make_member(cast.cell, f"Đảng viên {number}") for number in range(8)]
    with at(START - datetime.timedelta(days=5)):
        meeting = services.schedule_meeting(cast.cell, title="Họp", starts_at=START,
                                            ends_at=START + datetime.timedelta(minutes=120), by=SYSTEM)
    with at(DURING):
        services.mark_rest_present(meeting, by=SYSTEM)
        motion = services.open_motion(meeting, text="Thông qua", kind=VoteKind.DISCIPLINE, by=SYSTEM)
    start = threading.Barrier(len(voters), timeout=10)
    failures = []

    def cast_one(member):
        try:
            start.wait()
            with at(DURING):
                services.cast_vote(motion, member=member, choice="for", by=SYSTEM)
        except Exception as error:  # reported by the assertion below
            failures.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=cast_one, args=(member,)) for member in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert Motion.objects.get(pk=motion.pk).votes_for == len(voters)
    assert MotionVoter.objects.filter(motion=motion).count() == len(voters)


def test_the_api_gives_the_votes_of_a_meeting_with_their_counts_only_once_closed(cast, held):
    motion = open_motion(cast, held, kind=VoteKind.PERSONNEL, text="Giới thiệu nhân sự")
    vote(cast, motion, "member", "for")
    token = issue_api_token(cast.users["member"], name="điện thoại", scope="read", by=cast.users["member"])
    client = Client(headers={"authorization": f"Bearer {token}"})
    url = f"/api/meetings/{held.pk}/motions"

    with at(DURING):
        while_open = client.get(url).json()["items"][0]
        services.close_motion(motion, by=cast.users["secretary"])
        closed = client.get(url).json()["items"][0]
        stranger = Client(headers={"authorization": "Bearer " + issue_api_token(
            cast.users["sibling"], name="điện thoại", scope="read", by=cast.users["sibling"])}).get(url)

    assert (while_open["status"], while_open["cast"], while_open["votes_for"], while_open["secret"]) == (
        "open", 1, None, True)
    assert (closed["votes_for"], closed["entitled"], closed["entitled_present"], closed["passed"]) == (1, 5, 4, False)
    assert "190-QĐ/TW" in closed["sources"]
    assert stranger.status_code == 404
