"""Library pages: the search of the documents a reader reaches, the reader's saved documents, publishing, a
document's page (read, download, save, confirm the study), its study by cell and a cell's list by name, and the
documents a thematic session studied (a block of the meeting's page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soisua.core.text import file_name
from soisua.core.views import perform, render_form_page, save_form, submitted
from soisua.documents.responses import TABLE_FORMATS, download
from soisua.org import access

from . import exports, policy, queries, services
from .forms import LinkForm, PublishForm, SearchForm, StudyForm, WithdrawForm


@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    visible = policy.visible_documents(request.user)
    form = SearchForm(request.GET or None, years=queries.years_of(visible))
    data = form.cleaned_data if form.is_valid() else {}
    found = queries.search(visible, text=data.get("q") or "", kind=data.get("kind") or "", year=data.get("year"))
    page = Paginator(found, queries.PAGE).get_page(request.GET.get("page"))
    member = policy.member_of(request.user)
    return render(request, "library/list.html", {
        "form": form, "page": page, "searched": bool(data.get("q") or data.get("kind") or data.get("year")),
        "saved": queries.bookmarked_ids(request.user, page.object_list),
        "studied": queries.studied_ids(member, page.object_list),
        "publishing_units": policy.publishing_units(request.user)})


@login_required
@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    bookmarks = queries.saved_by(request.user, policy.visible_filter(request.user, "document__"))
    page = Paginator(bookmarks, queries.PAGE).get_page(request.GET.get("page"))
    return render(request, "library/saved.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_publishing_unit_for_user(request.user, pk)
    form = PublishForm(*submitted(request))
    done, document = save_form(request, form, lambda data: services.publish_document(unit, by=request.user, **data),
                               success=_("The document is published to %(unit)s and the units under it.")
                               % {"unit": unit.name})
    if done:
        return redirect("library:detail", document.pk)
    return render_form_page(request, form, title=_("Publish a document to the library"),
                            back_url=reverse("library:list"), back_label=_("Document library"),
                            intro=_("It reaches %(unit)s and every unit under it. A required study is sent to each "
                                    "official and probationary member below, by inbox and e-mail.")
                            % {"unit": unit.name}, submit_label=_("Publish"), multipart=True)


def _detail_context(request: HttpRequest, document, study_form=None) -> dict:
    user = request.user
    member = policy.member_of(user)
    asked = policy.is_asked_to_study(member, document)
    own_cell = member.cell if member is not None and document.required and policy.can_see_names(
        user, member.cell) and member.cell.path.startswith(document.unit.path) else None
    return {
        "document": document, "can_manage": policy.can_manage(user, document),
        "can_follow": policy.can_follow_study(user, document) and document.required,
        "saved": bool(queries.bookmarked_ids(user, [document])), "asked": asked,
        "record": queries.study_of(document, member) if document.required else None,
        "study_form": study_form or StudyForm(), "own_cell": own_cell,
        "late": document.study_due is not None and document.study_due < timezone.localdate(),
        "sessions": queries.sessions_of(document, access.scope_for(user).unit_filter("meeting__unit__"))}


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_document_for_user(request.user, pk)
    return render(request, "library/detail.html", _detail_context(request, document))


@login_required
@require_GET
def file(request: HttpRequest, pk: int) -> FileResponse:
    document = policy.get_document_for_user(request.user, pk)
    if not document.file:
        return redirect("library:detail", document.pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file_name)


@login_required
@require_POST
def bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_document_for_user(request.user, pk)
    keep = request.POST.get("saved") == "1"
    perform(request, lambda: services.save_bookmark(document, user=request.user, saved=keep, by=request.user),
            success=_("Saved to read later.") if keep else _("Taken off your saved documents."))
    return redirect(request.POST.get("next") if request.POST.get("next") == reverse("library:saved")
                    else reverse("library:detail", args=[document.pk]))


@login_required
@require_POST
def study(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_document_for_user(request.user, pk)
    member = policy.get_member_for_study(request.user, document)
    form = StudyForm(request.POST)
    done, _record = save_form(request, form, lambda data: services.confirm_study(
        document, member=member, note=data["note"], by=request.user),
        success=_("Your study is recorded. Thank you, comrade."))
    if done:
        return redirect("library:detail", document.pk)
    return render(request, "library/detail.html", _detail_context(request, document, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_document_for_user(request.user, pk, manage=True)
    form = WithdrawForm(request.POST or None, initial={"version": document.version})
    done, _document = save_form(request, form, lambda data: services.withdraw_document(
        document, reason=data["reason"], version=data["version"], by=request.user),
        success=_("The document is withdrawn; it stays in the library, marked withdrawn."))
    if done:
        return redirect("library:detail", document.pk)
    return render_form_page(request, form, title=_("Withdraw %(title)s") % {"title": str(document)},
                            back_url=reverse("library:detail", args=[document.pk]), back_label=str(document),
                            intro=_("It stays in the library, marked withdrawn with the reason; members are no "
                                    "longer asked to study it."), submit_label=_("Withdraw"))


@login_required
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_document_for_user(request.user, pk, follow=True)
    rows = queries.progress_by_cell(document, policy.followed_cells_filter(request.user, document))
    named = {row.cell.pk for row in rows if policy.can_see_names(request.user, row.cell)}
    return render(request, "library/progress.html", {
        "document": document, "rows": rows, "totals": queries.totals_of(rows), "named": named})


@login_required
@require_GET
def cell(request: HttpRequest, pk: int, cell_pk: int) -> HttpResponse:
    document = policy.get_document_for_user(request.user, pk)
    unit = policy.get_study_cell_for_user(request.user, document, cell_pk)
    lines = queries.cell_study(document, unit)
    return render(request, "library/cell.html", {
        "document": document, "unit": unit, "lines": lines,
        "waiting": [line for line in lines if line.record is None],
        "done": [line for line in lines if line.record is not None],
        "can_follow": policy.can_follow_study(request.user, document)})


@login_required
@require_GET
def cell_export(request: HttpRequest, pk: int, cell_pk: int, fmt: str) -> HttpResponse:
    document = policy.get_document_for_user(request.user, pk)
    unit = policy.get_study_cell_for_user(request.user, document, cell_pk)
    return download(request, unit, fmt, allowed=TABLE_FORMATS, action="library.study.export",
                    name=file_name("Học tập", document.number or document.title, unit.name),
                    build_table=lambda: exports.cell_sheet(document, unit))


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, link=True)
    form = LinkForm(request.POST, documents=queries.documents_for_cell(meeting.unit))
    if form.is_valid():
        perform(request, lambda: services.link_document(meeting, form.cleaned_data["document"], by=request.user),
                success=_("The session lists the document it studied."))
    else:
        for message in form.errors["document"]:
            messages.error(request, message)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "?step=before#library")


@login_required
@require_POST
def unlink(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, link=True)
    document = policy.get_document_for_user(request.user, document_pk)
    perform(request, lambda: services.unlink_document(meeting, document, by=request.user),
            success=_("The document is taken off the session's list."))
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "?step=before#library")
