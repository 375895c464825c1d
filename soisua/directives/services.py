"""Writes to directives: drafting, issuing to the units addressed, amending with a reason, acknowledging, the
units' own tasks, reports with their progress counted up the tree in the same transaction, reminders.

Each function owns its transaction, appends the audit entry and raises DirectiveError (translated) on refusal.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import Conflict, DomainError, check_version, clean_text, save_if_current
from soisua.core.queueing import enqueue_with_transaction
from soisua.core.uploads import check_document_upload
from soisua.documents import numbering
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import RoleGrant, Unit

from . import rollup
from .enums import DirectiveKind, DirectiveStatus, TargetMode, TaskStatus
from .models import Amendment, Directive, DirectiveFile, ImplementationTask, KeyTask, Receipt, Report, ReportingPeriod

MAX_TEXT = 20_000
# A guard against a pasted list, not a rule of the practice: each reporting date asks every unit addressed for a
# report on every key task, and is counted up the tree.
MAX_REPORTING_DATES = 100
# Who is told about a unit's directives: the people who speak for it.
LEADERSHIP = {Role.SECRETARY, Role.COMMITTEE, Role.STAFF}
DIRECTIVE_FIELDS = ("kind", "number", "issuer_symbol", "issued_on", "title", "summary", "basis", "target_mode")
AMENDABLE_FIELDS = ("title", "summary", "basis")


class DirectiveError(DomainError):
    """A refused change to a directive or its implementation; the message is already translated."""


def _text(value: str, label: str, limit: int = MAX_TEXT) -> str:
    return clean_text(value, label, limit, error=DirectiveError)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("\x00", "").splitlines() if line.strip()]


# --- drafting ---------------------------------------------------------------------------------------------------


def _check_fields(issuer: Unit, fields: dict, target_kinds, target_units) -> dict:
    fields = dict(fields)
    if fields.get("kind", DirectiveKind.PLAN) not in DirectiveKind.values:
        raise DirectiveError(_("Choose the kind of directive."), code="kind")
    if fields.get("target_mode", TargetMode.CHILDREN) not in TargetMode.values:
        raise DirectiveError(_("Choose whom the directive is addressed to."), code="target_mode")
    fields["title"] = _text(fields.get("title", ""), _("title"), 300)
    if not fields["title"]:
        raise DirectiveError(_("A directive needs a title."), code="title")
    fields["number"] = _text(fields.get("number", ""), _("number"), 20)
    fields["issuer_symbol"] = _text(fields.get("issuer_symbol", "") or issuer.abbreviation,
                                    _("issuer abbreviation"), 30)
    for name in ("summary", "basis"):
        fields[name] = _text(fields.get(name, ""), _("purpose and requirements") if name == "summary"
                             else _("basis documents"))
    mode = fields.get("target_mode", TargetMode.CHILDREN)
    if mode == TargetMode.KINDS and not target_kinds:
        raise DirectiveError(_("Choose the kinds of unit the directive is addressed to."), code="target_kinds")
    if mode == TargetMode.UNITS:
        if not target_units:
            raise DirectiveError(_("Choose the units the directive is addressed to."), code="target_units")
        outside = [unit.name for unit in target_units
                   if unit.pk == issuer.pk or not unit.path.startswith(issuer.path)]
        if outside:
            raise DirectiveError(_("These units are not below %(issuer)s: %(units)s.")
                                 % {"issuer": issuer.name, "units": ", ".join(outside)}, code="outside")
    return fields


def _check_number_free(directive: Directive | None, issuer: Unit, fields: dict) -> None:
    """A number typed in figures is refused when the issuer's register holds it for another document of the kind
    and year (docs/documents.md, "Numbers"), so the draft's form says so before the issue does."""
    number, issued_on = fields.get("number", ""), fields.get("issued_on")
    if number.isascii() and number.isdigit() and issued_on:
        try:
            numbering.check_typed_free(directive, unit=issuer, kind=fields.get("kind", DirectiveKind.PLAN),
                                       number=int(number), year=issued_on.year)
        except numbering.NumberTaken as taken:
            raise DirectiveError(taken.messages, code="number") from None


def _check_tasks(tasks: list[str]) -> list[str]:
    if len(tasks) > settings.DIRECTIVE_MAX_KEY_TASKS:
        raise DirectiveError(_("A directive has at most %(limit)s key tasks; this one has %(count)s.")
                             % {"limit": settings.DIRECTIVE_MAX_KEY_TASKS, "count": len(tasks)}, code="too_many")
    return [_text(task, _("key task"), 2000) for task in tasks]


