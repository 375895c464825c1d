"""Who sees and acts on roster imports and background exports, on top of org.access (downloads of rosters and
profile sheets are decided by org.access itself: `get_unit_for_user`, `can_see_personal_data_in`,
`get_member_for_user(personal_data=True)`).

Loaders raise 404 for those who may not see the object and 403 for those who see it but may not act on it.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from soisua.org import access

from . import background
from .models import ExportJob, ExportStatus, ImportConflict, ImportJob


def get_import_job_for_user(user, pk: int, *, write: bool = False) -> ImportJob:
    """The uploader and those who may write the job's unit see a job (404 for anyone else); confirming it takes
    writing the unit."""
    job = ImportJob.objects.select_related("unit", "unit__kind").filter(pk=pk).first()
    if job is None:
        raise Http404
    may_write = access.can_write_unit(user, job.unit)
    if not may_write and job.created_by_id != user.pk:
        raise Http404
    if write and not may_write:
        raise PermissionDenied
    return job


def _cells_of(conflict: ImportConflict) -> list:
    return [conflict.cell, *([conflict.member.cell] if conflict.member else [])]


def can_decide_conflict(user, conflict: ImportConflict) -> bool:
    """A held row is decided once, by someone who writes both cells (the row's and the recorded member's)."""
    return conflict.resolved_at is None and all(access.can_write_unit(user, cell) for cell in _cells_of(conflict))


def get_import_conflict_for_user(user, pk: int, *, write: bool = False) -> ImportConflict:
    """A held row shows the row and the recorded member: only to those who see the personal data of both cells
    (the committee above both, its staff, inspectors); anyone else gets 404. Deciding takes writing both."""
    conflict = (ImportConflict.objects.select_related("job", "job__created_by", "cell", "member", "member__cell",
                                                      "committee", "resolved_by").filter(pk=pk).first())
    if conflict is None:
        raise Http404
    cells = _cells_of(conflict)
    if not all(access.can_see_personal_data_in(user, cell) for cell in cells):
        raise Http404
    if write and not all(access.can_write_unit(user, cell) for cell in cells):
        raise PermissionDenied
    return conflict


def get_export_job_for_user(user, pk: int) -> ExportJob:
    """An export is its requester's alone: 404 for anyone else."""
    job = ExportJob.objects.select_related("requester").filter(pk=pk, requester_id=user.pk).first()
    if job is None:
        raise Http404
    return job


def get_export_download_for_user(user, pk: int) -> tuple[ExportJob, Any]:
    """A finished export's file, for its requester, who must still be allowed to read what it lists: the export
    kind's own loader is asked again (its 404 or 403), and a file holding personal data needs the right to see it
    still (403). A file past its `expires_at` is not served, even before the periodic job deletes it. Returns the
    job and that loader's subject."""
    job = get_export_job_for_user(user, pk)
    if job.status != ExportStatus.DONE or not job.file or job.past_expiry:
        raise Http404
    kind = background.get(job.kind)
    subject = kind.load(user, job.object_id)
    if job.personal and not kind.personal(user, subject):
        raise PermissionDenied
    return job, subject


# --- Data exchange (documents/exchange) ---------------------------------------------------------------------


def can_export_exchange(user, unit) -> bool:
    """An exchange file lists members' personal data (citizen ID, birth date, phone): those who may see it in the
    unit export it, and only the members whose data they may see are written (personal_data_filter)."""
    return access.can_see_personal_data_in(user, unit)


def can_import_exchange(user, unit) -> bool:
    """An exchange file creates and renames units as well as members: the unit's administrators and staff, as the
    import of units (access.can_administer_unit)."""
    return access.can_administer_unit(user, unit)


def get_unit_for_exchange(user, pk: int, *, write: bool = False, page: bool = False):
    """The unit whose subtree is exchanged: 404 for those who may not read it; 403 for readers who may not export
    (personal data), with `write` import, or with `page` do either (the exchange page)."""
    unit = access.get_unit_for_user(user, pk)
    if page:
        allowed = can_export_exchange(user, unit) or can_import_exchange(user, unit)
    else:
        allowed = can_import_exchange(user, unit) if write else can_export_exchange(user, unit)
    access.refuse_unless(True, allowed)
    return unit
