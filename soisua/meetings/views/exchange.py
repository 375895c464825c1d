"""Download of a subtree's meetings and attendance over a year or a month, as a soisua-exchange file (XLSX, or a zip
of CSV files: meetings/exchange.py). Whoever reads the unit downloads it (`policy.get_unit_for_attendance_export`);
a file of more than `EXPORT_INLINE_MAX_ROWS` rows is written in the background and the reader sent to its page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from soisua.documents.responses import download
from soisua.documents.services import start_export

from .. import exchange, policy

FORMATS = ("xlsx", "zip")


def _number(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    value = request.GET.get(name, "")
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise Http404
    return int(value)


@login_required
@require_GET
def attendance_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    unit = policy.get_unit_for_attendance_export(request.user, pk)
    if fmt not in FORMATS:
        raise Http404
    period = exchange.Period(unit, _number(request, "year", timezone.localdate().year, 2000, 2100),
                             _number(request, "month", 0, 0, 12))
    total = exchange.size(request.user, period)
    if total > settings.EXPORT_INLINE_MAX_ROWS:
        job = start_export(kind=exchange.ATTENDANCE_EXPORT.code, object_id=period.key, file_format=fmt,
                           total_rows=total, by=request.user)
        return redirect("documents:exports.detail", pk=job.pk)
    return download(request, unit, fmt, allowed=FORMATS, action=exchange.ACTION, personal=True,
                    name=exchange.export_file_name(period),
                    build_table=lambda: exchange.sheets(request.user, period))
