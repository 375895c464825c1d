"""Importing dues payments from a file: every row checked (members of the subtree only, months inside the cell's
record and not to come, whole amounts, references used once), the preview (new, recorded already, conflicts), the
payments recorded all at once with their channel and reference, and the same file imported again changing nothing."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.documents.imports import RosterImportError
from soisua.dues import imports, services
from soisua.dues.enums import PaymentChannel, add_months, label, month_of
from soisua.dues.models import Payment
from soisua.org import services as org
from soisua.org.enums import MemberStatus
from soisua.org.models import CellMembership
from tests.factories import make_member

HEADER = "Đảng viên,Tháng,Số tiền,Mã giao dịch,Ngày nộp,Hình thức"


def months_ago(count: int) -> datetime.date:
    return add_months(month_of(timezone.localdate()), -count)


def today_text() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def csv_file(*lines: str, header: str = HEADER, name: str = "payments.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([header, *lines]).encode("utf-8"), content_type="text/csv")


def line(member, month: datetime.date, amount="50000", reference="", channel="") -> str:
    return f"{member.card_number},{label(month)},{amount},{reference},{today_text()},{channel}"


@pytest.fixture
def recording(cast):
    """Both cells of the commune record dues from three months ago; the cast joined them a year ago."""
    for cell in (cast.cell, cast.sibling_cell):
        services.start_recording(cell, month=months_ago(3), by=SYSTEM)
    CellMembership.objects.update(started_on=months_ago(12))
    return cast


def check(unit, *lines, **kwargs) -> imports.PaymentsPlan:
    return services.check_payments_file(csv_file(*lines, **kwargs), unit=unit)


def test_the_preview_sorts_new_payments_those_recorded_already_and_conflicts(recording):
    cast = recording
    member, secretary = cast.members["member"], cast.members["secretary"]
    services.record_payment(member, month=months_ago(2), amount=50_000, collected_on=timezone.localdate(), by=SYSTEM)
    services.record_payment(secretary, month=months_ago(2), amount=60_000, collected_on=timezone.localdate(),
                            by=SYSTEM)

    plan = check(cast.cell, line(member, months_ago(1), reference="GD-1"),
                 line(secretary, months_ago(1), amount="60.000", reference="GD-2"),
                 line(member, months_ago(2), reference="GD-3"),
                 line(secretary, months_ago(2), amount="65000", reference="GD-4"))

    assert [(new.row, new.member, new.month, new.amount, new.channel) for new in plan.new] == [
        (2, member, months_ago(1), 50_000, PaymentChannel.PORTAL),
        (3, secretary, months_ago(1), 60_000, PaymentChannel.PORTAL)]
    assert [row for row, _payment in plan.skipped] == [4]
    assert [(error.row, error.column, error.code) for error in plan.conflicts] == [(5, "amount", "other_amount")]
    assert "65.000" in plan.conflicts[0].message and "60.000" in plan.conflicts[0].message
    assert not plan.errors and not plan.is_valid


@pytest.mark.parametrize(("row", "column", "code"), [
    ("{other},{month},50000,GD-9,{today},", "member", "unknown_member"),
    ("999999,{month},50000,GD-9,{today},", "member", "unknown_member"),
    ("{card},{before},50000,GD-9,{today},", "month", "before_book"),
    ("{card},{future},50000,GD-9,{today},", "month", "future_month"),
    ("{card},13/2026,50000,GD-9,{today},", "month", "bad_month"),
    ("{card},{month},0,GD-9,{today},", "amount", "bad_amount"),
    ("{card},{month},50000.5,GD-9,{today},", "amount", "bad_amount"),
    ("{card},{month},-5000,GD-9,{today},", "amount", "bad_amount"),
    ("{card},{month},500000000,GD-9,{today},", "amount", "too_large"),
    ("{card},{month},50000,,{today},", "reference", "no_reference"),
    ("{card},{month},50000,GD-9,{tomorrow},", "paid_on", "future_date"),
    ("{card},{month},50000,GD-9,31/02/2026,", "paid_on", "bad_date"),
    ("{card},{month},50000,GD-9,{today},séc", "channel", "bad_channel"),
    ("{card},{month},50000,=HYPERLINK(1),{today},", "reference", "formula"),
    (",{month},50000,GD-9,{today},", "member", "required"),
])
def test_a_bad_row_is_refused_with_its_column_and_reason(recording, row, column, code):
    cast = recording
    text = row.format(other=cast.members["other"].card_number, card=cast.members["member"].card_number,
                      month=label(months_ago(1)), before=label(months_ago(4)), future=label(months_ago(-1)),
                      today=today_text(),
                      tomorrow=(timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y"))

    plan = check(cast.cell, text)

    assert [(error.row, error.column, error.code) for error in plan.errors] == [(2, column, code)]
    assert plan.errors[0].message
    assert not plan.new and not plan.is_valid


def test_a_reference_is_used_once_in_the_file_and_once_in_the_record(recording):
    cast = recording
    member, secretary = cast.members["member"], cast.members["secretary"]
    services.record_payment(secretary, month=months_ago(3), amount=50_000, collected_on=timezone.localdate(),
                            by=SYSTEM, reference="GD-OLD")

    plan = check(cast.cell, line(member, months_ago(1), reference="GD-1"),
                 line(secretary, months_ago(1), reference="GD-1"),
                 line(member, months_ago(2), reference="GD-OLD"),
                 line(member, months_ago(1), reference="GD-5"))

    assert [(error.row, error.column, error.code) for error in [*plan.errors, *plan.conflicts]] == [
        (3, "reference", "duplicate"), (5, "month", "duplicate"), (4, "reference", "reference_used")]
    assert "Lê Văn Cường" in plan.conflicts[0].message


def test_members_are_found_by_card_or_citizen_id_within_the_subtree_and_their_name_must_match(recording):
    cast = recording
    member, sibling = cast.members["member"], cast.members["sibling"]
    header = "STT,Đảng viên,Họ và tên,Tháng,Số tiền,Mã giao dịch,Ngày nộp"

    plan = check(cast.commune,
                 f"1,{member.citizen_id},tran thi binh,{label(months_ago(1))},50000,GD-1,{today_text()}",
                 f"2,{sibling.card_number},Phạm Thị Dung,{label(months_ago(1))},50000,GD-2,{today_text()}",
                 f"3,{member.card_number},Nguyễn Văn Khác,{label(months_ago(2))},50000,GD-3,{today_text()}",
                 header=header)

    assert [(new.member, new.month) for new in plan.new] == [(member, months_ago(1)), (sibling, months_ago(1))]
    assert [(error.row, error.column, error.code) for error in plan.errors] == [(4, "full_name", "name")]
    assert "Trần Thị Bình" in plan.errors[0].message


def test_a_cell_that_does_not_record_dues_and_a_member_who_left_are_refused(recording):
    cast = recording
    left = make_member(cast.cell, "Đỗ Văn Đi")
    org.change_member_status(left, status=MemberStatus.LEFT, reason="Chuyển đi", by=SYSTEM)
    elsewhere = make_member(cast.other_cell, "Đinh Văn Xa")

    plan = check(cast.province, line(elsewhere, months_ago(1), reference="GD-1"),
                 line(left, months_ago(1), reference="GD-2"))

    assert [(error.row, error.column, error.code) for error in plan.errors] == [
        (2, "member", "no_book"), (3, "member", "left")]


def test_a_month_before_the_member_joined_the_cell_or_the_party_is_refused(recording):
    """The cell's page counts a member's months from their admission and their joining the cell: an imported month
    before would be recorded and never counted there."""
    cast = recording
    moved = make_member(cast.sibling_cell, "Phan Văn Chuyển", joined_on=months_ago(12))
    org.transfer_member(moved, to_cell=cast.cell, on=months_ago(1) + datetime.timedelta(days=9), by=SYSTEM)
    admitted = make_member(cast.cell, "Lý Thị Mới", admission_date=months_ago(1) + datetime.timedelta(days=3),
                           joined_on=months_ago(1) + datetime.timedelta(days=3))

    plan = check(cast.commune, line(moved, months_ago(2), reference="GD-1"),
                 line(moved, months_ago(1), reference="GD-2"),
                 line(admitted, months_ago(2), reference="GD-3"))

    assert [(error.row, error.column, error.code) for error in plan.errors] == [
        (2, "month", "before_member"), (4, "month", "before_member")]
    assert [new.row for new in plan.new] == [3]
    joined = (months_ago(1) + datetime.timedelta(days=9)).strftime("%d/%m/%Y")
    assert f"chuyển đến chi bộ ngày {joined}" in plan.errors[0].message
    assert f"{cast.cell.name} từ {label(months_ago(1))}" in plan.errors[1].message


@pytest.mark.parametrize(("content", "name", "code"), [
    (HEADER + ",Ghi chú\n{card},{month},50000,GD-1,{today},,x", "payments.csv", "unknown_column"),
    ("Đảng viên,Số tiền\n{card},50000", "payments.csv", "missing_column"),
    ("", "payments.csv", "empty"),
    (HEADER + "\n", "payments.csv", "no_rows"),
    ("x", "payments.pdf", "file_type"),
])
def test_a_file_refused_as_a_whole_says_why(recording, content, name, code):
    cast = recording
    text = content.format(card=cast.members["member"].card_number, month=label(months_ago(1)), today=today_text())
    upload = SimpleUploadedFile(name, text.encode("utf-8"))

    with pytest.raises(RosterImportError) as refused:
        services.check_payments_file(upload, unit=cast.cell)

    assert refused.value.code == code
    if code == "unknown_column":
        assert "Ghi chú" in refused.value.messages[0]


def test_a_workbook_is_read_with_its_month_and_day_cells_as_dates(recording):
    cast = recording
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Đảng viên", "Tháng", "Số tiền", "Mã giao dịch", "Ngày nộp", "Hình thức"])
    sheet.append([cast.members["member"].card_number, months_ago(1), 50000, "GD-X", timezone.localdate(),
                  "Tiền mặt"])
    output = io.BytesIO()
    workbook.save(output)

    plan = services.check_payments_file(SimpleUploadedFile("payments.xlsx", output.getvalue()), unit=cast.cell)

    assert [(new.month, new.amount, new.paid_on, new.channel) for new in plan.new] == [
        (months_ago(1), 50_000, timezone.localdate(), PaymentChannel.CASH)]


def test_applying_records_every_payment_with_its_channel_and_reference_and_again_changes_nothing(recording):
    cast = recording
    member, secretary = cast.members["member"], cast.members["secretary"]
    rows = check(cast.cell, line(member, months_ago(1), reference="GD-1"),
                 line(secretary, months_ago(1), amount="60000", reference="GD-2", channel="Tiền mặt")).rows
    staff = cast.users["secretary"]

    plan = services.import_payments(rows, under=cast.cell, by=staff)
    again = services.import_payments(check(cast.cell, line(member, months_ago(1), reference="GD-1"),
                                           line(secretary, months_ago(1), amount="60000", reference="GD-2",
                                                channel="Tiền mặt")).rows, under=cast.cell, by=staff)

    stored = {(payment.member, payment.month): (payment.amount, payment.channel, payment.reference,
                                                payment.collected_on)
              for payment in Payment.objects.all()}
    assert stored == {(member, months_ago(1)): (50_000, PaymentChannel.PORTAL, "GD-1", timezone.localdate()),
                      (secretary, months_ago(1)): (60_000, PaymentChannel.CASH, "GD-2", timezone.localdate())}
    assert len(plan.new) == 2 and not again.new and len(again.skipped) == 2
    assert AuditEntry.objects.filter(action="dues.paid").count() == 2
    assert list(AuditEntry.objects.filter(action="dues.imported").values_list("changes", flat=True)) == [
        {"recorded": 2, "skipped": 0}]


def test_a_row_that_conflicts_when_applied_refuses_the_whole_file(recording):
    cast = recording
    member, secretary = cast.members["member"], cast.members["secretary"]
    rows = check(cast.cell, line(member, months_ago(1), reference="GD-1"),
                 line(secretary, months_ago(1), reference="GD-2")).rows
    # Collected in cash meanwhile, at another amount.
    services.record_payment(secretary, month=months_ago(1), amount=70_000, collected_on=timezone.localdate(),
                            by=SYSTEM)

    with pytest.raises(services.PaymentsImportError) as refused:
        services.import_payments(rows, under=cast.cell, by=cast.users["secretary"])

    assert [(error.row, error.column) for error in refused.value.plan.conflicts] == [(3, "amount")]
    assert list(Payment.objects.values_list("member", "amount")) == [(secretary.pk, 70_000)]


# --- the page -------------------------------------------------------------------------------------------------


def test_the_secretary_checks_a_file_then_records_it(recording):
    cast = recording
    client = cast.client("secretary")
    url = reverse("dues:import", args=[cast.cell.pk])
    member = cast.members["member"]

    preview = client.post(url, {"file": csv_file(line(member, months_ago(1), reference="GD-1"))})
    assert [new.member for new in preview.context["plan"].new] == [member]
    assert "Trần Thị Bình" in preview.content.decode()
    assert not Payment.objects.exists()
    plan = preview.context["confirm"]["plan"].value()

    done = client.post(url, {"plan": plan}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("dues:cell", args=[cast.cell.pk])
    assert list(Payment.objects.values_list("member", "reference")) == [(member.pk, "GD-1")]


def test_a_file_with_a_conflict_offers_no_confirmation(recording):
    cast = recording
    member = cast.members["member"]
    services.record_payment(member, month=months_ago(1), amount=40_000, collected_on=timezone.localdate(),
                            by=SYSTEM)

    response = cast.client("secretary").post(reverse("dues:import", args=[cast.cell.pk]), {
        "file": csv_file(line(member, months_ago(1), reference="GD-1"),
                         line(cast.members["secretary"], months_ago(1), reference="GD-2"))})

    assert "confirm" not in response.context
    assert response.context["plan"].conflicts
    assert Payment.objects.count() == 1


def test_a_confirmation_made_for_someone_else_is_refused(recording):
    cast = recording
    url = reverse("dues:import", args=[cast.cell.pk])
    preview = cast.client("secretary").post(url, {
        "file": csv_file(line(cast.members["member"], months_ago(1), reference="GD-1"))})

    response = cast.client("parent_staff").post(reverse("dues:import", args=[cast.commune.pk]),
                                                {"plan": preview.context["confirm"]["plan"].value()})

    assert response.status_code == 200 and not Payment.objects.exists()


@pytest.mark.parametrize(("who", "unit", "status"), [
    ("secretary", "cell", 200), ("parent_staff", "commune", 200), ("committee", "commune", 200),
    ("member", "cell", 403), ("inspector", "commune", 403), ("sibling", "cell", 404),
    ("unrelated_staff", "commune", 404), ("secretary", "commune", 404),
])
def test_who_may_import_payments(recording, who, unit, status):
    cast = recording
    response = cast.client(who).get(reverse("dues:import", args=[getattr(cast, unit).pk]))
    assert response.status_code == status


def test_the_committee_page_links_to_the_import_for_its_staff_only(recording):
    cast = recording
    url = reverse("org:units.detail", args=[cast.commune.pk])
    link = reverse("dues:import", args=[cast.commune.pk])

    assert link in cast.client("parent_staff").get(url).content.decode()
    assert link not in cast.client("inspector").get(url).content.decode()


def test_the_members_page_says_how_each_payment_was_made(recording):
    cast = recording
    member = cast.members["member"]
    services.import_payments(check(cast.cell, line(member, months_ago(1), reference="GD-1")).rows, under=cast.cell,
                             by=cast.users["secretary"])
    services.record_payment(member, month=months_ago(2), amount=50_000, collected_on=timezone.localdate(), by=SYSTEM)

    page = cast.client("member").get(reverse("dues:member", args=[member.pk])).content.decode()

    assert "Qua Cổng Dịch vụ công quốc gia" in page and "GD-1" in page
    assert "Nộp tiền mặt cho chi bộ" in page
