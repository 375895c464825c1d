"""Importing sub-units from a list (code, name, kind code, parent code): every bad row reported with its reason,
nothing created until confirmed, then every unit or none; the same from the command line."""

import html
import io
import re

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.documents import services
from soisua.documents.forms import sign_plan
from soisua.documents.imports import units
from soisua.org.models import Unit
from tests.factories import make_unit

HEADER = "Mã đơn vị,Tên đơn vị,Mã loại,Mã đơn vị cấp trên"
# Rows out of order: the cell comes before the section it stands under.
GOOD = ["TN-HA-S-1,Chi bộ Thôn 5,cell,TN-HA-S", "TN-HA-S,Đảng bộ bộ phận Thôn Đông,section,TN-HA",
        "TN-HA-7,Chi bộ Trường Tiểu học,cell,TN-HA"]


def csv_list(*rows: str, name: str = "don-vi.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join([HEADER, *rows]).encode("utf-8"), content_type="text/csv")


def page(cast):
    return reverse("documents:units.import", args=[cast.commune.pk])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def plan_of(response) -> str:
    return re.search(r'name="plan" value="([^"]+)"', response.content.decode())[1]


def test_a_list_is_shown_before_anything_is_created(cast):
    response = cast.client("parent_staff").post(page(cast), {"file": csv_list(*GOOD)})

    text = text_of(response)
    assert response.status_code == 200
    assert "3 đơn vị sẽ được tạo trực thuộc Đảng ủy xã Hòa An" in text
    assert "Chi bộ Thôn 5" in text and "Đảng bộ bộ phận Thôn Đông" in text
    assert "Tạo các đơn vị này" in text
    assert not Unit.objects.filter(code__in=["TN-HA-S", "TN-HA-S-1", "TN-HA-7"]).exists()


def test_confirming_creates_every_unit_in_its_place(cast):
    client = cast.client("parent_staff")
    preview = client.post(page(cast), {"file": csv_list(*GOOD)})

    response = client.post(page(cast), {"plan": plan_of(preview)})

    assert response.status_code == 302
    assert response["Location"] == reverse("org:units.detail", args=[cast.commune.pk])
    section = Unit.objects.get(code="TN-HA-S")
    assert (section.parent, section.kind.code) == (cast.commune, "section")
    assert Unit.objects.get(code="TN-HA-S-1").parent == section
    assert Unit.objects.get(code="TN-HA-7").parent == cast.commune
    assert AuditEntry.objects.filter(action="org.unit.create", actor=cast.users["parent_staff"]).count() == 3
    assert AuditEntry.objects.filter(action="documents.units.import", object_id=str(cast.commune.pk)).exists()
    assert "Đã tạo 3 đơn vị." in text_of(client.get(response["Location"]))


def test_every_bad_row_is_reported_with_its_reason_and_nothing_is_created(cast):
    count = Unit.objects.count()
    rows = [
        "TN-HA-A,,cell,TN-HA",                                  # row 2: no name
        "TN-HA-B,Chi bộ B,chibo,TN-HA",                          # row 3: unknown kind code
        "TN-HA-C,Ban Chấp hành Trung ương,central,TN-HA",       # row 4: a kind that only stands at the top
        "TN-HA-1,Chi bộ trùng mã,cell,TN-HA",                    # row 5: the code exists
        "TN-HA-D,Chi bộ D,cell,TN-HA",                           # row 6: fine
        "TN-HA-D,Chi bộ D lần hai,cell,TN-HA",                   # row 7: the code is on row 6
        "TN-HA-E,Chi bộ E,cell,TN-HB",                           # row 8: another commune's unit
        "TN-HA-F,Chi bộ F,cell,KHONG-CO",                        # row 9: no such unit
        "TN-HA-G,Đảng bộ bộ phận G,section,TN-HA-H",             # row 10: a loop with row 11
        "TN-HA-H,Đảng bộ bộ phận H,section,TN-HA-G",             # row 11
        "TN-HA-I,Chi bộ I,cell,TN-HA-A",                         # row 12: its parent (row 2) is bad
        "TN-HA-J,Tổ đảng J,group,TN-HA",                         # row 13: a party group outside a cell
        "=TN-HA-K,Chi bộ K,cell,TN-HA",                          # row 14: a formula
    ]

    response = cast.client("parent_staff").post(page(cast), {"file": csv_list(*rows)})

    found = {int(row): (column, html.unescape(message)) for row, column, message in re.findall(
        r'<tr><td>(\d+)</td><td lang="vi">([^<]*)</td><td>([^<]*)</td></tr>', response.content.decode())}
    expected = {
        2: "Ô này đang để trống",
        3: "“chibo” không phải là mã loại đơn vị",
        4: "Đơn vị loại “Ban Chấp hành Trung ương” không thể đặt dưới một đơn vị khác",
        5: "Mã TN-HA-1 đã được dùng cho đơn vị khác.",
        7: "Mã TN-HA-D đã có ở dòng 6.",
        8: "Không có đơn vị nào mang mã TN-HB thuộc Đảng ủy xã Hòa An",
        9: "Không có đơn vị nào mang mã KHONG-CO thuộc Đảng ủy xã Hòa An",
        10: "Các mã đơn vị cấp trên vòng lại chính dòng này",
        11: "Các mã đơn vị cấp trên vòng lại chính dòng này",
        12: "Đơn vị cấp trên của dòng này (dòng 2) có lỗi",
        13: "Tổ đảng chỉ được lập trong chi bộ",
        14: "các chương trình bảng tính hiểu là công thức",
    }
    assert sorted(found) == sorted(expected)
    for row, reason in expected.items():
        assert reason in found[row][1], f"row {row}: {found[row]}"
    assert (found[2][0], found[3][0], found[8][0]) == ("Tên đơn vị", "Mã loại", "Mã đơn vị cấp trên")
    assert "Danh sách có 12 lỗi" in text_of(response)
    assert 'name="plan"' not in response.content.decode()
    assert Unit.objects.count() == count


def test_a_confirmation_checks_again_and_creates_nothing_when_the_tree_changed(cast):
    client = cast.client("parent_staff")
    preview = client.post(page(cast), {"file": csv_list(*GOOD)})
    make_unit(cast.other_commune, "cell", "Chi bộ vừa tạo", code="TN-HA-7")

    response = client.post(page(cast), {"plan": plan_of(preview)})

    assert response.status_code == 200
    assert "Mã TN-HA-7 đã được dùng cho đơn vị khác." in text_of(response)
    assert not Unit.objects.filter(code__in=["TN-HA-S", "TN-HA-S-1"]).exists()


def test_a_confirmation_altered_or_made_for_someone_else_creates_nothing(cast):
    preview = cast.client("parent_staff").post(page(cast), {"file": csv_list(*GOOD)})
    forged = sign_plan({"rows": [[2, "TN-HA-X", "Chi bộ X", "cell", "TN-HA"]]}, salt="another salt")

    someone_else = cast.client("admin").post(page(cast), {"plan": plan_of(preview)})
    altered = cast.client("parent_staff").post(page(cast), {"plan": forged})

    assert (someone_else.status_code, altered.status_code) == (200, 200)
    assert "hãy tải tệp lên lại" in text_of(altered)
    assert not Unit.objects.filter(code__in=["TN-HA-S", "TN-HA-X"]).exists()


@pytest.mark.parametrize(("who", "status"), [("secretary", 404), ("committee", 403), ("inspector", 403),
                                             ("unrelated_staff", 404)])
def test_only_those_who_administer_the_unit_import_sub_units(cast, who, status):
    response = cast.client(who).post(page(cast), {"file": csv_list(*GOOD)})

    assert response.status_code == status


def test_an_excel_list_with_a_title_above_the_header_is_read(cast):
    content = io.BytesIO()
    workbook = xlsxwriter.Workbook(content, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for number, cells in enumerate([["DANH SÁCH TỔ CHỨC ĐẢNG TRỰC THUỘC"],
                                    ["Mã đơn vị", "Tên đơn vị", "Mã loại", "Mã đơn vị cấp trên"],
                                    ["TN-HA-8", "Chi bộ Thôn 8", "cell", "TN-HA"]]):
        sheet.write_row(number, 0, cells)
    workbook.close()
    upload = SimpleUploadedFile("don-vi.xlsx", content.getvalue())

    preview = cast.client("parent_staff").post(page(cast), {"file": upload})
    cast.client("parent_staff").post(page(cast), {"plan": plan_of(preview)})

    assert Unit.objects.get(code="TN-HA-8").parent == cast.commune


def test_a_file_that_is_not_a_list_is_refused_next_to_the_field(cast):
    response = cast.client("parent_staff").post(page(cast), {"file": SimpleUploadedFile("ghi-chu.txt", b"x")})

    assert response.status_code == 200
    assert "Không đọc được tệp danh sách đơn vị này" in text_of(response)


def test_a_unit_under_an_existing_sub_unit_is_placed_there(cast):
    rows = units.rows_from_lists([[2, "TN-HA-1-T", "Tổ đảng 1", "group", "TN-HA-1"]])

    created = services.import_units(rows, under=cast.commune, by=cast.users["parent_staff"])

    assert [unit.parent for unit in created] == [cast.cell]


def test_the_service_creates_none_when_one_row_is_wrong(cast):
    rows = units.rows_from_lists([[2, "TN-HA-M", "Chi bộ M", "cell", "TN-HA"],
                                  [3, "TN-HA-N", "Đảng bộ huyện N", "district", "TN-HA"]])

    with pytest.raises(services.UnitsImportError) as error:
        services.import_units(rows, under=cast.commune, by=SYSTEM)

    assert [(item.row, item.code) for item in error.value.plan.errors] == [(3, "kind_parent")]
    assert not Unit.objects.filter(code="TN-HA-M").exists()


def test_the_command_reports_the_problems_and_creates_only_with_confirm(cast, tmp_path, capsys):
    good, bad = tmp_path / "don-vi.csv", tmp_path / "sai.csv"
    good.write_text("\n".join([HEADER, *GOOD]), encoding="utf-8")
    bad.write_text("\n".join([HEADER, "TN-HA-Q,Chi bộ Q,cell,KHONG-CO"]), encoding="utf-8")

    call_command("import_units", "TN-HA", str(good))
    checked_only = Unit.objects.filter(code="TN-HA-S").exists()
    with pytest.raises(CommandError):
        call_command("import_units", "TN-HA", str(bad), "--confirm")
    call_command("import_units", "TN-HA", str(good), "--confirm")

    output = capsys.readouterr().out
    assert not checked_only
    assert "row 2\tMã đơn vị cấp trên\tunknown_parent" in output
    assert Unit.objects.get(code="TN-HA-S-1").parent.code == "TN-HA-S"
    assert not Unit.objects.filter(code="TN-HA-Q").exists()


def test_a_long_chain_of_rows_is_checked_without_recursion(cast):
    rows = [[2, "TN-HA-0", "Đảng bộ bộ phận 0", "section", "TN-HA"]]
    rows += [[3 + number, f"TN-HA-0-{number}", f"Chi bộ {number}", "cell", f"TN-HA-0-{number - 1}" if number
              else "TN-HA-0"] for number in range(3000)]

    plan = units.check_rows(units.rows_from_lists(rows), top=units.Top.of(cast.commune))

    assert len(plan.units) == 2
    assert len(plan.errors) == 2999  # a cell under a cell: each says so, or points at its bad parent
    assert plan.errors[0].code == "kind_under_cell"
