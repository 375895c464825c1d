"""Downloads: a meeting's minutes as Word or PDF in the official layout.

Whoever reads the cell reads its minutes (`policy.get_meeting_for_user`); strangers get 404. Minutes name who
stayed away and why, so each download leaves an audit entry through `documents.services.record_export`.

The route is declared in `urls.py`, one for both formats (`meetings:minutes`, with `docx` or `pdf`).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from soisua.core.text import file_name
from soisua.documents.responses import DOCUMENT_FORMATS, download

from .. import exports, policy

MINUTES_ACTION = "meetings.minutes.export"


@login_required
@require_GET
def minutes(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk)
    return download(request, meeting, fmt, allowed=DOCUMENT_FORMATS, action=MINUTES_ACTION, personal=True,
                    name=file_name("Biên bản", timezone.localtime(meeting.starts_at).strftime("%d-%m-%Y"),
                                   meeting.unit.name),
                    build_document=lambda: exports.minutes_document(meeting))

