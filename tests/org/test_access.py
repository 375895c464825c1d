import pytest

from soisua.org import access


def test_visible_units_member_sees_only_own_cell(cast):
    units = set(access.visible_units(cast.users["member"]))

    assert units == {cast.cell}


def test_visible_units_parent_staff_sees_commune_subtree(cast):
    units = set(access.visible_units(cast.users["parent_staff"]))

    assert units == {cast.commune, cast.cell, cast.sibling_cell}


@pytest.mark.parametrize("who", ["sibling", "unrelated_staff"])
def test_unit_page_strangers_get_404(cast, who):
    response = cast.client(who).get(f"/units/{cast.cell.pk}/")

    assert response.status_code == 404
    assert "Trần Thị Bình" not in response.text


def test_unit_page_anonymous_is_sent_to_login(cast):
    response = cast.client("anonymous").get(f"/units/{cast.cell.pk}/")

    assert response["Location"] == f"/accounts/login/?next=/units/{cast.cell.pk}/"


def test_unit_page_member_sees_member_list(cast):
    response = cast.client("member").get(f"/units/{cast.cell.pk}/")

    assert response.status_code == 200
    assert "Trần Thị Bình" in response.text
    assert "Lê Văn Cường" in response.text


def test_unit_history_naming_who_exported_personal_data_is_not_for_plain_members(cast):
    export = cast.client("secretary").get(f"/documents/units/{cast.cell.pk}/roster.xlsx")
    assert b"".join(export.streaming_content)[:2] == b"PK"
    url = f"/units/{cast.cell.pk}/history/"

    refused = cast.client("member").get(url)
    readers = {who: cast.client(who).get(url) for who in ("secretary", "parent_staff", "inspector")}

    assert refused.status_code == 403
    assert "Danh sách đảng viên được tải xuống." not in refused.text
    for who, response in readers.items():
        assert "<td>Danh sách đảng viên được tải xuống.</td>" in response.text, who
    assert cast.client("sibling").get(url).status_code == 404


def test_can_read_history_follows_the_roles_on_the_unit(cast):
    users = cast.users

    assert not access.can_read_history(users["member"], cast.cell)
    assert access.can_read_history(users["secretary"], cast.cell)
    assert not access.can_read_history(users["secretary"], cast.commune)
    assert access.can_read_history(users["parent_staff"], cast.cell)
    assert access.can_read_history(users["inspector"], cast.commune)
    assert not access.can_read_history(users["unrelated_staff"], cast.cell)