def _check_basis(issuer: Unit, basis_directives) -> list[Directive]:
    """The directives a draft cites: issued ones that `issuer` issued or received (its recipients read them in the
    document's basis)."""
    cited = list(basis_directives)
    citable = set(Directive.objects.filter(Q(issuer=issuer) | Q(receipts__unit=issuer), status=DirectiveStatus.ISSUED,
                                           pk__in=[directive.pk for directive in cited]).values_list("pk", flat=True))
    outside = [directive.symbol for directive in cited if directive.pk not in citable]
    if outside:
        raise DirectiveError(_("%(unit)s cites only directives it issued or received: %(symbols)s.")
                             % {"unit": issuer.name, "symbols": ", ".join(outside)}, code="basis")
    return cited


def _check_dates(due_dates: list[datetime.date]) -> list[datetime.date]:
    due_dates = sorted(set(due_dates))
    if len(due_dates) > MAX_REPORTING_DATES:
        raise DirectiveError(_("A directive has at most %(limit)s reporting dates; this one has %(count)s.")
                             % {"limit": MAX_REPORTING_DATES, "count": len(due_dates)}, code="too_many_dates")
    return due_dates


def _set_tasks(directive: Directive, tasks: list[str]) -> None:
    """Replace the draft's key tasks by `tasks`, keeping the deadline and measure of a task whose text stays."""
    kept = {task.text: task for task in directive.tasks.all()}
    directive.tasks.all().delete()
    KeyTask.objects.bulk_create([
        KeyTask(directive=directive, number=number, text=text,
                deadline=kept[text].deadline if text in kept else None,
                measure=kept[text].measure if text in kept else "")
        for number, text in enumerate(tasks, start=1)])


def _set_periods(directive: Directive, due_dates: list[datetime.date]) -> None:
    directive.periods.all().delete()
    ReportingPeriod.objects.bulk_create([ReportingPeriod(directive=directive, due_on=day) for day in due_dates])


@transaction.atomic
def create_draft(issuer: Unit, *, tasks: list[str], report_dates: list[datetime.date], parent: Directive | None = None,
                 target_kinds=(), target_units=(), basis_directives=(), by, **fields) -> Directive:
    """A draft directive of `issuer` with its key tasks (in order) and reporting dates. `parent` is the directive
    this one carries out: it must be addressed to `issuer`."""
    if parent is not None and not Receipt.objects.filter(directive=parent, unit=issuer).exists():
        raise DirectiveError(_("%(unit)s can only carry out a directive addressed to it.") % {"unit": issuer.name},
                             code="parent")
    fields = _check_fields(issuer, fields, target_kinds, target_units)
    _check_number_free(None, issuer, fields)
    tasks = _check_tasks(tasks)
    report_dates = _check_dates(report_dates)
    basis_directives = _check_basis(issuer, basis_directives)
    directive = Directive.objects.create(issuer=issuer, parent=parent, created_by=person(by),
                                         **{name: fields[name] for name in DIRECTIVE_FIELDS if name in fields})
    directive.target_kinds.set(target_kinds)
    directive.target_units.set(target_units)
    directive.basis_directives.set(basis_directives)
    _set_tasks(directive, tasks)
    _set_periods(directive, report_dates)
    audit.record(by, "directives.directive.create", directive, {"issuer": issuer.pk, "tasks": len(tasks)})
    return directive


@transaction.atomic
def update_draft(directive: Directive, *, version: int | None, tasks: list[str], report_dates: list[datetime.date],
                 target_kinds=(), target_units=(), basis_directives=(), by, **fields) -> Directive:
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if not directive.is_draft:
        raise DirectiveError(_("An issued directive is changed by an amendment with a reason."), code="issued")
    fields = _check_fields(directive.issuer, fields, target_kinds, target_units)
    _check_number_free(directive, directive.issuer, fields)
    tasks = _check_tasks(tasks)
    report_dates = _check_dates(report_dates)
    basis_directives = _check_basis(directive.issuer, basis_directives)
    before = {name: getattr(directive, name) for name in DIRECTIVE_FIELDS}
    save_if_current(directive, version, {name: fields[name] for name in DIRECTIVE_FIELDS if name in fields},
                    error=Conflict)
    directive.target_kinds.set(target_kinds)
    directive.target_units.set(target_units)
    directive.basis_directives.set(basis_directives)
    _set_tasks(directive, tasks)
    _set_periods(directive, report_dates)
    audit.record(by, "directives.directive.update", directive,
                 audit.diff(before, {name: getattr(directive, name) for name in DIRECTIVE_FIELDS}))
    return directive


