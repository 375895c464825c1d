"""Party dues pages: a cell's list by arrears and the month it began recording, a member's dues with the form to
record one payment, a meeting's collection sheet, and the import of a file of payments (checked and shown first;
recorded, all of it or nothing, once confirmed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from soisua.core.views import render_form_page, save_form, submitted
from soisua.documents.forms import ConfirmUnitsForm, RosterUploadLimit, sign_plan
from soisua.documents.imports import RosterImportError

from . import imports, policy, queries, services
from .enums import label, month_of
from .forms import CollectionForm, PaymentForm, PaymentsFileForm, StartForm

PREVIEW_ROWS = 300  # payments listed on the preview; the counts cover them all


@login_required
@require_GET
def cell_dues(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_cell_for_user(request.user, pk)
    today = timezone.localdate()
    return render(request, "dues/cell.html", {
        "unit": unit, "book": queries.book_of(unit), "rows": queries.cell_arrears(unit, today),
        "month": month_of(today), "can_record": policy.can_record_dues(request.user, unit)})


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_cell_for_user(request.user, pk, record=True)
    book = queries.book_of(unit)
    initial = {"month": book.starts_on, "version": book.version} if book else {"month": month_of(timezone.localdate())}
    form = StartForm(request.POST or None, initial=initial)
    done, _book = save_form(request, form, lambda data: services.start_recording(
        unit, month=data["month"], version=data["version"], by=request.user),
        success=_("The first month of the cell's dues record is saved."))
    if done:
        return redirect("dues:cell", unit.pk)
    return render_form_page(request, form, title=_("Month the cell begins recording party dues"),
                            back_url=reverse("dues:cell", args=[unit.pk]), back_label=unit.name,
                            intro=_("Months before it are not counted as owed: the cell kept them on paper."))


@login_required
@require_GET
def member_dues(request: HttpRequest, pk: int) -> HttpResponse:
    member = policy.get_member_for_user(request.user, pk)
    page = Paginator(queries.payments_of(member), queries.PAGE).get_page(request.GET.get("page"))
    return render(request, "dues/member.html", {
        "member": member, "standing": queries.member_standing(member, timezone.localdate()), "page": page,
        "can_record": policy.can_record_dues(request.user, member.cell)})


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    member = policy.get_member_for_user(request.user, pk, record=True)
    standing = queries.member_standing(member, timezone.localdate())
    owed = standing.owed
    form = PaymentForm(request.POST or None, initial={
        "month": owed[0] if owed else month_of(timezone.localdate()), "amount": standing.last_amount,
        "collected_on": timezone.localdate()})
    done, _payment = save_form(request, form, lambda data: services.record_payment(member, by=request.user, **data),
                              success=_("The payment is recorded."))
    if done:
        return redirect("dues:member", member.pk)
    return render_form_page(request, form, title=_("Record a dues payment"),
                            back_url=reverse("dues:member", args=[member.pk]), back_label=member.full_name,
                            intro=_("%(name)s owes %(count)s month(s).") % {"name": member.full_name,
                                                                          "count": len(owed)})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """Thu đảng phí: the roll's members with the months they owe, the amount of their last payment filled in; the
    secretary ticks what each paid and saves the sheet once."""
    meeting = policy.get_meeting_for_user(request.user, pk)
    book = queries.book_of(meeting.unit)
    form = CollectionForm(request.POST or None, rows=queries.sheet(meeting, book))
    row_errors: dict[int, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.record_collection(meeting, rows=[
                services.Collected(member, months, amount) for member, months, amount in form.collected()],
                by=request.user)
        except services.SheetErrors as error:
            row_errors = error.rows
            form.add_error(None, [_("Nothing was saved: correct the rows named below."), *error.messages])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, ngettext("%(count)s month of dues is recorded.",
                                               "%(count)s months of dues are recorded.", len(saved))
                             % {"count": len(saved)})
            return redirect("dues:meeting", meeting.pk)
    return render(request, "dues/sheet.html", {
        "meeting": meeting, "book": book, "form": form, "rows": form.rows, "row_errors": row_errors,
        "month": label(queries.meeting_month(meeting))})



def _import_page(request: HttpRequest, context: dict) -> HttpResponse:
    plan = context.get("plan")
    return render(request, "dues/import.html", {
        "columns": [column for column in imports.PAYMENTS.columns if column.key != "number"],
        "headers": imports.HEADERS, "preview": plan.new[:PREVIEW_ROWS] if plan is not None else [],
        "more": max(len(plan.new) - PREVIEW_ROWS, 0) if plan is not None else 0, **context})


def _recorded_message(plan: imports.PaymentsPlan) -> str:
    recorded = ngettext("%(count)s payment is recorded.", "%(count)s payments are recorded.", len(plan.new)) % {
        "count": len(plan.new)}
    if not plan.skipped:
        return recorded
    return " ".join((recorded, ngettext("%(count)s was recorded already and is left as it is.",
                                        "%(count)s were recorded already and are left as they are.",
                                        len(plan.skipped)) % {"count": len(plan.skipped)}))


@csrf_exempt
@login_required
def payments_import(request: HttpRequest, pk: int) -> HttpResponse:
    return _payments_import(request, pk, RosterUploadLimit.install(request))


@csrf_protect
@require_http_methods(["GET", "POST"])
def _payments_import(request: HttpRequest, pk: int, limit: RosterUploadLimit) -> HttpResponse:
    unit = policy.get_unit_for_import(request.user, pk)
    salt = f"soisua.dues-import:{request.user.pk}:{unit.pk}"
    back = reverse("dues:cell", args=[unit.pk]) if unit.kind.holds_members else reverse("org:units.detail",
                                                                                       args=[unit.pk])
    context = {"unit": unit, "back": back}
    if request.method == "POST" and "plan" in request.POST:
        confirm = ConfirmUnitsForm(request.POST, salt=salt)
        if not confirm.is_valid():
            messages.error(request, confirm.errors["plan"][0])
            return _import_page(request, {**context, "form": PaymentsFileForm()})
        try:
            plan = services.import_payments(imports.rows_from_lists(confirm.cleaned_data["plan"]["rows"]),
                                            under=unit, by=request.user)
        except services.PaymentsImportError as error:  # recorded or changed meanwhile
            messages.error(request, error.messages[0])
            return _import_page(request, {**context, "form": PaymentsFileForm(), "plan": error.plan})
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return _import_page(request, {**context, "form": PaymentsFileForm()})
        messages.success(request, _recorded_message(plan))
        return redirect(back)
    form = PaymentsFileForm(*submitted(request), too_large=limit.exceeded)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.check_payments_file(form.cleaned_data["file"], unit=unit)
        except RosterImportError as error:
            form.add_error("file", error)
        else:
            context["plan"] = plan
            if plan.is_valid:
                context["confirm"] = ConfirmUnitsForm(salt=salt, initial={"plan": sign_plan(
                    {"rows": [row.as_list() for row in plan.rows]}, salt=salt)})
    return _import_page(request, {**context, "form": form})
