import datetime
import io
import zipfile

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from python_calamine import CalamineWorkbook

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.documents import exports, imports
from soisua.documents.writers import Column, csv_cell, write_csv, write_xlsx
from soisua.org import services
from soisua.org.enums import MemberStatus, PostKind
from tests.factories import make_member
from tests.files import body, pdf_text, read_xlsx

CITIZEN_ID = "001190000001"  # the cast member's, see tests/conftest.py


def headers(personal: bool, language: str = "vi") -> list[str]:
    with translation.override(language):
        return [str(column.header) for column in exports.roster_columns(personal)]


def roster_table(content: bytes) -> list[list]:
    """The table of a downloaded roster: from its header row (under the block) to the row before its totals."""
    rows = read_xlsx(content)
    start = next(index for index, row in enumerate(rows) if row[1] in ("Họ và tên", "Full name"))
    end = next(index for index, row in enumerate(rows) if row[0] in ("Tổng cộng", "Total"))
    return rows[start:end]


def roster_audit_entries(unit) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="documents.roster.export", object_id=str(unit.pk)))


# Writers ------------------------------------------------------------------------------------------------------


def test_write_xlsx_stores_formula_like_text_as_text():
    columns = [Column("name", "Name"), Column("born", "Born", "date"), Column("number", "No.", "number")]

    content = write_xlsx(columns, [["=1+1", datetime.date(1980, 2, 1), 1], ["@SUM(A1)", None, 2]])

    assert read_xlsx(content) == [["Name", "Born", "No."], ["=1+1", datetime.date(1980, 2, 1), 1.0],
                                  ["@SUM(A1)", "", 2.0]]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert 'topLeftCell="A2"' in sheet  # the header row is frozen


def test_write_xlsx_without_rows_has_the_header_and_a_safe_sheet_name():
    content = write_xlsx([Column("name", "Họ và tên")], [], sheet_name="TN/HA:1")

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert workbook.sheet_names == ["TN-HA-1"]
    assert workbook.get_sheet_by_index(0).to_python() == [["Họ và tên"]]
    workbook.close()


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+84912345678", "'+84912345678"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Trần Thị Bình", "Trần Thị Bình"), (datetime.date(2023, 3, 6), "06/03/2023"),
    (None, ""), (-2, "-2"),
])
def test_csv_cell_neutralises_formulas(value, expected):
    text = csv_cell(value)

    assert text == expected


def test_write_csv_has_bom_header_and_rows():
    columns = [Column("name", "Họ và tên"), Column("born", "Ngày sinh", "date")]

    content = write_csv(columns, [["=1+1", datetime.date(1980, 2, 1)]])

    assert content.decode("utf-8") == "\ufeffHọ và tên,Ngày sinh\r\n'=1+1,01/02/1980\r\n"


def test_write_csv_streams_into_a_text_file():
    output = io.StringIO()

    result = write_csv([Column("name", "Name")], [["An"]], output)

    assert result is None
    assert output.getvalue() == "\ufeffName\r\nAn\r\n"


# Row generator -------------------------------------------------------------------------------------------------


def test_roster_columns_without_personal_data_leave_out_personal_columns():
    keys = [column.key for column in exports.roster_columns(False)]

    assert keys == ["number", "full_name", "sex", "admission_date", "official_date", "in_political_system", "cell_code",
                    "cell", "status"]


def test_roster_rows_follow_cell_order_then_vietnamese_name_order(cast):
    make_member(cast.sibling_cell, "Nguyễn Văn An")
    make_member(cast.cell, "Đỗ Văn Ánh")
    left = make_member(cast.cell, "Vũ Văn Bảo")
    services.change_member_status(left, status=MemberStatus.LEFT, by=SYSTEM)

    rows = list(exports.roster_rows(cast.commune, personal=False))

    # Thôn 1 before Thôn 2; within a cell by given name (Ánh, Bình, Cường), people who left not at all.
    assert [(row[0], row[1], row[-2]) for row in rows] == [
        (1, "Đỗ Văn Ánh", "Chi bộ Thôn 1"), (2, "Trần Thị Bình", "Chi bộ Thôn 1"),
        (3, "Lê Văn Cường", "Chi bộ Thôn 1"), (4, "Nguyễn Văn An", "Chi bộ Thôn 2"),
        (5, "Phạm Thị Dung", "Chi bộ Thôn 2"),
    ]


