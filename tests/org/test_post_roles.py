"""A leadership post gives its role: a cell's secretary and deputy the secretary role, a cell committee member the
committee role, on the unit of the post, to the holder's login (now, or when one is linked later). Giving or ending
such a post takes the power to grant that role; ending it ends the role, never an explicit grant."""

import pytest
from django.urls import reverse

from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.notifications.models import Notification
from soisua.org import access, services
from soisua.org.enums import MemberStatus, PostKind, Role
from soisua.org.models import Post, RoleGrant
from tests.factories import UserFactory, make_member


def new_member_page(unit):
    return reverse("org:members.create", args=[unit.pk])


def test_a_deputy_secretary_post_gives_the_secretary_role_and_says_so(cast):
    member, user = cast.members["member"], cast.users["member"]

    post = services.assign_post(member, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=cast.users["parent_staff"])

    grant = RoleGrant.objects.get(user=user, unit=cast.cell, post=post)
    assert grant.role == Role.SECRETARY
    assert cast.client("member").get(new_member_page(cast.cell)).status_code == 200
    told = Notification.objects.get(recipient=user, kind="org.grant")
    assert "“Phó bí thư”" in told.body and "“Bí thư”" in told.body
    entry = AuditEntry.objects.get(action="org.grant.create", object_id=str(grant.pk))
    assert (entry.actor, entry.changes["post"]) == (cast.users["parent_staff"], post.pk)
    assert AuditEntry.objects.filter(action="org.post.assign", object_id=str(post.pk)).exists()


def test_a_cell_committee_member_gets_the_committee_role_and_a_commune_secretary_too(cast):
    admin = cast.users["admin"]
    chi_uy = services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.COMMITTEE_MEMBER, by=admin)
    on_commune = services.assign_post(cast.members["sibling"], unit=cast.commune, kind=PostKind.SECRETARY, by=admin)

    assert RoleGrant.objects.get(post=chi_uy).role == Role.COMMITTEE
    assert RoleGrant.objects.get(post=on_commune).role == Role.COMMITTEE


def test_a_party_group_leader_gets_no_role(cast):
    post = services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.GROUP_LEADER,
                                by=cast.users["secretary"])

    assert not RoleGrant.objects.filter(post=post).exists()
    assert cast.client("member").get(new_member_page(cast.cell)).status_code == 403


def test_a_secretary_cannot_appoint_a_second_secretary_or_a_deputy(cast):
    secretary = cast.users["secretary"]

    with pytest.raises(services.OrgError) as error:
        services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=secretary)
    response = cast.client("secretary").post(reverse("org:members.post", args=[cast.members["member"].pk]),
                                             {"kind": PostKind.DEPUTY_SECRETARY, "started_on": "20/11/2026"})

    assert error.value.code == "role_power"
    assert response.status_code == 200
    assert not Post.objects.filter(member=cast.members["member"]).exists()
    assert not RoleGrant.objects.filter(user=cast.users["member"]).exists()


def test_the_post_form_offers_only_the_posts_one_may_give(cast):
    url = reverse("org:members.post", args=[cast.members["member"].pk])

    offered = {who: [value for value, _label in cast.client(who).get(url).context["form"].fields["kind"].choices]
               for who in ("secretary", "parent_staff", "admin")}

    assert offered["secretary"] == [PostKind.GROUP_LEADER]
    assert offered["parent_staff"] == [PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY, PostKind.GROUP_LEADER]
    assert offered["admin"] == list(PostKind.values)


def test_committee_staff_cannot_appoint_a_cell_committee_member(cast):
    with pytest.raises(services.OrgError) as error:
        services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.COMMITTEE_MEMBER,
                             by=cast.users["parent_staff"])

    assert error.value.code == "role_power"
    assert not Post.objects.filter(member=cast.members["member"]).exists()


def test_the_power_is_needed_even_for_a_member_without_a_login(cast):
    without_login = make_member(cast.cell, "Đỗ Văn Giang")

    with pytest.raises(services.OrgError) as error:
        services.assign_post(without_login, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY,
                             by=cast.users["secretary"])

    assert error.value.code == "role_power"


def test_nobody_gives_themselves_a_post_that_comes_with_a_role(cast):
    staff = cast.users["parent_staff"]
    own_record = make_member(cast.sibling_cell, "Ngô Thị Hà", user=staff)

    with pytest.raises(services.OrgError) as error:
        services.assign_post(own_record, unit=cast.sibling_cell, kind=PostKind.SECRETARY, by=staff)

    assert error.value.code == "own_role"
    assert not Post.objects.filter(member=own_record).exists()


