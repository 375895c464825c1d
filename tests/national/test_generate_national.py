from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from soisua.core.actors import SYSTEM
from soisua.core.text import fold, name_sort_key
from soisua.org import services
from soisua.org.enums import PostKind
from soisua.org.models import PATH_STEP, CellMembership, Member, MemberStatusChange, Post, Unit
from tests.factories import kind

TINY = {"provinces": 2, "communes": 3, "cells": 6, "members": 60, "seed": 7, "verbosity": 0}


@pytest.fixture
def generated(db) -> Unit:
    call_command("generate_national", **TINY)
    return Unit.objects.get(parent=None)


def test_generate_national_tree_is_consistent(generated):
    units = {unit.pk: unit for unit in Unit.objects.select_related("kind")}

    assert Counter(unit.kind.code for unit in units.values()) == {"central": 1, "province": 2, "commune": 3,
                                                                  "cell": 6}
    for unit in units.values():
        assert unit.depth == len(unit.path) // PATH_STEP
        if unit.parent_id is None:
            assert unit.province_id is None
            continue
        parent = units[unit.parent_id]
        assert unit.path.startswith(parent.path)
        assert len(unit.path) == len(parent.path) + PATH_STEP
        expected_province = unit.pk if unit.kind.is_province else parent.province_id
        assert unit.province_id == expected_province


def test_generate_national_members_have_one_open_membership_in_their_cell(generated):
    members = list(Member.objects.select_related("cell"))
    open_memberships = dict(CellMembership.objects.filter(ended_on=None).values_list("member_id", "cell_id"))

    assert len(members) == 60
    assert CellMembership.objects.count() == len(open_memberships) == 60
    assert MemberStatusChange.objects.count() == 60
    for member in members:
        assert open_memberships[member.pk] == member.cell_id
        assert member.cell.kind.holds_members
        assert member.province_id == member.cell.province_id


def test_generate_national_names_sort_the_vietnamese_way(generated):
    members = list(Member.objects.all())

    assert all(member.sort_key == name_sort_key(member.full_name) for member in members)
    assert all(member.search_name == fold(member.full_name) for member in members)
    assert {member.full_name.split()[0] for member in members} & {"Nguyễn", "Trần", "Lê", "Phạm"}


def test_generate_national_gives_every_cell_a_secretary(generated):
    cells = Unit.objects.filter(kind__code="cell")

    secretaries = Post.objects.filter(kind=PostKind.SECRETARY, ended_on=None)

    assert sorted(secretaries.values_list("unit_id", flat=True)) == sorted(cells.values_list("pk", flat=True))
    assert all(post.member.cell_id == post.unit_id for post in secretaries.select_related("member"))


def test_generate_national_leaves_room_for_the_services(generated):
    commune = Unit.objects.filter(kind__code="commune").order_by("path").first()
    last_child = Unit.objects.filter(parent=commune).order_by("-path").first()

    cell = services.create_unit(parent=commune, kind=kind("cell"), code="NEW", name="Chi bộ Thôn mới", by=SYSTEM)
    member = services.create_member(cell=cell, full_name="Nguyễn Văn Mới", by=SYSTEM)

    assert cell.path > last_child.path
    assert cell.path.startswith(commune.path)
    assert cell.province_id == commune.province_id
    assert member.memberships.get().cell == cell


def test_generate_national_refuses_a_non_empty_database(generated):
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_national", **TINY)


def test_generate_national_append_repeats_the_seed(generated):
    first_names = list(Member.objects.order_by("pk").values_list("full_name", flat=True))

    call_command("generate_national", append=True, **TINY)

    second_root = Unit.objects.filter(parent=None).exclude(pk=generated.pk).get()
    second_names = list(Member.objects.filter(cell__path__startswith=second_root.path).order_by("pk")
                        .values_list("full_name", flat=True))
    assert second_names == first_names
    assert second_root.path != generated.path


def test_generate_national_can_issue_a_national_plan_with_reports_counted_up_the_tree(db):
    from soisua.counters import rollups
    from soisua.directives import queries as directive_queries
    from soisua.directives.models import Directive, Receipt, Report

    call_command("generate_national", **TINY, directives=True)

    plan = Directive.objects.get()
    root = Unit.objects.get(parent=None)
    assert plan.issuer == root and Receipt.objects.filter(directive=plan).count() == Unit.objects.count() - 1
    assert Report.objects.exists()
    figures = directive_queries.progress(plan, root, list(plan.tasks.all()))
    assert figures["targets"] == 11 and 0 < figures["acknowledged"] <= 11
    assert rollups.rebuild(["dir."]) == {"dir.": 0}
