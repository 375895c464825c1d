"""Writes of the documents app: roster imports, imports of units, and the first-run set-up of an empty
installation.

start_import and confirm_import are what views and commands call; validate_import and apply_import are what
the background tasks call. Each owns its transaction and audit entry and raises RosterImportError (translated,
with a `code`) on refusal. Access is the caller's business (org.access): these functions trust `unit`.
"""

import datetime
import logging
import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM, person
from soisua.core.errors import clean_text
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org import services as org
from soisua.org.enums import Role
from soisua.org.models import PATH_STEP, Unit, UnitKind
from soisua.org.queries import ancestors

from . import background, imports, writers
from .imports import Plan, RosterImportError
from .imports import units as unit_rows
from .models import ExportJob, ExportStatus, ImportConflict, ImportJob, ImportStatus

__all__ = ["RosterImportError", "UnitsImportError", "apply_import", "check_units_file", "confirm_import",
           "decide_conflict", "import_units", "purge_expired_exports", "run_export", "set_up_installation",
           "start_export", "start_import", "validate_import"]

DECISION_MAX_LENGTH = 2000

logger = logging.getLogger(__name__)


def _language(job: ImportJob) -> str:
    return job.created_by.language if job.created_by is not None else settings.LANGUAGE_CODE


def _importer(job: ImportJob):
    """Who a job's writes are recorded as: its uploader, or the system for a job started from the command line."""
    return job.created_by or SYSTEM


def start_import(*, unit: Unit, upload: File, by) -> ImportJob:
    """Accept an uploaded roster for `unit` (the import may touch only that unit's subtree) and have it checked.

    Refuses (RosterImportError, nothing saved) a file of the wrong type, an empty or too large file, and one
    without a usable header row or without data rows.

    Side effects: stores the file under MEDIA_ROOT/imports/, inserts the job, appends an audit entry, then
    enqueues task_validate_import.
    """
    name = upload.name or ""
    file_format = imports.check_upload(name, upload, upload.size)
    imports.probe(upload.file, file_format)
    upload.seek(0)
    job = ImportJob(unit=unit, created_by=by if by is not None and by.is_authenticated else None,
                    original_name=name[-255:], file_format=file_format)
    job.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            job.save()
            audit.record(by, "documents.import.upload", job, {"unit": unit.pk, "file": job.original_name})
    except BaseException:
        job.file.delete(save=False)
        raise
    from .tasks import task_validate_import

    task_validate_import.enqueue(job.pk)
    return job


def _plan(job: ImportJob, shown: Callable[[int, int], None] | None = None) -> Plan:
    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
        if shown is not None:
            shown(done, total)

    with job.file.open("rb") as stream, translation.override(_language(job)):
        return imports.build_plan(stream.file, job.file_format, scope=job.unit, progress=progress)


def _store_plan(job: ImportJob, plan: Plan, *, status: str) -> None:
    job.status = status
    job.total_rows = job.processed_rows = plan.total_rows
    # Until applied, held rows count as new members (as rows with unknown numbers); applied, they are held.
    applied = status == ImportStatus.DONE
    job.new_count = len(plan.creates) if applied else plan.new_as_checked
    job.held_count = len(plan.held) if applied else 0
    job.updated_count = len(plan.updates_to_apply if applied else plan.updates)
    job.unchanged_count = plan.unchanged
    job.errors = [error.as_dict() for error in plan.errors]
    job.error_count = len(plan.errors)
    job.headers = plan.headers
    job.validated_at = timezone.now()
    if status != ImportStatus.VALID:
        job.finished_at = job.validated_at
    job.save(update_fields=["status", "total_rows", "processed_rows", "new_count", "updated_count",
                            "unchanged_count", "held_count", "errors", "error_count", "headers", "validated_at",
                            "finished_at"])


def _fail(job: ImportJob, message: str) -> None:
    job.status, job.failure_message, job.finished_at = ImportStatus.FAILED, message, timezone.now()
    job.save(update_fields=["status", "failure_message", "finished_at"])


