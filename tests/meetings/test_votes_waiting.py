"""An open vote waits for each member present who may vote: on their home page (read on every visit, as opening a
vote tells nobody by message) and first on the meeting's page, above the roll; the page tells a member already on
the roll that they are, instead of asking them to scan the code."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from soisua.meetings.enums import AttendanceStatus, VoteKind
from soisua.org.enums import MemberStatus
from tests.factories import UserFactory
from tests.meetings.test_votes import DURING, at, held, open_motion, vote  # noqa: F401 - the fixture

TEXT = "Kết nạp quần chúng Nguyễn Văn Y"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def home(client) -> str:
    response = client.get(reverse("org:dashboard"))
    assert response.status_code == 200
    return response.text


@pytest.fixture
def lan(cast, held):  # noqa: F811 - the fixture imported above
    """The probationary member present, with a login."""
    member = cast.members["lan"]
    member.user = UserFactory(username="lan")
    member.save(update_fields=["user"])
    return member


def test_an_open_vote_waits_on_the_home_page_of_each_member_present_who_may_vote_until_they_vote(
        cast, held, lan, settings):  # noqa: F811
    settings.AGENDA_CACHE_SECONDS = 300
    member, secretary, probationary = cast.client("member"), cast.client("secretary"), client_of(lan.user)
    with at(DURING):
        before = home(member)  # kept in the cache before the vote opens
        motion = open_motion(cast, held, kind=VoteKind.ADMISSION, text=TEXT)
        opened = home(member)
        vote(cast, motion, "member", "for")
        voted = home(member)
        pages = {"secretary": home(secretary), "probationary": home(probationary)}

    assert TEXT not in before
    assert f"Biểu quyết ngay: {TEXT}" in opened
    assert reverse("meetings:votes", args=[held.pk]) + f"#motion-{motion.pk}" in opened
    assert TEXT not in voted
    assert TEXT in pages["secretary"]
    # An admission is voted by official members only.
    assert lan.status == MemberStatus.PROBATIONARY and TEXT not in pages["probationary"]


def test_a_member_absent_is_not_asked_to_vote(cast, held):  # noqa: F811
    khanh = cast.members["khanh"]
    khanh.user = UserFactory(username="khanh")
    khanh.save(update_fields=["user"])
    with at(DURING):
        open_motion(cast, held, text=TEXT)
        page = home(client_of(khanh.user))

    assert TEXT not in page


def test_on_the_meetings_page_an_open_vote_comes_before_the_roll_and_a_member_present_is_told_so(cast, held):  # noqa: F811
    url = reverse("meetings:detail", args=[held.pk]) + "?step=during"
    with at(DURING):
        idle = cast.client("member").get(url).text
        open_motion(cast, held, text=TEXT)
        during = cast.client("member").get(url).text

    assert idle.index('id="votes"') > idle.index('id="roll"')
    assert during.index(TEXT) < during.index('id="roll"') and during.count('id="votes"') == 1
    assert "Đồng chí đã được ghi có mặt." in during
    assert "quét mã" not in during.lower()


def test_a_member_not_marked_present_is_still_asked_to_check_in(cast, held):  # noqa: F811
    khanh = cast.members["khanh"]
    khanh.user = UserFactory(username="khanh")
    khanh.save(update_fields=["user"])
    with at(DURING):
        page = client_of(khanh.user).get(reverse("meetings:detail", args=[held.pk]) + "?step=during").text

    assert held.attendance.get(member=khanh).status == AttendanceStatus.EXCUSED
    assert "Đồng chí đã được ghi" not in page and "quét mã" in page


def test_the_home_page_says_a_member_is_on_the_roll_and_forgets_a_meeting_once_it_ended(cast, held, settings):  # noqa: F811
    settings.AGENDA_CACHE_SECONDS = 0
    with at(DURING):
        during = home(cast.client("member"))
    with at(held.ends_at + datetime.timedelta(minutes=5)):
        ended = home(cast.client("member"))

    assert f"Cuộc họp: {held.title}" in during and "đồng chí đã được ghi có mặt" in during
    assert "đang mở điểm danh" not in during
    assert f"Cuộc họp: {held.title}" not in ended


def test_a_vote_given_on_the_meetings_page_comes_back_to_it(cast, held):  # noqa: F811
    url = reverse("meetings:detail", args=[held.pk]) + "?step=during"
    with at(DURING):
        motion = open_motion(cast, held, text=TEXT)
        page = cast.client("member").get(url).text
        response = cast.client("member").post(reverse("meetings:motion.vote", args=[motion.pk]),
                                              {"choice": "for", "back": "meeting"})

    assert 'name="back" value="meeting"' in page
    assert response["Location"] == url + "#votes"
    assert motion.voters.filter(member=cast.members["member"]).exists()
