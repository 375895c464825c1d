"""Downloads: a review as Word or PDF in the official layout; rating summaries as Excel or CSV.

Access is decided before anything is built, in `policy.py`: a review through `get_review_for_user`, a unit's
summary for those who lead the unit, sit on its superior committee or manage reviews over it, the subtree's results
for those who manage reviews there. Strangers get 404, readers without the right 403. Downloads that name people
(reviews, summaries) leave an audit entry through `documents.services.record_export`.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from soisua.documents.responses import DOCUMENT_FORMATS, TABLE_FORMATS, download

from .. import exports, policy

REVIEW_ACTION = "reviews.review.export"
SUMMARY_ACTION = exports.SUMMARY_ACTION
RESULTS_ACTION = exports.RESULTS_ACTION


@login_required
@require_GET
def review_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk)
    return download(request, review, fmt, allowed=DOCUMENT_FORMATS, action=REVIEW_ACTION, personal=True,
                    name=exports.review_file_name(review),
                    build_document=lambda: exports.review_document(review, reader=request.user))


@login_required
@require_GET
def cycle_unit_summary(request: HttpRequest, pk: int, unit_pk: int, fmt: str) -> HttpResponse:
    user = request.user
    cycle = policy.get_cycle_for_user(user, pk)
    unit = policy.get_cycle_unit_for_user(user, cycle, unit_pk, summary=True)
    # Names with their ratings: personal, so the download is audited.
    return download(request, unit, fmt, allowed=TABLE_FORMATS, action=SUMMARY_ACTION, personal=True,
                    name=exports.summary_file_name(cycle, unit),
                    build_table=lambda: exports.unit_summary_sheet(cycle, unit))


@login_required
@require_GET
def cycle_results(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The subtree's results; across a large subtree they are written in the background."""
    user = request.user
    cycle = policy.get_cycle_for_user(user, pk)
    unit = policy.get_results_unit_for_user(user, cycle)
    # Counts only, no names: record_export leaves no entry for exports without personal data.
    return download(request, cycle, fmt, allowed=TABLE_FORMATS, action=RESULTS_ACTION,
                    name=exports.results_file_name(cycle, unit),
                    build_table=lambda: exports.cycle_results_sheet(cycle, unit),
                    background=exports.RESULTS.code, rows=lambda: exports.cycle_results_size(unit))
