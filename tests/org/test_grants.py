"""Granting is a power of its own: nobody grants a role stronger than their own, nor to themselves; an
administrator's role comes from an administrator above; revoking follows the same rule. Through the pages."""

import pytest
from django.core import mail
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org import access, services
from soisua.org.enums import Role
from soisua.org.models import RoleGrant
from tests.factories import UserFactory

POWER = access.ROLE_POWER


def grant_page(unit):
    return reverse("org:units.grants", args=[unit.pk])


def test_staff_cannot_make_themselves_administrator_of_their_commune(cast):
    staff = cast.users["parent_staff"]

    response = cast.client("parent_staff").post(grant_page(cast.commune), {"username": "parent_staff",
                                                                           "role": "admin"})

    assert response.status_code == 200
    assert not RoleGrant.objects.filter(user=staff, role=Role.ADMIN).exists()


def test_staff_cannot_make_themselves_secretary_of_a_cell_below(cast):
    staff = cast.users["parent_staff"]

    response = cast.client("parent_staff").post(grant_page(cast.cell), {"username": "parent_staff",
                                                                        "role": "secretary"})

    assert "Không ai tự cấp hoặc thu hồi vai trò của chính mình" in response.content.decode()
    assert not RoleGrant.objects.filter(user=staff, unit=cast.cell).exists()


def test_staff_grants_a_secretary_who_is_told_by_inbox_and_mail(cast, django_capture_on_commit_callbacks):
    newcomer = UserFactory(username="bithu.moi", email="bithu.moi@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("parent_staff").post(grant_page(cast.cell), {"username": "bithu.moi",
                                                                            "role": "secretary"})

    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=newcomer, unit=cast.cell, role=Role.SECRETARY)
    entry = AuditEntry.objects.get(action="org.grant.create", object_id=str(grant.pk))
    assert entry.actor == cast.users["parent_staff"]
    assert Notification.objects.filter(recipient=newcomer, kind="org.grant").count() == 1
    assert [message.to for message in mail.outbox] == [["bithu.moi@example.org"]]


def test_staff_cannot_grant_or_revoke_a_committee_role(cast):
    committee_member = UserFactory(username="chiuy")
    held = services.grant_role(committee_member, unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)

    refused = cast.client("parent_staff").post(grant_page(cast.commune), {"username": "sibling",
                                                                          "role": "committee"})
    revoke = cast.client("parent_staff").post(reverse("org:units.grants.revoke", args=[cast.commune.pk, held.pk]),
                                              follow=True)

    assert refused.status_code == 200
    assert not RoleGrant.objects.filter(user=cast.users["sibling"], role=Role.COMMITTEE).exists()
    assert RoleGrant.objects.filter(pk=held.pk).exists()
    assert "Đồng chí không được cấp hoặc thu hồi vai trò" in revoke.content.decode()


def test_the_grants_page_offers_only_grantable_roles_and_no_removal_of_stronger_ones(cast):
    services.grant_role(UserFactory(username="chiuy"), unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)

    page = cast.client("parent_staff").get(grant_page(cast.commune)).content.decode()

    assert '<option value="staff"' in page and '<option value="committee"' not in page
    assert '<option value="admin"' not in page
    assert page.count("Xác nhận gỡ vai trò này") == 1  # the inspector's grant only; not the committee's, not one's own


def test_an_administrator_above_grants_an_administrator_but_not_one_on_their_own_unit(cast):
    province_admin = UserFactory(username="quantri.tinh")
    services.grant_role(province_admin, unit=cast.province, role=Role.ADMIN, by=SYSTEM)
    client = cast.client("anonymous")
    client.force_login(province_admin)

    below = client.post(grant_page(cast.commune), {"username": "parent_staff", "role": "admin"})
    same = client.post(grant_page(cast.province), {"username": "unrelated_staff", "role": "admin"})

    assert below.status_code == 302
    assert RoleGrant.objects.filter(user=cast.users["parent_staff"], unit=cast.commune, role=Role.ADMIN).exists()
    assert same.status_code == 200
    assert not RoleGrant.objects.filter(user=cast.users["unrelated_staff"], role=Role.ADMIN).exists()


def test_a_revoked_role_is_audited_and_the_holder_is_told(cast):
    grant = RoleGrant.objects.get(user=cast.users["inspector"], unit=cast.commune)

    response = cast.client("parent_staff").post(reverse("org:units.grants.revoke", args=[cast.commune.pk, grant.pk]))

    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action="org.grant.delete", actor=cast.users["parent_staff"]).exists()
    notice = Notification.objects.get(recipient=cast.users["inspector"], event_key=f"grant:{grant.pk}:off")
    assert "Cán bộ kiểm tra (chỉ xem)" in notice.body


def test_nobody_revokes_their_own_role(cast):
    own = RoleGrant.objects.get(user=cast.users["parent_staff"], unit=cast.commune)

    cast.client("parent_staff").post(reverse("org:units.grants.revoke", args=[cast.commune.pk, own.pk]))

    assert RoleGrant.objects.filter(pk=own.pk).exists()


# --- escalation rows: every role a granter may hold × every role they try to grant, on a cell below --------

def _expected(granter_role: str, role: str) -> str:
    if granter_role not in {Role.ADMIN, Role.STAFF}:
        return "forbidden"
    if role == Role.ADMIN:
        return "granted" if granter_role == Role.ADMIN else "refused"
    return "granted" if POWER[role] <= POWER[granter_role] else "refused"


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("granter_role", [Role.SECRETARY, Role.COMMITTEE, Role.STAFF, Role.INSPECTOR, Role.ADMIN])
def test_escalation_matrix(cast, granter_role, role):
    granter = UserFactory(username="nguoicap")
    services.grant_role(granter, unit=cast.cell if granter_role == Role.SECRETARY else cast.commune,
                        role=granter_role, by=SYSTEM)
    client = cast.client("anonymous")
    client.force_login(granter)

    response = client.post(grant_page(cast.cell), {"username": "sibling", "role": role})

    granted = RoleGrant.objects.filter(user=cast.users["sibling"], unit=cast.cell, role=role).exists()
    outcome = {"forbidden": (403, False), "granted": (302, True), "refused": (200, False)}
    assert (response.status_code, granted) == outcome[_expected(granter_role, role)]
