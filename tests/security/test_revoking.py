"""Revoking is the same power as granting: whoever administers a unit removes only the roles they could grant
there, and nobody changes their own roles, administrators included (tests/org/test_grants.py has the granting side
and committee staff's own roles)."""

import pytest
from django.test import Client
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.org import access, services
from soisua.org.enums import Role
from soisua.org.models import RoleGrant
from tests.factories import UserFactory


@pytest.mark.parametrize("held", Role.values)
@pytest.mark.parametrize("remover_role", [Role.STAFF, Role.ADMIN])
def test_revocation_matrix_on_a_cell_below(cast, remover_role, held):
    remover = UserFactory(username="nguoithuhoi")
    services.grant_role(remover, unit=cast.commune, role=remover_role, by=SYSTEM)
    grant = services.grant_role(cast.users["sibling"], unit=cast.cell, role=held, by=SYSTEM)
    client = Client()
    client.force_login(remover)

    response = client.post(reverse("org:units.grants.revoke", args=[cast.cell.pk, grant.pk]), follow=True)

    # An administrator of the commune is above the cell; committee staff never remove a stronger role.
    allowed = remover_role == Role.ADMIN or (held != Role.ADMIN and access.ROLE_POWER[held] <= access.ROLE_POWER[
        remover_role])
    assert RoleGrant.objects.filter(pk=grant.pk).exists() is not allowed
    assert ("Bạn không được cấp hoặc thu hồi vai trò" in response.text) is not allowed


def test_an_administrator_changes_none_of_their_own_roles(cast):
    admin = UserFactory(username="quantri.tinh")
    own = services.grant_role(admin, unit=cast.province, role=Role.ADMIN, by=SYSTEM)
    client = Client()
    client.force_login(admin)

    granted = client.post(reverse("org:units.grants", args=[cast.commune.pk]), {"username": "quantri.tinh",
                                                                                "role": "committee"})
    revoked = client.post(reverse("org:units.grants.revoke", args=[cast.province.pk, own.pk]), follow=True)

    assert granted.status_code == 200
    assert "Không ai tự cấp hoặc thu hồi vai trò của chính mình" in granted.text
    assert list(RoleGrant.objects.filter(user=admin).values_list("pk", flat=True)) == [own.pk]
    assert "Không ai tự cấp hoặc thu hồi vai trò của chính mình" in revoked.text
