"""Every kind of message in the registry (soisua/notifications/kinds.py), driven through the real service that sends
it: it arrives once (the trigger repeated, or the job run twice, still leaves one), to exactly the people expected,
in the inbox and by e-mail, and each recipient may open what it is about (its link answers 200 for them), so nobody
who may not see the object is told: not a member of another cell, not a committee of a sibling commune, not an
anonymous author.

`EVERY_KIND` maps each kind to its test; `test_every_kind_in_the_registry_has_its_test` fails on a kind added to the
registry without one (or a test left for a kind that is gone).
"""

import datetime
import re
from collections import Counter

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from soisua.alerts import services as alerts
from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.directives import services as directives
from soisua.documents import services as documents
from soisua.documents.models import ImportJob
from soisua.library import services as library
from soisua.meetings import services as meetings
from soisua.notifications import kinds
from soisua.notifications.models import Notification
from soisua.org import services as org
from soisua.org.enums import Role
from soisua.org.models import Member, RoleGrant
from soisua.oversight import services as oversight
from soisua.quality import services as quality
from soisua.reviews import services as reviews
from soisua.reviews.jobs import audit_and_announce_anonymous_feedback
from soisua.reviews.models import Feedback, Review
from soisua.reviews.services.cycles import tell_cycle_opened
from tests.alerts.test_checks import hold
from tests.conftest import fixed_now
from tests.directives.test_directives import issued, receipt_of
from tests.factories import UserFactory, complete_review, make_member
from tests.library.helpers import publish as library_publish
from tests.quality.common import held
from tests.reviews.test_cycles import open_for

TODAY = fixed_now().date()
LATER = TODAY + datetime.timedelta(days=100)  # a deadline after the suite's clock, whichever day it is
TEXT = "Luôn chấp hành nghiêm chủ trương, đường lối của Đảng, gương mẫu trong công tác chuyên môn được giao"


# --- what every test checks ---------------------------------------------------------------------------------------


def commit() -> None:
    """Run what waits for the test's transaction to commit (the e-mails), as a commit would."""
    while connection.run_on_commit:
        _savepoints, callback, _robust = connection.run_on_commit.pop(0)
        callback()


def told(kind: str) -> dict[str, int]:
    """Who holds a message of `kind`, and how many each; having checked that each recipient opens its link and
    was e-mailed it once (everyone here receives every kind at once, the default)."""
    commit()
    notifications = list(Notification.objects.filter(kind=kind).select_related("recipient"))
    for notification in notifications:
        recipient = notification.recipient
        client = Client()
        client.force_login(recipient)
        response = client.get(notification.url)
        assert response.status_code == 200, f"{kind}: {recipient} opens {notification.url} → {response.status_code}"
        mailed = [message for message in mail.outbox if message.to == [recipient.email]
                  and message.subject == notification.title and message.body.endswith(f"{notification.url}\n")]
        assert len(mailed) == 1, f"{kind}: {recipient} was mailed {len(mailed)} times"
        reads_as_plain_text(kind, mailed[0], notification.url)
    return dict(Counter(notification.recipient.username for notification in notifications))


def reads_as_plain_text(kind: str, message, url: str) -> None:
    """The e-mail says in sentences what happened, then gives the page's full address; it is plain text, so no
    character is written as an HTML entity."""
    text, link = message.body.rsplit("\n\n", 1)
    assert len(text.split()) >= 5 and re.search(r"\S[.!?][\"”»)]?(\s|$)", text), f"{kind}: {text!r} is not a sentence"
    assert link == f"Mở trên soisua: {settings.SITE_URL.rstrip('/')}{url}\n", f"{kind}: {link!r}"
    assert url.startswith("/") and settings.SITE_URL.startswith("http")
    for entity in ("&quot;", "&#x27;", "&#39;", "&lt;", "&gt;", "&amp;"):
        assert entity not in message.subject + message.body, f"{kind}: {entity} in {message.body!r}"


