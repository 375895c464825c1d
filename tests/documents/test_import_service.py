"""Roster import: checking and applying (services and imports), outcomes in the database and the job."""

import datetime

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from soisua.audit.models import AuditEntry
from soisua.documents import services
from soisua.documents.models import ImportConflict, ImportJob, ImportStatus
from soisua.notifications.models import Notification
from soisua.org.enums import MemberStatus
from soisua.org.models import CellMembership, Member, MemberStatusChange
from tests.factories import make_member, make_unit

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Ngày chính thức", "Số thẻ đảng viên",
          "Số CCCD", "Điện thoại", "Mã chi bộ", "Trạng thái"]


def csv_upload(lines: list[str], name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8-sig"), content_type="text/csv")


def xlsx_upload(tmp_path, rows: list[list], name: str = "roster.xlsx") -> SimpleUploadedFile:
    path = tmp_path / name
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for row_index, row in enumerate(rows):
        for column_index, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(row_index, column_index, datetime.datetime.combine(value, datetime.time()),
                                     date_format)
            elif isinstance(value, str):
                sheet.write_string(row_index, column_index, value)
            else:
                sheet.write(row_index, column_index, value)
    workbook.close()
    return SimpleUploadedFile(name, path.read_bytes())


def start(cast, upload, *, unit=None, who="parent_staff") -> ImportJob:
    job = services.start_import(unit=unit or cast.commune, upload=upload, by=cast.users[who])
    job.refresh_from_db()
    return job


def confirm(cast, job, who="parent_staff") -> ImportJob:
    services.confirm_import(job, by=cast.users[who])
    job.refresh_from_db()
    return job


def codes(job) -> list[tuple[int | None, str, str]]:
    return [(error["row"], error["column"], error["code"]) for error in job.errors]


def row(name="Nguyễn Văn Hùng", dob="02/09/1980", sex="Nam", admitted="03/02/2005", official="03/02/2006",
        card="20000001", citizen_id="001080000001", phone="0912345678", code="TN-HA-1", status="Chính thức"):
    return ",".join(["1", name, dob, sex, admitted, official, card, citizen_id, phone, code, status])


def test_import_csv_creates_members_with_history_and_audit(cast):
    upload = csv_upload([",".join(HEADER), row(), row(name="Trần Thị Mai", sex="Nữ", card="20000002",
                                                     citizen_id="001180000002", status="Dự bị",
                                                     code="TN-HA-2")])

    job = start(cast, upload)
    assert job.status == ImportStatus.VALID
    assert (job.total_rows, job.new_count, job.updated_count, job.unchanged_count) == (2, 2, 0, 0)
    assert not Member.objects.filter(card_number="20000001").exists()
    job = confirm(cast, job)

    assert job.status == ImportStatus.DONE
    hung = Member.objects.get(card_number="20000001")
    mai = Member.objects.get(card_number="20000002")
    assert (hung.cell, hung.province, hung.sex, hung.date_of_birth) == (cast.cell, cast.province, "male",
                                                                        datetime.date(1980, 9, 2))
    assert hung.search_name == "nguyen van hung" and hung.sort_key
    assert (mai.cell, mai.status, mai.sex) == (cast.sibling_cell, MemberStatus.PROBATIONARY, "female")
    assert CellMembership.objects.filter(member=mai, cell=cast.sibling_cell, ended_on=None).exists()
    assert MemberStatusChange.objects.filter(member=mai, status=MemberStatus.PROBATIONARY).exists()
    assert AuditEntry.objects.filter(action="org.member.create", object_id__in=[hung.pk, mai.pk]).count() == 2
    assert AuditEntry.objects.filter(action="documents.import.apply", object_id=str(job.pk)).exists()
    assert Notification.objects.filter(recipient=cast.users["parent_staff"], event_key=f"import-done:{job.pk}").exists()
    assert not job.file


def test_import_xlsx_with_date_cells_and_number_cells(cast, tmp_path):
    upload = xlsx_upload(tmp_path, [
        ["DANH SÁCH ĐẢNG VIÊN"],
        HEADER,
        [1, "Nguyễn Văn Hùng", datetime.date(1980, 9, 2), "Nam", datetime.date(2005, 2, 3), "2006-02-03",
         20000001, 1080000001, 912345678, "TN-HA-1", "official"],
    ])

    job = confirm(cast, start(cast, upload))

    assert job.status == ImportStatus.DONE, job.errors
    member = Member.objects.get(card_number="20000001")
    assert member.citizen_id == "001080000001"
    assert member.phone == "0912345678"
    assert (member.date_of_birth, member.official_date) == (datetime.date(1980, 9, 2), datetime.date(2006, 2, 3))


def test_import_reports_every_bad_row_with_row_number_and_code(cast):
    future = (datetime.date.today() + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    upload = csv_upload([
        ",".join(HEADER),
        row(name=""),                                                    # 2: missing name
        row(card="20000003", citizen_id="001080000003", dob="31/02/1980"),  # 3: impossible date
        row(card="20000004", citizen_id="001080000004", dob=future),       # 4: future birth date
        row(card="20000005", citizen_id="001080000005", admitted="01/01/2010", official="01/01/2009"),  # 5
        row(card="20000006", citizen_id="001080000006", sex="X"),           # 6: bad sex
        row(card="20000007", citizen_id="001080000007", status="Tốt"),      # 7: bad status
        row(card="2000A008", citizen_id="001080000008"),                   # 8: card not digits
        row(card="20000009", citizen_id="12345"),                          # 9: citizen ID length
        row(card="20000010", citizen_id="001080000010"),                   # 10: first of a duplicate
        row(card="20000010", citizen_id="001080000011"),                   # 11: duplicate card
        row(card="20000012", citizen_id="001080000010"),                   # 12: duplicate citizen ID
        row(card="20000013", citizen_id="001080000013", code="NOPE"),      # 13: unknown unit
        row(card="20000014", citizen_id="001080000014", code="TN-HB-3"),   # 14: unit outside scope
        row(card="20000015", citizen_id="001080000015", code="TN-HA"),     # 15: not a cell
        row(card="20000016", citizen_id="001080000016", name="=HYPERLINK(\"http://x\")"),  # 16: formula
        row(card="20000017", citizen_id="001080000017", phone="+84 912 345 678"),  # 17: fine
        row(card="20000018", citizen_id="001080000018", name="Nguyễn " + "A" * 130),  # 18: too long
        row(card="20000019", citizen_id="001080000019", dob="1980/13/45"),  # 19: malformed date
        row(card="20000020", citizen_id="001080000020", code=""),          # 20: missing unit code
        row(card="20000021", citizen_id="001080000021", phone="@SUM(1)"),  # 21: formula in phone
    ])

    job = start(cast, upload)

    assert job.status == ImportStatus.INVALID
    assert codes(job) == [
        (2, "full_name", "required"),
        (3, "date_of_birth", "bad_date"),
        (4, "date_of_birth", "future_date"),
        (5, "official_date", "official_before_admission"),
        (6, "sex", "bad_sex"),
        (7, "status", "bad_status"),
        (8, "card_number", "bad_card_number"),
        (9, "citizen_id", "bad_citizen_id"),
        (11, "card_number", "duplicate_card_number"),
        (12, "citizen_id", "duplicate_citizen_id"),
        (13, "unit_code", "unknown_unit"),
        (14, "unit_code", "unit_out_of_scope"),
        (15, "unit_code", "not_a_cell"),
        (16, "full_name", "formula"),
        (18, "full_name", "too_long"),
        (19, "date_of_birth", "bad_date"),
        (20, "unit_code", "required"),
        (21, "phone", "formula"),
    ]
    assert "10" in job.errors[8]["message"]  # the duplicate names the first row
    assert job.error_count == 18
    assert job.headers["card_number"] == "Số thẻ đảng viên"
    assert not Member.objects.filter(card_number__startswith="2000").exists()
    assert not job.file


def test_import_keeps_every_error_of_a_large_file(cast):
    lines = [",".join(HEADER)] + [row(card=str(30000000 + n), citizen_id=f"{n:012d}", dob="99/99/1999")
                                  for n in range(1, 1201)]

    job = start(cast, csv_upload(lines))

    assert job.error_count == 1200
    assert [error["row"] for error in job.errors][:2] == [2, 3]
    assert job.errors[-1]["row"] == 1201


@pytest.mark.parametrize(("name", "content", "code"), [
    ("roster.pdf", b"%PDF-1.4", "file_type"),
    ("roster.xlsx", b"this is plain text", "file_type"),
    ("roster.xlsx", b"PK\x03\x04not really a zip", "file_type"),
    ("roster.csv", "Họ và tên,Mã chi bộ\n".encode("cp1258", errors="replace") + b"\xff\xfe", "file_type"),
    ("roster.csv", b"", "empty"),
    ("roster.csv", b"\xef\xbb\xbf  \n\n", "empty"),
    ("roster.csv", "Họ và tên,Mã chi bộ\n\n".encode(), "no_rows"),
    ("roster.csv", "STT,Ghi chú\n1,x\n".encode(), "no_header"),
    ("roster.csv", "Họ và tên,Ngày sinh\nA,01/01/1980\n".encode(), "missing_column"),
    ("roster.csv", "Họ và tên,Ho ten,Mã chi bộ\nA,B,C\n".encode(), "duplicate_column"),
])
def test_start_import_refuses_bad_files_and_saves_nothing(cast, name, content, code):
    upload = SimpleUploadedFile(name, content)

    with pytest.raises(services.RosterImportError) as raised:
        services.start_import(unit=cast.commune, upload=upload, by=cast.users["parent_staff"])

    assert raised.value.code == code
    assert not ImportJob.objects.exists()


def test_start_import_refuses_a_docx_renamed_to_xlsx(cast, tmp_path):
    import zipfile

    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    with pytest.raises(services.RosterImportError) as raised:
        services.start_import(unit=cast.commune, upload=SimpleUploadedFile("letter.xlsx", path.read_bytes()),
                              by=cast.users["parent_staff"])

    assert raised.value.code == "file_type"


def test_start_import_refuses_a_file_over_the_limit(cast, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 1000
    upload = csv_upload([",".join(HEADER)] + [row(card=str(30000000 + n)) for n in range(40)])

    with pytest.raises(services.RosterImportError) as raised:
        services.start_import(unit=cast.commune, upload=upload, by=cast.users["parent_staff"])

    assert raised.value.code == "too_large"
    assert "1000" in raised.value.messages[0] or "KB" in raised.value.messages[0]
    assert not ImportJob.objects.exists()


def test_reimport_is_idempotent(cast):
    lines = [",".join(HEADER), row(), row(name="Trần Thị Mai", sex="Nữ", card="20000002", citizen_id="001180000002")]
    confirm(cast, start(cast, csv_upload(lines)))
    entries = AuditEntry.objects.filter(object_type="org.member").count()
    members = list(Member.objects.order_by("pk").values())

    job = confirm(cast, start(cast, csv_upload(lines)))

    assert job.status == ImportStatus.DONE
    assert (job.new_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert AuditEntry.objects.filter(object_type="org.member").count() == entries
    assert list(Member.objects.order_by("pk").values()) == members


def test_reimport_updates_only_changed_fields_by_card_number(cast):
    member = make_member(cast.cell, "Trần Thị Bích", card_number="20000001", phone="0911111111", ethnicity="Kinh")
    upload = csv_upload([",".join(HEADER), row(name="Trần Thị Bích", citizen_id="", phone="0922222222", dob="",
                                               sex="", admitted="", official="", status="")])

    job = confirm(cast, start(cast, upload))

    assert (job.new_count, job.updated_count) == (0, 1)
    member.refresh_from_db()
    assert (member.phone, member.ethnicity, member.cell, member.version) == ("0922222222", "Kinh", cast.cell, 2)
    entry = AuditEntry.objects.get(action="org.member.update", object_id=str(member.pk))
    assert entry.changes == {"phone": ["0911111111", "0922222222"]}


def test_reimport_matches_by_citizen_id_and_sets_the_card_number(cast):
    member = cast.members["member"]  # citizen ID 001190000001
    upload = csv_upload([",".join(HEADER), row(name=member.full_name, card="29999999", citizen_id="001190000001",
                                               code="TN-HA-1", dob="", sex="", admitted="", official="",
                                               phone="0912345678")])

    job = confirm(cast, start(cast, upload))

    assert (job.new_count, job.updated_count) == (0, 1)
    member.refresh_from_db()
    assert member.card_number == "29999999"


def test_reimport_with_another_cell_transfers_and_keeps_history(cast):
    member = make_member(cast.cell, "Đỗ Văn Phúc", card_number="20000001")
    upload = csv_upload([",".join(HEADER), row(name="Đỗ Văn Phúc", citizen_id="", code="TN-HA-2", dob="", sex="",
                                               admitted="", official="", phone="", status="")])

    job = confirm(cast, start(cast, upload))

    assert job.updated_count == 1
    member.refresh_from_db()
    assert (member.cell, member.province) == (cast.sibling_cell, cast.province)
    memberships = list(member.memberships.order_by("pk").values_list("cell_id", "ended_on"))
    assert memberships == [(cast.cell.pk, datetime.date.today()), (cast.sibling_cell.pk, None)]
    entry = AuditEntry.objects.get(action="org.member.update", object_id=str(member.pk))
    assert entry.changes == {"cell": [cast.cell.pk, cast.sibling_cell.pk]}


def test_reimport_of_status_records_a_status_change(cast):
    member = make_member(cast.cell, "Đỗ Văn Phúc", card_number="20000001")
    upload = csv_upload([",".join(HEADER), row(name="Đỗ Văn Phúc", citizen_id="", dob="", sex="", admitted="",
                                               official="", phone="", status="Đình chỉ sinh hoạt")])

    confirm(cast, start(cast, upload))

    member.refresh_from_db()
    assert member.status == MemberStatus.SUSPENDED
    assert member.status_changes.filter(status=MemberStatus.SUSPENDED).exists()


def test_import_cannot_touch_members_outside_its_scope(cast):
    other = cast.members["other"]  # in cast.other_cell, outside cast.commune
    upload = csv_upload([",".join(HEADER), row(name="Hoàng Văn Em", card=other.card_number, citizen_id="",
                                               code="TN-HA-1"),
                         row(card="20000002", citizen_id="001080000002", code="TN-HB-3")])

    job = start(cast, upload)

    # Row 2's number is checked like an unknown one: the file does not tell that it is recorded elsewhere.
    assert codes(job) == [(3, "unit_code", "unit_out_of_scope")]
    assert "Thôn 3" not in job.errors[0]["message"]
    other.refresh_from_db()
    assert other.cell == cast.other_cell


def test_import_refuses_a_citizen_id_of_another_member(cast):
    make_member(cast.cell, "Đỗ Văn Phúc", card_number="20000001")
    upload = csv_upload([",".join(HEADER), row(name="Đỗ Văn Phúc", citizen_id="001190000001")])

    job = start(cast, upload)

    assert codes(job) == [(2, "citizen_id", "citizen_id_taken")]


def test_apply_rechecks_against_the_current_database(cast):
    job = start(cast, csv_upload([",".join(HEADER), row()]))
    make_member(cast.other_cell, "Người Khác", card_number="20000001")

    job = confirm(cast, job)

    # The number now belongs to a member of another commune: the row is held for the committee, not created.
    assert job.status == ImportStatus.DONE
    assert (job.new_count, job.held_count) == (0, 1)
    assert Member.objects.filter(card_number="20000001").count() == 1
    assert ImportConflict.objects.get(job=job).member.full_name == "Người Khác"


def test_apply_failure_rolls_everything_back(cast, monkeypatch):
    from soisua.audit import services as audit

    job = start(cast, csv_upload([",".join(HEADER), row(), row(card="20000002", citizen_id="001080000002")]))
    members_before = Member.objects.count()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_many", fail)
    job = confirm(cast, job)

    assert job.status == ImportStatus.FAILED
    assert job.failure_message
    assert Member.objects.count() == members_before
    assert not CellMembership.objects.filter(member__card_number="20000001").exists()
    assert not AuditEntry.objects.filter(action="documents.import.apply").exists()


def test_confirm_twice_is_refused(cast):
    job = confirm(cast, start(cast, csv_upload([",".join(HEADER), row()])))

    with pytest.raises(services.RosterImportError) as raised:
        services.confirm_import(job, by=cast.users["parent_staff"])

    assert raised.value.code == "not_valid"
    assert Member.objects.filter(card_number="20000001").count() == 1


def test_keyless_rows_match_by_name_in_the_cell(cast):
    make_member(cast.cell, "Vũ Thị Hoa", card_number="")
    upload = csv_upload([",".join(HEADER), row(name="Vũ Thị Hoa", card="", citizen_id="", dob="", sex="",
                                               admitted="", official="", phone="", status="")])

    job = start(cast, upload)

    assert (job.new_count, job.unchanged_count) == (0, 1)


def test_english_headers_and_semicolons_are_accepted(cast):
    upload = csv_upload(["full_name;unit_code;card_number;sex;status",
                         "Nguyễn Văn Hùng;TN-HA-1;20000001;male;probationary"])

    job = confirm(cast, start(cast, upload))

    assert job.status == ImportStatus.DONE
    assert Member.objects.get(card_number="20000001").status == MemberStatus.PROBATIONARY


def test_import_in_another_unit_subtree(cast):
    cell = make_unit(cast.other_commune, "cell", "Chi bộ Thôn 4", code="TN-HB-4")
    upload = csv_upload([",".join(HEADER), row(code="TN-HB-4")])

    job = confirm(cast, start(cast, upload, unit=cast.other_commune, who="unrelated_staff"))

    assert job.status == ImportStatus.DONE
    assert Member.objects.get(card_number="20000001").cell == cell


def test_import_marks_touched_cells_and_ancestors_as_changed(cast):
    for unit in (cast.cell, cast.commune, cast.sibling_cell):
        unit.refresh_from_db()
    versions = {unit.pk: unit.content_version for unit in (cast.cell, cast.commune, cast.sibling_cell)}

    confirm(cast, start(cast, csv_upload([",".join(HEADER), row()])))

    for unit in (cast.cell, cast.commune, cast.sibling_cell):
        unit.refresh_from_db()
    assert cast.cell.content_version > versions[cast.cell.pk]
    # The cast's commune sits at depth 2, above services.TOUCH_MIN_DEPTH: its page refreshes on a timer instead.
    assert cast.commune.content_version == versions[cast.commune.pk]
    assert cast.sibling_cell.content_version == versions[cast.sibling_cell.pk]
