"""Downloads: a correction plan as Word or PDF in the official layout; a unit's open corrections as Excel or CSV.

Access is decided before anything is built, in `policy.py`: a plan through `get_plan_for_user` (whoever sees its
shortcomings), a unit's corrections for its leadership and the levels above (as its board). Strangers get 404,
readers without the right 403. Both name people with their shortcomings, so each download leaves an audit entry
through `documents.services.record_export`.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from soisua.core.text import file_name
from soisua.documents.responses import DOCUMENT_FORMATS, TABLE_FORMATS, download

from .. import exports, policy

PLAN_ACTION = "corrections.plan.export"
UNIT_ACTION = "corrections.unit.export"


@login_required
@require_GET
def plan_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    plan = policy.get_plan_for_user(request.user, pk)
    return download(request, plan, fmt, allowed=DOCUMENT_FORMATS, action=PLAN_ACTION, personal=True,
                    name=file_name("Kế hoạch khắc phục", plan.member.full_name if plan.member_id else plan.unit.name),
                    build_document=lambda: exports.plan_document(plan))


@login_required
@require_GET
def unit_corrections(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    unit = policy.get_unit_for_user(request.user, pk, board=True)
    return download(request, unit, fmt, allowed=TABLE_FORMATS, action=UNIT_ACTION, personal=True,
                    name=file_name("Khắc phục hạn chế", unit.name),
                    build_table=lambda: exports.subtree_sheet(unit, today=timezone.localdate()))