def login(cast, name: str, cell=None, **member_fields):
    """A member of `cell` (the cast's Thôn 1 by default) with a login named `name`."""
    user = UserFactory(username=name)
    make_member(cell or cast.cell, f"Đồng chí {name.title()}", user=user, **member_fields)
    return user


def member_review(cast, cycle, who="member") -> Review:
    return Review.objects.get(cycle=cycle, member=cast.members[who])


def collective(cast, cycle, unit=None) -> Review:
    return Review.objects.get(cycle=cycle, unit=unit or cast.cell, member=None)


def submitted(cast, *, anonymity="named") -> Review:
    cycle = open_for(cast.commune, enforce_order=False, anonymity=anonymity)
    return complete_review(member_review(cast, cycle), cast.users["member"], text=TEXT)


def proposed(cast) -> Review:
    review = submitted(cast)
    return reviews.propose_level(review, level="good", comment="Hoàn thành tốt", by=cast.users["secretary"])


# --- org and documents ------------------------------------------------------------------------------------------


def test_org_grant(cast):
    newcomer = UserFactory(username="newcomer")
    Notification.objects.filter(kind="org.grant").delete()  # the cast's own grants

    grant = org.grant_role(newcomer, unit=cast.cell, role=Role.SECRETARY, by=cast.users["parent_staff"])
    org.grant_role(newcomer, unit=cast.cell, role=Role.SECRETARY, by=cast.users["parent_staff"])

    assert told("org.grant") == {"newcomer": 1}
    org.revoke_role(grant, by=cast.users["parent_staff"])
    assert Notification.objects.filter(recipient=newcomer, kind="org.grant").count() == 2  # given, then taken


def test_org_login_opened(cast):
    member = make_member(cast.cell, "Vũ Thị Hoa", email="hoa@example.org")
    committee = login(cast, "chiuy")
    org.grant_role(committee, unit=cast.cell, role=Role.COMMITTEE, by=SYSTEM)

    org.create_account(member, username="hoa", by=cast.users["secretary"])
    with pytest.raises(org.OrgError):
        org.create_account(Member.objects.get(pk=member.pk), username="hoa2", by=cast.users["secretary"])

    assert told("org.login_opened") == {"chiuy": 1}  # the cell's other leader; not the secretary who opened it


def test_accounts_two_factor_reset(cast):
    org.reset_two_factor(cast.users["committee"], by=cast.users["admin"])

    assert told("accounts.two_factor_reset") == {"committee": 1}  # not the administrator who reset it


def test_org_standin(cast):
    org.stand_in(cast.commune, reason="Đảng ủy xã đang kiện toàn, chưa có ủy viên phụ trách", by=cast.users["admin"])

    assert told("org.standin") == {"committee": 1, "parent_staff": 1}  # not the inspector, not Hòa Bình's staff


HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Mã chi bộ"


def imported(cast, *rows: str) -> ImportJob:
    client = cast.client("parent_staff")
    upload = SimpleUploadedFile("danh-sach.csv", "\n".join([HEADER, *rows]).encode(), content_type="text/csv")
    client.post(reverse("documents:imports.create", args=[cast.commune.pk]), {"file": upload})
    job = ImportJob.objects.order_by("-pk").first()
    client.post(reverse("documents:imports.confirm", args=[job.pk]))
    client.post(reverse("documents:imports.confirm", args=[job.pk]))
    return job


def test_documents_import(cast):
    imported(cast, "1,Nguyễn Văn Mới,01/02/1980,Nam,20000001,,TN-HA-1")

    assert told("documents.import") == {"parent_staff": 1}


def test_documents_import_conflict(cast):
    Member.objects.filter(pk=cast.members["other"].pk).update(citizen_id="001090000777")
    province_staff = UserFactory(username="province_staff")
    RoleGrant.objects.create(user=province_staff, unit=cast.province, role=Role.STAFF)

    imported(cast, "1,Hoàng Văn Em,01/02/1980,Nam,20000002,001090000777,TN-HA-1")

    # The committee above both cells decides; neither commune's staff learns of the other's member.
    assert told("documents.import_conflict") == {"province_staff": 1}