def test_roster_rows_with_personal_data_keep_dates_as_dates(cast):
    make_member(cast.other_cell, "Ngô Thị Hoa", date_of_birth=datetime.date(1990, 5, 4), citizen_id="001190000099")

    rows = list(exports.roster_rows(cast.other_commune, personal=True))

    keys = [column.key for column in exports.roster_columns(True)]
    hoa = dict(zip(keys, rows[1], strict=True))
    assert hoa["full_name"] == "Ngô Thị Hoa"
    assert hoa["date_of_birth"] == datetime.date(1990, 5, 4)
    assert hoa["citizen_id"] == "001190000099"


def test_roster_rows_without_personal_data_do_not_load_it(cast):
    with CaptureQueriesContext(connection) as queries:
        list(exports.roster_rows(cast.cell, personal=False))

    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "citizen_id" not in sql
    assert "date_of_birth" not in sql


@pytest.mark.parametrize("extra", [0, 2])
def test_roster_rows_query_count_does_not_grow_with_members(cast, extra):
    for index in range(extra):
        make_member(cast.other_cell, f"Nguyễn Văn Số{index}")

    with CaptureQueriesContext(connection) as queries:
        rows = list(exports.roster_rows(cast.other_commune, personal=True))

    assert len(rows) == 1 + extra
    assert len(queries.captured_queries) == 1


# Documents -------------------------------------------------------------------------------------------------------


def test_roster_document_of_a_cell_has_issuer_title_and_secretary(cast):
    services.update_unit(cast.commune, place="Ea Kar", by=SYSTEM)

    with translation.override("en"):
        document = exports.roster_document(cast.cell, personal=False, on=datetime.date(2023, 3, 16))

    assert (document.header.superior, document.header.issuer) == ("Đảng ủy xã Hòa An", "Chi bộ Thôn 1")
    assert document.header.place_and_date == "Ea Kar, ngày 16 tháng 3 năm 2023"
    assert document.header.number_line == ""  # a list, not a numbered document
    assert document.title == "DANH SÁCH ĐẢNG VIÊN"  # a filed paper is Vietnamese for an English reader too
    table = document.blocks[0]
    assert "Chi bộ" not in table.columns and "Họ và tên" in table.columns
    assert [row[1] for row in table.rows] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert document.signature.name == "Lê Văn Cường"
    assert document.recipients == ["Đảng ủy xã Hòa An", "Lưu"]
    assert not document.landscape


def test_roster_document_with_personal_data_is_landscape(cast):
    document = exports.roster_document(cast.commune, personal=True)

    assert document.landscape
    assert any(CITIZEN_ID in row for row in document.blocks[0].rows)


def test_roster_document_refuses_very_long_lists(cast, monkeypatch):
    monkeypatch.setattr(exports, "DOCUMENT_ROW_LIMIT", 2)

    with pytest.raises(exports.ExportTooLarge):
        exports.roster_document(cast.commune, personal=False)


def test_member_profile_document_lists_facts_posts_and_history(cast):
    member = services.transfer_member(cast.members["secretary"], to_cell=cast.sibling_cell, reason="Chuyển công tác",
                                      by=SYSTEM)

    with translation.override("en"):
        document = exports.member_profile_document(member)

    facts = dict(document.blocks[0].items)
    assert facts["Họ và tên"] == "Lê Văn Cường"
    assert facts["Chi bộ"] == "Chi bộ Thôn 2"
    posts, cells = document.blocks[2], document.blocks[4]
    assert posts.rows[0][:2] == ["Bí thư", "Chi bộ Thôn 1"]
    assert document.header.number_line == ""
    assert [row[:2] for row in cells.rows] == [["Chi bộ Thôn 1", ""], ["Chi bộ Thôn 2", "Chuyển công tác"]]
    assert document.header.issuer == "Chi bộ Thôn 2"


