"""Unit kinds are checked against the parent: where each kind may stand is data (UnitKind.may_be_root,
UnitKind.allowed_parents), refused with the allowed kinds named, in create_unit, move_unit and update_unit."""

import pytest
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.demo import UNITS
from soisua.org.models import Unit, UnitKind
from tests.factories import kind, make_unit


def test_the_central_committee_under_a_province_is_refused(cast):
    with pytest.raises(services.OrgError) as error:
        services.create_unit(parent=cast.province, kind=kind("central"), code="TW2", name="Ban Chấp hành Trung ương",
                             by=cast.users["admin"])

    assert error.value.code == "kind_parent"
    assert "“Ban Chấp hành Trung ương”" in error.value.messages[0]
    assert "chỉ có thể là đơn vị cao nhất" in error.value.messages[0]
    assert not Unit.objects.filter(code="TW2").exists()


def test_a_cell_under_a_province_is_refused_naming_where_it_belongs(cast):
    with pytest.raises(services.OrgError) as error:
        services.create_unit(parent=cast.province, kind=kind("cell"), code="CB-X", name="Chi bộ X", by=SYSTEM)

    message = error.value.messages[0]
    assert error.value.code == "kind_parent"
    assert "“Chi bộ”" in message and "“Đảng bộ tỉnh, thành phố”" in message
    assert "“Đảng bộ xã, phường, đặc khu”" in message and "“Đảng bộ cơ sở”" in message


def test_only_a_kind_that_may_be_the_top_unit_is_created_without_a_parent(db):
    root = services.create_unit(parent=None, kind=kind("central"), code="TW", name="Trung ương", by=SYSTEM)

    with pytest.raises(services.OrgError) as error:
        services.create_unit(parent=None, kind=kind("commune"), code="XA", name="Đảng ủy xã", by=SYSTEM)

    assert root.parent_id is None
    assert error.value.code == "kind_root"
    assert not Unit.objects.filter(code="XA").exists()


def test_moving_a_cell_straight_under_the_province_is_refused_and_changes_nothing(cast):
    path = cast.cell.path

    with pytest.raises(services.OrgError) as error:
        services.move_unit(cast.cell, new_parent=cast.province, by=cast.users["admin"])

    assert error.value.code == "kind_parent"
    assert Unit.objects.get(pk=cast.cell.pk).path == path


def test_the_move_page_explains_a_parent_of_the_wrong_kind(cast):
    response = cast.client("admin").post(reverse("org:units.move", args=[cast.cell.pk]),
                                         {"new_parent": cast.province.pk})

    assert response.status_code == 200
    assert "không thể đặt dưới một đơn vị loại “Đảng bộ tỉnh, thành phố”" in response.content.decode()
    assert Unit.objects.get(pk=cast.cell.pk).parent_id == cast.commune.pk


def test_the_new_unit_form_offers_only_the_kinds_allowed_under_the_parent(cast):
    under_province = cast.client("admin").get(reverse("org:units.create", args=[cast.province.pk]))
    under_commune = cast.client("admin").get(reverse("org:units.create", args=[cast.commune.pk]))

    offered = [under_province.context["form"].fields["kind"].queryset,
               under_commune.context["form"].fields["kind"].queryset]
    assert {kind.code for kind in offered[0]} == {"district", "bloc", "commune"}
    assert {kind.code for kind in offered[1]} == {"grassroots", "grassroots_cell", "section", "cell"}


def test_a_section_may_not_become_a_district_under_its_commune(cast):
    section = make_unit(cast.commune, "section", "Đảng bộ bộ phận")

    with pytest.raises(services.OrgError) as error:
        services.update_unit(section, kind=kind("district"), by=SYSTEM)

    assert error.value.code == "kind_parent"
    assert Unit.objects.get(pk=section.pk).kind.code == "section"


