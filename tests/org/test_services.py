import datetime

import pytest
from django.utils import timezone

from soisua.audit.models import AuditEntry
from soisua.org import services
from soisua.org.enums import MemberStatus, PostKind
from soisua.org.models import CellMembership, Member, Unit
from tests.factories import make_member, make_unit


def test_create_unit_paths_extend_parent(cast):
    assert cast.cell.path.startswith(cast.commune.path)
    assert cast.cell.depth == cast.commune.depth + 1 == 3
    assert cast.cell.province == cast.province
    assert cast.province.province == cast.province


def test_create_unit_refuses_duplicate_code(cast):
    with pytest.raises(services.OrgError) as error:
        make_unit(cast.commune, "cell", "Chi bộ trùng", code=cast.cell.code)

    assert error.value.code == "duplicate"


def test_move_unit_moves_whole_subtree(cast):
    group = make_unit(cast.cell, "group", "Tổ đảng 1")

    services.move_unit(cast.cell, new_parent=cast.other_commune, by=cast.users["admin"])

    cell = Unit.objects.get(pk=cast.cell.pk)
    group.refresh_from_db()
    assert cell.parent == cast.other_commune
    assert cell.path.startswith(cast.other_commune.path)
    assert group.path.startswith(cell.path) and group.depth == cell.depth + 1
    assert Member.objects.get(pk=cast.members["member"].pk).cell == cell
    assert AuditEntry.objects.filter(action="org.unit.move", object_id=str(cell.pk)).exists()


def test_move_unit_into_own_subtree_is_refused_and_changes_nothing(cast):
    paths_before = dict(Unit.objects.values_list("pk", "path"))

    with pytest.raises(services.OrgError) as error:
        services.move_unit(cast.commune, new_parent=cast.cell, by=cast.users["admin"])

    assert error.value.code == "cycle"
    assert dict(Unit.objects.values_list("pk", "path")) == paths_before


def test_move_unit_to_other_province_updates_members_province(cast):
    other_province = make_unit(None, "province", "Tỉnh ủy Khác", code="KH")

    services.move_unit(cast.commune, new_parent=other_province, by=cast.users["superuser"])

    assert Member.objects.get(pk=cast.members["member"].pk).province == other_province
    assert Unit.objects.get(pk=cast.cell.pk).province == other_province


def test_create_member_opens_membership_and_status(cast):
    member = make_member(cast.cell, "Võ Thị Hạnh", status=MemberStatus.PROBATIONARY)

    assert member.memberships.get().ended_on is None
    assert member.status_changes.get().status == MemberStatus.PROBATIONARY
    assert member.search_name == "vo thi hanh"


def test_create_member_refuses_duplicate_card_number(cast):
    with pytest.raises(services.OrgError) as error:
        make_member(cast.cell, "Ai Đó", card_number=cast.members["member"].card_number)

    assert error.value.code == "duplicate_card"


def test_create_member_refuses_non_cell(cast):
    with pytest.raises(services.OrgError) as error:
        make_member(cast.commune, "Ai Đó")

    assert error.value.code == "not_a_cell"


def test_transfer_member_keeps_history(cast):
    member = cast.members["member"]

    on = timezone.localdate() + datetime.timedelta(days=11)

    services.transfer_member(member, to_cell=cast.sibling_cell, on=on, reason="Chuyển công tác",
                             by=cast.users["parent_staff"])

    memberships = list(CellMembership.objects.filter(member=member).order_by("started_on"))
    assert [m.cell for m in memberships] == [cast.cell, cast.sibling_cell]
    assert memberships[0].ended_on == on
    assert memberships[1].ended_on is None
    assert Member.objects.get(pk=member.pk).cell == cast.sibling_cell


def test_transfer_member_changes_what_the_login_sees(cast):
    from soisua.org import access

    services.transfer_member(cast.members["member"], to_cell=cast.sibling_cell, by=cast.users["parent_staff"])

    user = type(cast.users["member"]).objects.get(pk=cast.users["member"].pk)
    assert set(access.visible_units(user)) == {cast.sibling_cell}


def test_change_member_status_records_history(cast):
    member = cast.members["member"]

    services.change_member_status(member, status=MemberStatus.SUSPENDED, reason="Kỷ luật", by=cast.users["secretary"])

    assert Member.objects.get(pk=member.pk).status == MemberStatus.SUSPENDED
    assert member.status_changes.first().reason == "Kỷ luật"


def test_update_member_with_stale_version_is_refused(cast):
    member = cast.members["member"]
    stale = member.version
    services.update_member(member, phone="0987654321", version=stale, by=cast.users["secretary"])

    with pytest.raises(services.ConflictError):
        services.update_member(member, phone="0911111111", version=stale, by=cast.users["secretary"])

    assert Member.objects.get(pk=member.pk).phone == "0987654321"


def test_update_member_audits_changed_fields_only(cast):
    member = cast.members["member"]

    services.update_member(member, phone="0987654321", full_name=member.full_name, by=cast.users["secretary"])

    entry = AuditEntry.objects.filter(action="org.member.update").get()
    assert entry.changes == {"phone": ["0912345678", "0987654321"]}


def test_assign_post_refuses_second_secretary(cast):
    with pytest.raises(services.OrgError) as error:
        services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.SECRETARY,
                             by=cast.users["parent_staff"])

    assert error.value.code == "one_secretary"


def test_audit_entries_are_append_only(cast):
    entry = AuditEntry.objects.first()

    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
