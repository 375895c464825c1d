"""Who sees and acts on directives, on top of org.access.

A unit's directives are drafted, issued and amended by those who speak for it (`access.speaks_for`: its secretary,
committee and committee staff, or an administrator standing in). An issued directive is read by the levels that
cover its issuer, by every unit it is addressed to and the units below them; a unit's implementation (its
acknowledgement, tasks and reports) by that unit and the levels above it, never by a sibling. The unit addressed
acts on its receipt through those who speak for it. Loaders raise 404 for those who may not see the object and 403
for those who see it but ask for an action they may not take.
"""

from django.db.models import Exists, OuterRef, Q

from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import PATH_STEP, Unit
from soisua.org.queries import units_by_ids

from . import queries
from .enums import DirectiveStatus
from .models import Directive, DirectiveFile, ImplementationTask, KeyTask, Receipt, Report

SPEAKING_ROLES = {Role.SECRETARY, Role.COMMITTEE, Role.STAFF}


covers = access.covers


def _own_chain_paths(user) -> set[str]:
    """The paths of the units the user belongs to or holds a grant on, and of all their ancestors."""
    paths = set()
    for grant in access.scope_for(user).grants:
        paths.update(grant.path[:depth] for depth in range(PATH_STEP, len(grant.path) + 1, PATH_STEP))
    return paths


def addressed_filter(user, prefix: str = "") -> Q:
    """A Q on Receipt (with `prefix` on anything pointing at one) for the receipts the user reads: of their own
    units and their ancestors, and of units they cover."""
    scope = access.scope_for(user)
    if scope.everything:
        return Q()
    return Q(**{f"{prefix}unit__path__in": _own_chain_paths(user)}) | scope.unit_filter(f"{prefix}unit__")


def units_speaking_for(user) -> list[Unit]:
    """The units the user acts for toward the other levels."""
    scope = access.scope_for(user)
    ids = {grant.unit_id for grant in scope.grants if grant.role in SPEAKING_ROLES} | set(scope.stand_ins)
    return [unit for unit in units_by_ids(sorted(ids)) if access.speaks_for(user, unit)]


def addressed_to_own_filter(user) -> Q:
    """A Q on Receipt for the receipts of the user's own units and their ancestors (what "my directives" lists;
    the units a committee merely covers are followed on its progress pages)."""
    return Q(unit__path__in=_own_chain_paths(user))


def can_issue_for(user, unit: Unit) -> bool:
    """Those who speak for the unit, when it has units below to address (a cell without party groups carries a
    directive out with its own tasks instead)."""
    return access.speaks_for(user, unit) and queries.has_units_below(unit)


def sees_issued_by(user, unit: Unit) -> bool:
    """The unit's issued directives and drafts are listed to those who speak for it or cover it."""
    return access.speaks_for(user, unit) or covers(user, unit)


def can_open_unit(user, unit: Unit) -> bool:
    """The unit's own pages (its directives) are open to the reader: links to them are shown only then."""
    return access.can_read_unit(user, unit)


def can_see_directive(user, directive: Directive) -> bool:
    if access.speaks_for(user, directive.issuer) or covers(user, directive.issuer):
        return True
    if directive.is_draft or not user.is_authenticated:
        return False
    return Receipt.objects.filter(addressed_filter(user), directive=directive).exists()