@transaction.atomic
def set_key_task_details(task: KeyTask, *, deadline: datetime.date | None, measure: str, reason: str = "",
                         by) -> KeyTask:
    """A key task's deadline and measure of completion: freely on a draft, with a reason once issued."""
    directive = Directive.objects.select_for_update().get(pk=task.directive_id)
    if deadline is not None and deadline < directive.issued_on:
        raise DirectiveError(_("A deadline cannot be before the date of issue (%(date)s).")
                             % {"date": directive.issued_on.strftime("%d/%m/%Y")}, code="deadline")
    measure = _text(measure, _("measure of completion"), 500)
    before = {"deadline": task.deadline, "measure": task.measure}
    after = {"deadline": deadline, "measure": measure}
    if not directive.is_draft:
        _amend(directive, reason, {f"task {task.number}": audit.diff(before, after)}, by=by)
    task.deadline, task.measure = deadline, measure
    task.save(update_fields=["deadline", "measure"])
    audit.record(by, "directives.task.update", task, audit.diff(before, after))
    return task


@transaction.atomic
def add_file(directive: Directive, *, upload, by) -> DirectiveFile:
    check_document_upload(upload)
    attached = DirectiveFile.objects.create(directive=directive, file=upload, name=upload.name[:255],
                                            uploaded_by=person(by))
    audit.record(by, "directives.file.add", attached, {"directive": directive.pk, "name": attached.name})
    return attached


# --- issuing --------------------------------------------------------------------------------------------------


def targets_of(directive: Directive) -> list[Unit]:
    """The units a directive reaches, as its addressing says, below its issuer."""
    issuer = directive.issuer
    below = Unit.objects.filter(path__startswith=issuer.path).exclude(pk=issuer.pk)
    if directive.target_mode == TargetMode.CHILDREN:
        units = below.filter(parent=issuer)
    elif directive.target_mode == TargetMode.KINDS:
        units = below.filter(kind__in=directive.target_kinds.all())
    elif directive.target_mode == TargetMode.UNITS:
        units = below.filter(pk__in=directive.target_units.all())
    else:
        units = below
    return list(units.filter(active_until__isnull=True).only("pk", "path", "depth", "name").order_by("path"))


def _tell_targets_soon(directive: Directive, what: str, amendment_id: int, count: int) -> None:
    """Up to DIRECTIVE_NOTIFY_INLINE units are told in the write's own transaction; more (a plan to a whole
    province) by a task once it committed."""
    if count <= settings.DIRECTIVE_NOTIFY_INLINE:
        tell_targets(directive, what, amendment_id)
        return
    from .tasks import task_tell_targets

    enqueue_with_transaction(task_tell_targets, directive.pk, what, amendment_id)


def tell_targets(directive: Directive, what: str, amendment_id: int = 0) -> int:
    """Tell the leadership of every unit addressed that the directive was issued or amended (in batches, after
    the write committed: a national plan reaches every unit). Each person once per event."""
    amendment = Amendment.objects.filter(pk=amendment_id).first() if amendment_id else None
    url = reverse("directives:detail", args=[directive.pk])
    event = f"directive-{what}:{amendment_id or directive.pk}"
    sent = 0
    # One read of the people who speak for the units addressed, however many units (most hold no login).
    grants = (RoleGrant.objects.filter(unit__directive_receipts__directive=directive, role__in=LEADERSHIP)
              .select_related("user", "unit").order_by("unit_id", "user_id"))
    told = set()
    for grant in grants.iterator(chunk_size=500):
        if (grant.unit_id, grant.user_id) in told:
            continue
        told.add((grant.unit_id, grant.user_id))
        sent += notify(grant.user, kind=f"directives.{what}", event_key=f"{event}:{grant.unit_id}",
                       template=f"directives/notifications/{what}", url=url,
                       context={"directive": directive, "issuer": directive.issuer.name, "unit": grant.unit.name,
                                "reason": amendment.reason if amendment else ""}) is not None
    return sent