def test_documents_export(cast):
    job = documents.start_export(kind="documents.roster", object_id=cast.commune.pk, file_format="xlsx",
                                 total_rows=3, by=cast.users["parent_staff"])

    documents.run_export(job)  # again, as the task would after a retry

    assert told("documents.export") == {"parent_staff": 1}


# --- reviews ------------------------------------------------------------------------------------------------------


def test_reviews_cycle_opened(cast):
    login(cast, "outsider", cell=cast.other_cell)

    cycle = open_for(cast.commune)
    tell_cycle_opened(cycle)  # again, as the task would after a retry

    assert told("reviews.cycle_opened") == {"member": 1, "secretary": 1, "sibling": 1}


def test_reviews_reminder(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    complete_review(member_review(cast, cycle, "secretary"), cast.users["secretary"])

    reviews.remind_not_submitted(cycle, cast.cell, by=cast.users["secretary"])
    reviews.remind_not_submitted(cycle, cast.cell, by=cast.users["secretary"])

    assert told("reviews.reminder") == {"member": 1}  # not the secretary (submitted), not Thôn 2


def test_reviews_returned(cast):
    review = submitted(cast)
    cycle = review.cycle
    complete_review(member_review(cast, cycle, "secretary"), cast.users["secretary"])
    own = complete_review(collective(cast, cycle), cast.users["secretary"])

    reviews.return_review(review, reason="Viết rõ hơn phần khuyết điểm", by=cast.users["secretary"])
    with pytest.raises(reviews.ReviewError):
        reviews.return_review(review, reason="Lần nữa", by=cast.users["secretary"])
    reviews.return_review(own, reason="Bổ sung mục V", by=cast.users["committee"])

    # The member's own review to her; the cell's collective review to its leadership, naming the cell.
    assert told("reviews.returned") == {"member": 1, "secretary": 1}
    assert "Chi bộ Thôn 1" in Notification.objects.get(kind="reviews.returned", recipient=cast.users["secretary"]).title


def test_reviews_decided(cast):
    review = proposed(cast)

    reviews.decide_level(review, level="good", by=cast.users["committee"])

    assert told("reviews.decided") == {"member": 1}


def test_reviews_cancelled(cast):
    review = reviews.decide_level(proposed(cast), level="good", by=cast.users["committee"])

    reviews.cancel_rating(review, reason="Xếp loại chưa đúng quy trình", by=cast.users["committee"])
    with pytest.raises(reviews.ReviewError):
        reviews.cancel_rating(review, reason="Lần nữa", by=cast.users["committee"])

    assert told("reviews.cancelled") == {"member": 1}


def give(review, user, text="Cần đúng giờ hơn trong sinh hoạt chi bộ"):
    return reviews.give_feedback(review=review, from_unit=review.unit, kind="shortcoming", text=text, by=user)


def test_reviews_feedback(cast):
    review = submitted(cast)

    give(review, cast.users["secretary"])
    give(review, login(cast, "colleague"))

    assert told("reviews.feedback") == {"member": 1}  # once a day, whoever gives it; never to the authors


def night_after(days: int):
    """The nightly job's hour, `days` after the suite's day."""
    moment = datetime.datetime.combine(TODAY + datetime.timedelta(days=days), datetime.time(1),
                                       tzinfo=timezone.get_current_timezone())
    return time_machine.travel(moment, tick=False)


@pytest.mark.parametrize("anonymity", ["secretary", "anonymous"])
def test_reviews_feedback_when_authors_are_hidden_is_told_at_night_once_enough_people_gave_it(cast, anonymity):
    review = submitted(cast, anonymity=anonymity)
    authors = [login(cast, f"author{index}") for index in range(3)]
    for author in authors[:2]:
        give(review, author)
    audit_and_announce_anonymous_feedback()  # a run the same day: nothing is older than today yet
    with night_after(1):
        audit_and_announce_anonymous_feedback()
        give(review, authors[2])
        audit_and_announce_anonymous_feedback()  # the third item waits for the next night
    assert told("reviews.feedback") == {}  # never as an item is given: its time would name its author

    with night_after(2):
        audit_and_announce_anonymous_feedback()
        audit_and_announce_anonymous_feedback()

    assert told("reviews.feedback") == {"member": 1}


def test_reviews_feedback_answered(cast):
    review = submitted(cast)
    colleague = login(cast, "colleague")
    accepted = give(review, colleague, "Cần đúng giờ hơn trong sinh hoạt chi bộ")
    disputed = give(review, colleague, "Chưa gương mẫu ở khu dân cư")
    own = give(review, cast.users["secretary"], "Cần phát biểu nhiều hơn")

    reviews.respond_to_feedback(accepted, accept=True, by=cast.users["member"])
    with pytest.raises(reviews.ReviewError):
        reviews.respond_to_feedback(accepted, accept=True, by=cast.users["member"])
    reviews.respond_to_feedback(disputed, accept=False, reason="Tôi đã tham gia đủ", by=cast.users["member"])
    reviews.respond_to_feedback(own, accept=False, reason="Đã phát biểu hai lần", by=cast.users["member"])

    assert told("reviews.feedback_answered") == {"colleague": 2, "secretary": 1}
    disputed_message = Notification.objects.get(kind="reviews.feedback_answered", recipient=colleague,
                                                event_key=f"feedback-answered:{disputed.pk}")
    assert "Tôi đã tham gia đủ" in disputed_message.body


def test_reviews_feedback_answered_tells_no_author_of_anonymous_feedback(cast):
    review = submitted(cast, anonymity="anonymous")
    for index in range(3):
        give(review, login(cast, f"author{index}"), f"Góp ý số {index}")

    for feedback in Feedback.objects.filter(review=review):
        reviews.respond_to_feedback(feedback, accept=False, reason="Chưa đúng", by=cast.users["member"])

    assert told("reviews.feedback_answered") == {}


def test_reviews_copied(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    complete_review(member_review(cast, cycle), cast.users["member"], text=TEXT)
    later = complete_review(member_review(cast, cycle, "sibling"), cast.users["sibling"], text=TEXT)
    reviews.return_review(later, reason="Viết lại bằng lời của mình", by=cast.users["parent_staff"])
    complete_review(later, cast.users["sibling"], text=TEXT)

    assert told("reviews.copied") == {"secretary": 1}  # the earlier review's leadership, once for the pair


def test_oversight_prompt(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    review = member_review(cast, cycle)

    reviews.send_review_prompt(review, from_unit=cast.commune, text="Làm rõ việc vắng sinh hoạt tháng 5",
                               by=cast.users["parent_staff"])

    assert told("oversight.prompt") == {"member": 1, "secretary": 1}


# --- corrections --------------------------------------------------------------------------------------------------


def recorded(cast, *, by="secretary"):
    return corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"], text="Chậm đóng đảng phí",
                                          source="secretary", by=cast.users[by])


def plan_of(cast, shortcoming, *, submit=True):
    owner = cast.users["member"]
    plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                   deadline=LATER, by=owner)
    measure = corrections.add_measure(plan, text="Đóng đảng phí trước ngày 5", supervisor=cast.members["secretary"],
                                      deadline=LATER, by=owner)
    corrections.add_step(measure, what="Nộp biên lai", due=LATER, by=owner)
    return corrections.submit_plan(plan, by=owner) if submit else plan


def test_corrections_recorded(cast):
    recorded(cast)
    recorded(cast, by="member")  # her own: nobody is told

    assert told("corrections.recorded") == {"member": 1}


def test_corrections_plan_submitted(cast):
    plan = plan_of(cast, recorded(cast))
    with pytest.raises(corrections.ShortcomingError):
        corrections.submit_plan(plan, by=cast.users["member"])

    assert told("corrections.plan_submitted") == {"secretary": 1}  # the cell approves a member's plan


def test_corrections_plan_decided(cast):
    plan = plan_of(cast, recorded(cast))

    corrections.decide_plan(plan, approve=True, by=cast.users["secretary"])
    with pytest.raises(corrections.ShortcomingError):
        corrections.decide_plan(plan, approve=True, by=cast.users["secretary"])

    assert told("corrections.plan_decided") == {"member": 1}


def fixing(cast):
    shortcoming = recorded(cast)
    corrections.decide_plan(plan_of(cast, shortcoming), approve=True, by=cast.users["secretary"])
    return shortcoming


def test_corrections_fix_claimed(cast):
    shortcoming = fixing(cast)

    corrections.claim_fix(shortcoming, note="Đã nộp đủ biên lai", by=cast.users["member"])
    with pytest.raises(corrections.ShortcomingError):
        corrections.claim_fix(shortcoming, note="Lần nữa", by=cast.users["member"])

    assert told("corrections.fix_claimed") == {"secretary": 1}  # the supervisor, also the cell's leadership


def test_corrections_fix_decided(cast):
    shortcoming = fixing(cast)
    corrections.claim_fix(shortcoming, note="Đã nộp", by=cast.users["member"])

    corrections.verify_fix(shortcoming, note="Đạt", by=cast.users["secretary"])
    with pytest.raises(corrections.ShortcomingError):
        corrections.verify_fix(shortcoming, note="Lần nữa", by=cast.users["secretary"])

    assert told("corrections.fix_decided") == {"member": 1}


def test_corrections_step(cast, settings):
    fixing(cast)

    corrections.send_correction_reminders(LATER)
    corrections.send_correction_reminders(LATER)

    assert told("corrections.step") == {"member": 1}  # the owner, on the step's day


def test_corrections_escalation(cast, settings):
    fixing(cast)
    overdue = LATER + datetime.timedelta(days=settings.CORRECTION_ESCALATE_DAYS)

    corrections.send_correction_reminders(overdue)
    corrections.send_correction_reminders(overdue)

    assert told("corrections.escalation") == {"secretary": 1}
    corrections.send_correction_reminders(overdue + datetime.timedelta(days=settings.CORRECTION_ESCALATE_DAYS))
    assert told("corrections.escalation") == {"secretary": 1, "committee": 1, "parent_staff": 1}


# --- meetings -----------------------------------------------------------------------------------------------------


def meeting_in(cast, days: float):
    starts = timezone.now() + datetime.timedelta(days=days)
    return meetings.schedule_meeting(cast.cell, title="Sinh hoạt chi bộ", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"],
                                     by=cast.users["secretary"])


def test_meetings_scheduled(cast, settings):
    settings.MEETING_ANNOUNCE_DAYS = 14
    meeting = meeting_in(cast, 7)
    meeting_in(cast, 60)  # far off: its reminder will announce it

    meetings.update_meeting(meeting, title="Sinh hoạt chi bộ tháng 12", by=cast.users["secretary"])
    assert told("meetings.scheduled") == {"member": 1}  # a new title is not worth a message
    meetings.update_meeting(meeting, place="Nhà văn hóa thôn", by=cast.users["secretary"])
    assert told("meetings.scheduled") == {"member": 2}


def test_meetings_scheduled_tells_a_cancellation(cast, settings):
    settings.MEETING_ANNOUNCE_DAYS = 14
    soon, far = meeting_in(cast, 7), meeting_in(cast, 60)
    Notification.objects.filter(kind="meetings.scheduled").delete()  # the announcement, which links to the meeting

    meetings.cancel_meeting(soon, by=cast.users["secretary"])
    meetings.cancel_meeting(far, by=cast.users["secretary"])  # never announced: its cancellation is not either

    assert told("meetings.scheduled") == {"member": 1}
    assert Notification.objects.get(kind="meetings.scheduled").event_key.startswith(f"meeting-cancelled:{soon.pk}:")


def test_meetings_reminder(cast, settings):
    meeting_in(cast, settings.MEETING_REMIND_HOURS_BEFORE / 24 / 2)

    meetings.send_meeting_reminders()
    meetings.send_meeting_reminders()

    assert told("meetings.reminder") == {"member": 1, "secretary": 1}  # the roll, the secretary included


def test_meetings_documents(cast):
    meeting = meeting_in(cast, 10)
    meetings.add_document(meeting, title="Dự thảo nghị quyết", upload=SimpleUploadedFile("nq.pdf", b"%PDF-1.4\n"),
                          by=cast.users["secretary"])

    meetings.publish_documents(meeting, by=cast.users["secretary"])
    meetings.publish_documents(meeting, by=cast.users["secretary"])

    assert told("meetings.documents") == {"member": 1}  # the roll, not the secretary who published them
    meetings.add_document(meeting, title="Báo cáo bổ sung", upload=SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n"),
                          by=cast.users["secretary"])
    assert told("meetings.documents") == {"member": 2}  # a document added once they were sent is told too


def test_meetings_minutes(cast):
    meeting = meeting_in(cast, 1)
    with time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=100), tick=False):
        meetings.save_minutes(meeting, conclusions="Thống nhất kế hoạch", votes_for=2, by=cast.users["secretary"])
        meetings.mark_rest_absent(meeting, by=cast.users["secretary"])

        meetings.approve_minutes(meeting, by=cast.users["secretary"])
        meetings.approve_minutes(meeting, by=cast.users["secretary"])

    assert told("meetings.minutes") == {"member": 1}


