"""Who sees an inspection and acts on it: the subject learns of it only when told, the body's working records stay
the body's until the conclusion, a member's own case is the member's to answer, and only the inspecting body
verifies a remedy (docs/domain.md, "Inspection and supervision")."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.corrections.models import Shortcoming
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from soisua.oversight import services
from soisua.oversight.models import Inspection
from tests.factories import make_member
from tests.oversight.test_inspections import LATER, TODAY, concluded, under_way

SECRET_CONTENT = "Kiểm tra dấu hiệu vi phạm trong quản lý đất đai"
REMEDY = "Kiểm điểm trách nhiệm cá nhân trước chi bộ"


def of_the_commune_by_the_province(cast) -> Inspection:
    return services.plan_inspection(cast.province, year=2026, kind="inspection", subject_unit=cast.commune,
                                    content=SECRET_CONTENT, period_start=datetime.date(2026, 12, 1),
                                    period_end=datetime.date(2026, 12, 31), by=SYSTEM)


def test_a_planned_inspection_of_a_commune_is_hidden_from_the_communes_own_people_until_it_is_told(cast):
    inspection = of_the_commune_by_the_province(cast)
    detail = reverse("oversight:detail", args=[inspection.pk])
    communes_own = ("committee", "parent_staff", "inspector")

    before = {who: cast.client(who).get(detail).status_code for who in communes_own}
    listed = cast.client("committee").get(reverse("oversight:unit", args=[cast.commune.pk])).text
    above = {who: cast.client(who).get(detail).status_code for who in ("admin", "superuser")}
    services.notify_subject(inspection, by=SYSTEM)
    after = {who: cast.client(who).get(detail).status_code for who in communes_own}

    assert before == dict.fromkeys(communes_own, 404)
    assert SECRET_CONTENT not in listed and f'href="{detail}"' not in listed
    assert above == {"admin": 200, "superuser": 200}
    assert after == dict.fromkeys(communes_own, 200)


def test_a_member_whose_grant_covers_their_own_cell_does_not_see_their_case_before_being_told(cast):
    org_services.grant_role(cast.users["member"], unit=cast.commune, role=Role.INSPECTOR, by=SYSTEM)
    inspection = services.plan_inspection(cast.province, year=2026, kind="inspection", subject_unit=cast.cell,
                                          subject_member=cast.members["member"], content=SECRET_CONTENT,
                                          period_start=datetime.date(2026, 12, 1),
                                          period_end=datetime.date(2026, 12, 31), by=SYSTEM)
    detail = reverse("oversight:detail", args=[inspection.pk])

    before = cast.client("member").get(detail).status_code
    services.notify_subject(inspection, by=SYSTEM)

    assert before == 404
    assert cast.client("member").get(detail).status_code == 200


def test_the_remedies_being_drafted_are_the_bodys_until_the_conclusion(cast):
    inspection = under_way(cast)
    services.add_remedy(inspection, text=REMEDY, deadline=LATER, member=cast.members["member"],
                        by=cast.users["committee"])
    detail = reverse("oversight:detail", args=[inspection.pk])

    subject_sees = cast.client("secretary").get(detail).text
    body_sees = cast.client("parent_staff").get(detail).text
    services.conclude(inspection, number="08-KL/ĐUX", date=TODAY, conclusion="Đạt yêu cầu", by=SYSTEM)

    assert REMEDY not in subject_sees and cast.members["member"].full_name not in subject_sees
    assert REMEDY in body_sees
    assert REMEDY in cast.client("secretary").get(detail).text


def test_in_a_members_own_case_the_member_writes_the_self_report_not_the_cells_secretary(cast):
    inspection = under_way(cast, member=cast.members["member"])
    url = reverse("oversight:self_report", args=[inspection.pk])

    by_secretary = cast.client("secretary").post(url, {"text": "Chi bộ viết thay đảng viên"})
    page_for_secretary = cast.client("secretary").get(reverse("oversight:detail", args=[inspection.pk]))
    by_member = cast.client("member").post(url, {"text": "Báo cáo giải trình của đảng viên",
                                                 "upload": SimpleUploadedFile("giai-trinh.pdf", b"%PDF-1.4\n")})

    assert by_secretary.status_code == 403
    assert f'action="{url}"' not in page_for_secretary.text
    assert by_member.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).self_report == "Báo cáo giải trình của đảng viên"


def test_the_cell_writes_the_self_report_of_a_member_without_a_login(cast):
    without_login = make_member(cast.cell, "Ngô Văn Phúc")
    inspection = under_way(cast, member=without_login)

    response = cast.client("secretary").post(reverse("oversight:self_report", args=[inspection.pk]),
                                             {"text": "Chi bộ ghi lại báo cáo trên giấy của đồng chí Phúc"})

    assert response.status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).self_report.startswith("Chi bộ ghi lại")


@pytest.fixture
def claimed_remedy(cast) -> Shortcoming:
    """The cell's collective remedy from a concluded inspection, reported fixed by the cell's secretary."""
    shortcoming = Shortcoming.objects.get(pk=concluded(cast).remedies.get(member=None).shortcoming_id)
    secretary = cast.users["secretary"]
    plan = corrections.create_plan(unit=cast.cell, shortcomings=[shortcoming], deadline=LATER, by=secretary)
    measure = corrections.add_measure(plan, text="Ban hành lộ trình", supervisor=cast.members["secretary"],
                                      deadline=LATER, by=secretary)
    corrections.add_step(measure, what="Họp chi bộ thông qua lộ trình", due=LATER, by=secretary)
    corrections.submit_plan(plan, by=secretary)
    corrections.decide_plan(plan, approve=True, by=cast.users["committee"])
    return corrections.claim_fix(Shortcoming.objects.get(pk=shortcoming.pk), note="Đã ban hành", by=secretary)


def test_only_the_inspecting_body_verifies_a_remedy_and_an_administrator_only_standing_in(cast, claimed_remedy):
    url = reverse("corrections:shortcomings.verify", args=[claimed_remedy.pk])
    refused = {who: cast.client(who).post(url, {"note": "Xác nhận"}).status_code
               for who in ("member", "secretary", "sibling", "unrelated_staff", "inspector", "admin", "superuser")}
    org_services.stand_in(cast.commune, reason="Đảng ủy xã đang kiện toàn, chưa có ủy viên phụ trách",
                          by=cast.users["admin"])

    standing_in = cast.client("admin").post(url, {"note": "Đạt yêu cầu"})

    assert refused == {"member": 403, "secretary": 403, "sibling": 404, "unrelated_staff": 404, "inspector": 403,
                       "admin": 403, "superuser": 403}
    assert standing_in.status_code == 302
    assert Shortcoming.objects.get(pk=claimed_remedy.pk).status == "verified"


def test_a_member_asked_a_remedy_is_told_of_the_conclusion_with_a_link_they_may_open(cast):
    inspection = concluded(cast)
    told = Notification.objects.get(recipient=cast.users["member"], kind="oversight.concluded")
    told_cell = Notification.objects.get(recipient=cast.users["secretary"], kind="oversight.concluded")

    opened = cast.client("member").get(told.url)

    assert opened.status_code == 200 and "Nộp báo cáo cá nhân về việc chậm triển khai" in opened.text
    assert told_cell.url == reverse("oversight:detail", args=[inspection.pk])


def test_a_member_of_the_inspecting_body_neither_sees_their_own_case_planned_nor_acts_on_it(cast):
    own = make_member(cast.cell, "Đỗ Văn Giang", user=cast.users["committee"])
    staff = cast.users["parent_staff"]
    inspection = services.plan_inspection(cast.commune, year=2026, kind="inspection", subject_unit=cast.cell,
                                          subject_member=own, content=SECRET_CONTENT,
                                          period_start=datetime.date(2026, 11, 1),
                                          period_end=datetime.date(2026, 12, 31), by=staff)
    committee = cast.client("committee")
    detail = reverse("oversight:detail", args=[inspection.pk])

    planned_page = committee.get(detail).status_code
    # The page's main part: its header names the one logged in, who is the member inspected here.
    programme = committee.get(reverse("oversight:unit", args=[cast.commune.pk])).text.split('<main id="main">')[1]
    services.notify_subject(inspection, by=staff)
    services.add_remedy(inspection, text=REMEDY, deadline=LATER, member=own, by=staff)
    under_way_page = committee.get(detail).text
    acts = {name: committee.post(reverse(name, args=[inspection.pk]), data).status_code for name, data in (
        ("oversight:findings.add", {"text": "Tự ghi nhận"}),
        ("oversight:remedies.add", {"text": "Tự đề nghị", "deadline": "31/01/2027"}),
        ("oversight:conclude", {"number": "10-KL/ĐUX", "date": "20/11/2026", "conclusion": "Không vi phạm"}))}
    with pytest.raises(services.InspectionError) as refusal:
        services.conclude(inspection, number="10-KL/ĐUX", date=TODAY, conclusion="Không vi phạm",
                          by=cast.users["committee"])

    assert planned_page == 404 and SECRET_CONTENT not in programme and own.full_name not in programme
    assert REMEDY not in under_way_page
    assert acts == {"oversight:findings.add": 403, "oversight:remedies.add": 403, "oversight:conclude": 403}
    assert refusal.value.code == "own"
    assert not Inspection.objects.get(pk=inspection.pk).is_concluded
