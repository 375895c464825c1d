"""Each workflow step tells the person who acts next, once, and nobody else; each person chooses how the messages
that are not mandatory reach them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.meetings import services as meetings
from soisua.notifications import services
from soisua.notifications.models import Notification, Preference
from soisua.reviews.models import Review
from tests.conftest import fixed_now
from tests.reviews.test_cycles import open_for

DEADLINE = fixed_now().date() + datetime.timedelta(days=100)  # after the suite's clock, whichever day it is


def told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def everyone_told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def plan_for(cast, shortcoming, *, member=True):
    owner = cast.users["member"] if member else cast.users["secretary"]
    plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"] if member else None,
                                   shortcomings=[shortcoming], deadline=DEADLINE, by=owner)
    measure = corrections.add_measure(plan, text="Đóng đảng phí trước ngày 5", supervisor=cast.members["secretary"],
                                      deadline=DEADLINE, by=owner)
    corrections.add_step(measure, what="Nộp biên lai", due=DEADLINE, by=owner)
    return corrections.submit_plan(plan, by=owner)


# --- corrections ------------------------------------------------------------------------------------------------


def test_a_shortcoming_recorded_by_the_secretary_tells_the_member_and_her_own_does_not(cast):
    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Chậm đóng đảng phí",
                                   source="secretary", by=cast.users["secretary"])
    corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Ít phát biểu",
                                   by=cast.users["member"])

    assert len(told(cast.users["member"], "corrections.recorded")) == 1
    assert everyone_told("corrections.recorded") == {"member"}


def test_the_plan_loop_tells_the_approver_the_owner_and_the_supervisor_each_at_their_step(cast):
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                 text="Chậm đóng đảng phí", by=cast.users["member"])
    plan = plan_for(cast, shortcoming)
    assert everyone_told("corrections.plan_submitted") == {"secretary"}
    [waiting] = told(cast.users["secretary"], "corrections.plan_submitted")
    assert waiting.url == reverse("corrections:plans.detail", args=[plan.pk])

    corrections.decide_plan(plan, approve=True, by=cast.users["secretary"])
    assert everyone_told("corrections.plan_decided") == {"member"}

    corrections.claim_fix(shortcoming, note="Đã nộp", by=cast.users["member"])
    assert everyone_told("corrections.fix_claimed") == {"secretary"}  # the supervisor and the cell's leadership

    corrections.reopen_fix(shortcoming, reason="Thiếu biên lai tháng 10", by=cast.users["secretary"])
    corrections.claim_fix(shortcoming, note="Đã bổ sung", by=cast.users["member"])
    corrections.verify_fix(shortcoming, note="Đạt", by=cast.users["secretary"])
    decided = told(cast.users["member"], "corrections.fix_decided")
    assert len(decided) == 2 and len(told(cast.users["secretary"], "corrections.fix_claimed")) == 2
    assert everyone_told("corrections.fix_decided") == {"member"}
    assert not Notification.objects.filter(recipient=cast.users["sibling"]).exists()


def test_a_collective_plan_goes_to_the_superior_committee_not_to_the_cell(cast):
    shortcoming = corrections.record_shortcoming(unit=cast.cell, text="Sinh hoạt chưa đều",
                                                 by=cast.users["secretary"])
    plan_for(cast, shortcoming, member=False)

    assert everyone_told("corrections.plan_submitted") == {"committee", "parent_staff"}


# --- meetings and reviews ---------------------------------------------------------------------------------------


def schedule(cast, days: int):
    starts = timezone.now() + datetime.timedelta(days=days)
    return meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=120), by=cast.users["secretary"])


def test_a_meeting_soon_is_announced_to_its_roll_and_a_change_of_time_again(cast, settings):
    settings.MEETING_ANNOUNCE_DAYS = 14
    soon, later = schedule(cast, 7), schedule(cast, 60)

    assert everyone_told("meetings.scheduled") == {"member"}  # not the secretary who scheduled it
    meetings.update_meeting(soon, starts_at=soon.starts_at + datetime.timedelta(hours=2),
                            ends_at=soon.ends_at + datetime.timedelta(hours=2), by=cast.users["secretary"])
    meetings.update_meeting(soon, title="Sinh hoạt chi bộ tháng 12", by=cast.users["secretary"])
    assert len(told(cast.users["member"], "meetings.scheduled")) == 2
    assert not Notification.objects.filter(url=reverse("meetings:detail", args=[later.pk])).exists()


def test_a_cycle_opened_tells_each_member_expected_once_with_a_link_to_their_review(cast):
    cycle = open_for(cast.commune, title="Kiểm điểm năm 2026", by=SYSTEM)

    [opened] = told(cast.users["member"], "reviews.cycle_opened")
    review = Review.objects.get(cycle=cycle, member=cast.members["member"])
    assert opened.url == reverse("reviews:reviews.edit", args=[review.pk])
    assert everyone_told("reviews.cycle_opened") == {"member", "secretary", "sibling"}


def test_a_large_cycle_tells_its_members_once_it_committed(cast, settings, django_capture_on_commit_callbacks):
    settings.CYCLE_NOTIFY_INLINE = 0
    with django_capture_on_commit_callbacks(execute=True):
        open_for(cast.commune, title="Kiểm điểm năm 2026", by=SYSTEM)
        assert not Notification.objects.filter(kind="reviews.cycle_opened").exists()

    assert everyone_told("reviews.cycle_opened") == {"member", "secretary", "sibling"}


# --- preferences ------------------------------------------------------------------------------------------------


def test_a_digest_keeps_messages_in_the_inbox_and_emails_them_once_a_day(cast, django_capture_on_commit_callbacks):
    member = cast.users["member"]
    services.set_preferences(member, {"corrections.recorded": "digest", "meetings.scheduled": "off"}, by=member)

    with django_capture_on_commit_callbacks(execute=True):
        corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Chậm đóng đảng phí",
                                       by=cast.users["secretary"])
        schedule(cast, 3)

    assert told(member, "corrections.recorded") and not told(member, "meetings.scheduled")
    assert not mail.outbox
    assert services.send_digests() == 1 and services.send_digests() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
    assert "/corrections/" in mail.outbox[0].body


def test_a_mandatory_kind_cannot_be_digested_or_turned_off(cast):
    member = cast.users["member"]

    with pytest.raises(services.PreferenceError) as refusal:
        services.set_preferences(member, {"corrections.recorded": "off", "reviews.returned": "digest"}, by=member)

    assert refusal.value.code == "mandatory"
    assert not Preference.objects.exists()
    with pytest.raises(services.PreferenceError):
        services.set_preferences(member, {"no.such.kind": "off"}, by=member)


def test_the_preferences_page_saves_each_choice_and_lists_the_mandatory_kinds(cast):
    client = cast.client("member")
    page = client.get(reverse("notifications:preferences"))
    saved = client.post(reverse("notifications:preferences"), {"meetings.scheduled": "off",
                                                               "corrections.recorded": "digest"})

    assert "Đồng chí được giao hoặc thôi một vai trò" in page.text.split("Luôn được gửi ngay")[1]
    assert saved.status_code == 302
    assert dict(Preference.objects.values_list("kind", "delivery")) == {"meetings.scheduled": "off",
                                                                        "corrections.recorded": "digest"}


def test_a_digest_for_a_mandatory_kind_is_refused_in_the_readers_language_on_the_page(cast):
    client = cast.client("member")

    response = client.post(reverse("notifications:preferences"), {"reviews.returned": "digest",
                                                                   "meetings.scheduled": "off"})

    assert response.status_code == 200
    assert "“Bản kiểm điểm bị trả lại để hoàn thiện” luôn được gửi ngay: không thể gộp hoặc tắt." in response.text
    assert not Preference.objects.exists()  # nothing of the refused choice is kept, not even the valid one
