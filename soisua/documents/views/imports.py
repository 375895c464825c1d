"""Roster import pages: upload, the check's report with its progress, confirmation."""

import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import save_form
from soisua.org import access

from .. import policy, queries, services
from ..forms import DecisionForm, ImportForm, RosterUploadLimit
from ..imports import COLUMN_BY_KEY
from ..models import ImportConflict, ImportJob
from .values import shown

ERRORS_PER_PAGE = 100


# The upload limit must be installed before anything reads the body, CSRF included: the CSRF check runs
# afterwards, on the fields that precede the file.
@csrf_exempt
@login_required
def import_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _import_create(request, pk, RosterUploadLimit.install(request))


@csrf_protect
def _import_create(request: HttpRequest, pk: int, limit: RosterUploadLimit) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, too_large=limit.exceeded)
        if form.is_valid():
            try:
                job = services.start_import(unit=unit, upload=form.cleaned_data["file"], by=request.user)
            except services.RosterImportError as error:
                form.add_error("file", error)
            else:
                return redirect("documents:imports.detail", pk=job.pk)
    else:
        form = ImportForm()
    return render(request, "documents/import_create.html", {
        "unit": unit, "form": form, "columns": COLUMN_BY_KEY.values(),
        "recent": queries.recent_imports(unit, request.user),
    })


def _detail_context(request: HttpRequest, job: ImportJob) -> dict:
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    headers = {key: job.headers.get(key) or str(column.label) for key, column in COLUMN_BY_KEY.items()}
    rows = [{**error, "header": headers.get(error["column"], "")} for error in errors.object_list]
    return {"job": job, "unit": job.unit, "page": errors, "error_rows": rows,
            "can_confirm": access.can_write_unit(request.user, job.unit)}


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_import_job_for_user(request.user, pk)
    return render(request, "documents/import_detail.html", _detail_context(request, job))


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_import_job_for_user(request.user, pk)
    return render(request, "documents/import_detail.html#progress", _detail_context(request, job))


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.get_import_job_for_user(request.user, pk, write=True)
    try:
        services.confirm_import(job, by=request.user)
    except services.RosterImportError as error:
        messages.error(request, error.messages[0])
    return redirect("documents:imports.detail", pk=job.pk)


# --- rows held for the committee ------------------------------------------------------------------------------


def _held_value(key: str, value) -> str:
    """A held row's value as the page shows it (dates are stored yyyy-mm-dd)."""
    if isinstance(value, str) and (key.endswith("_date") or key == "date_of_birth"):
        with contextlib.suppress(ValueError):
            value = datetime.date.fromisoformat(value)
    return shown(key, value)


def _conflict_page(request: HttpRequest, conflict: ImportConflict, form: DecisionForm) -> HttpResponse:
    values = [(COLUMN_BY_KEY[key].label, _held_value(key, value)) for key, value in conflict.values.items()
              if key in COLUMN_BY_KEY]
    return render(request, "documents/conflict_detail.html", {
        "conflict": conflict, "job": conflict.job, "values": values, "form": form,
        "can_decide": policy.can_decide_conflict(request.user, conflict)})


@login_required
@require_GET
def conflict_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = policy.get_import_conflict_for_user(request.user, pk)
    return _conflict_page(request, conflict, DecisionForm())


@login_required
@require_POST
def conflict_decide(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = policy.get_import_conflict_for_user(request.user, pk, write=True)
    form = DecisionForm(request.POST)
    done, _conflict = save_form(request, form, lambda data: services.decide_conflict(
        conflict, decision=data["decision"], by=request.user), success=_("The held row is marked as decided."),
        error_field="decision")
    if done:
        return redirect("documents:conflicts.detail", pk=conflict.pk)
    return _conflict_page(request, conflict, form)
