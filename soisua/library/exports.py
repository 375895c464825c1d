"""A cell's study of a required document as a spreadsheet: one row per member asked, studied or not yet. Callers
decide access first (policy.py)."""

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.documents.writers import COUNT, Column, Sheet
from soisua.org.models import Unit

from . import queries
from .models import LibraryDocument

COLUMNS = (
    Column("name", gettext_lazy("Full name"), width=30),
    Column("status", gettext_lazy("Status"), width=16),
    Column("studied", gettext_lazy("Confirmed studied on"), kind="date", width=16, total=COUNT),
    Column("note", gettext_lazy("Write-up"), width=60),
    Column("sessions", gettext_lazy("Study sessions attended"), width=24),
)


def cell_sheet(document: LibraryDocument, cell: Unit) -> Sheet:
    return Sheet(cell.name[:31], COLUMNS, cell_rows(document, cell), issuer=cell.name,
                 title=_("Study of %(title)s") % {"title": str(document)},
                 scope=[_("Members asked to study it by %(day)s") % {"day": document.study_due.strftime("%d/%m/%Y")}
                        if document.study_due else ""])


def cell_rows(document: LibraryDocument, cell: Unit) -> Iterator[list[Any]]:
    for line in queries.cell_study(document, cell):
        record = line.record
        yield [line.member.full_name, line.member.get_status_display(),
               timezone.localtime(record.confirmed_at).date() if record else None,
               record.note if record else "",
               ", ".join(timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y") for meeting in line.attended)]
