"""Downloads: a correction plan as Word or PDF in the official layout; a unit's open corrections as Excel.

Access is decided before anything is built, in `policy.py`: a plan through `get_plan_for_user` (whoever sees its
shortcomings), a unit's corrections for its leadership and the levels above (as its board). Strangers get 404,
readers without the right 403. Both name people with their shortcomings, so each download leaves an audit entry
through `documents.services.record_export`.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from soisua.core.text import file_name
from soisua.documents import services as documents
from soisua.documents import writers
from soisua.documents.responses import document_download

from .. import exports, policy

PLAN_ACTION = "corrections.plan.export"
UNIT_ACTION = "corrections.unit.export"


@login_required
@require_GET
def plan_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = policy.get_plan_for_user(request.user, pk)
    return document_download(request.user, plan, lambda: exports.plan_document(plan), file_format=fmt,
                             action=PLAN_ACTION, filename=file_name(
                                 "Kế hoạch khắc phục", plan.member.full_name if plan.member_id else plan.unit.name))


@login_required
@require_GET
def unit_corrections_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    unit = policy.get_unit_for_user(user, pk, board=True)
    with translation.override(user.language):
        output = writers.xlsx_temporary_file(exports.SUBTREE_COLUMNS,
                                             exports.subtree_rows(unit, today=timezone.localdate()),
                                             sheet_name=unit.code)
    documents.record_export(user, unit, action=UNIT_ACTION, file_format="xlsx", personal=True)
    return FileResponse(output, as_attachment=True, filename=file_name("Khắc phục hạn chế", unit.name) + ".xlsx",
                        content_type=writers.XLSX_CONTENT_TYPE)