# Views -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["roster.xlsx", "roster.csv", "roster.pdf", "roster.docx"])
def test_roster_export_stranger_gets_404(cast, url):
    response = cast.client("sibling").get(f"/documents/units/{cast.cell.pk}/{url}")

    assert response.status_code == 404


@pytest.mark.parametrize("url", ["units/{unit}/roster.xlsx", "members/{member}/profile.pdf"])
def test_exports_anonymous_redirects_to_login(cast, url):
    response = cast.client("anonymous").get(
        "/documents/" + url.format(unit=cast.cell.pk, member=cast.members["member"].pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_roster_export_refuses_post(cast):
    response = cast.client("member").post(f"/documents/units/{cast.cell.pk}/roster.xlsx")

    assert response.status_code == 405


def test_roster_xlsx_member_gets_no_personal_columns_and_no_audit_entry(cast):
    response = cast.client("member").get(f"/documents/units/{cast.cell.pk}/roster.xlsx")

    rows = roster_table(body(response))
    assert response["Content-Disposition"] == 'attachment; filename="Danh-sach-dang-vien-Chi-bo-Thon-1.xlsx"'
    assert rows[0] == headers(personal=False)
    assert [row[1] for row in rows[1:]] == ["Trần Thị Bình", "Lê Văn Cường"]
    assert CITIZEN_ID not in {str(value) for row in rows for value in row}
    assert roster_audit_entries(cast.cell) == []


def test_roster_xlsx_parent_staff_gets_personal_columns_and_an_audit_entry(cast):
    make_member(cast.cell, "=1+1")

    response = cast.client("parent_staff").get(f"/documents/units/{cast.commune.pk}/roster.xlsx")

    rows = roster_table(body(response))
    assert rows[0] == headers(personal=True)
    assert [row[1] for row in rows[1:]] == ["Trần Thị Bình", "Lê Văn Cường", "=1+1", "Phạm Thị Dung"]
    assert rows[1][rows[0].index(headers(personal=True)[8])] == CITIZEN_ID
    [entry] = roster_audit_entries(cast.commune)
    assert entry.actor == cast.users["parent_staff"]
    assert entry.changes == {"format": "xlsx", "personal": True}


def test_roster_xlsx_headers_are_vietnamese_whatever_the_users_language(cast):
    user = cast.users["member"]
    user.language = "en"
    user.save(update_fields=["language"])

    response = cast.client("member").get(f"/documents/units/{cast.cell.pk}/roster.xlsx")

    assert roster_table(body(response))[0][:2] == ["STT", "Họ và tên"]


def test_roster_pdf_member_sees_names_without_personal_data(cast, tmp_path):
    response = cast.client("member").get(f"/documents/units/{cast.cell.pk}/roster.pdf")

    text = pdf_text(body(response), raw=False)
    assert response["Content-Type"] == "application/pdf"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CHI BỘ THÔN 1" in text
    assert "Trần Thị Bình" in text
    assert CITIZEN_ID not in text


def test_roster_docx_inspector_gets_personal_data_and_an_audit_entry(cast):
    response = cast.client("inspector").get(f"/documents/units/{cast.commune.pk}/roster.docx")

    document = docx.Document(io.BytesIO(body(response)))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert response["Content-Disposition"] == 'attachment; filename="Danh-sach-dang-vien-Dang-uy-xa-Hoa-An.docx"'
    assert {"Trần Thị Bình", "Phạm Thị Dung", CITIZEN_ID} <= cells
    assert [entry.changes for entry in roster_audit_entries(cast.commune)] == [{"format": "docx", "personal": True}]


ETHNICITY = "Xơ Đăng"


def roster_text(response, file_format: str, tmp_path) -> str:
    content = body(response)
    if file_format == "xlsx":
        return " ".join(str(value) for row in read_xlsx(content) for value in row)
    if file_format == "pdf":
        return pdf_text(content, raw=False)
    document = docx.Document(io.BytesIO(content))
    return " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)


@pytest.mark.parametrize("file_format", ["xlsx", "pdf", "docx"])
def test_a_plain_members_roster_does_not_list_ethnicity(cast, file_format, tmp_path):
    services.update_member(cast.members["secretary"], ethnicity=ETHNICITY, by=SYSTEM)
    url = f"/documents/units/{cast.cell.pk}/roster.{file_format}"

    as_member = roster_text(cast.client("member").get(url), file_format, tmp_path)
    as_secretary = roster_text(cast.client("secretary").get(url), file_format, tmp_path)

    assert "Lê Văn Cường" in as_member
    assert ETHNICITY not in as_member
    assert "Dân tộc" not in as_member
    assert ETHNICITY in as_secretary


def test_roster_docx_too_long_redirects_to_the_unit_with_a_message(cast, monkeypatch):
    monkeypatch.setattr(exports, "DOCUMENT_ROW_LIMIT", 1)

    response = cast.client("member").get(f"/documents/units/{cast.cell.pk}/roster.docx", follow=True)

    assert response.redirect_chain == [(f"/units/{cast.cell.pk}/", 302)]
    assert "2" in next(str(message) for message in response.context["messages"])


def test_profile_pdf_other_member_is_refused_to_a_plain_member(cast):
    response = cast.client("member").get(f"/documents/members/{cast.members['secretary'].pk}/profile.pdf")

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="documents.profile.export").exists()


def test_profile_pdf_stranger_gets_404(cast):
    response = cast.client("sibling").get(f"/documents/members/{cast.members['member'].pk}/profile.pdf")

    assert response.status_code == 404


def test_profile_pdf_own_sheet_shows_personal_data(cast, tmp_path):
    member = cast.members["member"]

    response = cast.client("member").get(f"/documents/members/{member.pk}/profile.pdf")

    text = pdf_text(body(response), raw=False)
    assert "Trần Thị Bình" in text
    assert CITIZEN_ID in text
    assert "Lê Văn Cường" in text  # the cell's secretary signs
    assert AuditEntry.objects.filter(action="documents.profile.export", object_id=str(member.pk)).count() == 1


def test_profile_docx_secretary_gets_the_members_sheet(cast):
    member = cast.members["member"]
    services.assign_post(member, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=SYSTEM)

    response = cast.client("secretary").get(f"/documents/members/{member.pk}/profile.docx")

    document = docx.Document(io.BytesIO(body(response)))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert response["Content-Disposition"] == 'attachment; filename="Ly-lich-dang-vien-Tran-Thi-Binh.docx"'
    assert {"Trần Thị Bình", CITIZEN_ID, "Chi bộ Thôn 1"} <= cells
    entry = AuditEntry.objects.get(action="documents.profile.export")
    assert (entry.actor, entry.changes) == (cast.users["secretary"], {"format": "docx", "personal": True})


# Command ---------------------------------------------------------------------------------------------------------


def test_export_roster_command_writes_a_reimportable_spreadsheet(cast, tmp_path):
    output = tmp_path / "roster.xlsx"

    call_command("export_roster", "TN-HA", str(output), "--personal", stdout=io.StringIO())

    rows = roster_table(output.read_bytes())
    assert rows[0] == headers(personal=True)
    assert [row[1] for row in rows[1:]] == ["Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    assert [entry.actor_label for entry in roster_audit_entries(cast.commune)] == ["system"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_roster_xlsx_is_readable_by_the_roster_import(cast, language):
    with translation.override(language):
        content = write_xlsx(exports.roster_columns(True), exports.roster_rows(cast.commune, personal=True))

    table = imports.read_table(io.BytesIO(content), imports.XLSX)

    assert set(table.columns) == {column.key for column in imports.COLUMNS}
    first = next(table.rows)[1]
    assert first[table.columns["full_name"]] == "Trần Thị Bình"
    assert first[table.columns["unit_code"]] == "TN-HA-1"
    assert first[table.columns["citizen_id"]] == CITIZEN_ID


def test_export_roster_command_unknown_unit_fails(cast, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_roster", "NOPE", str(tmp_path / "x.xlsx"))