def _discard_file(job: ImportJob) -> None:
    """The roster holds personal data: keep the upload only while it may still be applied."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def validate_import(job: ImportJob, *, progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Check every row of an uploaded roster and record what an import would change; `progress(rows checked,
    rows)` is told as the rows are (the command line's progress bar).

    Side effects: status validating (committed at once, so the page can show it); processed_rows every few
    thousand rows; then counts and every error with status valid or invalid (the file is deleted when
    invalid); status failed with a message if the file cannot be read at all.
    """
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.UPLOADED).update(
            status=ImportStatus.VALIDATING, processed_rows=0):
        return job  # already checked (a retried task)
    job.status = ImportStatus.VALIDATING
    try:
        plan = _plan(job, progress)
        _store_plan(job, plan, status=ImportStatus.VALID if plan.is_valid else ImportStatus.INVALID)
    except Exception:
        logger.exception("roster import %s could not be checked", job.pk)
        with translation.override(_language(job)):
            _fail(job, _("The file could not be checked because of an internal error. Nothing was changed."))
    if job.status != ImportStatus.VALID:
        _discard_file(job)
    return job


@transaction.atomic
def _claim_for_apply(job: ImportJob, *, by) -> None:
    if not ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALID).update(
            status=ImportStatus.APPLYING, processed_rows=0):
        raise RosterImportError(_("This import cannot be applied: it is not checked, has errors, or was already "
                                  "applied."), code="not_valid")
    audit.record(by, "documents.import.confirm", job, {"rows": job.total_rows})