@transaction.atomic
def issue(directive: Directive, *, version: int | None, by) -> Directive:
    """Freeze the draft and address it: one receipt per unit reached, counted up the tree; the units' leadership
    is told. Refused without key tasks, without a reporting date, with a deadline or reporting date before the date
    of issue, or when no unit is reached."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    # One issue at a time per issuer, so two drafts with the same number cannot both pass the check below.
    list(Unit.objects.select_for_update().filter(pk=directive.issuer_id).values_list("pk", flat=True))
    if not directive.is_draft:
        raise DirectiveError(_("This directive was issued already."), code="issued")
    if version is not None and directive.version != version:
        raise Conflict(current_version=directive.version)
    if not directive.number or not directive.issuer_symbol:
        raise DirectiveError(_("Give the directive its number and issuer abbreviation before issuing."),
                             code="number")
    tasks = list(directive.tasks.all())
    if not tasks:
        raise DirectiveError(_("Add at least one key task before issuing."), code="tasks")
    periods = list(directive.periods.all())
    if not periods:
        raise DirectiveError(_("Set at least one date by which the units report."), code="periods")
    day = directive.issued_on.strftime("%d/%m/%Y")
    if any(task.deadline and task.deadline < directive.issued_on for task in tasks):
        raise DirectiveError(_("A key task's deadline is before the date of issue (%(date)s).") % {"date": day},
                             code="deadline")
    if periods[0].due_on < directive.issued_on:
        raise DirectiveError(_("A reporting date is before the date of issue (%(date)s).") % {"date": day},
                             code="periods")
    # Figures 0-9 only: other digits ("²", "٥") are not a number the register or the paper can carry.
    if not (directive.number.isascii() and directive.number.isdigit()):
        raise DirectiveError(_("Write the directive's number in figures, for example 75."), code="number")
    # The issuer's register refuses a number already used that year by another document of the kind.
    try:
        numbering.record_typed(directive, unit=directive.issuer, kind=directive.kind, number=int(directive.number),
                               symbol=directive.issuer_symbol, on=directive.issued_on, by=by,
                               title=f"{directive.symbol} {directive.title}")
    except numbering.NumberTaken as taken:
        raise DirectiveError(taken.messages, code="number") from None
    units = targets_of(directive)
    if not units:
        raise DirectiveError(_("No unit below %(issuer)s is addressed.") % {"issuer": directive.issuer.name},
                             code="no_targets")
    Receipt.objects.bulk_create([Receipt(directive=directive, unit=unit) for unit in units], batch_size=2000)
    rollup.count_targets(directive, units)
    save_if_current(directive, None, {"status": DirectiveStatus.ISSUED, "issued_by": person(by),
                                      "issued_at": timezone.now()})
    audit.record(by, "directives.directive.issue", directive, {"targets": len(units)})
    _tell_targets_soon(directive, "issued", 0, len(units))
    return directive


def _amend(directive: Directive, reason: str, changes: dict, *, by) -> Amendment:
    reason = _text(reason, _("reason"), 2000)
    if not reason:
        raise DirectiveError(_("An issued directive changes only with a reason, kept with the change."),
                             code="reason")
    amendment = Amendment.objects.create(directive=directive, reason=reason, changes=changes, made_by=person(by))
    _tell_targets_soon(directive, "amended", amendment.pk, directive.receipts.count())
    return amendment


@transaction.atomic
def amend(directive: Directive, *, version: int | None, reason: str, by, **changes) -> Directive:
    """Change an issued directive's title, purpose or basis: refused without a reason; the change and its reason
    are kept and the units addressed are told."""
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.is_draft:
        raise DirectiveError(_("A draft is edited, not amended."), code="draft")
    cleaned = {name: _text(changes[name], name, 300 if name == "title" else MAX_TEXT)
               for name in AMENDABLE_FIELDS if name in changes}
    if "title" in cleaned and not cleaned["title"]:
        raise DirectiveError(_("A directive needs a title."), code="title")
    before = {name: getattr(directive, name) for name in cleaned}
    diff = audit.diff(before, cleaned)
    if not diff:
        raise DirectiveError(_("Nothing was changed."), code="unchanged")
    _amend(directive, reason, {name: list(values) for name, values in diff.items()}, by=by)
    save_if_current(directive, version, cleaned, error=Conflict)
    audit.record(by, "directives.directive.amend", directive, diff)
    return directive


# --- receiving ------------------------------------------------------------------------------------------------


def _acknowledge(receipt: Receipt, by) -> bool:
    if receipt.acknowledged_at is not None:
        return False
    if not Receipt.objects.filter(pk=receipt.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=person(by)):
        return False  # someone else acknowledged it a moment ago
    receipt.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
    rollup.bump(receipt.directive, receipt.unit, {"ack": 1})
    audit.record(by, "directives.receipt.acknowledge", receipt, {"directive": receipt.directive_id})
    return True


@transaction.atomic
def acknowledge(receipt: Receipt, *, by) -> Receipt:
    if not _acknowledge(receipt, by):
        raise DirectiveError(_("This directive was acknowledged already."), code="acknowledged")
    return receipt


@transaction.atomic
def add_task(receipt: Receipt, *, key_task: KeyTask, text: str, owner=None, deadline: datetime.date | None = None,
             meeting=None, cycle=None, correction_plan=None, by) -> ImplementationTask:
    """One of the unit's own tasks carrying out `key_task`; evidence (a meeting, a review cycle, a correction plan)
    must be the unit's own or within it."""
    if key_task.directive_id != receipt.directive_id:
        raise DirectiveError(_("That key task belongs to another directive."), code="key_task")
    text = _text(text, _("task"), 2000)
    if not text:
        raise DirectiveError(_("Say what the unit will do."), code="text")
    if deadline is not None and deadline < receipt.directive.issued_on:
        raise DirectiveError(_("A deadline cannot be before the date of issue (%(date)s).")
                             % {"date": receipt.directive.issued_on.strftime("%d/%m/%Y")}, code="deadline")
    unit = receipt.unit
    for evidence in (meeting, cycle, correction_plan):
        if evidence is not None and not (evidence.unit.path.startswith(unit.path)
                                         or unit.path.startswith(evidence.unit.path)):
            raise DirectiveError(_("Evidence must be of %(unit)s, a unit below it or a unit above it.")
                                 % {"unit": unit.name}, code="evidence")
    if owner is not None and not owner.cell.path.startswith(unit.path):
        raise DirectiveError(_("The owner must be a member of %(unit)s.") % {"unit": unit.name}, code="owner")
    _acknowledge(receipt, by)
    task = ImplementationTask.objects.create(receipt=receipt, key_task=key_task, text=text, owner=owner,
                                             deadline=deadline, meeting=meeting, cycle=cycle,
                                             correction_plan=correction_plan, created_by=person(by))
    audit.record(by, "directives.task.add", task, {"receipt": receipt.pk, "key_task": key_task.number})
    return task