def visible_directives(user) -> Q:
    """A Q on Directive for those `can_see_directive` shows the user, for lists (the API's): a unit's own (drafts
    included) to those who speak for it or cover it, an issued one to the readers of a receipt of it."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = access.scope_for(user)
    if scope.everything:
        return Q()
    speaking = [grant.unit_id for grant in scope.grants if grant.role in SPEAKING_ROLES]
    speaking += [unit_id for unit_id in scope.stand_ins if scope.stands_in_for(unit_id)]
    issuer_side = Q(issuer_id__in=speaking)
    for grant in scope.grants:
        if grant.subtree:
            issuer_side |= Q(issuer__path__startswith=grant.path)
    addressed = Exists(Receipt.objects.filter(addressed_filter(user), directive=OuterRef("pk")))
    return issuer_side | (~Q(status=DirectiveStatus.DRAFT) & Q(addressed))


def visible_receipts(user, prefix: str = "") -> Q:
    """A Q on Receipt (with `prefix` on anything pointing at one) for those `can_see_receipt` shows the user: of the
    units they read or speak for, and of the units below a unit they speak for."""
    scope = access.scope_for(user)
    if scope.everything:
        return Q()
    condition = scope.unit_filter(f"{prefix}unit__")
    for grant in scope.grants:
        if grant.role in SPEAKING_ROLES:
            condition |= Q(**{f"{prefix}unit__path__startswith": grant.path})
    standing_in = [unit_id for unit_id in scope.stand_ins if scope.stands_in_for(unit_id)]
    return condition | Q(**{f"{prefix}unit_id__in": standing_in})


def can_edit(user, directive: Directive) -> bool:
    return directive.is_draft and access.speaks_for(user, directive.issuer)


def can_amend(user, directive: Directive) -> bool:
    return not directive.is_draft and access.speaks_for(user, directive.issuer)


def _speaks_above(user, unit: Unit) -> bool:
    """Speaks for a unit above `unit` (a commune's secretary, whose grant covers only the commune itself)."""
    return any(grant.role in SPEAKING_ROLES and unit.path.startswith(grant.path) and grant.unit_id != unit.pk
               for grant in access.scope_for(user).grants)


def can_see_receipt(user, receipt: Receipt) -> bool:
    """The unit addressed (its leadership and members) and the levels above it; never a sibling."""
    return (access.speaks_for(user, receipt.unit) or access.scope_for(user).can_read(receipt.unit)
            or _speaks_above(user, receipt.unit))


def can_act_on(user, receipt: Receipt) -> bool:
    """Acknowledge, plan the unit's tasks, report, and carry it out further down."""
    return access.speaks_for(user, receipt.unit)


def can_follow(user, directive: Directive, focus: Unit) -> bool:
    """The progress of `focus`'s part of a directive: the issuer's side, and whoever covers or speaks for `focus`
    among those who read the directive (a unit it does not reach learns nothing of it through its own part)."""
    if directive.is_draft or not focus.path.startswith(directive.issuer.path):
        return False
    if access.speaks_for(user, directive.issuer) or covers(user, directive.issuer):
        return True
    return (access.speaks_for(user, focus) or covers(user, focus)) and can_see_directive(user, directive)


def can_remind(user, directive: Directive, focus: Unit) -> bool:
    return can_follow(user, directive, focus) and (access.speaks_for(user, directive.issuer)
                                                   or access.speaks_for(user, focus))


_decide = access.refuse_unless


def get_unit_for_user(user, pk: int, *, issue: bool = False) -> Unit:
    unit = access.get_unit_for_user(user, pk)
    _decide(True, not issue or can_issue_for(user, unit))
    return unit


def get_directive_for_user(user, pk: int, *, edit: bool = False, amend: bool = False) -> Directive:
    directive = Directive.objects.select_related("issuer", "parent__issuer").filter(pk=pk).first()
    visible = directive is not None and can_see_directive(user, directive)
    _decide(visible, visible and (not edit or can_edit(user, directive)) and (not amend or can_amend(user, directive)))
    return directive


def get_key_task_for_user(user, pk: int) -> KeyTask:
    task = KeyTask.objects.select_related("directive__issuer").filter(pk=pk).first()
    visible = task is not None and can_see_directive(user, task.directive)
    _decide(visible, visible and access.speaks_for(user, task.directive.issuer))
    return task


def get_receipt_for_user(user, pk: int, *, act: bool = False) -> Receipt:
    receipt = Receipt.objects.select_related("unit", "directive__issuer").filter(pk=pk).first()
    visible = receipt is not None and can_see_receipt(user, receipt)
    _decide(visible, visible and (not act or can_act_on(user, receipt)))
    return receipt


def get_progress_for_user(user, pk: int, unit_pk: int, *, remind: bool = False) -> tuple[Directive, Unit]:
    directive = Directive.objects.select_related("issuer").filter(pk=pk).first()
    focus = Unit.objects.filter(pk=unit_pk).first()
    visible = directive is not None and focus is not None and can_follow(user, directive, focus)
    _decide(visible, visible and (not remind or can_remind(user, directive, focus)))
    return directive, focus


def get_file_for_user(user, pk: int) -> DirectiveFile:
    attached = DirectiveFile.objects.select_related("directive__issuer").filter(pk=pk).first()
    _decide(attached is not None and can_see_directive(user, attached.directive), True)
    return attached


def get_implementation_task_for_user(user, pk: int) -> ImplementationTask:
    task = ImplementationTask.objects.select_related("receipt__unit", "receipt__directive").filter(pk=pk).first()
    visible = task is not None and can_see_receipt(user, task.receipt)
    _decide(visible, visible and can_act_on(user, task.receipt))
    return task


def get_report_for_user(user, pk: int) -> Report:
    report = Report.objects.select_related("receipt__unit").filter(pk=pk).first()
    _decide(report is not None and can_see_receipt(user, report.receipt), True)
    return report