def confirm_import(job: ImportJob, *, by) -> ImportJob:
    """Apply a checked, error-free roster import (in the background).

    Side effects: status applying (only from valid: a second confirmation is refused), audit entry, then
    enqueues task_apply_import.
    """
    _claim_for_apply(job, by=by)
    from .tasks import task_apply_import

    task_apply_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def apply_import(job: ImportJob, *, progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Write a confirmed roster import: all of it or, on any failure, none of it; `progress` as for
    validate_import, while the file is checked again.

    Side effects, in order: checks the file again against the current database (progress committed); if it no
    longer passes, stores the new errors with status invalid; otherwise in ONE transaction writes the members
    (imports.apply_plan: inserts, transfers, status rows, updates, one audit entry per member), an audit entry
    for the job and status done with the counts. Any exception rolls the transaction back and marks the job
    failed. Then deletes the stored file and notifies the uploader.
    """
    if job.status != ImportStatus.APPLYING:
        return job
    try:
        plan = _plan(job, progress)
        if not plan.is_valid:
            _store_plan(job, plan, status=ImportStatus.INVALID)
        else:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                # Two runs of the same job (a retried task and a command) must not both write.
                if not ImportJob.objects.select_for_update().filter(pk=job.pk, status=ImportStatus.APPLYING).exists():
                    return job
                imports.apply_plan(plan, by=_importer(job), reason=_("Roster import"))
                _hold(job, plan)
                _store_plan(job, plan, status=ImportStatus.DONE)
                audit.record(_importer(job), "documents.import.apply", job, {
                    "created": job.new_count, "updated": job.updated_count, "unchanged": job.unchanged_count,
                    "held": job.held_count})
    except Exception as error:
        logger.exception("roster import %s failed", job.pk)
        job.refresh_from_db()
        with translation.override(_language(job)):
            if isinstance(error, IntegrityError):
                message = _("The roster changed while the import was running (for example, someone added a member "
                            "with the same card number). Nothing was changed; upload the file again to check it "
                            "against the current roster.")
            else:
                message = _("The import failed because of an internal error. Nothing was changed.")
            _fail(job, message)
    _discard_file(job)
    _notify_done(job)
    return job


# Who decides a held row: the leaders and staff of the lowest committee above both cells (their grants cover both,
# personal data included); if it has none, the nearest level above that has some; without any, the administrators.
# They are told of the first row held about a member; the rows held about them after it, while it waits, are listed on
# their home page (documents.agenda), not sent again.
DECIDING_ROLES = frozenset({Role.COMMITTEE, Role.STAFF})


def _common_unit(units: list[Unit]) -> Unit | None:
    """The lowest unit whose subtree holds all of `units` (None when they lie in different trees)."""
    paths = [unit.path for unit in units]
    prefix = ""
    for end in range(PATH_STEP, min(map(len, paths)) + 1, PATH_STEP):
        if len({path[:end] for path in paths}) > 1:
            break
        prefix = paths[0][:end]
    return Unit.objects.filter(path=prefix).first() if prefix else None


def _deciders(committee: Unit | None) -> list:
    if committee is None:
        return list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    chain = [committee, *reversed(ancestors(committee))]
    # A tree whose committees have no members or staff in soisua yet: its administrators decide, else the superusers.
    for roles in (DECIDING_ROLES, {Role.ADMIN}):
        for unit in chain:
            users = [user for user in access.users_with_roles(unit.pk, roles) if user.is_active]
            if users:
                return users
    return list(get_user_model().objects.filter(is_superuser=True, is_active=True))


def _hold(job: ImportJob, plan: Plan) -> list[ImportConflict]:
    """Record every held row for the committee that sees both records, and tell its leaders and staff.

    The importer is told only how many rows were held (job.held_count), never which number clashed nor whose it
    is. Runs inside apply_import's transaction: the conflicts land with the rest of the import, or not at all.
    """
    conflicts = []
    for held in plan.held:
        committee = _common_unit([held.cell, *(member.cell for member in held.members)])
        values = {key: value.isoformat() if isinstance(value, datetime.date) else value
                  for key, value in held.values.items()}
        values |= {"status": held.status}
        waiting = list(ImportConflict.objects.filter(member=held.members[0], resolved_at__isnull=True))
        if any(row.cell_id == held.cell.pk and row.values == values for row in waiting):
            continue  # the same row imported again: it waits already, as it was
        conflict = ImportConflict.objects.create(job=job, row=held.row, values=values, cell=held.cell,
                                                 member=held.members[0], committee=committee)
        audit.record(_importer(job), "documents.import.hold", conflict, {
            "row": held.row, "members": [member.pk for member in held.members],
            "committee": committee.pk if committee else None})
        conflicts.append(conflict)
        if waiting:
            continue  # the committee was told of a row about this member already; its home page lists them all
        url = reverse("documents:conflicts.detail", args=[conflict.pk])
        for user in _deciders(committee):
            notify(user, kind="documents.import_conflict", event_key=f"import-conflict:{conflict.pk}",
                   template="documents/notifications/import_conflict",
                   context={"conflict": conflict, "job": job, "cell": held.cell}, url=url)
    return conflicts


@transaction.atomic
def decide_conflict(conflict: ImportConflict, *, decision: str, by) -> ImportConflict:
    """Close a held roster row with what the committee decided (the member transferred, the record corrected, the
    importer told, …). The change itself is made with the usual member pages; this records that it was handled.

    Refused (RosterImportError): an empty or too long decision (codes required, too_long), a row already decided
    (code decided). Side effects: decision, time and decider saved; audit entry.
    """
    decision = clean_text(decision, _("decision"), DECISION_MAX_LENGTH, error=RosterImportError)
    if not decision:
        raise RosterImportError(_("Write what was decided."), code="required")
    if not ImportConflict.objects.filter(pk=conflict.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=person(by), decision=decision):
        raise RosterImportError(_("This row was already decided."), code="decided")
    conflict.refresh_from_db()
    audit.record(by, "documents.import.decide", conflict, {"decision": decision})
    return conflict


def _notify_done(job: ImportJob) -> None:
    if job.created_by is None:
        return
    notify(job.created_by, kind="documents.import", event_key=f"import-done:{job.pk}",
           template="documents/notifications/import_done", context={"job": job, "unit": job.unit},
           url=reverse("documents:imports.detail", args=[job.pk]))



def record_export(user, obj, *, action: str, file_format: str, personal: bool) -> None:
    """Exports of personal data leave a trail (who, what, which format); others need none.

    Side effects: an audit entry when the export held personal data.
    """
    if personal:
        audit.record(user, action, obj, {"format": file_format, "personal": True})


# --- Units: the tree below a unit, and the first-run set-up ---------------------------------------------------


class UnitsImportError(RosterImportError):
    """A list of units refused row by row: `plan.errors` says which rows and why; nothing was created."""

    def __init__(self, plan: unit_rows.UnitsPlan):
        count = len(plan.errors)
        super().__init__(ngettext("The list of units has %(count)d problem; no unit was created.",
                                  "The list of units has %(count)d problems; no unit was created.", count)
                         % {"count": count} if count else _("The list holds no unit to create."), code="invalid")
        self.plan = plan


def check_units_file(upload: File, *, top: unit_rows.Top) -> unit_rows.UnitsPlan:
    """Read an uploaded list of units and check every row below `top` (reads only: neither the file nor anything
    else is stored). Refuses (RosterImportError) a file of the wrong type, empty, too large, or without the header
    row; the rows' own problems are in the plan's `errors`."""
    file_format = imports.check_upload(upload.name or "", upload, upload.size, sheet=unit_rows.UNITS)
    rows = unit_rows.read_rows(upload.file, file_format)
    return unit_rows.check_rows(rows, top=top)


@transaction.atomic
def import_units(rows: list[unit_rows.RawRow], *, under: Unit, by) -> list[Unit]:
    """Create the units of a list below `under`, all of them or none. The rows are checked again against the
    database as it is now (the preview may be old); the caller decided that `by` administers `under`.

    Refused (UnitsImportError, nothing created) when a row has a problem now. Side effects: the units created
    through org.services.create_units (placements checked again, an audit entry each), then an audit entry for the
    import.
    """
    plan = unit_rows.check_rows(rows, top=unit_rows.Top.of(under))
    if not plan.is_valid:
        raise UnitsImportError(plan)
    created = unit_rows.apply_units(plan, by=by)
    audit.record(by, "documents.units.import", under, {"created": len(created)})
    return created


@transaction.atomic
def set_up_installation(*, code: str, name: str, kind: UnitKind, by, abbreviation: str = "", place: str = "",
                        rows: list[unit_rows.RawRow] | None = None, admin=None) -> tuple[Unit, list[Unit]]:
    """The first-run set-up: create the top unit of an installation that has no unit yet and, optionally, the
    units below it from a list (checked again here), all or nothing; optionally give `admin` (a login) the
    administrator role on the top unit (the command line does, as the system).

    Refused (OrgError) once any unit exists, or for a kind that may not be the top unit; (UnitsImportError) when
    a row has a problem. Side effects: the kinds locked (one set-up at a time), the top unit and the units
    created through org.services.create_unit and create_units (audited each), the grant (audited, the person
    told), an audit entry for the set-up. Returns the top unit and the units created below it.
    """
    list(UnitKind.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    existing = Unit.objects.filter(parent=None).order_by("path").first()  # any unit has a top unit
    if existing is not None:
        raise org.OrgError(_("The installation is already set up: its top unit is %(unit)s. Add units from the "
                             "pages of the units.") % {"unit": existing.name}, code="set_up")
    root = org.create_unit(parent=None, kind=kind, code=code, name=name, abbreviation=abbreviation, place=place,
                           by=by)
    created: list[Unit] = []
    if rows:
        plan = unit_rows.check_rows(rows, top=unit_rows.Top.of(root))
        if not plan.is_valid:
            raise UnitsImportError(plan)
        created = unit_rows.apply_units(plan, by=by)
    if admin is not None:
        org.grant_role(admin, unit=root, role=Role.ADMIN, by=by)
    audit.record(by, "documents.setup", root, {"units": len(created), "admin": getattr(admin, "pk", None)})
    return root, created


# --- Exports written in the background ------------------------------------------------------------------------

# How often a running export writes its progress (rows), so the page moves without a write per row.
EXPORT_PROGRESS_EVERY = 500


def start_export(*, kind: str, object_id: int, file_format: str, total_rows: int, by) -> ExportJob:
    """Queue a spreadsheet too large to write in the request: `kind` (documents/background.py) of the object
    `object_id`, for `by` alone. The kind's loader checks again that `by` may read the object. The same export
    asked again while one still waits for the worker is that job: following a download link many times (or a page
    that makes the browser follow it) queues one, not many. (One being written is not reused: a worker that died
    while writing would leave it running for ever.)

    Side effects: inserts the job, appends an audit entry, then enqueues task_run_export (none when the job was
    already waiting).
    """
    export_kind = background.get(kind)
    subject = export_kind.load(by, object_id)
    waiting = ExportJob.objects.filter(requester=by, kind=kind, object_id=object_id, file_format=file_format,
                                       status=ExportStatus.QUEUED).first()
    if waiting is not None:
        return waiting
    with translation.override(by.language):
        title = str(export_kind.title(subject))
    job = ExportJob(requester=by, kind=kind, object_id=object_id, file_format=file_format, total_rows=total_rows,
                    title=title[:300], file_name=f"{export_kind.file_name(subject)}.{file_format}"[:255],
                    expires_at=timezone.now() + datetime.timedelta(days=settings.EXPORT_KEPT_DAYS))
    with transaction.atomic():
        job.save()
        audit.record(by, "documents.export.queue", job, {"kind": kind, "format": file_format, "rows": total_rows})
    from .tasks import task_run_export

    task_run_export.enqueue(job.pk)
    return job


class _Counted:
    """The rows of a table, counted as they are written, the count stored every EXPORT_PROGRESS_EVERY rows."""

    def __init__(self, job: ExportJob, rows):
        self.job, self.rows = job, rows

    def __iter__(self):
        done = 0
        for done, row in enumerate(self.rows, start=1):
            if done % EXPORT_PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=self.job.pk).update(done_rows=done)
            yield row
        ExportJob.objects.filter(pk=self.job.pk).update(done_rows=done)


def run_export(job: ExportJob) -> None:
    """Write a queued export (called by task_run_export) in Vietnamese, if the requester may still
    read its object; store the file and tell them it is ready, or why it failed. The export is recorded when it is
    downloaded (`record_export`).

    Side effects: stores the file under MEDIA_ROOT/exports/, updates the job, notifies the requester (inbox, and
    e-mail as their preference says).
    """
    # One task per job, run by one worker at a time: a job already RUNNING was left so by a worker that died, and
    # its task, put back in the queue (notifications.recovery), writes it again from the start.
    if not ExportJob.objects.filter(pk=job.pk, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).update(
            status=ExportStatus.RUNNING, done_rows=0):
        return
    user = job.requester
    kind = background.get(job.kind)
    with translation.override(user.language):
        try:
            subject = kind.load(user, job.object_id)
        except (Http404, PermissionDenied):
            _export_failed(job, _("You may no longer read what this export lists."))
            return
        try:
            job.personal = kind.personal(user, subject)
            with translation.override("vi"):  # a printed list, Vietnamese like every downloaded paper
                _write_export(job, kind.build(user, subject))
        except Exception:
            logger.exception("export %s failed", job.pk)
            _export_failed(job, _("The export could not be written. Please try again later."))
            return
    job.refresh_from_db(fields=["done_rows"])
    job.status, job.finished_at = ExportStatus.DONE, timezone.now()
    job.save(update_fields=["file", "personal", "status", "finished_at"])
    notify(user, kind="documents.export", event_key=f"export-done:{job.pk}",
           template="documents/notifications/export_done", context={"job": job},
           url=reverse("documents:exports.detail", args=[job.pk]))


def _write_export(job: ExportJob, table) -> None:
    sheets = [replace(sheet, rows=_Counted(job, sheet.rows)) for sheet in writers.sheets_of(table)]
    with tempfile.TemporaryFile() as output:
        writers.write_table(sheets, job.file_format, output)
        output.seek(0)
        job.file.save(job.file_name, File(output), save=False)


def _export_failed(job: ExportJob, message: str) -> None:
    job.status, job.failure_message, job.finished_at = ExportStatus.FAILED, message, timezone.now()
    job.save(update_fields=["status", "failure_message", "finished_at"])
    notify(job.requester, kind="documents.export", event_key=f"export-done:{job.pk}",
           template="documents/notifications/export_done", context={"job": job},
           url=reverse("documents:exports.detail", args=[job.pk]))


def purge_expired_exports(*, by) -> int:
    """Delete the files of exports past their `expires_at` (they may hold personal data) and mark them expired.
    Returns how many.

    Side effects: updates the jobs, appends an audit entry per job, deletes the files once that is committed (a
    crash in between leaves a file no job names, never a job naming a file that is gone).
    """
    expired = list(ExportJob.objects.filter(expires_at__lt=timezone.now()).exclude(status=ExportStatus.EXPIRED))
    for job in expired:
        with transaction.atomic():
            ExportJob.objects.filter(pk=job.pk).update(file="", status=ExportStatus.EXPIRED)
            audit.record(by, "documents.export.expire", job, {"status": [job.status, ExportStatus.EXPIRED]})
            if job.file:
                transaction.on_commit(partial(job.file.storage.delete, job.file.name))
    return len(expired)


# --- Data exchange: the organisation and members of a subtree in the soisua-exchange format --------------------


class ExchangeImportError(RosterImportError):
    """An exchange file whose rows have problems now: `plan` says which; nothing was written."""

    def __init__(self, plan):
        count = len(plan.problems)
        super().__init__(ngettext("The file has %(count)d problem; nothing was imported.",
                                  "The file has %(count)d problems; nothing was imported.", count)
                         % {"count": count}, code="invalid")
        self.plan = plan


def check_exchange_file(upload: File, *, unit: Unit):
    """Read an uploaded exchange file and check it below `unit` (reads only: nothing is stored). Returns the file's
    rows and the plan. Refuses (RosterImportError) a file of the wrong type, too large, of another format or
    version, with unknown or missing columns; the rows' own problems are in the plan."""
    from .exchange import checking, format

    file_format = format.check_exchange_upload(upload.name or "", upload, upload.size)
    data = format.read_exchange(upload.file, file_format)
    return data, checking.build_plan(data, scope=unit)


@transaction.atomic
def import_exchange(data, *, unit: Unit, by):
    """Apply an exchange file below `unit`, all of it or nothing, after checking it again against the database as
    it is now (the preview may be old); the caller decided that `by` may import into `unit`.

    Refused (ExchangeImportError, nothing written) when a row has a problem now. Side effects, in order: the new
    units created (org.services.create_units, an audit entry each) and their dates set, the changed units updated
    (org.services.update_unit, an audit entry each), the members created and updated in bulk (imports.apply_plan:
    memberships, status rows, an audit entry per member), the rows whose numbers are recorded outside `unit` held for
    the committee that sees both records (as a roster's, under an import record that the held rows' page names), then
    one audit entry for the import. A file that changes nothing writes only that entry. Returns the plan applied.
    """
    from .exchange import checking

    plan = checking.build_plan(data, scope=unit)
    if not plan.is_valid:
        raise ExchangeImportError(plan)
    if plan.new_units:
        created = unit_rows.apply_units(unit_rows.UnitsPlan(top=unit_rows.Top.of(unit), units=plan.new_units),
                                        by=by)
        for new in created:
            if dates := plan.new_unit_dates.get(new.code):
                org.update_unit(new, by=by, **dates)
    for change in plan.changed_units:
        org.update_unit(change.unit, by=by, **{key: new for key, (_old, new) in change.changes.items()})
    members = plan.members
    if plan.new_units and data.members.rows:  # the members' cells may be the units just created
        members = checking.plan_members(data, scope=unit)
        if not members.is_valid:
            plan.members = members
            raise ExchangeImportError(plan)
    if members.creates or members.updates_to_apply:
        imports.apply_plan(members, by=by, reason=_("Data exchange import"))
    if members.held:
        _hold(_exchange_job(unit, members, by=by), members)
    audit.record(by, "documents.exchange.import", unit, {
        "units_created": len(plan.new_units), "units_updated": len(plan.changed_units),
        "members_created": len(members.creates), "members_updated": len(members.updates_to_apply),
        "members_unchanged": members.unchanged, "members_held": len(members.held)})
    plan.members = members
    return plan


def _exchange_job(unit: Unit, members: Plan, *, by) -> ImportJob:
    """The record of an exchange import that held rows, which the held rows' page names (as a roster's upload)."""
    from .exchange import format

    now = timezone.now()
    return ImportJob.objects.create(
        unit=unit, created_by=person(by), file_format="exchange", status=ImportStatus.DONE,
        original_name=_("Data exchange file (%(format)s, version %(version)s)") % {
            "format": format.FORMAT_NAME, "version": format.FORMAT_VERSION}, total_rows=members.total_rows,
        processed_rows=members.total_rows, new_count=len(members.creates),
        updated_count=len(members.updates_to_apply), unchanged_count=members.unchanged, held_count=len(members.held),
        validated_at=now, finished_at=now)
