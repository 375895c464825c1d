"""Every download of a generated file goes through `download`: Word and PDF from a `PartyDocument`, XLSX and CSV
from one table (`writers.Sheet`: the block above, columns, rows, totals).

Everything downloaded is written in Vietnamese whatever the reader's interface language: Word and PDF are party
documents, and a spreadsheet prints as a paper of the unit too (header block, totals). Each download is
recorded (`services.record_export`) and named for what and whose (`core.text.file_name`). A spreadsheet of a kind
that may grow large (`background`) and holding more than `EXPORT_INLINE_MAX_ROWS` rows is not written in the
request: an `ExportJob` is queued and the reader is sent to its page.
"""

from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import content_disposition_header

from . import writers
from .rendering import OUTPUT_FORMATS, PartyDocument
from .services import record_export, start_export

DOCUMENT_FORMATS = ("docx", "pdf")
TABLE_FORMATS = ("xlsx", "csv")
# Filed papers and printed lists are Vietnamese documents whatever the reader's interface language.
FILED_PAPER_LANGUAGE = "vi"


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def render_document(build: Callable[[], PartyDocument], file_format: str) -> bytes:
    """A filed paper as Word or PDF bytes, in Vietnamese."""
    with translation.override(FILED_PAPER_LANGUAGE):
        return OUTPUT_FORMATS[file_format].render(build())


def download(request: HttpRequest, obj: models.Model, fmt: str, *, allowed: Sequence[str], name: str, action: str,
             personal: bool = False, build_document: Callable[[], PartyDocument] | None = None,
             build_table: Callable[[], writers.Sheet | Sequence[writers.Sheet]] | None = None,
             background: str = "", rows: Callable[[], int] | None = None) -> HttpResponse:
    """`obj` as `fmt` (one of `allowed`, else 404), named `name` plus the extension, the export recorded.

    The caller has already decided, through its policy, that the reader may read `obj`. `background` names the
    export kind (documents/background.py) to queue when `rows()` exceeds `EXPORT_INLINE_MAX_ROWS`.
    """
    if fmt not in allowed:
        raise Http404
    user = request.user
    if fmt in DOCUMENT_FORMATS:
        content = render_document(build_document, fmt)
        record_export(user, obj, action=action, file_format=fmt, personal=personal)
        return _attachment(content, f"{name}.{fmt}", OUTPUT_FORMATS[fmt].content_type)
    if background and rows is not None and (total := rows()) > settings.EXPORT_INLINE_MAX_ROWS:
        job = start_export(kind=background, object_id=obj.pk, file_format=fmt, total_rows=total, by=user)
        return redirect("documents:exports.detail", pk=job.pk)
    with translation.override(FILED_PAPER_LANGUAGE):
        output = writers.table_temporary_file(build_table(), fmt)
    record_export(user, obj, action=action, file_format=fmt, personal=personal)
    return FileResponse(output, as_attachment=True, filename=f"{name}.{fmt}",
                        content_type=writers.CONTENT_TYPES[fmt])

