"""Who sees and acts on early warnings, on top of org.access.

A warning is seen by those who follow its unit's subtree (its leadership and the levels above that cover it:
the dashboards above it) and by the leadership of the unit that owns it. The owner's leadership (those who speak
for it, or an administrator standing in for its committee) acknowledges it. Rules are installation-wide data:
read by anyone signed in, changed by administrators of the installation. Loaders raise 404 for
those who may not see the object and 403 for those who see it but ask for an action they may not take.
"""

from django.http import Http404

from soisua.org import access
from soisua.org.models import Unit

from . import queries
from .models import Alert, Rule


def can_see(user, alert: Alert) -> bool:
    return access.follows_subtree(user, alert.unit) or access.speaks_for(user, alert.owner)


def can_acknowledge(user, alert: Alert) -> bool:
    return access.speaks_for(user, alert.owner)


def can_change_rules(user) -> bool:
    return access.can_administer_installation(user)


def can_read_rules(user) -> bool:
    """What the checks look for is no secret: anyone signed in reads the rules."""
    return user.is_authenticated


def require_rules_reader(user) -> None:
    access.refuse_unless(can_read_rules(user), True)


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
