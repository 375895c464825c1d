"""Escalation through the grants page: every member of the fixed cast tries to grant, and to revoke, every role on
the cell and on the commune, to themselves and to someone else.

The expected outcome is written out here from the rules, not asked of the code under test: nobody grants or
revokes their own roles; only those who administer a unit (its committee staff, administrators covering it,
superusers) grant there, and never a role stronger than their own on that unit (ROLE_POWER); the administrator's
role comes only from an administrator of a unit above (or a superuser). Those who do not see the unit get 404, those
who see it without administering it 403, anonymous visitors the login page. Each attempt runs in a savepoint that
is rolled back, and the grant must exist afterwards exactly when the attempt was allowed.
"""

import itertools

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.enums import Role
from soisua.org.models import RoleGrant
from tests.conftest import CAST, verify_session
from tests.factories import UserFactory

# How much each role may do on a unit, weakest first (as the product ranks them).
POWER = {Role.MEMBER: 0, Role.INSPECTOR: 1, Role.SECRETARY: 2, Role.STAFF: 3, Role.COMMITTEE: 4, Role.ADMIN: 5}
UNITS = ("cell", "commune")

# The roles each cast member holds on each unit (subtree roles cover the units below; the member and the secretary
# are members of the cell through their member record).
HELD = {
    "member": {"cell": {Role.MEMBER}},
    "secretary": {"cell": {Role.MEMBER, Role.SECRETARY}},
    "sibling": {},
    "parent_staff": {"cell": {Role.STAFF}, "commune": {Role.STAFF}},
    "unrelated_staff": {},
    "inspector": {"cell": {Role.INSPECTOR}, "commune": {Role.INSPECTOR}},
    "committee": {"cell": {Role.COMMITTEE}, "commune": {Role.COMMITTEE}},
    "admin": {"cell": {Role.ADMIN}, "commune": {Role.ADMIN}},
    "superuser": {},
    "anonymous": {},
}
# The units below each cast member's administrator grant (the province's): where they may make administrators.
ADMIN_ABOVE = {"admin": {"cell", "commune"}}


def expected(who: str, unit: str, role: str, *, self_: bool, extra: str | None = None) -> tuple[object, bool]:
    """(status, allowed) of granting or revoking `role` on `unit` by `who`; `extra`: a role `who` was just given
    on the unit (to try revoking it)."""
    if who == "anonymous":
        return "login", False
    held = HELD[who].get(unit, set()) | ({extra} if extra else set())
    if who == "superuser":
        return "administers", not self_
    if not held:
        return 404, False
    if not held & {Role.STAFF, Role.ADMIN}:
        return 403, False
    if self_:
        return "administers", False
    if role == Role.ADMIN:
        return "administers", unit in ADMIN_ABOVE.get(who, set())
    return "administers", POWER[role] <= max(POWER[held_role] for held_role in held)


@pytest.fixture
def newcomer(db):
    return UserFactory(username="nguoimoi")


def is_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login") + "?next=")


def problem(attempt: str, response, status, allowed: bool, *, refused_status: int, exists: bool,
            should_exist: bool) -> list[str]:
    """What is wrong with one attempt's answer and its outcome (nothing: an empty list)."""
    if status == "login":
        answered, wanted = is_login(response), "the login page"
    else:
        wanted = status if status != "administers" else (302 if allowed else refused_status)
        answered = response.status_code == wanted
    if answered and exists == should_exist:
        return []
    return [f"  {attempt}: got {response.status_code}, expected {wanted}; the grant "
            f"{'exists' if exists else 'does not exist'} afterwards, it should "
            f"{'' if should_exist else 'not '}exist"]


def holders(who: str) -> tuple[str, ...]:
    return ("self", "another") if who != "anonymous" else ("another",)


@pytest.mark.parametrize("who", CAST)
def test_granting_roles_follows_the_rules(cast, newcomer, who):
    client = cast.client(who)
    failures = []

    for role, unit_name in itertools.product(Role.values, UNITS):
        unit = getattr(cast, unit_name)
        for holder in holders(who):
            user = cast.users[who] if holder == "self" else newcomer
            status, allowed = expected(who, unit_name, role, self_=holder == "self")
            with transaction.atomic():
                existed = RoleGrant.objects.filter(user=user, unit=unit, role=role).exists()
                response = client.post(reverse("org:units.grants", args=[unit.pk]),
                                       {"username": user.username, "role": role})
                exists = RoleGrant.objects.filter(user=user, unit=unit, role=role).exists()
                transaction.set_rollback(True)
            cache.clear()
            failures += problem(f"{who} grants {role} on the {unit_name} to {holder}", response, status, allowed,
                                refused_status=200, exists=exists, should_exist=allowed or existed)

    assert not failures, "grants against the rules:\n" + "\n".join(failures)


@pytest.mark.parametrize("who", CAST)
def test_revoking_roles_follows_the_rules(cast, newcomer, who):
    client = cast.client(who)
    failures = []

    for role, unit_name in itertools.product(Role.values, UNITS):
        unit = getattr(cast, unit_name)
        for holder in holders(who):
            user = cast.users[who] if holder == "self" else newcomer
            # Revoking one's own role: one holds it first (which may itself give the power to administer).
            status, allowed = expected(who, unit_name, role, self_=holder == "self",
                                       extra=role if holder == "self" else None)
            with transaction.atomic():
                grant = services.grant_role(user, unit=unit, role=role, by=SYSTEM)
                # A role over a subtree asks for the second factor before anything else: the login has entered it.
                if cast.users[who] is not None:
                    verify_session(client, type(user).objects.get(pk=cast.users[who].pk))
                response = client.post(reverse("org:units.grants.revoke", args=[unit.pk, grant.pk]))
                exists = RoleGrant.objects.filter(pk=grant.pk).exists()
                transaction.set_rollback(True)
            cache.clear()
            failures += problem(f"{who} revokes {role} on the {unit_name} from {holder}", response, status, allowed,
                                refused_status=302, exists=exists, should_exist=not allowed)

    assert not failures, "revocations against the rules:\n" + "\n".join(failures)
