"""Inspection and supervision through their pages and documents: where each reader is led back to, the remedy that
leads to its correction, the programme as a list, and a conclusion whose parts are numbered without gaps."""

import datetime

from django.urls import reverse

from soisua.oversight import services
from tests.files import body, docx_text, pdf_text
from tests.oversight.test_inspections import LATER, TODAY, concluded, under_way


def test_the_subjects_leadership_goes_back_to_its_own_inspections_and_the_body_to_its_programme(cast):
    inspection = concluded(cast)
    detail = reverse("oversight:detail", args=[inspection.pk])
    body_page = reverse("oversight:unit", args=[cast.commune.pk])
    subject_page = reverse("oversight:unit", args=[cast.cell.pk])
    shortcoming = inspection.remedies.get(member=None).shortcoming_id

    subject = cast.client("secretary").get(detail)
    inspecting = cast.client("committee").get(detail)

    assert cast.client("secretary").get(body_page).status_code == 404
    assert body_page not in subject.text and subject_page in subject.text
    assert body_page in inspecting.text
    assert reverse("corrections:shortcomings.detail", args=[shortcoming]) in subject.text
    assert "Theo dõi việc khắc phục" in subject.text


def test_the_programme_lists_each_inspection_with_its_remedies_and_an_empty_year_says_what_planning_does(cast):
    client = cast.client("committee")
    empty = client.get(reverse("oversight:unit", args=[cast.commune.pk]))
    inspection = concluded(cast)

    programme = client.get(reverse("oversight:unit", args=[cast.commune.pk]))

    assert "Chưa có kế hoạch trong năm này. Khi lập kế hoạch" in empty.text
    assert reverse("oversight:detail", args=[inspection.pk]) in programme.text
    assert "2 yêu cầu khắc phục" in programme.text


def test_a_conclusion_without_findings_or_recommendations_numbers_its_parts_without_gaps(cast):
    inspection = under_way(cast)
    services.add_remedy(inspection, text="Xây dựng lộ trình chuyển đổi cây trồng", deadline=LATER,
                        by=cast.users["committee"])
    services.conclude(inspection, number="07-KL/ĐUX", date=TODAY, conclusion="Chi bộ thực hiện còn chậm.",
                      recommendations="", by=cast.users["committee"])
    client = cast.client("committee")

    word = docx_text(body(client.get(reverse("oversight:conclusion", args=[inspection.pk, "docx"]))))
    pdf = " ".join(pdf_text(body(client.get(reverse("oversight:conclusion", args=[inspection.pk, "pdf"])))).split())

    for text in (word, pdf):
        assert "I. NỘI DUNG" in text and "II. KẾT LUẬN" in text and "III. YÊU CẦU KHẮC PHỤC" in text
        assert "IV." not in text and "V." not in text
        assert "Số 07-KL/ĐUX" in text and "Nơi nhận" in text


def test_the_inspected_cell_reads_its_inspections_as_a_list(cast):
    ends = TODAY + datetime.timedelta(days=25)
    inspection = under_way(cast, period_end=ends)

    page = cast.client("secretary").get(reverse("oversight:unit", args=[cast.cell.pk]))

    assert reverse("oversight:detail", args=[inspection.pk]) in page.text
    assert cast.commune.name in page.text and ends.strftime("%d/%m/%Y") in page.text