def test_meetings_rules(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exception = meetings.add_rule_exception(
            cast.commune, cell=cast.cell, decision_number="12-QĐ/ĐU", decision_date=datetime.date(2026, 3, 5),
            regular_min_minutes=60, combined_min_minutes=90, valid_from=datetime.date(2026, 3, 5),
            by=cast.users["committee"])
        meetings.end_rule_exception(exception, on=datetime.date(2026, 11, 30), by=cast.users["committee"])

    # The cell's secretary, once when it is set and once when it ends; not its members, not other cells.
    assert told("meetings.rules") == {"secretary": 2}


# --- meeting quality ----------------------------------------------------------------------------------------------


def test_quality_assessed(cast):
    meeting, _others = held(cast)
    judged = {code: {"met": True} for code in ("excused_runs", "preparation", "conduct", "speakers", "principles",
                                               "results")}

    quality.record_assessment(meeting, judged=judged, by=cast.users["secretary"])

    # No liaison named: the directly superior committee (the commune's committee and its staff), not the cell.
    assert told("quality.assessed") == {"committee": 1, "parent_staff": 1}


def test_quality_rate(cast):
    held(cast, days_ago=0)

    quality.invite_raters()

    # Those present or late with a login (m2 was absent with reason); not the committee, not other cells.
    assert told("quality.rate") == {"member": 1, "secretary": 1, "m0": 1, "m1": 1}


def test_quality_confirmed(cast):
    meeting, _others = held(cast)
    judged = {code: {"met": True} for code in ("excused_runs", "preparation", "conduct", "speakers", "principles",
                                               "results")}
    quality.record_assessment(meeting, judged=judged, by=cast.users["secretary"])

    quality.confirm_assessment(meeting, by=cast.users["committee"])

    assert told("quality.confirmed") == {"secretary": 1}


# --- the library ---------------------------------------------------------------------------------------------------


def test_library_study(cast):
    library_publish(cast)

    # The members of the commune's cells with a login, once each; not the other commune's.
    assert told("library.study") == {"member": 1, "secretary": 1, "sibling": 1}


def test_library_reminder(cast):
    document = library_publish(cast, due_in=2)
    library.confirm_study(document, member=cast.members["member"], note="", by=cast.users["member"])

    library.send_study_reminders()
    library.send_study_reminders()

    # Those who have not confirmed yet, once each.
    assert told("library.reminder") == {"secretary": 1, "sibling": 1}


# --- directives ---------------------------------------------------------------------------------------------------


def test_directives_issued(cast):
    directive = issued(cast)
    directives.tell_targets(directive, "issued")

    # The cells' leadership (Thôn 2 has none with a login); not their members, not Hòa Bình.
    assert told("directives.issued") == {"secretary": 1}


def test_directives_amended(cast):
    directive = issued(cast)

    directives.amend(directive, version=directive.version, reason="Bổ sung căn cứ Quy định 296-QĐ/TW",
                     basis="Quy định 296-QĐ/TW", by=cast.users["committee"])

    assert told("directives.amended") == {"secretary": 1}


def test_directives_reminder(cast):
    directive = issued(cast)
    late = [receipt_of(directive, cast.cell), receipt_of(directive, cast.sibling_cell)]

    directives.remind_now(directive, receipts=late, by=cast.users["committee"])
    directives.remind_now(directive, receipts=late, by=cast.users["committee"])

    assert told("directives.reminder") == {"secretary": 1}  # once a day


def test_directives_report_due(cast):
    due = TODAY + datetime.timedelta(days=40)
    issued(cast, report_dates=[due])

    directives.send_directive_reminders(due)
    directives.send_directive_reminders(due)

    assert told("directives.report_due") == {"secretary": 1}


def test_directives_acknowledge(cast, settings):
    issued(cast)
    late = TODAY + datetime.timedelta(days=settings.DIRECTIVE_ACKNOWLEDGE_DAYS + 1)

    directives.send_directive_reminders(late)
    directives.send_directive_reminders(late)

    assert told("directives.acknowledge") == {"secretary": 1}


# --- inspections --------------------------------------------------------------------------------------------------


def inspection_of(cast, *, member=None, subject=None):
    inspection = oversight.plan_inspection(
        cast.commune, year=TODAY.year, kind="thematic_supervision", subject_unit=subject or cast.cell,
        subject_member=member, content="Việc thực hiện nghị quyết về chuyển đổi cơ cấu cây trồng",
        period_start=TODAY - datetime.timedelta(days=19), period_end=TODAY + datetime.timedelta(days=25),
        team=[cast.users["parent_staff"]], by=cast.users["committee"])
    return oversight.notify_subject(inspection, by=cast.users["committee"])


def test_oversight_notified(cast):
    inspection = inspection_of(cast)
    with pytest.raises(oversight.InspectionError):
        oversight.notify_subject(inspection, by=cast.users["committee"])
    inspection_of(cast, member=cast.members["member"])

    # The cell's leadership for both; the member only in her own case (one message per inspection).
    assert told("oversight.notified") == {"secretary": 2, "member": 1}


def test_oversight_self_report(cast):
    inspection = inspection_of(cast)

    oversight.submit_self_report(inspection, text="Chi bộ đã ban hành nghị quyết chuyên đề",
                                 by=cast.users["secretary"])

    assert told("oversight.self_report") == {"committee": 1, "parent_staff": 1}  # the body and its team


def test_oversight_concluded(cast):
    sibling_secretary = login(cast, "bithu2", cell=cast.sibling_cell)
    org.grant_role(sibling_secretary, unit=cast.sibling_cell, role=Role.SECRETARY, by=SYSTEM)
    inspection = inspection_of(cast, subject=cast.commune)
    oversight.add_remedy(inspection, text="Xây dựng lộ trình chuyển đổi cây trồng", deadline=LATER,
                         unit=cast.cell, by=cast.users["committee"])
    oversight.add_remedy(inspection, text="Nộp báo cáo cá nhân về việc chậm triển khai", deadline=LATER,
                         member=cast.members["member"], by=cast.users["committee"])

    oversight.conclude(inspection, number="05-KL/ĐUX", date=TODAY, conclusion="Thực hiện còn chậm.",
                       by=cast.users["committee"])

    # The commune inspected by its own committee: the acting committee member hears nothing new, its staff is told;
    # the cell asked a remedy and the member asked one are told, each once; Thôn 2, asked nothing, is not.
    assert told("oversight.concluded") == {"parent_staff": 1, "secretary": 1, "member": 1}
    assert not Notification.objects.filter(kind="corrections.recorded").exists()  # the conclusion told them


def test_alerts_raised(cast):
    for days in (100, 70, 40):
        hold(cast, days, absent=[cast.members["member"]])

    alerts.evaluate(by=SYSTEM, today=TODAY, checks=["unexcused"])
    alerts.evaluate(by=SYSTEM, today=TODAY, checks=["unexcused"])

    # The warning is about the member and owned by the cell: its leadership, not the member nor the commune.
    assert told("alerts.raised") == {"secretary": 1}


def test_alerts_digest(cast):
    for days in (100, 70, 40):
        hold(cast, days, absent=[cast.members["member"]])
    alerts.evaluate(by=SYSTEM, today=TODAY, checks=["unexcused"])

    alerts.send_weekly_digest(today=TODAY)
    alerts.send_weekly_digest(today=TODAY)

    assert told("alerts.digest") == {"secretary": 1}


# --- the registry -------------------------------------------------------------------------------------------------


EVERY_KIND = {
    "org.grant": test_org_grant,
    "org.login_opened": test_org_login_opened,
    "org.standin": test_org_standin,
    "accounts.two_factor_reset": test_accounts_two_factor_reset,
    "documents.import": test_documents_import,
    "documents.import_conflict": test_documents_import_conflict,
    "documents.export": test_documents_export,
    "reviews.cycle_opened": test_reviews_cycle_opened,
    "reviews.reminder": test_reviews_reminder,
    "reviews.returned": test_reviews_returned,
    "reviews.decided": test_reviews_decided,
    "reviews.cancelled": test_reviews_cancelled,
    "reviews.feedback": test_reviews_feedback,
    "reviews.feedback_answered": test_reviews_feedback_answered,
    "reviews.copied": test_reviews_copied,
    "oversight.prompt": test_oversight_prompt,
    "corrections.recorded": test_corrections_recorded,
    "corrections.plan_submitted": test_corrections_plan_submitted,
    "corrections.plan_decided": test_corrections_plan_decided,
    "corrections.fix_claimed": test_corrections_fix_claimed,
    "corrections.fix_decided": test_corrections_fix_decided,
    "corrections.step": test_corrections_step,
    "corrections.escalation": test_corrections_escalation,
    "meetings.scheduled": test_meetings_scheduled,
    "meetings.reminder": test_meetings_reminder,
    "meetings.documents": test_meetings_documents,
    "meetings.minutes": test_meetings_minutes,
    "meetings.rules": test_meetings_rules,
    "quality.assessed": test_quality_assessed,
    "quality.rate": test_quality_rate,
    "quality.confirmed": test_quality_confirmed,
    "library.study": test_library_study,
    "library.reminder": test_library_reminder,
    "directives.issued": test_directives_issued,
    "directives.amended": test_directives_amended,
    "directives.reminder": test_directives_reminder,
    "directives.report_due": test_directives_report_due,
    "directives.acknowledge": test_directives_acknowledge,
    "oversight.notified": test_oversight_notified,
    "oversight.self_report": test_oversight_self_report,
    "oversight.concluded": test_oversight_concluded,
    "alerts.raised": test_alerts_raised,
    "alerts.digest": test_alerts_digest,
}


def test_every_kind_in_the_registry_has_its_test():
    missing = sorted(set(kinds.KINDS) - set(EVERY_KIND))
    stale = sorted(set(EVERY_KIND) - set(kinds.KINDS))

    assert not missing, f"kinds without a test in {__name__}.EVERY_KIND: {missing}"
    assert not stale, f"tests for kinds no longer in the registry: {stale}"
    assert all(test.__name__.startswith("test_") and globals()[test.__name__] is test for test in EVERY_KIND.values())


def label_in(language: str, kind: kinds.Kind) -> str:
    with translation.override(language):
        return str(kind.label)


def test_every_kind_has_a_vietnamese_label():
    untranslated = [code for code, kind in kinds.KINDS.items() if label_in("vi", kind) == label_in("en", kind)]

    assert not untranslated
