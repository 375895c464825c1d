"""Downloads: a review as Word or PDF in the official layout; rating summaries as Excel.

Access is decided before anything is built: a review through `queries.get_review_for_user`, a unit's summary
for those who lead the unit, sit on its superior committee or manage reviews over it, the subtree's results for
those who manage reviews there. Strangers get 404, readers without the right 403. Downloads that name people
(reviews, summaries) leave an audit entry through `documents.services.record_export`.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from soisua.documents import services as documents
from soisua.documents import writers
from soisua.documents.responses import document_download
from soisua.org import access

from .. import exports, queries

REVIEW_ACTION = "reviews.review.export"
SUMMARY_ACTION = "reviews.summary.export"
RESULTS_ACTION = "reviews.results.export"


@login_required
@require_GET
def review_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = queries.get_review_for_user(request.user, pk)
    return document_download(request.user, review, lambda: exports.review_document(review, reader=request.user),
                             file_format=fmt, action=REVIEW_ACTION, filename=f"review-{review.pk}")


@login_required
@require_GET
def cycle_unit_summary(request: HttpRequest, pk: int, unit_pk: int) -> FileResponse:
    cycle = queries.get_cycle_for_user(request.user, pk)
    unit = access.get_unit_for_user(request.user, unit_pk)
    if not unit.path.startswith(cycle.unit.path):
        raise Http404
    user = request.user
    if not (access.leads_unit(user, unit) or access.is_superior_committee(user, unit)
            or access.can_manage_reviews(user, unit)):
        raise PermissionDenied
    with translation.override(user.language):
        output = writers.xlsx_temporary_file(exports.UNIT_SUMMARY_COLUMNS, exports.unit_summary_rows(cycle, unit),
                                             sheet_name=unit.code)
    # Names with their ratings: personal, so the download is audited.
    documents.record_export(user, unit, action=SUMMARY_ACTION, file_format="xlsx", personal=True)
    return FileResponse(output, as_attachment=True, filename=f"review-summary-{cycle.pk}-{unit.pk}.xlsx",
                        content_type=writers.XLSX_CONTENT_TYPE)


@login_required
@require_GET
def cycle_results(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    cycle = queries.get_cycle_for_user(user, pk)
    unit = cycle.unit if access.can_manage_reviews(user, cycle.unit) else queries.focus_unit(user, cycle)
    if not access.can_manage_reviews(user, unit):
        raise PermissionDenied
    with translation.override(user.language):
        output = writers.xlsx_temporary_file(exports.cycle_results_columns(cycle.rule_set),
                                             exports.cycle_results_rows(cycle, unit), sheet_name=unit.code)
    # Counts only, no names: record_export leaves no entry for exports without personal data.
    documents.record_export(user, cycle, action=RESULTS_ACTION, file_format="xlsx", personal=False)
    return FileResponse(output, as_attachment=True, filename=f"review-results-{cycle.pk}-{unit.pk}.xlsx",
                        content_type=writers.XLSX_CONTENT_TYPE)
