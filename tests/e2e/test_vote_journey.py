"""Browser journey of a secret ballot in a meeting, on phones: the chair opens the motion (a personnel poll, which
the rules make secret), three members present vote from their phones, a member absent with reason is refused, a
second vote from another tab is refused, the chair closes the vote, and the result, counted against the roll,
appears in the minutes. Then every table is read (all models, all fields) to show that no row links a voter to a
choice.

Arranged through the services (not watched): the meeting, its roll and the voters' logins. The server's clock is
frozen during the meeting by time-machine (the live server shares this process)."""

import datetime
import re

import pytest
import time_machine
from django.apps import apps
from django.db import models
from django.utils import timezone
from playwright.sync_api import Page, expect

from soisua.accounts.models import User
from soisua.core.actors import SYSTEM
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus, VoteChoice
from soisua.meetings.models import Motion, MotionVoter
from soisua.org.models import Member
from soisua.org.services import link_account

from ..factories import UserFactory
from .conftest import axe_check, login

pytestmark = pytest.mark.browser

MOTION = "Giới thiệu đồng chí Lê Văn Cường tái cử Bí thư Chi bộ nhiệm kỳ 2027 - 2032"
START = timezone.make_aware(datetime.datetime(2026, 12, 3, 19, 30))
DURING = START + datetime.timedelta(minutes=40)
CHOICES = set(VoteChoice.values)


def switch_user(page: Page, username: str, password: str) -> None:
    page.context.clear_cookies()
    login(page, username, password)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    axe_check(page)


def message(page: Page, kind: str, *, check: bool = True) -> str:
    """The action's one message, of `kind` (success or error); the page checked with axe unless it was already."""
    expect(page.locator(f".messages li.{kind}")).to_have_count(1)
    if check:
        axe_check(page)
    return page.locator(f".messages li.{kind}").inner_text()


def vote(page: Page, choice: str) -> None:
    page.locator(f"#motions-panel button[name=choice][value={choice}]").click()
    page.wait_for_load_state()


def rows_linking_a_voter_to_a_choice(voter_members: set[int], voter_users: set[int]) -> list[str]:
    """Every row of every table that points at a voter (as a member or as a login) and holds a vote choice in any
    field, a JSON field's keys and values included."""
    found = []
    for model in apps.get_models():
        people = [field for field in model._meta.concrete_fields if isinstance(field, models.ForeignKey)
                  and field.related_model in (Member, User)]
        if not people:
            continue
        for row in model.objects.all():
            linked = any(getattr(row, field.attname) in (voter_members if field.related_model is Member
                                                         else voter_users) for field in people)
            if not linked:
                continue
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                if isinstance(field, models.JSONField):
                    text = repr(value)
                    if any(f"'{choice}'" in text for choice in CHOICES):
                        found.append(f"{model._meta.label} {row.pk}: {field.name}={text}")
                elif isinstance(value, str) and value in CHOICES:
                    found.append(f"{model._meta.label} {row.pk}: {field.name}={value}")
    return found


def test_a_secret_ballot_from_phones_counted_against_the_roll_and_linking_nobody_to_a_choice(
        page: Page, demo_cast, password, screenshot):
    cast = demo_cast
    voters = {"member": cast.members["member"]}
    for username, name in (("nguyenvanan", "Nguyễn Văn An"), ("phamvanhung", "Phạm Văn Hùng"),
                           ("dangthilan", "Đặng Thị Lan")):
        voters[username] = link_account(Member.objects.get(cell=cast.cell, full_name=name),
                                        user=UserFactory(username=username), by=SYSTEM)
    with time_machine.travel(START - datetime.timedelta(days=3), tick=False):
        meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ tháng 12", starts_at=START,
                                            ends_at=START + datetime.timedelta(minutes=120),
                                            chair=cast.members["secretary"], agenda=["Công tác nhân sự"], by=SYSTEM)
    with time_machine.travel(DURING, tick=False):
        meetings.mark_attendance(meeting.attendance.get(member=voters["dangthilan"]),
                                 status=AttendanceStatus.EXCUSED, reason="Đi công tác", by=SYSTEM)
        meetings.mark_rest_present(meeting, by=SYSTEM)
        votes_url = f"/meetings/{meeting.pk}/votes/"

        # 1. The chair puts the matter to the vote: a personnel poll, which the rules make a secret ballot.
        login(page, "secretary", password)
        visit(page, votes_url)
        form = page.locator("main form:has(textarea[name=text])")
        form.locator("textarea[name=text]").fill(MOTION)
        form.locator("select[name=kind]").select_option("personnel")
        form.locator("button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"{votes_url}#motions$"))
        message(page, "success")
        expect(page.locator("#motions-panel")).to_contain_text("Bỏ phiếu kín")
        screenshot(page, "opened")

        # 2. Three members present vote from their phones; the first also had the page open in a second tab and
        #    taps there too: refused.
        switch_user(page, "member", password)
        visit(page, votes_url)
        second_tab = page.context.new_page()
        second_tab.goto(votes_url)
        vote(page, "for")
        assert "Biểu quyết của đồng chí đã được ghi nhận." in message(page, "success")
        expect(page.locator("#motions-panel")).to_contain_text("Đồng chí đã biểu quyết nội dung này.")
        screenshot(page, "voted")
        vote(second_tab, "against")
        assert "đã biểu quyết nội dung này" in message(second_tab, "error")
        second_tab.close()
        for username, choice in (("nguyenvanan", "for"), ("phamvanhung", "abstain")):  # pages checked above
            switch_user(page, username, password)
            page.goto(votes_url)
            vote(page, choice)
            message(page, "success", check=False)

        # 3. A member on the roll but absent (with reason) is refused.
        switch_user(page, "dangthilan", password)
        visit(page, votes_url)
        vote(page, "for")
        assert "chưa được ghi có mặt" in message(page, "error")
        screenshot(page, "refused")

        # 4. The chair closes the vote; it is counted against the roll and read into the minutes.
        switch_user(page, "secretary", password)
        visit(page, votes_url)
        expect(page.locator("#motions-panel")).to_contain_text("3 người đã biểu quyết.")
        page.locator("#motions-panel button:has-text('Kết thúc và kiểm phiếu')").click()
        page.wait_for_load_state()
        message(page, "success")
        visit(page, f"/meetings/{meeting.pk}/?step=after")
        results = page.locator("main .vote-results")
        # 13 official members on the roll, 12 present (one absent with reason), more than half needs 7.
        expect(results).to_contain_text(MOTION)
        expect(results).to_contain_text("có mặt 12/13 đảng viên có quyền biểu quyết")
        expect(results).to_contain_text("3 phiếu: 2 tán thành, 0 không tán thành, 1 không biểu quyết")
        expect(results).to_contain_text("Kết quả: không thông qua")
        screenshot(page, "minutes")

    motion = Motion.objects.get(meeting=meeting)
    assert (motion.votes_for, motion.votes_against, motion.votes_abstain, motion.entitled) == (2, 0, 1, 13)
    voter_members = set(MotionVoter.objects.filter(motion=motion).values_list("member_id", flat=True))
    assert voter_members == {voters[name].pk for name in ("member", "nguyenvanan", "phamvanhung")}
    voter_users = set(Member.objects.filter(pk__in=voter_members).values_list("user_id", flat=True))
    assert rows_linking_a_voter_to_a_choice(voter_members, voter_users) == []
    assert not [field.name for field in MotionVoter._meta.concrete_fields
                if isinstance(field, models.DateTimeField | models.DateField | models.AutoField)]
