"""Downloads of rosters and profile sheets.

Who may download what is decided by org.access alone: a stranger to the unit gets 404, personal columns appear
only for roles that see personal data, and a profile sheet (all personal data) is refused with 403 to anyone
else. Every download that carries personal data writes an audit entry.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from soisua.documents import exports, services, writers
from soisua.documents.rendering import OUTPUT_FORMATS
from soisua.documents.responses import document_download
from soisua.org import access

ROSTER_ACTION = "documents.roster.export"
PROFILE_ACTION = "documents.profile.export"


def _attachment(content: bytes, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=OUTPUT_FORMATS[file_format].content_type)
    response.headers["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def roster_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    unit = access.get_unit_for_user(request.user, pk)
    personal = access.can_see_personal_data_in(request.user, unit)
    with translation.override(request.user.language):
        output = writers.xlsx_temporary_file(exports.roster_columns(personal),
                                             exports.roster_rows(unit, personal=personal), sheet_name=unit.code)
    services.record_export(request.user, unit, action=ROSTER_ACTION, file_format="xlsx", personal=personal)
    return FileResponse(output, as_attachment=True, filename=f"roster-{unit.code}.xlsx",
                        content_type=writers.XLSX_CONTENT_TYPE)


def _roster_document(request: HttpRequest, pk: int, *, file_format: str) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk)
    personal = access.can_see_personal_data_in(request.user, unit)
    with translation.override(request.user.language):
        try:
            document = exports.roster_document(unit, personal=personal)
        except exports.ExportTooLarge as error:
            messages.error(request, error.messages[0])
            return redirect("org:units.detail", pk=unit.pk)
        content = OUTPUT_FORMATS[file_format].render(document)
    services.record_export(request.user, unit, action=ROSTER_ACTION, file_format=file_format, personal=personal)
    return _attachment(content, f"roster-{unit.code}.{file_format}", file_format)


@login_required
@require_GET
def roster_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _roster_document(request, pk, file_format="pdf")


@login_required
@require_GET
def roster_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _roster_document(request, pk, file_format="docx")


def _profile(request: HttpRequest, pk: int, *, file_format: str) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, personal_data=True)
    return document_download(request.user, member, lambda: exports.member_profile_document(member),
                             file_format=file_format, action=PROFILE_ACTION, filename=f"profile-{member.pk}")


@login_required
@require_GET
def profile_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _profile(request, pk, file_format="pdf")


@login_required
@require_GET
def profile_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _profile(request, pk, file_format="docx")
