"""The soisua-exchange file: what a subtree exports, what reading refuses as a whole, the dry-run diff of an import
(created, changed field by field, left alone, bad rows), applying it all or nothing, and a second import of the same
file changing nothing."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from soisua.audit.models import AuditEntry
from soisua.documents import services, writers
from soisua.documents.exchange import format, writing
from soisua.documents.exchange.format import FORMAT_NAME, MEMBERS, UNITS
from soisua.org.enums import MemberStatus
from soisua.org.models import CellMembership, Member, Unit
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def exported(user, unit, fmt: str = "xlsx") -> bytes:
    output = io.BytesIO()
    with translation.override("vi"):
        writers.write_table(writing.exchange_sheets(user, unit), fmt, output)
    return output.getvalue()


def upload(content: bytes, name: str = "trao-doi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def workbook(members: list[list], *, units: list[list] | None = None, info: dict | None = None,
             member_keys: list[str] | None = None) -> bytes:
    """A hand-made exchange workbook: the manifest, optionally units, and members under the given keys."""
    info = {"format": FORMAT_NAME, "version": "1", **(info or {})}
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Thông tin"
    sheet.append(["Khóa", "Mục", "Giá trị"])
    sheet.append(["key", "item", "value"])
    for key, value in info.items():
        sheet.append([key, "", value])
    if units is not None:
        sheet = book.create_sheet("Đơn vị")
        sheet.append([column.header for column in UNITS.columns])
        sheet.append([column.key for column in UNITS.columns])
        for row in units:
            sheet.append(row)
    keys = member_keys or [column.key for column in MEMBERS.columns]
    sheet = book.create_sheet("Đảng viên")
    sheet.append([next((c.header for c in MEMBERS.columns if c.key == key), key) for key in keys])
    sheet.append(keys)
    for row in members:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def member_row(cell, name, *, card="", citizen_id="", born=None, admitted=None, official=None, phone="",
               status="Chính thức", sex="Nữ", ethnicity="Kinh"):
    return [card, citizen_id, name, born, sex, ethnicity, admitted, official, status, cell.code, phone, ""]


def check(cast, content: bytes, *, name="trao-doi.xlsx", unit=None):
    return services.check_exchange_file(upload(content, name), unit=unit or cast.commune)


# --- Export ---------------------------------------------------------------------------------------------------


def test_export_writes_the_manifest_units_and_members_of_the_subtree(cast):
    content = exported(cast.users["parent_staff"], cast.commune)

    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Thông tin", "Đơn vị", "Đảng viên"]
    info = {row[0]: row[2] for row in book["Thông tin"].iter_rows(min_row=3, values_only=True)}
    assert info["format"] == "soisua-exchange" and info["version"] == "1" and info["unit_code"] == "TN-HA"
    units = list(book["Đơn vị"].iter_rows(values_only=True))
    assert units[0][0] == "Mã tổ chức đảng" and units[1][0] == "code"
    assert [row[0] for row in units[2:]] == ["TN-HA", "TN-HA-1", "TN-HA-2"]
    members = list(book["Đảng viên"].iter_rows(values_only=True))
    assert members[1] == tuple(column.key for column in MEMBERS.columns)
    names = {row[2] for row in members[2:]}
    assert names == {"Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"}  # not Hoàng Văn Em, of another commune
    binh = next(row for row in members[2:] if row[2] == "Trần Thị Bình")
    assert (binh[1], binh[9], binh[10], binh[8]) == ("001190000001", "TN-HA-1", "0912345678", "Chính thức")


def test_export_lists_only_members_whose_personal_data_the_user_sees(cast):
    # The secretary's grant is on one cell only: the sibling cell's members are not theirs to export.
    content = exported(cast.users["secretary"], cast.commune)

    members = list(openpyxl.load_workbook(io.BytesIO(content))["Đảng viên"].iter_rows(min_row=3, values_only=True))
    assert {row[2] for row in members} == {"Trần Thị Bình", "Lê Văn Cường"}


def test_export_as_a_zip_holds_one_csv_per_table(cast):
    content = exported(cast.users["parent_staff"], cast.commune, "zip")

    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == ["dang-vien.csv", "don-vi.csv", "thong-tin.csv"]
    lines = archive.read("dang-vien.csv").decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Số thẻ đảng viên,Số căn cước công dân,Họ và tên")
    assert lines[1].startswith("card_number,citizen_id,full_name")


# --- Reading refuses a file as a whole --------------------------------------------------------------------------


def test_an_unknown_column_is_refused_by_name(cast):
    keys = [column.key for column in MEMBERS.columns] + ["religion"]
    content = workbook([[*member_row(cast.cell, "Ngô Văn Hải"), "Phật giáo"]], member_keys=keys)

    with pytest.raises(services.RosterImportError) as refused:
        check(cast, content)

    assert refused.value.code == "unknown_column"
    assert "“religion”" in refused.value.messages[0] and "Đảng viên" in refused.value.messages[0]


def test_a_missing_required_column_is_refused_by_name(cast):
    keys = [column.key for column in MEMBERS.columns if column.key != "cell_code"]
    content = workbook([[*member_row(cast.cell, "Ngô Văn Hải")[:9], "", ""]], member_keys=keys)

    with pytest.raises(services.RosterImportError) as refused:
        check(cast, content)

    assert refused.value.code == "missing_column" and "cell_code" in refused.value.messages[0]


@pytest.mark.parametrize(("info", "code"), [({"format": "csdl-dang-vien"}, "unknown_format"),
                                            ({"version": "2"}, "unknown_version")])
def test_another_format_or_version_is_refused(cast, info, code):
    content = workbook([member_row(cast.cell, "Ngô Văn Hải")], info=info)

    with pytest.raises(services.RosterImportError) as refused:
        check(cast, content)

    assert refused.value.code == code


def test_a_workbook_without_the_manifest_is_refused(cast):
    content = exported(cast.users["parent_staff"], cast.commune)
    book = openpyxl.load_workbook(io.BytesIO(content))
    del book["Thông tin"]
    output = io.BytesIO()
    book.save(output)

    with pytest.raises(services.RosterImportError) as refused:
        check(cast, output.getvalue())

    assert refused.value.code == "unknown_format"


def test_a_file_of_another_type_is_refused(cast):
    with pytest.raises(services.RosterImportError) as refused:
        check(cast, b"Ho va ten\nAn\n", name="danh-sach.csv")

    assert refused.value.code == "file_type"


# --- The dry-run diff -----------------------------------------------------------------------------------------


def test_the_diff_shows_created_changed_field_by_field_and_unchanged(cast):
    binh = cast.members["member"]
    rows = [member_row(cast.cell, "Trần Thị Bình", card=binh.card_number, citizen_id=binh.citizen_id,
                       phone="0987654321"),
            member_row(cast.sibling_cell, "Đỗ Thị Hoa", card="90000001", born=datetime.date(1990, 5, 4))]

    _data, plan = check(cast, workbook(rows))

    assert plan.is_valid
    assert [values["full_name"] for _row, values, _cell, _status in plan.members.creates] == ["Đỗ Thị Hoa"]
    [update] = plan.members.updates
    assert update.member == binh
    assert update.changes["phone"] == ["0912345678", "0987654321"]
    assert not Member.objects.filter(full_name="Đỗ Thị Hoa").exists()


@pytest.mark.parametrize(("rows", "code_or_text"), [
    # the same card on two rows
    (lambda cast: [member_row(cast.cell, "A Văn Một", card="90000001"),
                   member_row(cast.cell, "B Văn Hai", card="90000001")], "90000001"),
    # a card of one member, the citizen ID of another
    (lambda cast: [member_row(cast.cell, "Trần Thị Bình", card=cast.members["secretary"].card_number,
                              citizen_id="001190000001")], "001190000001"),
    # a cell outside the subtree
    (lambda cast: [member_row(cast.other_cell, "Ngô Văn Hải")], "TN-HB-3"),
    # made official before admission
    (lambda cast: [member_row(cast.cell, "Ngô Văn Hải", admitted=datetime.date(2020, 1, 1),
                              official=datetime.date(2019, 1, 1))], "chính thức"),
])
def test_bad_rows_are_reported_and_nothing_is_applied(cast, rows, code_or_text):
    before = Member.objects.count()
    data, plan = check(cast, workbook(rows(cast)))

    with pytest.raises(services.ExchangeImportError):
        services.import_exchange(data, unit=cast.commune, by=cast.users["parent_staff"])

    assert not plan.is_valid
    assert any(code_or_text in problem.message for problem in plan.problems)
    assert Member.objects.count() == before
    assert not AuditEntry.objects.filter(action="documents.exchange.import").exists()


# --- Applying -------------------------------------------------------------------------------------------------


def test_applying_creates_and_changes_then_the_same_file_changes_nothing(cast):
    staff = cast.users["parent_staff"]
    binh = cast.members["member"]
    content = workbook([
        member_row(cast.cell, "Trần Thị Bình", card=binh.card_number, phone="0987654321"),
        member_row(cast.sibling_cell, "Đỗ Thị Hoa", card="90000001", status="Dự bị",
                   admitted=datetime.date(2026, 3, 2)),
    ])
    data, _plan = check(cast, content)

    services.import_exchange(data, unit=cast.commune, by=staff)

    binh.refresh_from_db()
    hoa = Member.objects.get(card_number="90000001")
    assert binh.phone == "0987654321"
    assert (hoa.cell, hoa.status, hoa.admission_date) == (cast.sibling_cell, MemberStatus.PROBATIONARY,
                                                          datetime.date(2026, 3, 2))
    assert CellMembership.objects.filter(member=hoa, cell=cast.sibling_cell, ended_on=None).exists()
    assert AuditEntry.objects.filter(action="documents.exchange.import").count() == 1

    entries, memberships = AuditEntry.objects.count(), CellMembership.objects.count()
    data, again = check(cast, content)
    assert again.is_valid and again.change_count == 0 and again.members.unchanged == 2
    services.import_exchange(data, unit=cast.commune, by=staff)

    assert AuditEntry.objects.count() == entries + 1  # the import's own record, nothing else
    assert CellMembership.objects.count() == memberships


def test_units_missing_below_the_subtree_are_created_and_names_updated(cast):
    staff = cast.users["parent_staff"]
    units = [["TN-HA", "Đảng ủy xã Hòa An", "commune", "TN", None, None],
             ["TN-HA-1", "Chi bộ Thôn Một", "cell", "TN-HA", datetime.date(2001, 1, 1), None],
             ["TN-HA-9", "Chi bộ Thôn 9", "cell", "TN-HA", datetime.date(2026, 1, 5), None]]
    nine = type("Cell", (), {"code": "TN-HA-9"})
    data, plan = check(cast, workbook([member_row(nine, "Lý Thị Mai", card="90000002")], units=units))

    assert plan.is_valid, plan.problems
    assert [unit.code for unit in plan.new_units] == ["TN-HA-9"]
    [change] = plan.changed_units
    assert change.changes == {"name": ["Chi bộ Thôn 1", "Chi bộ Thôn Một"],
                              "active_from": [None, datetime.date(2001, 1, 1)]}
    assert plan.unchanged_units == 1
    services.import_exchange(data, unit=cast.commune, by=staff)

    nine_unit = Unit.objects.get(code="TN-HA-9")
    assert (nine_unit.parent, nine_unit.active_from) == (cast.commune, datetime.date(2026, 1, 5))
    assert Member.objects.get(card_number="90000002").cell == nine_unit
    cast.cell.refresh_from_db()
    assert cast.cell.name == "Chi bộ Thôn Một"


def test_moving_a_unit_or_changing_its_kind_is_refused(cast):
    units = [["TN-HA-1", "Chi bộ Thôn 1", "cell", "TN-HB", None, None],
             ["TN-HA-2", "Chi bộ Thôn 2", "commune", "TN-HA", None, None]]

    _data, plan = check(cast, workbook([], units=units))

    messages = {problem.row: problem.message for problem in plan.problems}
    assert "không chuyển" in messages[3] or "does not move" in messages[3]
    assert 4 in messages
    assert not plan.is_valid


def test_a_csv_zip_export_imports_back_unchanged(cast):
    make_member(cast.cell, "Vũ Thị Lan", phone="+84912345678", ethnicity="Ê Đê")
    content = exported(cast.users["parent_staff"], cast.commune, "zip")

    _data, plan = check(cast, content, name="trao-doi.zip")

    assert plan.is_valid, plan.problems
    assert plan.change_count == 0 and plan.members.unchanged == 4 and plan.unchanged_units == 3


def test_someone_without_personal_data_may_not_export_and_only_administrators_import(cast):
    from soisua.documents import policy

    assert policy.can_export_exchange(cast.users["parent_staff"], cast.commune)
    assert not policy.can_export_exchange(cast.users["member"], cast.cell)
    assert policy.can_import_exchange(cast.users["parent_staff"], cast.commune)
    assert not policy.can_import_exchange(cast.users["secretary"], cast.cell)
    assert not policy.can_import_exchange(cast.users["inspector"], cast.commune)
    assert format.FORMAT_VERSION == 1


# --- Pages ----------------------------------------------------------------------------------------------------


def page(unit):
    from django.urls import reverse

    return reverse("documents:exchange", args=[unit.pk])


def text_of(response) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_page_shows_the_diff_then_applies_and_the_same_file_has_nothing_to_change(cast):
    import re

    binh = cast.members["member"]
    content = workbook([member_row(cast.cell, "Trần Thị Bình", card=binh.card_number, phone="0987654321"),
                        member_row(cast.sibling_cell, "Đỗ Thị Hoa", card="90000001")])
    client = cast.client("parent_staff")

    preview = client.post(page(cast.commune), {"file": upload(content)})

    text = text_of(preview)
    assert "Đỗ Thị Hoa" in text and "0912345678" in text and "0987654321" in text
    assert not Member.objects.filter(card_number="90000001").exists()
    plan = re.search(r'name="plan" value="([^"]+)"', preview.content.decode())[1]
    applied = client.post(page(cast.commune), {"plan": plan})
    assert applied.status_code == 302
    assert Member.objects.filter(card_number="90000001", cell=cast.sibling_cell).exists()

    again = client.post(page(cast.commune), {"file": upload(content)})

    assert 'name="plan"' not in again.content.decode()
    assert re.search(r"\b0 (thay đổi|changes)\b", text_of(again))


def test_a_refused_file_names_the_unknown_column_on_the_page(cast):
    keys = [column.key for column in MEMBERS.columns] + ["religion"]
    content = workbook([[*member_row(cast.cell, "Ngô Văn Hải"), "Phật giáo"]], member_keys=keys)

    response = cast.client("parent_staff").post(page(cast.commune), {"file": upload(content)})

    assert response.status_code == 200
    assert "religion" in text_of(response)
    assert not Member.objects.filter(full_name="Ngô Văn Hải").exists()


@pytest.mark.parametrize(("who", "unit", "status"), [("parent_staff", "commune", 200), ("inspector", "commune", 200),
                                                     ("member", "cell", 403), ("unrelated_staff", "commune", 404)])
def test_who_sees_the_page(cast, who, unit, status):
    assert cast.client(who).get(page(getattr(cast, unit))).status_code == status


def test_an_inspector_may_export_but_not_import(cast):
    from django.urls import reverse

    client = cast.client("inspector")

    download = client.get(reverse("documents:exchange.download", args=[cast.commune.pk, "xlsx"]))
    posted = client.post(page(cast.commune), {"file": upload(workbook([member_row(cast.cell, "Ngô Văn Hải")]))})

    assert download.status_code == 200
    assert "Đảng viên" in openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).sheetnames
    assert AuditEntry.objects.filter(action="documents.exchange.export", actor=cast.users["inspector"]).exists()
    assert posted.status_code == 403
    assert not Member.objects.filter(full_name="Ngô Văn Hải").exists()


def test_a_large_export_is_written_in_the_background(cast, settings):
    from django.urls import reverse

    from soisua.documents.models import ExportJob, ExportStatus

    settings.EXPORT_INLINE_MAX_ROWS = 2
    response = cast.client("parent_staff").get(reverse("documents:exchange.download", args=[cast.commune.pk, "zip"]))

    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == "documents.exchange"
    assert job.status == ExportStatus.DONE and job.personal
    with job.file.open("rb") as stored, zipfile.ZipFile(stored) as archive:
        assert "dang-vien.csv" in archive.namelist()
