"""Downloads: a review as Word or PDF in the official layout; rating summaries as Excel.

Access is decided before anything is built, in `policy.py`: a review through `get_review_for_user`, a unit's
summary for those who lead the unit, sit on its superior committee or manage reviews over it, the subtree's results
for those who manage reviews there. Strangers get 404, readers without the right 403. Downloads that name people
(reviews, summaries) leave an audit entry through `documents.services.record_export`.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from soisua.core.text import file_name
from soisua.documents import services as documents
from soisua.documents import writers
from soisua.documents.responses import document_download

from .. import exports, policy

REVIEW_ACTION = "reviews.review.export"
SUMMARY_ACTION = "reviews.summary.export"
RESULTS_ACTION = "reviews.results.export"


@login_required
@require_GET
def review_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk)
    return document_download(request.user, review, lambda: exports.review_document(review, reader=request.user),
                             file_format=fmt, action=REVIEW_ACTION, filename=exports.review_file_name(review))


@login_required
@require_GET
def cycle_unit_summary(request: HttpRequest, pk: int, unit_pk: int) -> FileResponse:
    user = request.user
    cycle = policy.get_cycle_for_user(user, pk)
    unit = policy.get_cycle_unit_for_user(user, cycle, unit_pk, summary=True)
    with translation.override(user.language):
        output = writers.xlsx_temporary_file(exports.UNIT_SUMMARY_COLUMNS, exports.unit_summary_rows(cycle, unit),
                                             sheet_name=unit.code)
    # Names with their ratings: personal, so the download is audited.
    documents.record_export(user, unit, action=SUMMARY_ACTION, file_format="xlsx", personal=True)
    return FileResponse(output, as_attachment=True,
                        filename=file_name("Tong hop xep loai", cycle.period_end.year, unit.name) + ".xlsx",
                        content_type=writers.XLSX_CONTENT_TYPE)


@login_required
@require_GET
def cycle_results(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    cycle = policy.get_cycle_for_user(user, pk)
    unit = policy.get_results_unit_for_user(user, cycle)
    with translation.override(user.language):
        output = writers.xlsx_temporary_file(exports.cycle_results_columns(cycle.rule_set),
                                             exports.cycle_results_rows(cycle, unit), sheet_name=unit.code)
    # Counts only, no names: record_export leaves no entry for exports without personal data.
    documents.record_export(user, cycle, action=RESULTS_ACTION, file_format="xlsx", personal=False)
    return FileResponse(output, as_attachment=True,
                        filename=file_name("Ket qua xep loai", cycle.period_end.year, unit.name) + ".xlsx",
                        content_type=writers.XLSX_CONTENT_TYPE)
