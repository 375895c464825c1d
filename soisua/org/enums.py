from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    MEMBER = "member", pgettext_lazy("role", "Member")
    SECRETARY = "secretary", pgettext_lazy("role", "Secretary")
    COMMITTEE = "committee", pgettext_lazy("role", "Committee member")
    STAFF = "staff", pgettext_lazy("role", "Committee staff")
    INSPECTOR = "inspector", pgettext_lazy("role", "Inspector (read-only)")
    ADMIN = "admin", pgettext_lazy("role", "Administrator")


# These roles cover the unit's whole subtree; member and secretary cover the unit itself (docs/architecture.md,
# "Access").
SUBTREE_ROLES = frozenset({Role.COMMITTEE, Role.STAFF, Role.INSPECTOR, Role.ADMIN})
# Roles that may change units and member records in their scope; the others only read.
WRITE_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.STAFF, Role.ADMIN})
# Roles that see members' personal data (birth date, ID numbers, phone) of others in scope.
PERSONAL_DATA_ROLES = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.STAFF, Role.INSPECTOR, Role.ADMIN})


class MemberStatus(models.TextChoices):
    OFFICIAL = "official", _("Official")
    PROBATIONARY = "probationary", _("Probationary")
    EXEMPT = "exempt", _("Exempt from work and activity")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left the roll")


ACTIVE_STATUSES = frozenset({MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT,
                             MemberStatus.SUSPENDED})


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    GROUP_LEADER = "group_leader", _("Party group leader")


# Heads first, as lists and documents show them.
POST_ORDER = {kind: index for index, kind in enumerate(PostKind.values)}


def post_role(kind: str, *, in_cell: bool) -> str | None:
    """The role a post gives its holder's login on the post's unit (docs/domain.md, "Members, statuses and posts").

    In a cell (a unit that holds members) the secretary and the deputy secretary lead the cell: the secretary
    role; a member of the cell committee (chi ủy viên) holds the committee role. On a committee above the cells
    every leadership post is a seat on that committee: the committee role, which covers its subtree. A party
    group leader's post gives no role."""
    if kind in (PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY):
        return Role.SECRETARY if in_cell else Role.COMMITTEE
    if kind == PostKind.COMMITTEE_MEMBER:
        return Role.COMMITTEE
    return None