@transaction.atomic
def remove_task(task: ImplementationTask, *, by) -> None:
    audit.record(by, "directives.task.remove", task, {"receipt": task.receipt_id, "text": task.text})
    task.delete()


def _current_percent(receipt: Receipt, key_task: KeyTask) -> int:
    latest = (Report.objects.filter(receipt=receipt, key_task=key_task).order_by("-period__due_on")
              .values_list("percent", flat=True).first())
    return latest or 0


@transaction.atomic
def file_report(receipt: Receipt, *, key_task: KeyTask, period: ReportingPeriod, percent: int, status: str,
                narrative: str = "", evidence=None, version: int | None = None, by) -> Report:
    """The unit's report on one key task for one period (filing again for the same period replaces it, with a
    version check: `version` is the report's as the form showed it, 0 when there was none yet, None to skip).
    The directive's progress moves up the tree in the same transaction. Acknowledges the directive if nobody did
    yet. Once the unit has reported on every key task for a period, its report is issued: numbered in the unit's
    register (docs/documents.md, "Numbers")."""
    directive = receipt.directive
    if key_task.directive_id != directive.pk or period.directive_id != directive.pk:
        raise DirectiveError(_("That key task or period belongs to another directive."), code="key_task")
    if status not in TaskStatus.values:
        raise DirectiveError(_("Choose the status of the key task."), code="status")
    if percent is None or not 0 <= percent <= 100:
        raise DirectiveError(_("The percent done is between 0 and 100."), code="percent")
    if status == TaskStatus.DONE and percent != 100:
        raise DirectiveError(_("A task reported done must be at 100 percent."), code="status")
    if status == TaskStatus.NOT_STARTED and percent:
        raise DirectiveError(_("A task not started must be at 0 percent."), code="status")
    narrative = _text(narrative, _("what was done"))
    if evidence is not None:
        check_document_upload(evidence)
    Receipt.objects.select_for_update().filter(pk=receipt.pk).first()  # one report of a unit at a time
    _acknowledge(receipt, by)
    before = _current_percent(receipt, key_task)
    first_in_period = not Report.objects.filter(receipt=receipt, period=period).exists()
    report = Report.objects.filter(receipt=receipt, key_task=key_task, period=period).first()
    values = {"percent": percent, "status": status, "narrative": narrative, "reported_by": person(by),
              "reported_at": timezone.now()}
    if report is None:
        report = Report.objects.create(receipt=receipt, key_task=key_task, period=period,
                                       evidence=evidence or "", **values)
    else:
        if version == 0:  # the form was opened before anyone had filed this report: someone else filed it since
            raise Conflict(current_version=report.version)
        check_version(report.version, version)
        if evidence is not None:
            report.evidence = evidence
            report.save(update_fields=["evidence"])
        save_if_current(report, version, values, error=Conflict)
    after = _current_percent(receipt, key_task)
    rollup.bump(directive, receipt.unit, {f"t{key_task.number}": after - before,
                                          f"p{period.pk}": 1 if first_in_period else 0})
    audit.record(by, "directives.report.file", report, {"key_task": key_task.number, "period": period.pk,
                                                        "percent": percent, "status": status})
    reported = Report.objects.filter(receipt=receipt, period=period).values("key_task").distinct().count()
    if reported == directive.tasks.count():
        numbering.assign(receipt, unit=receipt.unit, kind=numbering.REPORT, on=timezone.localdate(), by=by,
                         title=f"Báo cáo kết quả thực hiện {directive.symbol} của {receipt.unit.name}")
    return report


