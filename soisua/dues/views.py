"""Party dues pages: a cell's list by arrears and the month it began recording, a member's dues with the form to
record one payment, and a meeting's collection sheet."""

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
from django.views.decorators.http import require_GET, require_http_methods

from soisua.core.views import render_form_page, save_form

from . import policy, queries, services
from .enums import label, month_of
from .forms import CollectionForm, PaymentForm, StartForm


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
