"""Directives: drafted and issued by a committee with numbered key tasks, acknowledged, carried out and reported by
the units addressed, their progress counted up the tree (through the services, then through the pages)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.core.errors import Conflict
from soisua.counters import rollups
from soisua.directives import queries, services
from soisua.directives.enums import TargetMode, TaskStatus
from soisua.directives.models import Amendment, Directive, Receipt
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from tests.factories import UserFactory
from tests.files import body, docx_text, pdf_text, read_table

ISSUED_ON = datetime.date(2026, 11, 20)
KEY_TASKS = [f"Nhiệm vụ trọng tâm số {number}: tự soi, tự sửa gắn với nhiệm vụ chính trị" for number in range(1, 14)]
PDF = b"%PDF-1.4\n% evidence\n"


def draft(cast, issuer=None, *, by=None, tasks=KEY_TASKS, report_dates=(datetime.date(2026, 12, 31),), **fields):
    values = {"kind": "KH", "number": "75", "issuer_symbol": "ĐUX", "issued_on": ISSUED_ON,
              "title": "Thực hiện Kết luận 21-KL/TW về tự soi, tự sửa", "target_mode": TargetMode.CHILDREN,
              **fields}
    return services.create_draft(issuer or cast.commune, tasks=list(tasks), report_dates=list(report_dates),
                                 by=by or cast.users["committee"], **values)


def issued(cast, **fields):
    directive = draft(cast, **fields)
    return services.issue(directive, version=directive.version, by=cast.users["committee"])


def receipt_of(directive, unit) -> Receipt:
    return Receipt.objects.get(directive=directive, unit=unit)


def task(directive, number):
    return directive.tasks.get(number=number)


def period(directive, index=0):
    return list(directive.periods.all())[index]


def report(cast, directive, unit, number, percent, *, index=0, by="secretary", status=TaskStatus.IN_PROGRESS):
    return services.file_report(receipt_of(directive, unit), key_task=task(directive, number),
                                period=period(directive, index), percent=percent, status=status,
                                narrative="Đã tổ chức sinh hoạt chuyên đề", by=cast.users[by])


def figures_at(directive, unit, tasks=None):
    return queries.progress(directive, unit, tasks or list(directive.tasks.all()))


# --- drafting and issuing ------------------------------------------------------------------------------------------


def test_a_committee_issues_a_plan_with_13_key_tasks_to_its_cells_whose_leaders_are_told(cast):
    directive = issued(cast)

    assert directive.symbol == "75-KH/ĐUX" and not directive.is_draft
    assert [t.number for t in directive.tasks.all()] == list(range(1, 14))
    assert set(directive.receipts.values_list("unit", flat=True)) == {cast.cell.pk, cast.sibling_cell.pk}
    told = Notification.objects.get(recipient=cast.users["secretary"], kind="directives.issued")
    assert "75-KH/ĐUX" in told.title and told.url == reverse("directives:detail", args=[directive.pk])
    assert figures_at(directive, cast.commune)["targets"] == 2
    assert figures_at(directive, cast.province)["targets"] == 2
    assert figures_at(directive, cast.cell)["targets"] == 1
    assert AuditEntry.objects.filter(action="directives.directive.issue", object_id=str(directive.pk)).exists()


def test_addressing_by_kind_and_by_chosen_units_stays_below_the_issuer(cast):
    by_kind = issued(cast, issuer=None, target_mode=TargetMode.KINDS, number="76",
                     target_kinds=[cast.cell.kind])
    chosen = issued(cast, target_mode=TargetMode.UNITS, number="77", target_units=[cast.sibling_cell])

    assert set(by_kind.receipts.values_list("unit", flat=True)) == {cast.cell.pk, cast.sibling_cell.pk}
    assert list(chosen.receipts.values_list("unit", flat=True)) == [cast.sibling_cell.pk]


@pytest.mark.parametrize(("fields", "code"), [
    ({"target_mode": TargetMode.UNITS, "target_units": "other_cell"}, "outside"),
    ({"target_mode": TargetMode.UNITS, "target_units": "commune"}, "outside"),
    ({"tasks": [f"Nhiệm vụ {n}" for n in range(10_000)]}, "too_many"),
    ({"title": "   "}, "title"),
    ({"target_mode": TargetMode.KINDS}, "target_kinds"),
])
def test_a_draft_with_bad_addressing_or_content_is_refused(cast, fields, code):
    if isinstance(fields.get("target_units"), str):
        fields = {**fields, "target_units": [getattr(cast, fields["target_units"])]}

    with pytest.raises(services.DirectiveError) as refusal:
        draft(cast, **fields)

    assert refusal.value.code == code
    assert not Directive.objects.exists()


@pytest.mark.parametrize(("change", "code"), [
    ("deadline_before_issue", "deadline"),
    ("report_before_issue", "periods"),
    ("no_number", "number"),
    ("no_tasks", "tasks"),
])
def test_issuing_refuses_dates_before_the_date_of_issue_and_incomplete_drafts(cast, change, code):
    directive = draft(cast, number="" if change == "no_number" else "75",
                      tasks=[] if change == "no_tasks" else KEY_TASKS,
                      report_dates=[ISSUED_ON - datetime.timedelta(days=1)] if change == "report_before_issue"
                      else [datetime.date(2026, 12, 31)])
    if change == "deadline_before_issue":
        first = task(directive, 1)
        first.deadline = ISSUED_ON - datetime.timedelta(days=3)
        first.save()

    with pytest.raises(services.DirectiveError) as refusal:
        services.issue(directive, version=directive.version, by=cast.users["committee"])

    assert refusal.value.code == code
    assert not Receipt.objects.exists()
    assert Directive.objects.get().is_draft


def test_a_deadline_before_the_date_of_issue_is_refused_when_set(cast):
    directive = draft(cast)

    with pytest.raises(services.DirectiveError) as refusal:
        services.set_key_task_details(task(directive, 1), deadline=datetime.date(2026, 1, 1), measure="",
                                      by=cast.users["committee"])

    assert refusal.value.code == "deadline"


def test_the_same_number_cannot_be_issued_twice_in_a_year(cast):
    earlier = draft(cast)
    again = draft(cast)
    services.issue(earlier, version=earlier.version, by=cast.users["committee"])

    with pytest.raises(services.DirectiveError) as refusal:
        services.issue(again, version=again.version, by=cast.users["committee"])

    assert refusal.value.code == "number"
    assert "75-KH/ĐUX" in refusal.value.messages[0] and earlier.title in refusal.value.messages[0]


def test_a_draft_with_a_number_already_issued_is_refused_naming_the_document(cast):
    issued(cast)

    with pytest.raises(services.DirectiveError) as refusal:
        draft(cast)

    assert refusal.value.code == "number"
    assert "75-KH/ĐUX" in refusal.value.messages[0]


def test_a_stale_draft_edit_is_refused_and_changes_nothing(cast):
    directive = draft(cast)
    services.update_draft(directive, version=directive.version, tasks=KEY_TASKS[:2],
                          report_dates=[datetime.date(2026, 12, 31)], by=cast.users["committee"],
                          kind="KH", number="75", issuer_symbol="ĐUX", issued_on=ISSUED_ON, title="Bản sửa 1",
                          target_mode=TargetMode.CHILDREN)

    with pytest.raises(Conflict):
        services.update_draft(directive, version=directive.version, tasks=KEY_TASKS,
                              report_dates=[datetime.date(2026, 12, 31)], by=cast.users["committee"],
                              kind="KH", number="75", issuer_symbol="ĐUX", issued_on=ISSUED_ON, title="Bản sửa 2",
                              target_mode=TargetMode.CHILDREN)

    directive.refresh_from_db()
    assert directive.title == "Bản sửa 1" and directive.tasks.count() == 2


def test_an_issued_directive_changes_only_by_an_amendment_with_a_reason_which_the_units_are_told(cast):
    directive = issued(cast)

    with pytest.raises(services.DirectiveError) as refusal:
        services.amend(directive, version=directive.version, reason="  ", title="Tên mới", by=cast.users["committee"])
    assert refusal.value.code == "reason"
    with pytest.raises(services.DirectiveError) as refusal:
        services.update_draft(directive, version=directive.version, tasks=KEY_TASKS, report_dates=[ISSUED_ON],
                              by=cast.users["committee"], title="Tên mới")
    assert refusal.value.code == "issued"

    services.amend(directive, version=directive.version, reason="Bổ sung căn cứ Quy định 296-QĐ/TW",
                   basis="Quy định 296-QĐ/TW", by=cast.users["committee"])

    amendment = Amendment.objects.get()
    assert amendment.reason == "Bổ sung căn cứ Quy định 296-QĐ/TW" and "basis" in amendment.changes
    assert Notification.objects.filter(recipient=cast.users["secretary"], kind="directives.amended").exists()
    services.set_key_task_details(task(directive, 2), deadline=datetime.date(2027, 3, 31), measure="100 % chi bộ",
                                  reason="Gia hạn theo đề nghị của các chi bộ", by=cast.users["committee"])
    assert Amendment.objects.count() == 2
    with pytest.raises(services.DirectiveError):
        services.set_key_task_details(task(directive, 3), deadline=None, measure="Khác", by=cast.users["committee"])


# --- receiving, reporting, progress -------------------------------------------------------------------------------


def test_reports_roll_up_per_key_task_to_every_level_in_the_same_transaction(cast):
    directive = issued(cast)
    services.acknowledge(receipt_of(directive, cast.cell), by=cast.users["secretary"])
    report(cast, directive, cast.cell, 1, 60)
    report(cast, directive, cast.cell, 2, 100, status=TaskStatus.DONE)
    report(cast, directive, cast.sibling_cell, 1, 20, by="committee")
    report(cast, directive, cast.cell, 1, 80)  # filed again for the same period: replaces the 60

    at_commune = figures_at(directive, cast.commune)
    assert at_commune["tasks"][1] == 50  # (80 + 20) / 2 units
    assert at_commune["tasks"][2] == 50  # (100 + 0) / 2
    assert at_commune["tasks"][3] == 0
    assert at_commune["acknowledged"] == 2  # reporting acknowledges
    assert at_commune["reported"] == {str(period(directive).pk): 2}
    assert figures_at(directive, cast.cell)["tasks"][1] == 80
    assert figures_at(directive, cast.province)["tasks"] == at_commune["tasks"]
    assert rollups.rebuild(["dir."]) == {"dir.": 0}  # what the writes kept equals a recount


def test_a_later_period_becomes_the_current_figure_and_an_older_correction_does_not(cast):
    directive = issued(cast, report_dates=[datetime.date(2026, 12, 31), datetime.date(2027, 6, 30)])
    report(cast, directive, cast.cell, 1, 40, index=0)
    report(cast, directive, cast.cell, 1, 90, index=1)
    report(cast, directive, cast.cell, 1, 50, index=0)

    assert figures_at(directive, cast.cell)["tasks"][1] == 90
    assert rollups.rebuild(["dir."]) == {"dir.": 0}


@pytest.mark.parametrize(("percent", "status"), [(101, TaskStatus.IN_PROGRESS), (-1, TaskStatus.IN_PROGRESS),
                                                 (80, TaskStatus.DONE), (10, TaskStatus.NOT_STARTED)])
def test_a_report_over_100_percent_or_contradicting_its_status_is_refused(cast, percent, status):
    directive = issued(cast)

    with pytest.raises(services.DirectiveError):
        report(cast, directive, cast.cell, 1, percent, status=status)

    assert not directive.receipts.filter(reports__isnull=False).exists()
    assert figures_at(directive, cast.commune)["tasks"][1] == 0


def test_a_unit_plans_its_own_tasks_with_an_owner_and_evidence_from_itself_only(cast):
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)

    own = services.add_task(receipt, key_task=task(directive, 4), text="Sinh hoạt chuyên đề quý I",
                            owner=cast.members["member"], deadline=datetime.date(2027, 3, 31),
                            by=cast.users["secretary"])

    assert own.key_task.number == 4 and receipt_of(directive, cast.cell).acknowledged_at is not None
    with pytest.raises(services.DirectiveError) as refusal:
        services.add_task(receipt, key_task=task(directive, 4), text="Giao cho người chi bộ khác",
                          owner=cast.members["sibling"], by=cast.users["secretary"])
    assert refusal.value.code == "owner"


def test_a_unit_carries_out_a_directive_with_its_own_linked_to_it_and_its_cells_report_on_that(cast):
    plan = services.issue(draft(cast, issuer=cast.province, by=SYSTEM, number="72", issuer_symbol="TU"),
                          version=None, by=SYSTEM)
    received = receipt_of(plan, cast.commune)
    services.acknowledge(received, by=cast.users["committee"])

    own = services.issue(draft(cast, parent=plan, number="12", kind="HD", issuer_symbol="ĐUX",
                               tasks=KEY_TASKS[:3]), version=None, by=cast.users["committee"])
    report(cast, own, cast.cell, 1, 100, status=TaskStatus.DONE)

    assert own.parent == plan and list(queries.cascades_of(plan, cast.commune)) == [own]
    assert figures_at(own, cast.commune)["tasks"][1] == 50
    assert figures_at(plan, cast.province)["acknowledged"] == 1
    with pytest.raises(services.DirectiveError) as refusal:
        draft(cast, issuer=cast.cell, by=cast.users["secretary"], parent=own.parent)
    assert refusal.value.code == "parent"


# --- reminders --------------------------------------------------------------------------------------------------


def test_units_are_reminded_before_and_on_the_reporting_date_and_the_level_above_after(cast, settings):
    settings.DIRECTIVE_REMIND_DAYS_BEFORE = 3
    settings.DIRECTIVE_ESCALATE_DAYS = 7
    due = datetime.date(2026, 12, 31)
    directive = issued(cast, report_dates=[due])
    report(cast, directive, cast.sibling_cell, 1, 10, by="committee")

    before = services.send_directive_reminders(due - datetime.timedelta(days=3))
    on_the_day = services.send_directive_reminders(due)
    again = services.send_directive_reminders(due)
    late = services.send_directive_reminders(due + datetime.timedelta(days=7))

    assert before["before"] == 1 and on_the_day["due"] == 1 and again["due"] == 0  # only the cell had not reported
    assert Notification.objects.filter(recipient=cast.users["secretary"], kind="directives.report_due").count() == 2
    assert late["superior"] == 2  # the commune's committee and its staff
    assert Notification.objects.filter(recipient=cast.users["parent_staff"], kind="directives.report_due").exists()


def test_a_directive_not_acknowledged_after_the_set_days_is_reminded_once(cast, settings):
    settings.DIRECTIVE_ACKNOWLEDGE_DAYS = 5
    directive = issued(cast)
    services.acknowledge(receipt_of(directive, cast.sibling_cell), by=cast.users["committee"])
    day = timezone.localdate(directive.issued_at)

    assert services.send_directive_reminders(day + datetime.timedelta(days=4))["acknowledge"] == 0
    assert services.send_directive_reminders(day + datetime.timedelta(days=5))["acknowledge"] == 1
    assert services.send_directive_reminders(day + datetime.timedelta(days=6))["acknowledge"] == 0


# --- pages --------------------------------------------------------------------------------------------------------


def directive_form(**values):
    return {"kind": "KH", "number": "75", "issuer_symbol": "ĐUX", "issued_on": "20/11/2026",
            "title": "Thực hiện Kết luận 21-KL/TW", "tasks": "\n".join(KEY_TASKS), "report_dates": "31/12/2026",
            "target_mode": TargetMode.CHILDREN, **values}


def test_the_committee_drafts_and_issues_through_the_pages_and_bad_dates_keep_what_was_typed(cast):
    client = cast.client("committee")
    url = reverse("directives:create", args=[cast.commune.pk])

    refused = client.post(url, directive_form(report_dates="31/12/2026\nngày mai"))
    assert refused.status_code == 200 and "ngày mai" in refused.text and KEY_TASKS[12] in refused.text
    assert not Directive.objects.exists()

    created = client.post(url, directive_form())
    directive = Directive.objects.get()
    assert created.url == reverse("directives:detail", args=[directive.pk])
    page = client.get(created.url)
    assert KEY_TASKS[12] in page.text and "75-KH/ĐUX" in page.text
    client.post(reverse("directives:issue", args=[directive.pk]), {"version": directive.version})
    assert Directive.objects.get().status == "issued"


def test_the_progress_page_names_who_has_not_acknowledged_and_reminds_them(cast):
    directive = issued(cast)
    report(cast, directive, cast.sibling_cell, 1, 100, by="committee", status=TaskStatus.DONE)
    client = cast.client("committee")
    url = reverse("directives:progress", args=[directive.pk, cast.commune.pk])

    page = client.get(url)
    client.post(reverse("directives:remind", args=[directive.pk, cast.commune.pk]))

    assert page.status_code == 200 and cast.cell.name in page.text.split("Chưa xác nhận")[1]
    assert "50 %" in page.text
    assert Notification.objects.filter(recipient=cast.users["secretary"], kind="directives.reminder").exists()


def test_the_cell_acknowledges_and_reports_with_evidence_through_its_page(cast):
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)
    client = cast.client("secretary")

    client.post(reverse("directives:acknowledge", args=[receipt.pk]))
    filed = client.post(reverse("directives:report", args=[receipt.pk]), {
        "key_task": task(directive, 3).pk, "period": period(directive).pk, "status": TaskStatus.IN_PROGRESS,
        "percent": "70", "narrative": "Đã triển khai", "evidence": SimpleUploadedFile("bien-ban.pdf", PDF)})
    too_much = client.post(reverse("directives:report", args=[receipt.pk]), {
        "key_task": task(directive, 3).pk, "period": period(directive).pk, "status": TaskStatus.IN_PROGRESS,
        "percent": "150", "narrative": "Giữ lại chữ này"})

    assert filed.status_code == 302 and receipt_of(directive, cast.cell).acknowledged_at is not None
    assert too_much.status_code == 200 and "Giữ lại chữ này" in too_much.text
    page = client.get(reverse("directives:receipt", args=[receipt.pk]))
    assert "70 %" in page.text
    report_pk = receipt.reports.get().pk
    download = client.get(reverse("directives:reports.evidence", args=[report_pk]))
    assert b"".join(download.streaming_content) == PDF


def test_a_sibling_reads_the_directive_but_not_another_cells_implementation(cast):
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)
    sibling_secretary = UserFactory(username="sibling_secretary")
    org_services.grant_role(sibling_secretary, unit=cast.sibling_cell, role=Role.SECRETARY, by=SYSTEM)
    sibling = cast.client("sibling")
    sibling.force_login(sibling_secretary)

    assert sibling.get(reverse("directives:detail", args=[directive.pk])).status_code == 200
    assert sibling.get(reverse("directives:receipt", args=[receipt.pk])).status_code == 404
    assert sibling.post(reverse("directives:acknowledge", args=[receipt.pk])).status_code == 404
    assert cast.client("member").get(reverse("directives:detail", args=[directive.pk])).status_code == 200
    assert cast.client("unrelated_staff").get(reverse("directives:detail", args=[directive.pk])).status_code == 404
    assert cast.client("member").post(reverse("directives:acknowledge", args=[receipt.pk])).status_code == 403


def test_a_draft_without_a_number_is_named_by_its_kind_not_by_a_stray_dash(cast):
    directive = draft(cast, number="")

    detail = cast.client("committee").get(reverse("directives:detail", args=[directive.pk])).text
    listed = cast.client("committee").get(reverse("directives:unit", args=[cast.commune.pk])).text

    assert "-KH/ĐUX" not in detail and "-KH/ĐUX" not in listed
    assert "Chưa có số" in detail
    assert f'href="{reverse("directives:detail", args=[directive.pk])}">Kế hoạch</a>' in listed


def test_a_draft_is_seen_only_by_its_issuer_and_the_levels_above(cast):
    directive = draft(cast)
    url = reverse("directives:detail", args=[directive.pk])

    assert cast.client("committee").get(url).status_code == 200
    assert cast.client("admin").get(url).status_code == 200
    assert cast.client("secretary").get(url).status_code == 404
    assert cast.client("secretary").post(reverse("directives:issue", args=[directive.pk])).status_code == 404
    assert cast.client("admin").post(reverse("directives:issue", args=[directive.pk])).status_code == 403


def test_a_directive_to_more_units_than_told_inline_tells_them_once_it_committed(cast, settings,
                                                                                   django_capture_on_commit_callbacks):
    settings.DIRECTIVE_NOTIFY_INLINE = 1

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issued(cast)
        assert not Notification.objects.filter(kind="directives.issued").exists()
    for callback in callbacks:
        callback()

    assert Notification.objects.filter(recipient=cast.users["secretary"], kind="directives.issued").exists()


# --- documents ----------------------------------------------------------------------------------------------------


def test_the_directive_downloads_as_word_and_pdf_in_the_party_layout_with_its_key_tasks_and_recipients(cast):
    directive = issued(cast, basis="Kết luận 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương")
    client = cast.client("secretary")

    response = client.get(reverse("directives:document", args=[directive.pk, "docx"]))
    word = docx_text(body(response))
    pdf = pdf_text(body(client.get(reverse("directives:document", args=[directive.pk, "pdf"]))))

    assert response["Content-Disposition"].startswith('attachment; filename="75-KH-DUX-')
    for text in (word, pdf):
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Số 75-KH/ĐUX" in text
        assert "KẾ HOẠCH" in text and "Căn cứ Kết luận 21-KL/TW" in text
        assert "13. Nhiệm vụ trọng tâm số 13" in text
        assert "Nơi nhận" in text and cast.province.name in text


def test_a_cell_report_reads_back_with_each_key_tasks_latest_percent(cast):
    directive = issued(cast)
    report(cast, directive, cast.cell, 2, 40)
    receipt = receipt_of(directive, cast.cell)

    word = docx_text(body(cast.client("secretary").get(reverse("directives:receipts.document",
                                                               args=[receipt.pk, "docx"]))))

    assert "BÁO CÁO" in word and "Kết quả thực hiện 75-KH/ĐUX" in word
    assert "40 %" in word and "Đã tổ chức sinh hoạt chuyên đề" in word and "Chưa báo cáo" in word


def test_the_progress_table_has_one_row_per_unit_addressed_in_the_focus_subtree(cast):
    directive = issued(cast)
    report(cast, directive, cast.cell, 1, 60)
    services.acknowledge(receipt_of(directive, cast.sibling_cell), by=cast.users["committee"])

    response = cast.client("committee").get(reverse("directives:progress.export",
                                                    args=[directive.pk, cast.commune.pk, "xlsx"]))
    rows = read_table(body(response))
    cell_only = read_table(body(cast.client("secretary").get(reverse("directives:progress.export",
                                                                     args=[directive.pk, cast.cell.pk, "xlsx"]))))

    by_unit = {row[0]: row for row in rows[1:]}
    assert set(by_unit) == {cast.cell.name, cast.sibling_cell.name}
    assert by_unit[cast.cell.name][2] == 60 and by_unit[cast.cell.name][-1] == 5  # 60 / 13 key tasks
    assert by_unit[cast.sibling_cell.name][1] is not None  # acknowledged
    assert [row[0] for row in cell_only[1:]] == [cast.cell.name]


def test_two_leaders_filing_the_same_report_at_once_never_overwrite_each_other_silently(cast):
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)
    values = {"key_task": task(directive, 1), "period": period(directive), "status": TaskStatus.IN_PROGRESS}
    services.file_report(receipt, percent=30, narrative="Bản của bí thư", version=0, by=cast.users["secretary"],
                         **values)

    with pytest.raises(Conflict):  # opened before the first was filed
        services.file_report(receipt, percent=60, narrative="Bản của cấp ủy", version=0, by=cast.users["committee"],
                             **values)
    with pytest.raises(Conflict):  # opened on a version since replaced
        filed = receipt.reports.get()
        services.file_report(receipt, percent=40, version=filed.version, by=cast.users["secretary"], **values)
        services.file_report(receipt, percent=50, version=filed.version, by=cast.users["secretary"], **values)

    assert receipt.reports.get().narrative == "" and receipt.reports.get().percent == 40
    assert figures_at(directive, cast.commune)["tasks"][1] == 20  # 40 / 2 units, nothing counted twice


def test_the_communes_secretary_opens_its_cells_implementation_from_the_progress_page(cast):
    directive = issued(cast)
    commune_secretary = UserFactory(username="bithu_xa")
    org_services.grant_role(commune_secretary, unit=cast.commune, role=Role.SECRETARY, by=SYSTEM)
    client = cast.client("anonymous")
    client.force_login(commune_secretary)

    assert client.get(reverse("directives:receipt", args=[receipt_of(directive, cast.cell).pk])).status_code == 200
    assert client.post(reverse("directives:acknowledge",
                               args=[receipt_of(directive, cast.cell).pk])).status_code == 403
