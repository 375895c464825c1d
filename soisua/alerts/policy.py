"""Who sees and acts on early warnings, on top of org.access.

A warning is seen by those who follow its unit's subtree (its leadership and the levels above that cover it:
the dashboards above it) and by the leadership of the unit that owns it. The owner's leadership (those who speak
for it, or an administrator standing in for its committee) acknowledges it, except a warning about themselves. A
unit's list shows only the warnings the reader may open, and what a warning names (its member, the rows it rests
on) is shown only where the reader may open it. Rules are installation-wide data: read by anyone signed in, changed
by administrators of the installation. Loaders raise 404 for those who may not see the object and 403 for those
who see it but ask for an action they may not take.
"""

from django.db.models import Q
from django.http import Http404

from soisua.corrections.models import Shortcoming
from soisua.corrections.policy import can_see_shortcoming
from soisua.directives.models import Directive, Receipt
from soisua.directives.policy import addressed_filter, sees_issued_by
from soisua.meetings.models import Meeting
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Member, Unit

from . import queries
from .models import Alert, Rule

# The grants through which a person speaks for a unit (access.speaks_for), besides a stand-in.
SPEAKING = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.STAFF})


def can_see(user, alert: Alert) -> bool:
    return access.follows_subtree(user, alert.unit) or access.speaks_for(user, alert.owner)


def is_about(user, alert: Alert) -> bool:
    """Whether the warning is about the reader themselves (their own absences)."""
    return (alert.member_id is not None and user.is_authenticated
            and access.scope_for(user).member_id == alert.member_id)


def can_acknowledge(user, alert: Alert) -> bool:
    """The owner's leadership, but nobody for a warning about themselves (the others of the leadership do)."""
    return access.speaks_for(user, alert.owner) and not is_about(user, alert)


def can_list(user, unit: Unit) -> bool:
    """A unit's list of warnings: for those who follow its subtree."""
    return access.can_read_unit(user, unit) and access.follows_subtree(user, unit)


def listed(user, unit: Unit) -> Q:
    """A Q on Alert for the warnings of `unit`'s list that the reader may open (`can_see`): all of them for those
    who cover the unit; otherwise those about the units the reader covers or speaks for, and those owned by the
    units they speak for (a secretary grant reads its own unit only, not the cells under it)."""
    if access.covers(user, unit):
        return Q()
    return visible_alerts(user)


def visible_alerts(user) -> Q:
    """A Q on Alert for every warning the reader may open (`can_see`), whatever its unit: about the units they
    cover or speak for, or owned by the units they speak for."""
    scope = access.scope_for(user)
    if scope.everything:
        return Q()
    speaking = [grant.unit_id for grant in scope.grants if grant.role in SPEAKING]
    speaking += [unit_id for unit_id in scope.stand_ins if scope.stands_in_for(unit_id)]
    condition = Q(unit_id__in=speaking) | Q(owner_id__in=speaking)
    for grant in scope.grants:
        if grant.subtree:
            condition |= Q(unit__path__startswith=grant.path)
    return condition


def named_member(user, alert: Alert) -> Member | None:
    """The member the warning is about, when the reader may read them (they may have moved to a cell the reader
    does not see since the last check)."""
    member = alert.member
    return member if member is not None and access.can_read_member(user, member) else None


def _directives_open_to(user, directives: list[Directive]) -> set[int]:
    """directives.policy.can_see_directive for many at once (one query, however many the warning rests on): the
    levels that speak for or cover the issuer, and the readers of a unit it was addressed to."""
    seen = {directive.pk for directive in directives if sees_issued_by(user, directive.issuer)}
    addressed = [directive.pk for directive in directives if directive.pk not in seen and not directive.is_draft]
    if addressed and user.is_authenticated:
        seen.update(Receipt.objects.filter(addressed_filter(user), directive_id__in=addressed)
                    .values_list("directive_id", flat=True))
    return seen


def may_open(user, target) -> bool:
    """Whether the reader may open one row a warning rests on, as the row's own page decides (directives are
    decided together, `_directives_open_to`)."""
    if isinstance(target, Member):
        return access.can_read_member(user, target)
    if isinstance(target, Meeting):  # as meetings.policy.get_meeting_for_user
        return access.can_read_unit(user, target.unit)
    if isinstance(target, Shortcoming):
        return can_see_shortcoming(user, target)
    if isinstance(target, Unit):  # a unit's part of a review cycle (reviews.policy.get_cycle_unit_for_user)
        return access.can_read_unit(user, target)
    return False


def evidence_for(user, alert: Alert) -> tuple[list[queries.Evidence], int]:
    """What the warning rests on as the reader may see it: the rows they may open, named and linked, and how many
    others there are (counted, never named)."""
    items = queries.evidence_of(alert)
    directives = _directives_open_to(user, [item.target for item in items if isinstance(item.target, Directive)])
    shown = [item for item in items if item.target is None or (
        item.target.pk in directives if isinstance(item.target, Directive) else may_open(user, item.target))]
    return shown, len(items) - len(shown)


def require_rules_reader(user) -> None:
    access.refuse_unless(can_read_rules(user), True)


def can_change_rules(user) -> bool:
    return access.can_administer_installation(user)


def can_read_rules(user) -> bool:
    """What the checks look for is no secret: anyone signed in reads the rules."""
    return user.is_authenticated


def get_unit_for_user(user, pk: int) -> Unit:
    """A unit's warnings page: for those who follow its subtree (its plain members read the unit, not this)."""
    unit = access.get_unit_for_user(user, pk)
    access.refuse_unless(True, access.follows_subtree(user, unit))
    return unit


def get_alert_for_user(user, pk: int, *, acknowledge: bool = False) -> Alert:
    try:
        alert = queries.get(pk)
    except Alert.DoesNotExist:
        raise Http404 from None
    visible = can_see(user, alert)
    access.refuse_unless(visible, not acknowledge or can_acknowledge(user, alert))
    return alert


def get_rule_for_user(user, pk: int, *, change: bool = False) -> Rule:
    try:
        rule = queries.get_rule(pk)
    except Rule.DoesNotExist:
        raise Http404 from None
    access.refuse_unless(can_read_rules(user), not change or can_change_rules(user))
    return rule
