"""Downloads: a meeting's minutes as Word or PDF in the official layout.

Whoever reads the cell reads its minutes (`policy.get_meeting_for_user`); strangers get 404. Minutes name who
stayed away and why, so each download leaves an audit entry through `documents.services.record_export`.

The two routes are declared here and included by `urls.py` into the `meetings` namespace
(`meetings:minutes.docx`, `meetings:minutes.pdf`).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from soisua.core.text import file_name
from soisua.documents.responses import document_download

from .. import exports, policy

MINUTES_ACTION = "meetings.minutes.export"


def _minutes(request: HttpRequest, pk: int, *, file_format: str) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk)
    return document_download(request.user, meeting, lambda: exports.minutes_document(meeting),
                             file_format=file_format, action=MINUTES_ACTION, filename=file_name(
                                 "Biên bản", timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y"),
                                 meeting.unit.name))


@login_required
@require_GET
def minutes_word(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes(request, pk, file_format="docx")


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes(request, pk, file_format="pdf")

