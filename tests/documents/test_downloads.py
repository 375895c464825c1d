"""One download pipeline (documents.responses.download): one route per document with its format as extension,
Word and PDF always in Vietnamese (filed papers), spreadsheets in the reader's language with the block above and
the totals below, each download named for what and whose and recorded."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from soisua.alerts.enums import AlertStatus
from soisua.audit.models import AuditEntry
from soisua.corrections import services as corrections
from soisua.documents import services
from soisua.documents.models import ImportStatus
from tests.factories import make_member
from tests.files import body, docx_text, pdf_text, read_table, read_xlsx

# Written with the review season's dates (the papers print them): the clock travels there.
pytestmark = pytest.mark.usefixtures("in_review_season")

CITIZEN_ID = "001190000001"  # the cast member's, see tests/conftest.py


def in_english(cast, who: str):
    user = cast.users[who]
    user.language = "en"
    user.save(update_fields=["language"])
    return cast.client(who)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_filed_paper_is_vietnamese_for_a_reader_who_reads_the_site_in_english(cast, fmt):
    client = in_english(cast, "secretary")

    response = client.get(reverse("documents:profile", args=[cast.members["member"].pk, fmt]))

    text = docx_text(body(response)) if fmt == "docx" else pdf_text(body(response), raw=False)
    assert "PHIẾU THÔNG TIN ĐẢNG VIÊN" in text and "Họ và tên" in text
    assert "PARTY MEMBER PROFILE" not in text and "Full name" not in text
    assert response["Content-Disposition"] == f'attachment; filename="Ly-lich-dang-vien-Tran-Thi-Binh.{fmt}"'


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_spreadsheet_is_vietnamese_for_a_reader_who_reads_the_site_in_english(cast, fmt):
    client = in_english(cast, "secretary")

    content = body(client.get(reverse("documents:roster", args=[cast.cell.pk, fmt])))

    if fmt == "csv":
        text = content.decode("utf-8-sig")
        assert "Họ và tên" in text and "Full name" not in text and "Official" not in text
        return
    rows = read_xlsx(content)
    assert rows[0][0] == "CHI BỘ THÔN 1" and rows[1][0] == "DANH SÁCH ĐẢNG VIÊN"
    assert rows[2][0].startswith("Ngày xuất: ")
    assert [value for value in rows[-1] if value != ""][:2] == ["Tổng cộng", 2]
    assert not any("Official" in str(value) or "Full name" in str(value) for row in rows for value in row)


@pytest.mark.parametrize(("url", "fmt"), [("documents:profile", "xlsx"), ("documents:profile", "csv"),
                                          ("reviews:cycles.results", "pdf"), ("oversight:dashboard.export", "csv")])
def test_a_format_the_document_does_not_come_in_is_not_found(cast, url, fmt):
    args = {"documents:profile": [cast.members["member"].pk], "oversight:dashboard.export": [cast.commune.pk],
            "reviews:cycles.results": [1]}[url]

    response = cast.client("parent_staff").get(reverse(url, args=[*args, fmt]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__endswith=".export").exists()


def test_a_format_the_product_does_not_write_has_no_route(cast):
    with pytest.raises(NoReverseMatch):
        reverse("documents:roster", args=[cast.cell.pk, "odt"])

    response = cast.client("secretary").get(f"/documents/units/{cast.cell.pk}/roster.odt")

    assert response.status_code == 404


def test_the_roster_as_csv_has_a_bom_keeps_id_numbers_and_neutralises_formulas(cast):
    make_member(cast.cell, "=HYPERLINK(\"http://x\")", citizen_id="001090000123")

    response = cast.client("secretary").get(reverse("documents:roster", args=[cast.cell.pk, "csv"]))

    text = body(response).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert text.startswith("\ufeff") and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Danh-sach-dang-vien-Chi-bo-Thon-1.csv"'
    citizen_ids = [row[rows[0].index("Số CCCD")] for row in rows[1:]]
    assert CITIZEN_ID in citizen_ids and "001090000123" in citizen_ids
    assert "'=HYPERLINK(\"http://x\")" in [row[1] for row in rows[1:]]
    [entry] = AuditEntry.objects.filter(action="documents.roster.export")
    assert entry.changes == {"format": "csv", "personal": True}


def test_the_downloaded_roster_types_dates_as_dates_and_numbers_as_text(cast):
    make_member(cast.cell, "Đinh Văn Giáp", admission_date=datetime.date(2001, 5, 19))

    content = body(cast.client("secretary").get(reverse("documents:roster", args=[cast.cell.pk, "xlsx"])))

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = next(row for row in sheet.iter_rows() if row[1].value == "Họ và tên")
    columns = {cell.value: cell.column_letter for cell in header}
    first = header[0].row + 1
    citizen_id = sheet[f"{columns['Số CCCD']}{first}"]
    [admitted] = [cell for cell in sheet[columns["Ngày vào Đảng"]][first - 1:] if cell.value is not None]
    assert admitted.value.date() == datetime.date(2001, 5, 19)
    assert (citizen_id.data_type, citizen_id.value) == ("s", CITIZEN_ID)
    assert admitted.data_type == "d" and admitted.number_format == "dd/mm/yyyy"
    assert sheet.print_title_rows == f"${header[0].row}:${header[0].row}"


def test_the_downloaded_roster_with_its_block_and_totals_imports_back_unchanged(cast):
    staff = cast.users["parent_staff"]
    content = body(cast.client("parent_staff").get(reverse("documents:roster", args=[cast.commune.pk, "xlsx"])))

    job = services.start_import(unit=cast.commune, upload=SimpleUploadedFile("danh-sach.xlsx", content), by=staff)
    job.refresh_from_db()
    services.confirm_import(job, by=staff)
    job.refresh_from_db()

    assert job.errors == []
    assert job.status == ImportStatus.DONE
    assert (job.new_count, job.updated_count, job.unchanged_count) == (0, 0, 3)


def test_the_open_corrections_sheet_is_counted_by_status_under_the_table(cast):
    corrections.record_shortcoming(unit=cast.cell, text="Sinh hoạt chưa đúng định kỳ", severity="minor",
                                   by=cast.users["secretary"])

    rows = read_xlsx(body(cast.client("parent_staff").get(
        reverse("corrections:units.export", args=[cast.commune.pk, "xlsx"]))))

    assert rows[0][0] == "ĐẢNG ỦY XÃ HÒA AN" and rows[1][0] == "HẠN CHẾ, KHUYẾT ĐIỂM CHƯA KHẮC PHỤC"
    assert [row[0] for row in rows if row[0] in ("Theo Trạng thái", "Tổng cộng")] == ["Theo Trạng thái", "Tổng cộng"]
    assert rows[-1][:2] == ["Tổng cộng", 1]


def test_the_warnings_sheet_names_the_subtree_and_its_filter(cast):
    url = reverse("alerts:unit.export", args=[cast.commune.pk, "xlsx"]) + "?status=open&check=nope"

    rows = read_xlsx(body(cast.client("parent_staff").get(url)))

    with translation.override("vi"):
        status = f"Trạng thái: {AlertStatus.OPEN.label}"
    assert [row[0] for row in rows[:5]] == ["ĐẢNG ỦY XÃ HÒA AN", "CẢNH BÁO SỚM",
                                            "Cảnh báo của Đảng ủy xã Hòa An và các đơn vị trực thuộc", status,
                                            "Ngày xuất: 20/11/2026"]
    assert read_table(body(cast.client("parent_staff").get(url)))[0][0] == "Cảnh báo"