def test_ending_the_post_ends_the_role_it_gave_and_tells_the_person(cast):
    member, user = cast.members["member"], cast.users["member"]
    post = services.assign_post(member, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=cast.users["parent_staff"])
    grant_id = RoleGrant.objects.get(post=post).pk

    response = cast.client("parent_staff").post(reverse("org:members.post_end", args=[member.pk, post.pk]))

    assert response.status_code == 302
    assert not RoleGrant.objects.filter(user=user, unit=cast.cell).exists()
    assert cast.client("member").get(new_member_page(cast.cell)).status_code == 403
    assert AuditEntry.objects.filter(action="org.grant.delete", object_id=str(grant_id)).exists()
    ended = Notification.objects.filter(recipient=user, kind="org.grant").order_by("pk").last()
    assert "“Phó bí thư”" in ended.body and "“Bí thư”" in ended.body


def test_ending_a_post_keeps_a_role_granted_explicitly(cast):
    # The cast's secretary holds the post and, from before, an explicit grant of the same role.
    post = cast.members["secretary"].posts.get()

    services.end_post(post, by=cast.users["parent_staff"])

    assert list(RoleGrant.objects.filter(user=cast.users["secretary"]).values_list("role", "post")) == [
        (Role.SECRETARY, None)]
    assert cast.client("secretary").get(new_member_page(cast.cell)).status_code == 200


def test_nobody_ends_their_own_post_or_one_whose_role_they_may_not_remove(cast):
    post = cast.members["secretary"].posts.get()

    own = cast.client("secretary").post(reverse("org:members.post_end", args=[cast.members["secretary"].pk, post.pk]))
    page = cast.client("secretary").get(reverse("org:members.detail", args=[cast.members["secretary"].pk]))

    assert own.status_code == 302
    assert Post.objects.get(pk=post.pk).ended_on is None
    assert RoleGrant.objects.filter(post=post).exists()
    assert reverse("org:members.post_end", args=[cast.members["secretary"].pk, post.pk]) not in page.content.decode()


def test_a_role_that_came_with_a_post_is_not_revoked_on_the_roles_page(cast):
    grant = RoleGrant.objects.get(post=cast.members["secretary"].posts.get())

    with pytest.raises(services.OrgError) as error:
        services.revoke_role(grant, by=cast.users["admin"])
    page = cast.client("parent_staff").get(reverse("org:units.grants", args=[cast.cell.pk])).content.decode()

    assert error.value.code == "from_post"
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert reverse("org:units.grants.revoke", args=[cast.cell.pk, grant.pk]) not in page
    assert "Chức vụ “Bí thư”" in page


def test_a_login_opened_later_gets_the_role_of_the_post(cast):
    holder = make_member(cast.cell, "Đỗ Văn Giang", email="giang@example.org")
    post = services.assign_post(holder, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=cast.users["admin"])
    no_grant_before = not RoleGrant.objects.filter(post=post).exists()

    user = services.create_account(holder, username="giang", by=cast.users["secretary"])

    assert no_grant_before
    assert RoleGrant.objects.get(post=post).user == user
    assert access.scope_for(user).can_write(cast.cell)
    assert Notification.objects.filter(recipient=user, kind="org.grant").exists()


def test_a_login_relinked_to_another_member_leaves_the_role_with_the_post(cast):
    holder = make_member(cast.cell, "Đỗ Văn Giang")
    first, second = UserFactory(username="giang1"), UserFactory(username="giang2")
    services.link_account(holder, user=first, by=SYSTEM)
    post = services.assign_post(holder, unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY, by=cast.users["admin"])

    services.link_account(holder, user=second, by=SYSTEM)

    assert RoleGrant.objects.get(post=post).user == second
    assert not RoleGrant.objects.filter(user=first).exists()


def test_a_suspended_holder_does_not_lead_the_cell_while_suspended(cast):
    post = services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY,
                                by=cast.users["parent_staff"])

    services.change_member_status(cast.members["member"], status=MemberStatus.SUSPENDED,
                                  by=cast.users["parent_staff"])

    assert RoleGrant.objects.filter(post=post).exists()  # the post stands
    assert cast.client("member").get(reverse("org:units.detail", args=[cast.cell.pk])).status_code == 404


def test_a_transfer_ends_the_post_and_its_role(cast):
    post = services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY,
                                by=cast.users["parent_staff"])

    services.transfer_member(cast.members["member"], to_cell=cast.sibling_cell, by=cast.users["parent_staff"])

    assert Post.objects.get(pk=post.pk).ended_on is not None
    assert not RoleGrant.objects.filter(post=post).exists()


def test_the_member_page_says_where_each_role_comes_from(cast):
    services.grant_role(cast.users["member"], unit=cast.sibling_cell, role=Role.INSPECTOR, by=SYSTEM)
    services.assign_post(cast.members["member"], unit=cast.cell, kind=PostKind.DEPUTY_SECRETARY,
                         by=cast.users["parent_staff"])
    url = reverse("org:members.detail", args=[cast.members["member"].pk])

    own = cast.client("member").get(url).content.decode()
    colleague = cast.client("sibling").get(url)

    assert "với chức vụ “Phó bí thư”" in own
    assert "Đi kèm vai trò “Bí thư” tại đơn vị này." in own
    assert "được cấp trên trang vai trò của đơn vị" in own
    assert colleague.status_code == 404
