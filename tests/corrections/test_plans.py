"""Correction plans, progress and verification (the tự sửa loop) through the services."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.core.errors import DomainError
from soisua.corrections import policy, queries, services
from soisua.corrections.enums import ShortcomingStatus
from soisua.corrections.models import Shortcoming
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.reviews.models import Review
from tests.factories import UserFactory, make_member, make_unit
from tests.reviews.test_cycles import open_for

TODAY = datetime.date(2026, 11, 23)
PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def shortcoming_of(cast, text="Chưa đóng đảng phí đúng hạn", **values):
    return services.record_shortcoming(unit=cast.cell, member=cast.members["member"], text=text,
                                       by=cast.users["secretary"], **values)


def approved_plan(cast, shortcoming, *, steps=((2026, 12, 10), (2027, 1, 15))):
    plan = services.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                deadline=datetime.date(2027, 2, 28), by=cast.users["member"])
    measure = services.add_measure(plan, text="Đóng đảng phí trước ngày 5 hằng tháng",
                                   supervisor=cast.members["secretary"], deadline=datetime.date(2027, 2, 28),
                                   by=cast.users["member"])
    for year, month, day in steps:
        services.add_step(measure, what="Nộp biên lai", due=datetime.date(year, month, day),
                          evidence_expected="Biên lai", by=cast.users["member"])
    services.submit_plan(plan, by=cast.users["member"])
    return services.decide_plan(plan, approve=True, by=cast.users["secretary"])


def test_a_measure_without_deadline_or_supervisor_cannot_be_submitted(cast, frozen):
    plan = services.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming_of(cast)],
                                deadline=datetime.date(2027, 2, 28), by=cast.users["member"])
    services.add_measure(plan, text="Tự giác hơn", by=cast.users["member"])

    with pytest.raises(services.ShortcomingError) as error:
        services.submit_plan(plan, by=cast.users["member"])

    assert error.value.code == "incomplete"
    assert len(error.value.messages) == 3  # no deadline, no supervisor, no step


def test_approval_plans_the_shortcoming_and_sets_its_next_due_date(cast, frozen):
    shortcoming = shortcoming_of(cast)

    approved_plan(cast, shortcoming)

    shortcoming.refresh_from_db()
    assert shortcoming.status == ShortcomingStatus.PLANNED
    assert shortcoming.next_due == datetime.date(2026, 12, 10)


def test_overdue_follows_the_clock_and_the_roadmap(cast, frozen):
    shortcoming = shortcoming_of(cast)
    plan = approved_plan(cast, shortcoming)
    shortcoming.refresh_from_db()
    assert not queries.is_overdue(shortcoming)

    with time_machine.travel(datetime.datetime(2026, 12, 11, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert queries.is_overdue(shortcoming)
        assert list(queries.open_corrections(cast.commune, overdue_on=datetime.date(2026, 12, 11))) == [shortcoming]
        services.complete_step(plan.measures.get().steps.order_by("due").first(), by=cast.users["member"])

    shortcoming.refresh_from_db()
    assert shortcoming.next_due == datetime.date(2027, 1, 15)
    assert not queries.is_overdue(shortcoming, datetime.date(2026, 12, 11))


def test_nobody_verifies_their_own_fix(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)
    services.claim_fix(shortcoming, note="Đã nộp đủ", by=cast.users["member"])

    with pytest.raises(services.ShortcomingError) as error:
        services.verify_fix(shortcoming, note="Tự xác nhận", by=cast.users["member"])

    assert error.value.code == "own"
    assert not policy.can_verify(cast.users["member"], shortcoming)
    shortcoming.refresh_from_db()
    assert shortcoming.status == ShortcomingStatus.CLAIMED


def test_a_fix_is_not_verified_without_saying_who_verifies_it(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)
    services.claim_fix(shortcoming, note="Đã nộp đủ", by=cast.users["member"])

    with pytest.raises(TypeError):
        services.verify_fix(shortcoming, note="Không rõ ai xác nhận")

    shortcoming.refresh_from_db()
    assert shortcoming.status == ShortcomingStatus.CLAIMED


def test_whoever_reported_the_fix_cannot_verify_or_reopen_it_through_the_service(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)
    services.claim_fix(shortcoming, note="Chi bộ báo cáo thay", by=cast.users["secretary"])
    attempts = [lambda: services.verify_fix(shortcoming, note="Đủ", by=cast.users["secretary"]),
                lambda: services.reopen_fix(shortcoming, reason="Chưa đủ", by=cast.users["secretary"]),
                lambda: services.reopen_fix(shortcoming, reason="Tự mở lại", by=cast.users["member"])]

    codes = []
    for attempt in attempts:
        with pytest.raises(services.ShortcomingError) as error:
            attempt()
        codes.append(error.value.code)

    assert codes == ["own", "own", "own"]
    shortcoming.refresh_from_db()
    assert shortcoming.status == ShortcomingStatus.CLAIMED
    assert [entry.kind for entry in shortcoming.progress.all()] == ["claim"]


def test_the_system_verifies_a_collective_fix_as_no_person(cast, frozen):
    shortcoming = services.record_shortcoming(unit=cast.cell, text="Sinh hoạt chuyên đề chưa đều",
                                              by=cast.users["secretary"])
    plan = services.create_plan(unit=cast.cell, shortcomings=[shortcoming], deadline=datetime.date(2027, 2, 28),
                                by=cast.users["secretary"])
    measure = services.add_measure(plan, text="Họp chuyên đề mỗi quý", supervisor=cast.members["member"],
                                   deadline=datetime.date(2027, 2, 28), by=cast.users["secretary"])
    services.add_step(measure, what="Họp quý I", due=datetime.date(2027, 1, 15), by=cast.users["secretary"])
    services.submit_plan(plan, by=cast.users["secretary"])
    services.decide_plan(plan, approve=True, by=cast.users["parent_staff"])
    services.claim_fix(shortcoming, note="Đã họp", by=cast.users["secretary"])

    services.verify_fix(shortcoming, note="Đối chiếu biên bản", by=SYSTEM)

    shortcoming.refresh_from_db()
    entry = AuditEntry.objects.get(action="corrections.progress.verify")
    assert (shortcoming.status, shortcoming.verified_by) == (ShortcomingStatus.VERIFIED, None)
    assert shortcoming.progress.get(kind="verify").author is None
    assert (entry.actor, entry.actor_label) == (None, "system")


def test_a_supervisor_reopens_then_verifies(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)
    services.post_progress(shortcoming, note="Đã nộp tháng 11",
                           evidence=SimpleUploadedFile("bien-lai.pdf", PDF), by=cast.users["member"])
    services.claim_fix(shortcoming, note="Xong", by=cast.users["member"])

    services.reopen_fix(shortcoming, reason="Còn thiếu biên lai tháng 12", by=cast.users["secretary"])
    services.claim_fix(shortcoming, note="Đã bổ sung", by=cast.users["member"])
    services.verify_fix(shortcoming, note="Đủ", by=cast.users["secretary"])

    shortcoming.refresh_from_db()
    assert shortcoming.status == ShortcomingStatus.VERIFIED
    assert [entry.kind for entry in shortcoming.progress.all()] == ["update", "claim", "reopen", "claim", "verify"]
    assert shortcoming.progress.first().evidence_name == "bien-lai.pdf"
    with pytest.raises(services.ShortcomingError) as error:
        services.verify_fix(shortcoming, by=cast.users["secretary"])
    assert error.value.code == "closed"


@pytest.mark.parametrize(("name", "content", "code"), [
    ("virus.exe", b"MZ\x90\x00", "type"),
    ("fake.pdf", b"<html>not a pdf</html>", "content"),
    ("big.pdf", PDF + b"0" * (11 * 1024 * 1024), "size"),
])
def test_bad_evidence_is_refused_and_nothing_is_recorded(cast, frozen, name, content, code):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)

    with pytest.raises(DomainError) as error:
        services.post_progress(shortcoming, note="Minh chứng", evidence=SimpleUploadedFile(name, content),
                               by=cast.users["member"])

    assert error.value.code == code
    assert not shortcoming.progress.exists()


def test_a_step_dated_before_the_plan_is_refused(cast, frozen):
    plan = services.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming_of(cast)],
                                deadline=datetime.date(2027, 2, 28), by=cast.users["member"])
    measure = services.add_measure(plan, text="Đóng đúng hạn", supervisor=cast.members["secretary"],
                                   deadline=datetime.date(2027, 1, 31), by=cast.users["member"])

    with pytest.raises(services.ShortcomingError) as error:
        services.add_step(measure, what="Nộp", due=datetime.date(2026, 11, 1), by=cast.users["member"])

    assert error.value.code == "due"
    assert not measure.steps.exists()


def test_a_supervisor_from_outside_the_unit_is_refused(cast, frozen):
    plan = services.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming_of(cast)],
                                deadline=datetime.date(2027, 2, 28), by=cast.users["member"])

    with pytest.raises(services.ShortcomingError) as error:
        services.add_measure(plan, text="Đóng đúng hạn", supervisor=cast.members["sibling"], by=cast.users["member"])

    assert error.value.code == "supervisor"
    assert not plan.measures.exists()


def test_a_member_of_another_cell_cannot_see_any_of_it(cast, frozen):
    shortcoming = shortcoming_of(cast)
    plan = approved_plan(cast, shortcoming)

    assert not policy.can_see_shortcoming(cast.users["sibling"], shortcoming)
    assert not policy.can_see_shortcoming(cast.users["unrelated_staff"], shortcoming)
    assert policy.can_see_shortcoming(cast.users["parent_staff"], shortcoming)
    assert policy.can_see_shortcoming(cast.users["secretary"], shortcoming)
    assert not policy.can_verify(cast.users["sibling"], shortcoming)
    with pytest.raises(Exception) as error:
        policy.get_plan_for_user(cast.users["sibling"], plan.pk)
    assert error.typename == "Http404"


def test_a_repeated_shortcoming_is_marked_recurring(cast, frozen):
    first = shortcoming_of(cast, text="Chưa đóng đảng phí đúng hạn hằng tháng theo quy định của chi bộ")
    make_member(cast.cell, "Người Khác")

    again = shortcoming_of(cast, text="Chưa đóng đảng phí đúng hạn hằng tháng theo quy định của chi bộ, còn chậm")
    other = shortcoming_of(cast, text="Ít phát biểu xây dựng trong sinh hoạt")

    assert again.recurring_of == first
    assert other.recurring_of is None
    assert Shortcoming.objects.filter(recurring_of=first).count() == 1


def test_reminders_come_before_on_and_after_the_day_once_each(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming, steps=((2026, 12, 10),))
    member = cast.users["member"]

    for day in (datetime.date(2026, 12, 7), datetime.date(2026, 12, 7), datetime.date(2026, 12, 10),
                datetime.date(2026, 12, 11), datetime.date(2026, 12, 11)):
        services.send_correction_reminders(day)

    kinds = list(Notification.objects.filter(recipient=member, kind="corrections.step")
                 .order_by("pk").values_list("event_key", flat=True))
    assert [key.rsplit(":", 1)[1] for key in kinds] == ["before", "due", "after"]


def test_an_overdue_shortcoming_escalates_to_the_secretary_then_the_superior_committee_exactly_once(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming, steps=((2026, 12, 10),))

    first = services.send_correction_reminders(datetime.date(2026, 12, 17))
    again = services.send_correction_reminders(datetime.date(2026, 12, 18))
    later = services.send_correction_reminders(datetime.date(2026, 12, 24))

    assert (first["secretary"], again["secretary"], later["secretary"]) == (1, 0, 0)
    assert (first["superior"], later["superior"]) == (0, 2)  # the commune's staff and its committee member
    secretary_inbox = Notification.objects.filter(recipient=cast.users["secretary"], kind="corrections.escalation")
    superior_inbox = Notification.objects.filter(recipient=cast.users["parent_staff"], kind="corrections.escalation")
    assert secretary_inbox.count() == 1 and superior_inbox.count() == 1
    assert Notification.objects.filter(recipient=cast.users["committee"], kind="corrections.escalation").count() == 1
    assert "Trần Thị Bình" in superior_inbox.get().title
    assert not Notification.objects.filter(recipient=cast.users["unrelated_staff"],
                                           kind="corrections.escalation").exists()


def test_verified_fixes_are_never_escalated(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming, steps=((2026, 12, 10),))
    services.claim_fix(shortcoming, note="Xong", by=cast.users["member"])
    services.verify_fix(shortcoming, note="Đủ", by=cast.users["secretary"])

    sent = services.send_correction_reminders(datetime.date(2027, 1, 20))

    assert sent["secretary"] == sent["superior"] == 0


def test_evidence_is_downloaded_only_by_those_who_see_the_shortcoming(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming)
    entry = services.post_progress(shortcoming, note="Biên lai", by=cast.users["member"],
                                   evidence=SimpleUploadedFile("bien-lai.pdf", PDF))
    url = reverse("corrections:evidence.download", args=[entry.pk])

    response = cast.client("secretary").get(url)

    assert b"".join(response.streaming_content) == PDF
    assert "bien-lai.pdf" in response["Content-Disposition"]
    assert cast.client("sibling").get(url).status_code == 404
    assert cast.client("unrelated_staff").get(url).status_code == 404


def test_a_move_across_provinces_carries_the_province_key_of_shortcomings_plans_and_reviews(cast, frozen):
    cycle = open_for(cast.commune)
    shortcoming = shortcoming_of(cast)
    plan = approved_plan(cast, shortcoming)
    other_province = make_unit(None, "province", "Tỉnh ủy Thứ Hai", code="T2")

    org_services.move_unit(cast.commune, new_parent=other_province, by=SYSTEM)

    shortcoming.refresh_from_db()
    plan.refresh_from_db()
    assert shortcoming.province == plan.province == other_province
    assert set(Review.objects.filter(cycle=cycle).values_list("province", flat=True)) == {other_province.pk}
    assert list(queries.open_corrections(other_province)) == [shortcoming]
    assert list(queries.open_corrections(cast.province)) == []


def test_a_committee_board_lists_the_overdue_corrections_of_its_subtree(cast, frozen):
    shortcoming = shortcoming_of(cast)
    approved_plan(cast, shortcoming, steps=((2026, 12, 10),))

    with time_machine.travel(datetime.datetime(2026, 12, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        page = cast.client("parent_staff").get(reverse("corrections:units.board", args=[cast.commune.pk]))

    html = page.content.decode()
    assert "Chưa đóng đảng phí đúng hạn" in html and "Chi bộ Thôn 1" in html
    assert "1 overdue correction" in html or "1 việc khắc phục quá hạn" in html


def test_members_comment_on_the_collectives_shortcoming_but_not_on_a_colleagues(cast, frozen):
    collective = services.record_shortcoming(unit=cast.cell, text="Sinh hoạt chuyên đề chưa đều",
                                             by=cast.users["secretary"])
    colleague = shortcoming_of(cast)
    fellow = cast.users["member"]
    other = make_member(cast.cell, "Đỗ Thị Hạnh", user=UserFactory(username="hanh"))

    response = cast.client("member").post(reverse("corrections:shortcomings.comment", args=[collective.pk]),
                                          {"note": "Đề nghị tổ chức đúng quý"})

    assert response.status_code == 302
    assert collective.progress.get().author == fellow
    assert not policy.can_see_shortcoming(other.user, colleague)


def test_the_cell_sees_members_shortcomings_when_the_installation_opens_them(cast, frozen, settings):
    shortcoming = shortcoming_of(cast)
    colleague = make_member(cast.cell, "Đỗ Thị Hạnh", user=UserFactory(username="hanh"))
    settings.CORRECTIONS_OPEN_TO_CELL = True

    assert policy.can_see_shortcoming(colleague.user, shortcoming)
    assert not policy.can_verify(colleague.user, shortcoming)
    assert not policy.can_see_shortcoming(cast.users["sibling"], shortcoming)


def test_fixes_waiting_for_verification_come_first_for_the_supervisor(cast, frozen):
    first, second = shortcoming_of(cast, text="Thứ nhất"), shortcoming_of(cast, text="Thứ hai, khác hẳn")
    approved_plan(cast, first)
    approved_plan(cast, second)
    services.claim_fix(second, note="Xong", by=cast.users["member"])

    waiting = list(queries.supervised_by(cast.users["secretary"]))

    assert waiting == [second, first]


def test_a_refused_progress_report_or_claim_comes_back_with_what_was_typed(cast):
    shortcoming = shortcoming_of(cast)
    url = reverse("corrections:shortcomings.progress", args=[shortcoming.pk])
    client = cast.client("member")

    fake = SimpleUploadedFile("bien-lai.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"note": "Đã nộp đủ đảng phí tháng 11", "evidence": fake})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Đã nộp đủ đảng phí tháng 11</textarea>" in page
    assert 'role="alert"' in page or "errorlist" in page
    assert not shortcoming.progress.exists()

    # The secretary verifies a fix nobody reported: refused, the note kept in its box.
    response = cast.client("secretary").post(reverse("corrections:shortcomings.verify", args=[shortcoming.pk]),
                                             {"note": "Đã kiểm tra biên lai"})
    assert response.status_code == 200
    assert "Đã kiểm tra biên lai</textarea>" in response.content.decode()
    assert shortcoming.progress.count() == 0
