"""Inspection and supervision: the commune's committee inspects a cell or a member; the conclusion's remedies
become shortcomings in the corrections loop, followed and verified by the inspecting body."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.corrections.enums import Source
from soisua.corrections.models import Shortcoming
from soisua.notifications.models import Notification
from soisua.oversight import services
from soisua.oversight.models import Inspection
from tests.conftest import fixed_now
from tests.files import body, docx_text, pdf_text

# The day the suite's clock stands on (tests/conftest.py), whichever it is, and a remedy deadline after it.
TODAY = fixed_now().date()
LATER = TODAY + datetime.timedelta(days=131)


def planned(cast, *, member=None, **values):
    fields = {"year": TODAY.year, "kind": "thematic_supervision", "subject_unit": cast.cell,
              "content": "Việc thực hiện nghị quyết về chuyển đổi cơ cấu cây trồng",
              "period_start": TODAY - datetime.timedelta(days=19), "period_end": TODAY + datetime.timedelta(days=25),
              "team": [cast.users["parent_staff"]], **values}
    return services.plan_inspection(cast.commune, subject_member=member, by=cast.users["committee"], **fields)


def under_way(cast, **values):
    return services.notify_subject(planned(cast, **values), by=cast.users["committee"])


def concluded(cast, *, member=None):
    inspection = under_way(cast, member=member)
    services.submit_self_report(inspection, text="Chi bộ đã ban hành nghị quyết chuyên đề", by=cast.users["secretary"])
    services.record_finding(inspection, text="Chưa có lộ trình chuyển đổi cụ thể", by=cast.users["parent_staff"])
    services.add_remedy(inspection, text="Xây dựng lộ trình chuyển đổi cây trồng", deadline=LATER,
                        by=cast.users["committee"])
    services.add_remedy(inspection, text="Nộp báo cáo cá nhân về việc chậm triển khai", deadline=LATER,
                        member=cast.members["member"], by=cast.users["committee"])
    return services.conclude(inspection, number="05-KL/ĐUX", date=TODAY, conclusion="Chi bộ thực hiện còn chậm.",
                             recommendations="Tăng cường kiểm tra", by=cast.users["committee"])


def test_a_conclusion_turns_each_remedy_into_a_shortcoming_followed_by_the_inspecting_body(cast):
    inspection = concluded(cast)

    found = {remedy.text: remedy.shortcoming for remedy in inspection.remedies.all()}
    collective = found["Xây dựng lộ trình chuyển đổi cây trồng"]
    personal = found["Nộp báo cáo cá nhân về việc chậm triển khai"]
    assert collective.unit == cast.cell and collective.member is None
    assert personal.member == cast.members["member"]
    for shortcoming in (collective, personal):
        assert shortcoming.source == Source.INSPECTION and shortcoming.fix_by == LATER
        assert shortcoming.followed_by == cast.commune
    assert Notification.objects.filter(recipient=cast.users["secretary"], kind="oversight.concluded").exists()
    assert Notification.objects.filter(recipient=cast.users["member"], kind="oversight.concluded").exists()
    with pytest.raises(services.InspectionError) as refusal:
        services.record_finding(inspection, text="Thêm sau kết luận", by=cast.users["committee"])
    assert refusal.value.code == "concluded"


def test_the_inspecting_body_verifies_the_remedy_and_the_cell_does_not(cast):
    shortcoming = Shortcoming.objects.get(pk=concluded(cast).remedies.get(member=None).shortcoming_id)
    secretary = cast.users["secretary"]
    plan = corrections.create_plan(unit=cast.cell, shortcomings=[shortcoming], deadline=LATER, by=secretary)
    measure = corrections.add_measure(plan, text="Ban hành lộ trình", supervisor=cast.members["secretary"],
                                      deadline=LATER, by=secretary)
    corrections.add_step(measure, what="Họp chi bộ thông qua lộ trình", due=LATER, by=secretary)
    corrections.submit_plan(plan, by=secretary)
    corrections.decide_plan(plan, approve=True, by=cast.users["committee"])
    # Claimed by no one in particular: the cell's secretary could verify an ordinary collective fix.
    corrections.claim_fix(Shortcoming.objects.get(pk=shortcoming.pk), note="Đã ban hành lộ trình", by=SYSTEM)
    client = cast.client("secretary")

    refused = client.post(reverse("corrections:shortcomings.verify", args=[shortcoming.pk]), {"note": "Tự xác nhận"})
    verified = cast.client("committee").post(reverse("corrections:shortcomings.verify", args=[shortcoming.pk]),
                                             {"note": "Đạt yêu cầu"})

    assert refused.status_code == 403
    assert verified.status_code == 302
    assert Shortcoming.objects.get(pk=shortcoming.pk).status == "verified"


def test_the_subject_is_told_writes_its_self_report_and_the_body_is_told(cast):
    inspection = under_way(cast)
    told = Notification.objects.get(recipient=cast.users["secretary"], kind="oversight.notified")

    response = cast.client("secretary").post(reverse("oversight:self_report", args=[inspection.pk]), {
        "text": "Báo cáo tự kiểm tra của chi bộ", "upload": SimpleUploadedFile("tu-kiem-tra.pdf", b"%PDF-1.4\n")})

    assert told.url == reverse("oversight:detail", args=[inspection.pk])
    assert response.status_code == 302
    assert Inspection.objects.get().self_report == "Báo cáo tự kiểm tra của chi bộ"
    assert Notification.objects.filter(recipient=cast.users["parent_staff"], kind="oversight.self_report").exists()


@pytest.mark.parametrize(("change", "code"), [
    ("outside", "outside"), ("period", "period"), ("team", "team"), ("content", "required")])
def test_planning_refuses_a_subject_outside_the_body_a_reversed_period_an_outside_team_and_no_content(cast, change,
                                                                                                      code):
    values = {"outside": {"subject_unit": cast.other_cell},
              "period": {"period_end": TODAY - datetime.timedelta(days=50)},
              "team": {"team": [cast.users["unrelated_staff"]]},
              "content": {"content": "   "}}[change]

    with pytest.raises(services.InspectionError) as refusal:
        planned(cast, **values)

    assert refusal.value.code == code
    assert not Inspection.objects.exists()


def test_a_remedy_deadline_in_the_past_or_before_the_conclusion_is_refused(cast):
    inspection = under_way(cast)
    with pytest.raises(services.InspectionError) as refusal:
        services.add_remedy(inspection, text="Khắc phục ngay", deadline=TODAY - datetime.timedelta(days=1),
                            by=cast.users["committee"])
    assert refusal.value.code == "deadline"
    services.add_remedy(inspection, text="Khắc phục trong tháng", deadline=TODAY + datetime.timedelta(days=5),
                        by=cast.users["committee"])

    # Ten days on, the remedy's deadline has passed: a conclusion dated today cannot ask it any more.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10)), \
            pytest.raises(services.InspectionError) as refusal:
        services.conclude(inspection, number="06-KL/ĐUX", date=TODAY + datetime.timedelta(days=10),
                          conclusion="Kết luận", by=cast.users["committee"])

    assert refusal.value.code == "deadline"
    assert not Shortcoming.objects.exists() and not Inspection.objects.get().is_concluded


def test_the_conclusion_form_keeps_what_was_typed_when_refused(cast):
    inspection = under_way(cast)
    response = cast.client("committee").post(reverse("oversight:conclude", args=[inspection.pk]), {
        "number": "", "date": "20/11/2026", "conclusion": "Nội dung kết luận giữ lại"})

    assert response.status_code == 200 and "Nội dung kết luận giữ lại" in response.text


def test_who_sees_an_inspection_of_a_unit_and_of_a_member(cast):
    of_cell = planned(cast)
    of_member = under_way(cast, member=cast.members["member"])
    detail = lambda inspection: reverse("oversight:detail", args=[inspection.pk])  # noqa: E731

    assert cast.client("secretary").get(detail(of_cell)).status_code == 404  # planned: not told yet
    services.notify_subject(of_cell, by=cast.users["committee"])
    assert cast.client("secretary").get(detail(of_cell)).status_code == 200
    assert cast.client("member").get(detail(of_cell)).status_code == 404
    assert cast.client("member").get(detail(of_member)).status_code == 200  # their own case
    assert cast.client("sibling").get(detail(of_member)).status_code == 404
    assert cast.client("unrelated_staff").get(detail(of_cell)).status_code == 404
    assert cast.client("admin").get(detail(of_cell)).status_code == 200  # a level above
    assert cast.client("secretary").post(reverse("oversight:notify", args=[of_member.pk])).status_code == 403


def test_the_conclusion_downloads_as_word_and_pdf_with_its_remedies(cast):
    inspection = concluded(cast)
    client = cast.client("secretary")

    word = docx_text(body(client.get(reverse("oversight:conclusion", args=[inspection.pk, "docx"]))))
    pdf = pdf_text(body(client.get(reverse("oversight:conclusion", args=[inspection.pk, "pdf"]))))

    for text in (word, pdf):
        assert "KẾT LUẬN" in text and "Số 05-KL/ĐUX" in text
        assert "Xây dựng lộ trình chuyển đổi cây trồng" in text and LATER.strftime("%d/%m/%Y") in text
        assert "Chưa có lộ trình chuyển đổi cụ thể" in text and "Nơi nhận" in text


def test_a_self_report_sent_meanwhile_by_someone_else_is_not_silently_overwritten(cast):
    inspection = under_way(cast)
    shown = Inspection.objects.get(pk=inspection.pk).version
    services.submit_self_report(inspection, text="Báo cáo của bí thư", version=shown, by=cast.users["secretary"])

    response = cast.client("secretary").post(reverse("oversight:self_report", args=[inspection.pk]), {
        "text": "Bản khác, viết cùng lúc", "version": shown})

    assert response.status_code == 200 and "Bản khác, viết cùng lúc" in response.text
    assert Inspection.objects.get(pk=inspection.pk).self_report == "Báo cáo của bí thư"
