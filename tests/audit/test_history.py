"""The history page of a unit or a member reads as sentences and values a person understands: the field's name, the
values before and after written out (choices by label, yes or no, dates as dd/mm/yyyy, linked rows by name, nothing
as "—"), the action as a sentence; never a code, a raw field name, True or None."""

import datetime
import re

from django.urls import reverse

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM
from soisua.org import services as org
from soisua.org.enums import MemberStatus, Sex
from tests.factories import UserFactory, make_member


def history(cast, url: str, who: str = "parent_staff") -> str:
    response = cast.client(who).get(url)
    assert response.status_code == 200
    return response.content.decode()


def changes_of(page: str) -> list[str]:
    """Each "label: value" line of the page's table, without its tags."""
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<div><strong>.*?</div>", page)]


def test_a_members_history_reads_as_sentences_and_values(cast):
    member = make_member(cast.cell, "Huỳnh Thị Mai", date_of_birth=datetime.date(1990, 5, 17), sex=Sex.FEMALE)
    org.update_member(member, phone="0987654321", by=cast.users["secretary"])
    org.transfer_member(member, to_cell=cast.sibling_cell, reason="Chuyển nơi cư trú", by=cast.users["parent_staff"])
    org.change_member_status(member, status=MemberStatus.EXEMPT, reason="Tuổi cao", by=cast.users["parent_staff"])
    org.link_account(member, user=UserFactory(username="mai"), by=SYSTEM)

    page = history(cast, reverse("org:members.history", args=[member.pk]))

    lines = changes_of(page)
    assert "Họ và tên: Huỳnh Thị Mai" in lines
    assert "Ngày sinh: 17/05/1990" in lines
    assert "Giới tính: Nữ" in lines
    assert "Chi bộ: Chi bộ Thôn 1 → Chi bộ Thôn 2" in lines
    assert "Trạng thái: Chính thức → Miễn công tác và sinh hoạt đảng" in lines
    assert "Điện thoại: — → 0987654321" in lines
    assert "Lý do: Tuổi cao" in lines
    assert "Tài khoản đăng nhập: mai" in lines
    for sentence in ("Đảng viên được thêm vào danh sách.", "Hồ sơ của đảng viên được sửa.",
                     "Đảng viên được chuyển sinh hoạt sang chi bộ khác.", "Trạng thái của đảng viên được thay đổi.",
                     "Tài khoản đăng nhập được gắn với đảng viên."):
        assert f"<td>{sentence}</td>" in page
    assert "H → u" not in page
    for raw in ("org.member", "full_name", "True", "None", "date_of_birth"):
        assert raw not in page, raw
    assert "<td>hệ thống</td>" in page  # the member was created from the command line


def test_a_units_history_names_the_parent_and_kind_and_falls_back_on_what_it_does_not_know(cast):
    audit.record(cast.users["admin"], "org.unit.renamed_in_a_later_version", cast.cell,
                 {"name": ["Chi bộ Thôn 1", "Chi bộ Thôn Một"], "archived_copy": False, "extra_note": ""})

    page = history(cast, reverse("org:units.history", args=[cast.cell.pk]))

    lines = changes_of(page)
    assert "<td>Đơn vị được tạo.</td>" in page
    assert "Đơn vị cấp trên: Đảng ủy xã Hòa An" in lines
    assert "Loại: Chi bộ" in lines or any(line.startswith("Loại: ") and "—" not in line for line in lines)
    assert "Tên: Chi bộ Thôn 1 → Chi bộ Thôn Một" in lines
    assert "<td>Một thay đổi được ghi nhận.</td>" in page  # an action this version does not know
    assert "Archived copy: Không" in lines  # a name the unit does not know, made readable
    assert not any(line.startswith("Extra note") for line in lines)  # nothing recorded: left out
    assert "org.unit" not in page
