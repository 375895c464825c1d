import sys

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers; no authentication, no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def number_param(value: str | None) -> int | None:
    """A whole number from a query string or a hidden field, or None when it is not one: only ASCII digits, so
    that "²" (a digit to str.isdigit, not to int) or a number beyond any id never reaches int() or a query."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def submitted(request: HttpRequest) -> tuple:
    """A form's data and files: the request's for a POST, even one that arrives empty (an upload dropped for its
    size leaves nothing else), so the form is bound and says what is wrong; none for a GET."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def render_form_page(request: HttpRequest, form, *, title: str, back_url: str, back_label: str,
                     submit_label: str | None = None, intro: str | None = None,
                     multipart: bool = False) -> HttpResponse:
    """The one-form page most write views show: a title, a back link, the form with errors next to fields."""
    _ask_for_files_again(form)
    return render(request, "core/form_page.html", {"form": form, "title": title, "back_url": back_url,
                                                   "back_label": back_label, "submit_label": submit_label,
                                                   "intro": intro, "multipart": multipart})


def _ask_for_files_again(form) -> None:
    """A page sent back with errors keeps what was typed, but no browser keeps a chosen file: say so on each file
    field that had one, so that nobody sends the form again believing the file is still attached."""
    if not form.is_bound or not form.errors:
        return
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField) and form.files.get(form.add_prefix(name)) and name not in form.errors:
            form.add_error(name, _("Choose the file again: a form sent back keeps what was typed, not the file."))


def perform(request: HttpRequest, action, *, success) -> tuple[bool, object]:
    """Run one service call for a POST without a form: queue `success` (a message, or a function of the result
    giving one) or each message of the refusal. Returns (True, result) or (False, None)."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False, None
    messages.success(request, success(result) if callable(success) else success)
    return True, result


def save_form(request: HttpRequest, form, action, *, success: str, error_field: str | None = None):
    """The write half of a form view: on a valid POST, call `action(cleaned_data)` (one service call).

    Returns (True, the action's result) when it succeeded, after queueing the `success` message; (False, None)
    on GET, on invalid input, or when the service refused (its translated error is then shown on the form, on
    `error_field` or above the fields, with everything the user typed kept).
    """
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        form.add_error(error_field, error)
        return False, None
    messages.success(request, success)
    return True, result


# Seconds a client is asked to wait before trying again while the database cannot be reached.
RETRY_AFTER_OUTAGE = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """The answer to an error no view handled. A database that cannot be reached (restarting, failing over) or that
    could not finish in time (a lock, a deadlock broken by the server) is a passing outage, not a fault of the page:
    503 with Retry-After, the API as JSON, so people, clients and the proxy wait and try again. Rendered without
    the request's context: nothing here may touch the database. The error is logged as any other."""
    if not isinstance(sys.exc_info()[1], InterfaceError | OperationalError):
        return HttpResponse(render_to_string("500.html"), status=500)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": "Hệ thống tạm thời gián đoạn, xin thử lại sau ít phút.",
                                 "code": "unavailable"}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_OUTAGE)
    return response

