"""Directives through their pages as each side uses them: what a unit is offered, where each page leads (a reader
below the issuer never meets a page closed to them), how a report on a past reporting date is reopened, and the
documents a cascade prints."""

import datetime

from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.directives import services
from soisua.directives.enums import TargetMode
from soisua.org.models import Unit
from tests.directives.test_directives import KEY_TASKS, draft, issued, period, receipt_of, report, task
from tests.files import body, docx_text, pdf_text, run_tool


def provincial_plan(cast):
    """72-KH/TU of the province, addressed to its communes."""
    return services.issue(draft(cast, issuer=cast.province, by=SYSTEM, number="72", issuer_symbol="TU",
                                tasks=KEY_TASKS[:3]), version=None, by=SYSTEM)


def test_a_cell_without_units_below_is_not_offered_a_directive_of_its_own(cast):
    directive = issued(cast)
    client = cast.client("secretary")

    receipt_page = client.get(reverse("directives:receipt", args=[receipt_of(directive, cast.cell).pk]))
    unit_page = client.get(reverse("directives:unit", args=[cast.cell.pk]))
    refused = client.get(reverse("directives:create", args=[cast.cell.pk]))

    assert receipt_page.status_code == 200
    assert reverse("directives:create", args=[cast.cell.pk]) not in receipt_page.text
    assert reverse("directives:create", args=[cast.cell.pk]) not in unit_page.text
    assert refused.status_code == 403


def test_carrying_out_a_plan_starts_from_its_key_tasks_and_cites_it_once_in_the_document(cast):
    plan = provincial_plan(cast)
    received = receipt_of(plan, cast.commune)
    client = cast.client("committee")
    receipt_page = client.get(reverse("directives:receipt", args=[received.pk]))
    create_url = reverse("directives:create", args=[cast.commune.pk]) + f"?receipt={received.pk}"

    form = client.get(create_url)
    client.post(create_url, {"kind": "HD", "number": "12", "issuer_symbol": "ĐUX", "issued_on": "20/11/2026",
                             "title": "Hướng dẫn thực hiện kế hoạch của Tỉnh ủy", "tasks": "\n".join(KEY_TASKS[:3]),
                             "basis": "Kết luận 21-KL/TW ngày 25/10/2021\nKế hoạch số 72-KH/TU ngày 20/11/2026 "
                                      "của Tỉnh ủy Thử nghiệm",
                             "report_dates": "15/12/2026", "target_mode": TargetMode.CHILDREN})
    own = plan.cascades.get()
    word = docx_text(body(client.get(reverse("directives:document", args=[own.pk, "docx"]))))

    assert reverse("directives:create", args=[cast.commune.pk]) in receipt_page.text
    assert all(text in form.text for text in KEY_TASKS[:3])
    assert "Kế hoạch số 72-KH/TU ngày 20/11/2026 của Tỉnh ủy Thử nghiệm" in form.text
    assert "Căn cứ Kết luận 21-KL/TW ngày 25/10/2021; Kế hoạch số 72-KH/TU ngày 20/11/2026" in word
    assert word.count("72-KH/TU") == 1  # typed in the basis: not cited a second time


def test_a_cascade_without_a_typed_basis_cites_the_plan_it_carries_out_by_kind_number_date_and_issuer(cast):
    plan = provincial_plan(cast)
    own = services.issue(draft(cast, parent=plan, number="12", kind="HD", tasks=KEY_TASKS[:3]), version=None,
                         by=cast.users["committee"])

    pdf = pdf_text(body(cast.client("committee").get(reverse("directives:document", args=[own.pk, "pdf"]))))

    assert "Căn cứ Kế hoạch số 72-KH/TU ngày 20/11/2026 của Tỉnh ủy Thử nghiệm," in " ".join(pdf.split())


def test_the_directives_page_lists_what_the_persons_units_issued_drafts_included(cast):
    client = cast.client("committee")
    before = client.get(reverse("directives:mine"))
    directive = draft(cast)

    after = client.get(reverse("directives:mine"))

    assert "chưa ban hành văn bản nào" in before.text
    assert reverse("directives:create", args=[cast.commune.pk]) in before.text
    assert reverse("directives:detail", args=[directive.pk]) in after.text and "Bản nháp" in after.text
    assert "chưa ban hành văn bản nào" not in after.text
    assert "Do đơn vị của đồng chí ban hành" not in cast.client("member").get(reverse("directives:mine")).text