def test_a_district_whose_communes_would_no_longer_fit_keeps_its_kind(cast):
    district = make_unit(cast.province, "district", "Huyện ủy")
    make_unit(district, "commune", "Đảng ủy xã Hòa Lợi")

    with pytest.raises(services.OrgError) as error:
        services.update_unit(district, kind=kind("bloc"), by=SYSTEM)

    assert error.value.code == "kind_children"
    assert "“Đảng bộ xã, phường, đặc khu”" in error.value.messages[0]
    assert Unit.objects.get(pk=district.pk).kind.code == "district"


@pytest.mark.parametrize(("code", "kind_code", "parent_code"),
                         [(code, kind_code, parent) for code, kind_code, _name, parent, _count, _place in UNITS])
def test_the_shipped_kinds_allow_the_demo_organisation(db, code, kind_code, parent_code):
    rules = services.KindRules()
    parents = {row[0]: row[1] for row in UNITS}

    problem = rules.problem(rules.by_code[kind_code], rules.by_code[parents[parent_code]] if parent_code else None)

    assert problem is None, f"{code}: {problem}"


@pytest.mark.parametrize(("kind_code", "parent_code"), [("central", None), ("province", "central"),
                                                        ("commune", "province"), ("cell", "commune"),
                                                        ("group", "cell")])
def test_the_shipped_kinds_allow_the_national_structure(db, kind_code, parent_code):
    rules = services.KindRules()

    problem = rules.problem(rules.by_code[kind_code], rules.by_code[parent_code] if parent_code else None)

    assert problem is None


def test_every_shipped_kind_has_a_place(db):
    rules = services.KindRules()

    homeless = [kind.code for kind in UnitKind.objects.all() if not kind.may_be_root and not rules.parents[kind.pk]]

    assert homeless == []


def test_many_units_are_created_at_once_each_in_its_place_with_its_province(db):
    root = services.create_unit(parent=None, kind=kind("central"), code="TW", name="Trung ương", by=SYSTEM)
    rows = [services.NewUnit("T1", "Tỉnh ủy Một", kind("province"), "TW"),
            services.NewUnit("T1-X", "Đảng ủy xã", kind("commune"), "T1"),
            services.NewUnit("T1-X-1", "Chi bộ 1", kind("cell"), "T1-X"),
            services.NewUnit("T1-X-2", "Chi bộ 2", kind("cell"), "T1-X"),
            services.NewUnit("KHOI", "Đảng bộ Khối", kind("bloc"), "TW")]

    created = services.create_units(rows, by=SYSTEM)
    later = services.create_unit(parent=Unit.objects.get(code="T1-X"), kind=kind("cell"), code="T1-X-3",
                                 name="Chi bộ 3", by=SYSTEM)

    units = {unit.code: unit for unit in Unit.objects.select_related("parent", "province")}
    assert [unit.code for unit in created] == ["T1", "KHOI", "T1-X", "T1-X-1", "T1-X-2"]
    assert units["T1-X-2"].parent.code == "T1-X" and units["T1-X-2"].depth == 4
    assert {code: unit.province.code if unit.province else None for code, unit in units.items()} == {
        "TW": None, "T1": "T1", "T1-X": "T1", "T1-X-1": "T1", "T1-X-2": "T1", "T1-X-3": "T1", "KHOI": None}
    assert len({unit.path for unit in units.values()}) == len(units)
    assert later.path == units["T1-X"].path + services.encode_path_step(2)
    assert root.path == units["T1"].path[:4]


def test_many_units_are_refused_whole_for_one_bad_row(cast):
    rows = [services.NewUnit("TN-HA-7", "Chi bộ 7", kind("cell"), "TN-HA"),
            services.NewUnit("TN-HA-8", "Huyện ủy", kind("district"), "TN-HA")]

    with pytest.raises(services.OrgError) as error:
        services.create_units(rows, by=SYSTEM)
    with pytest.raises(services.OrgError) as taken:
        services.create_units([services.NewUnit("TN-HA-1", "Chi bộ trùng", kind("cell"), "TN-HA")], by=SYSTEM)

    assert (error.value.code, taken.value.code) == ("kind_parent", "duplicate")
    assert not Unit.objects.filter(code="TN-HA-7").exists()