# --- reminders ------------------------------------------------------------------------------------------------


def _tell(receipts, *, kind: str, event: str, template: str, roles=LEADERSHIP, unit_of=lambda r: r.unit_id,
          context=None) -> int:
    sent = 0
    for receipt in receipts:
        url = reverse("directives:receipt", args=[receipt.pk])
        for user in access.users_with_roles(unit_of(receipt), roles):
            sent += notify(user, kind=kind, event_key=f"{event}:{receipt.pk}", template=template, url=url,
                           context={"directive": receipt.directive, "unit": receipt.unit.name,
                                    **(context or {})}) is not None
    return sent


@transaction.atomic
def remind_now(directive: Directive, *, receipts: list[Receipt], by) -> int:
    """The issuer's one-click reminder to the units listed as late (not acknowledged, or not reported for the
    period due): their leadership is told today, once a day."""
    stamp = timezone.localdate().isoformat()
    sent = _tell(receipts, kind="directives.reminder", event=f"directive-remind:{stamp}",
                 template="directives/notifications/reminder")
    audit.record(by, "directives.directive.remind", directive, {"units": len(receipts), "sent": sent})
    return sent


def send_directive_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """Before a reporting date and on the day, the units that have not reported are reminded; overdue by
    DIRECTIVE_ESCALATE_DAYS, the level above each of them is told. Units that have not acknowledged a directive
    DIRECTIVE_ACKNOWLEDGE_DAYS after it was issued are reminded. Each event once, however often this runs."""
    today = today or timezone.localdate()
    sent = {"before": 0, "due": 0, "superior": 0, "acknowledge": 0}
    moments = {"before": today + datetime.timedelta(days=settings.DIRECTIVE_REMIND_DAYS_BEFORE), "due": today,
               "superior": today - datetime.timedelta(days=settings.DIRECTIVE_ESCALATE_DAYS)}
    periods = (ReportingPeriod.objects.filter(due_on__in=list(moments.values()),
                                              directive__status=DirectiveStatus.ISSUED).select_related("directive"))
    for period in periods:
        missing = (Receipt.objects.filter(directive=period.directive).exclude(reports__period=period)
                   .select_related("unit", "directive"))
        for moment, day in moments.items():
            if day != period.due_on:
                continue
            escalate = moment == "superior"
            sent[moment] += _tell(
                missing.iterator(chunk_size=500), kind="directives.report_due",
                event=f"directive-report:{period.pk}:{moment}",
                template="directives/notifications/escalation" if escalate else "directives/notifications/report_due",
                roles={Role.COMMITTEE, Role.STAFF} if escalate else LEADERSHIP,
                unit_of=(lambda receipt: receipt.unit.parent_id) if escalate else (lambda receipt: receipt.unit_id),
                context={"due": period.due_on})
    issued_by = timezone.make_aware(datetime.datetime.combine(
        today - datetime.timedelta(days=settings.DIRECTIVE_ACKNOWLEDGE_DAYS), datetime.time.max))
    late = (Receipt.objects.filter(acknowledged_at__isnull=True, directive__issued_at__lte=issued_by,
                                   directive__status=DirectiveStatus.ISSUED).select_related("unit", "directive"))
    sent["acknowledge"] = _tell(late.iterator(chunk_size=500), kind="directives.acknowledge",
                                event="directive-acknowledge", template="directives/notifications/acknowledge")
    return sent
