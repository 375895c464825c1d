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
