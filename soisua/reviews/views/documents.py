"""Downloads: a review as Word or PDF in the official layout; rating summaries as Excel."""

from django.http import Http404


def review_document(request, pk: int, fmt: str):
    raise Http404


def cycle_unit_summary(request, pk: int, unit_pk: int):
    raise Http404


def cycle_results(request, pk: int):
    raise Http404
