"""Downloads of rosters and profile sheets, and the pages of exports written in the background.

Who may download what is decided by org.access alone: a stranger to the unit gets 404, personal columns appear
only for roles that see personal data, and a profile sheet (all personal data) is refused with 403 to anyone
else. Every download that carries personal data writes an audit entry. A roster longer than
`EXPORT_INLINE_MAX_ROWS` is written in the background (`ExportJob`): its page shows the progress, and only its
requester, still allowed to read the unit, downloads it (documents/policy.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from soisua.documents import background, exports, policy, services
from soisua.documents.responses import download
from soisua.org import access

ROSTER_ACTION = exports.ROSTER_ACTION
PROFILE_ACTION = "documents.profile.export"


@login_required
@require_GET
def roster(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    user = request.user
    unit = access.get_unit_for_user(user, pk)
    personal = access.can_see_personal_data_in(user, unit)
    try:
        return download(request, unit, fmt, allowed=("docx", "pdf", "xlsx", "csv"), action=ROSTER_ACTION,
                        name=exports.roster_file_name(unit), personal=personal,
                        build_document=lambda: exports.roster_document(unit, personal=personal),
                        build_table=lambda: exports.roster_sheet(unit, personal=personal),
                        background=exports.ROSTER.code, rows=lambda: exports.roster_size(unit))
    except exports.ExportTooLarge as error:
        messages.error(request, error.messages[0])
        return redirect("org:units.detail", pk=unit.pk)


@login_required
@require_GET
def profile(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, personal_data=True)
    return download(request, member, fmt, allowed=("docx", "pdf"), action=PROFILE_ACTION, personal=True,
                    name=exports.profile_file_name(member),
                    build_document=lambda: exports.member_profile_document(member))


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_export_job_for_user(request.user, pk)
    return render(request, "documents/export_detail.html", {"job": job})


@login_required
@require_GET
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_export_job_for_user(request.user, pk)
    return render(request, "documents/export_detail.html#progress", {"job": job})


@login_required
@require_GET
def export_file(request: HttpRequest, pk: int) -> FileResponse:
    user = request.user
    job, subject = policy.get_export_download_for_user(user, pk)
    kind = background.get(job.kind)
    services.record_export(user, kind.object_of(subject), action=kind.action, file_format=job.file_format,
                           personal=job.personal)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
