"""Roster import of the column "Công tác trong hệ thống chính trị": what rosters write for yes and no is read,
anything else is refused on its row with a translated message, and nothing changes until the import is confirmed."""

import pytest

from soisua.documents.models import ImportStatus
from soisua.org.models import Member
from tests.documents.test_import_service import HEADER, confirm, csv_upload, row, start, xlsx_upload
from tests.factories import make_member

COLUMN = "Công tác trong hệ thống chính trị"


def lines(*values: str) -> list[str]:
    return [",".join([*HEADER, COLUMN]), *[row(name=f"Nguyễn Văn Hùng {chr(65 + index)}", card=f"2000000{index}",
                                              citizen_id=f"00108000000{index}") + f",{value}"
                                          for index, value in enumerate(values)]]


@pytest.mark.parametrize(("written", "stored"), [
    ("Có", True), ("Có ", True), ("  co", True), ("x", True), ("1", True),
    ("Không", False), ("không ", False), ("KHONG", False), ("0", False)])
def test_import_reads_yes_and_no_as_rosters_write_them(cast, written, stored):
    job = confirm(cast, start(cast, csv_upload(lines(f'"{written}"'))))

    assert job.status == ImportStatus.DONE, job.errors
    assert Member.objects.get(card_number="20000000").in_political_system is stored


@pytest.mark.parametrize("written", ["=1+1", "+1", "@SUM(A1)", "Có lẽ", "2", "maybe"])
def test_import_refuses_an_odd_value_on_its_row_with_a_translated_message(cast, written):
    job = start(cast, csv_upload(lines("Có", f'"{written}"')))

    assert job.status == ImportStatus.INVALID
    errors = [error for error in job.errors if error["column"] == "in_political_system"]
    assert [error["row"] for error in errors] == [3]
    assert errors[0]["code"] in {"formula", "bad_yes_no"}
    assert any(word in errors[0]["message"] for word in ("không phải có hay không", "công thức", "Xóa ký tự"))
    assert not Member.objects.filter(card_number__in=["20000000", "20000001"]).exists()


def test_a_blank_cell_leaves_the_member_as_recorded(cast):
    member = make_member(cast.cell, "Nguyễn Văn Hùng A", card_number="20000000")
    Member.objects.filter(pk=member.pk).update(in_political_system=False)

    job = confirm(cast, start(cast, csv_upload(lines(""))))

    assert job.status == ImportStatus.DONE, job.errors
    member.refresh_from_db()
    assert member.in_political_system is False


def test_a_change_waits_for_the_confirmation(cast):
    member = make_member(cast.cell, "Nguyễn Văn Hùng A", card_number="20000000")
    assert member.in_political_system is True

    job = start(cast, csv_upload(lines("Không")))
    member.refresh_from_db()
    unconfirmed = member.in_political_system
    confirm(cast, job)
    member.refresh_from_db()

    assert (job.updated_count, unconfirmed, member.in_political_system) == (1, True, False)


def test_an_xlsx_true_false_or_number_cell_is_read(cast, tmp_path):
    upload = xlsx_upload(tmp_path, [[*HEADER, COLUMN],
                                    [1, "Nguyễn Văn Hùng", "02/09/1980", "Nam", "03/02/2005", "03/02/2006",
                                     "20000001", "001080000001", "0912345678", "TN-HA-1", "Chính thức", False],
                                    [2, "Trần Văn Mạnh", "02/09/1981", "Nam", "03/02/2005", "03/02/2006",
                                     "20000002", "001080000002", "0912345679", "TN-HA-1", "Chính thức", 1]])

    job = confirm(cast, start(cast, upload))

    assert job.status == ImportStatus.DONE, job.errors
    assert dict(Member.objects.filter(card_number__in=["20000001", "20000002"])
                .values_list("card_number", "in_political_system")) == {"20000001": False, "20000002": True}