def test_a_reader_below_the_issuer_goes_back_to_their_own_directives_not_to_the_issuers_page(cast):
    directive = issued(cast)
    issuer_page = reverse("directives:unit", args=[cast.commune.pk])

    below = cast.client("secretary").get(reverse("directives:detail", args=[directive.pk]))
    issuer = cast.client("committee").get(reverse("directives:detail", args=[directive.pk]))

    assert cast.client("secretary").get(issuer_page).status_code == 404
    assert issuer_page not in below.text
    assert f'<a href="{reverse("directives:mine")}">← Văn bản chỉ đạo</a>' in below.text
    assert issuer_page in issuer.text


def test_each_reporting_date_is_reported_from_its_own_line_and_a_filed_report_reopens_filled_in(cast):
    directive = issued(cast, report_dates=[datetime.date(2026, 12, 31), datetime.date(2027, 6, 30)])
    report(cast, directive, cast.cell, 1, 60)
    receipt = receipt_of(directive, cast.cell)
    client = cast.client("secretary")
    report_url = reverse("directives:report", args=[receipt.pk])
    first, second = period(directive, 0), period(directive, 1)

    page = client.get(reverse("directives:receipt", args=[receipt.pk]))
    reopened = client.get(f"{report_url}?task={task(directive, 1).pk}&period={first.pk}")

    assert f"{report_url}?task={task(directive, 1).pk}&amp;period={second.pk}" in page.text
    assert "Người phụ trách" in page.text and "Người có khuyết điểm" not in page.text
    assert 'value="60"' in reopened.text and "Đã tổ chức sinh hoạt chuyên đề" in reopened.text
    assert f'<option value="{first.pk}" selected>' in reopened.text


def test_progress_and_a_units_implementation_link_to_each_other_as_far_as_the_reader_may_follow(cast):
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)
    receipt_url = reverse("directives:receipt", args=[receipt.pk])
    at_cell = reverse("directives:progress", args=[directive.pk, cast.cell.pk])
    at_commune = reverse("directives:progress", args=[directive.pk, cast.commune.pk])
    for number in range(1, 14):
        report(cast, directive, cast.cell, number, 100, status="done")

    committee_progress = cast.client("committee").get(at_cell)
    committee_receipt = cast.client("committee").get(receipt_url)
    cell_progress = cast.client("secretary").get(at_cell)
    cell_receipt = cast.client("secretary").get(receipt_url)

    assert receipt_url in committee_progress.text and at_commune in committee_progress.text
    assert at_commune in committee_receipt.text
    assert receipt_url in cell_progress.text  # acknowledged and reported: no list of late units names it
    assert at_commune not in cell_progress.text and at_commune not in cell_receipt.text
    assert cast.client("secretary").get(at_commune).status_code == 404


def test_a_units_report_carries_a_number_line_left_blank_for_its_registration(cast):
    Unit.objects.filter(pk=cast.cell.pk).update(abbreviation="CB")
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)

    word = docx_text(body(cast.client("secretary").get(reverse("directives:receipts.document",
                                                               args=[receipt.pk, "docx"]))))

    assert "Số -BC/CB" in word and "Nơi nhận" in word and cast.commune.name in word


def test_the_new_directive_form_offers_directives_to_cite_only_once_there_are_some(cast):
    client = cast.client("committee")
    url = reverse("directives:create", args=[cast.commune.pk])
    nothing_to_cite = client.get(url)
    issued(cast)

    something_to_cite = client.get(url)

    assert 'name="basis_directives"' not in nothing_to_cite.text
    assert 'name="basis_directives"' in something_to_cite.text


def test_the_date_line_wraps_before_the_date_never_inside_it(cast):
    Unit.objects.filter(pk=cast.commune.pk).update(place="Thành phố Buôn Ma Thuột")
    directive = issued(cast)

    content = body(cast.client("committee").get(reverse("directives:document", args=[directive.pk, "pdf"])))

    lines = run_tool("pdftotext", "-enc", "UTF-8", "-", "-", input=content).replace("\u00a0", " ").splitlines()
    assert any("ngày 20 tháng 11 năm 2026" in line for line in lines)
