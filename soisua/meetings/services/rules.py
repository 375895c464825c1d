"""The meeting rules as versioned data (docs/domain.md, "Meeting rules"): an administrator copies the version in
force into a draft, changes its figures and publishes it; a committee lowers the minimum length for small cells,
citing its decision, and ends that lower minimum."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Unit

from ..enums import MIN_MINUTES_BOUNDS, RulesStatus
from ..models import MeetingRuleException, MeetingRules
from ..queries import cells_of_exception, rules_on
from .common import MeetingError, clean

# How many days before a meeting documents may be asked to go out, and thematic sessions a quarter may ask for.
DOCUMENTS_DAYS_BOUNDS = (0, 30)
THEMATIC_BOUNDS = (0, 6)
# The size of the cells a lower minimum is for: no cell has a thousand members on its roll, so a larger figure is a
# typing mistake (and the column holds no more than a small integer).
MAX_MEMBERS_BOUNDS = (1, 1000)


def _check_minimum(value: int, label: str) -> None:
    low, high = MIN_MINUTES_BOUNDS
    if value is None or not low <= value <= high:
        raise MeetingError(_("“%(field)s” must be between %(low)s and %(high)s minutes.")
                           % {"field": label, "low": low, "high": high}, code="minimum")


def _check_between(value: int, bounds: tuple[int, int], label: str) -> None:
    if value is None or not bounds[0] <= value <= bounds[1]:
        raise MeetingError(_("“%(field)s” must be between %(low)s and %(high)s.")
                           % {"field": label, "low": bounds[0], "high": bounds[1]}, code="bounds")


def _check_minimums(regular: int, combined: int) -> None:
    _check_minimum(regular, _("minimum length of a meeting (minutes)"))
    _check_minimum(combined, _("minimum length of a regular and thematic session together (minutes)"))
    if combined < regular:
        raise MeetingError(_("A regular and thematic session held together cannot have a lower minimum than a "
                             "meeting alone."), code="combined")


@transaction.atomic
def copy_meeting_rules(rules: MeetingRules, *, by) -> MeetingRules:
    """A draft copy of a version, in force from today until changed, to edit and publish as the next version.
    Side effects: the draft; audit entry."""
    number = MeetingRules.objects.filter(code__startswith=f"{rules.code}-").count() + 2
    while MeetingRules.objects.filter(code=f"{rules.code}-{number}").exists():
        number += 1
    draft = MeetingRules.objects.create(
        code=f"{rules.code}-{number}"[:40], name=rules.name, in_force_from=timezone.localdate(),
        documents=rules.documents, figures_from=rules.figures_from, regular_min_minutes=rules.regular_min_minutes,
        combined_min_minutes=rules.combined_min_minutes, documents_days_before=rules.documents_days_before,
        thematic_per_quarter=rules.thematic_per_quarter, copied_from=rules, created_by=person(by))
    audit.record(by, "meetings.rules.copy", draft, {"copied_from": rules.code})
    return draft


@transaction.atomic
def save_meeting_rules(rules: MeetingRules, *, code: str, name: str, in_force_from: datetime.date,
                       regular_min_minutes: int, combined_min_minutes: int, documents_days_before: int,
                       thematic_per_quarter: int, by) -> MeetingRules:
    """Change a draft version. Refused: a published version (a change is a new version), a minimum outside
    1–600 minutes, a combined minimum below the regular one, days or sessions out of bounds, a code in use.
    Side effects: the draft; audit entry."""
    rules = MeetingRules.objects.select_for_update().get(pk=rules.pk)
    if rules.is_published:
        raise MeetingError(_("A published version of the rules is never changed: copy it into a new version."),
                           code="published")
    _check_minimums(regular_min_minutes, combined_min_minutes)
    _check_between(documents_days_before, DOCUMENTS_DAYS_BOUNDS, _("documents go out at least (days before)"))
    _check_between(thematic_per_quarter, THEMATIC_BOUNDS, _("thematic sessions per quarter"))
    code = clean(code, _("code"), 40)
    if not code or MeetingRules.objects.filter(code=code).exclude(pk=rules.pk).exists():
        raise MeetingError(_("Another version already has the code “%(code)s”.") % {"code": code}, code="code")
    values = {"code": code, "name": clean(name, _("name"), 255) or rules.name, "in_force_from": in_force_from,
              "regular_min_minutes": regular_min_minutes, "combined_min_minutes": combined_min_minutes,
              "documents_days_before": documents_days_before, "thematic_per_quarter": thematic_per_quarter}
    changes = {field: [getattr(rules, field), value] for field, value in values.items()
               if getattr(rules, field) != value}
    for field, value in values.items():
        setattr(rules, field, value)
    rules.save()
    audit.record(by, "meetings.rules.update", rules, changes)
    return rules


@transaction.atomic
def publish_meeting_rules(rules: MeetingRules, *, by) -> MeetingRules:
    """Publish a draft: from its first day, meetings are judged by it. Refused: a version already published, one
    in force from a day already past (publishing never re-judges the meetings held). Side effects: status and
    publication time; audit entry."""
    rules = MeetingRules.objects.select_for_update().get(pk=rules.pk)
    if rules.is_published:
        raise MeetingError(_("This version is already published."), code="published")
    if rules.in_force_from < timezone.localdate():
        raise MeetingError(_("A new version comes into force today at the earliest: the meetings already held "
                             "keep the rules of their day."), code="past")
    rules.status, rules.published_at = RulesStatus.PUBLISHED, timezone.now()
    rules.save(update_fields=["status", "published_at"])
    audit.record(by, "meetings.rules.publish", rules, {"in_force_from": rules.in_force_from})
    return rules


@transaction.atomic
def add_rule_exception(committee: Unit, *, cell: Unit | None = None, max_members: int | None = None,
                       decision_number: str, decision_date: datetime.date, regular_min_minutes: int,
                       combined_min_minutes: int, valid_from: datetime.date,
                       valid_until: datetime.date | None = None, by) -> MeetingRuleException:
    """A committee's lower minimum length for small cells: for one cell directly under it, or for the cells of its
    subtree with at most `max_members` members on a meeting's roll (one of the two), citing its decision.

    Refused: a unit that holds members, no decision number, neither or both of a cell and a size, a size outside
    MAX_MEMBERS_BOUNDS, a cell not directly under the committee, a minimum outside 1–600 minutes or above the one
    of the rules in force on `valid_from` it lowers, an end before the start. Side effects: the lower minimum;
    audit entry."""
    if committee.kind.holds_members:
        raise MeetingError(_("A lower minimum is set by a committee above the cells."), code="unit")
    decision_number = clean(decision_number, _("decision number"), 60)
    if not decision_number:
        raise MeetingError(_("Give the number of the committee's decision that sets the lower minimum."),
                           code="decision")
    if (cell is None) == (max_members is None):
        raise MeetingError(_("Choose either one cell or a largest number of members."), code="scope")
    if cell is not None and (cell.parent_id != committee.pk or not cell.kind.holds_members):
        raise MeetingError(_("%(cell)s is not a cell directly under %(committee)s.")
                           % {"cell": cell.name, "committee": committee.name}, code="cell")
    if max_members is not None and max_members < 1:
        raise MeetingError(_("The largest number of members is at least 1."), code="scope")
    if max_members is not None:
        _check_between(max_members, MAX_MEMBERS_BOUNDS, _("cells with at most this many members"))
    _check_minimums(regular_min_minutes, combined_min_minutes)
    rules = rules_on(valid_from)
    for value, ruled, label in ((regular_min_minutes, rules.regular_min_minutes, _("a meeting")),
                                (combined_min_minutes, rules.combined_min_minutes,
                                 _("a regular and thematic session together"))):
        if value > ruled:
            raise MeetingError(_("The minimum for %(what)s may only be lowered: %(value)s minutes is more than the "
                                 "%(ruled)s of the rules in force (%(source)s).")
                               % {"what": label, "value": value, "ruled": ruled, "source": rules.cite()},
                               code="higher")
    if valid_until is not None and valid_until < valid_from:
        raise MeetingError(_("The lower minimum must end on or after the day it starts."), code="dates")
    try:
        with transaction.atomic():
            exception = MeetingRuleException.objects.create(
                committee=committee, cell=cell, max_members=max_members, decision_number=decision_number,
                decision_date=decision_date, regular_min_minutes=regular_min_minutes,
                combined_min_minutes=combined_min_minutes, valid_from=valid_from, valid_until=valid_until,
                created_by=person(by))
    except IntegrityError as error:  # the database's own checks, should a value slip past the ones above
        raise MeetingError(_("These values cannot be stored."), code="invalid") from error
    audit.record(by, "meetings.rule_exception.add", exception, {
        "committee": committee.pk, "cell": cell.pk if cell else None, "max_members": max_members,
        "decision": exception.cite(), "regular_min_minutes": regular_min_minutes,
        "combined_min_minutes": combined_min_minutes, "valid_from": valid_from, "valid_until": valid_until})
    transaction.on_commit(lambda: tell_cells(exception, "set"))
    return exception


@transaction.atomic
def end_rule_exception(exception: MeetingRuleException, *, on: datetime.date | None = None,
                       by) -> MeetingRuleException:
    """End a lower minimum on `on` (today by default): meetings after that day are judged by the rules again;
    those before keep it. Refused: a day before it started, or one after it already ends. Side effects: its last
    day; audit entry."""
    exception = MeetingRuleException.objects.select_for_update().get(pk=exception.pk)
    on = on or timezone.localdate()
    if on < exception.valid_from:
        raise MeetingError(_("The lower minimum cannot end before it starts (%(day)s).")
                           % {"day": exception.valid_from.strftime("%d/%m/%Y")}, code="dates")
    if exception.valid_until is not None and exception.valid_until <= on:
        raise MeetingError(_("This lower minimum already ends on %(day)s.")
                           % {"day": exception.valid_until.strftime("%d/%m/%Y")}, code="ended")
    before, exception.valid_until = exception.valid_until, on
    exception.save(update_fields=["valid_until"])
    audit.record(by, "meetings.rule_exception.end", exception, {"valid_until": [before, on]})
    transaction.on_commit(lambda: tell_cells(exception, "ended"))
    return exception


def tell_cells(exception: MeetingRuleException, what: str) -> int:
    """Tell the secretaries of the cells a lower minimum is for that it was set ("set") or ended ("ended"): their
    meetings are judged by it. Each person once per cell and event."""
    sent = 0
    cells = dict(Unit.objects.filter(pk__in=cells_of_exception(exception)).values_list("pk", "name"))
    people = access.users_with_roles_on_units(list(cells), {Role.SECRETARY, Role.COMMITTEE})
    for cell_id, users in people.items():
        for user in users:
            sent += notify(user, kind="meetings.rules", event_key=f"rule-exception-{what}:{exception.pk}:{cell_id}",
                           template=f"meetings/notifications/rule_exception_{what}",
                           url=reverse("meetings:unit_rules", args=[cell_id]),
                           context={"exception": exception, "committee": exception.committee.name,
                                    "cell": cells[cell_id]}) is not None
    return sent
