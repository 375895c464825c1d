"""Meeting pages: a cell's meetings, scheduling, the meeting with its roll, the check-in screen and check-in."""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import perform, render_form_page, save_form
from soisua.org.access import get_unit_for_user, leads_unit
from soisua.org.models import Member

from . import queries, services
from .forms import AttendanceForm, MeetingForm
from .models import Attendance


@login_required
@require_GET
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    return render(request, "meetings/list.html", {"unit": unit, "meetings": queries.meetings_of(unit)[:100],
                                                  "can_schedule": leads_unit(request.user, unit)})


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, write=True)
    if not leads_unit(request.user, unit):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, members=Member.objects.filter(
        cell=unit, status__in=services.ROLL_STATUSES).order_by("sort_key"))
    done, meeting = save_form(request, form, lambda data: services.schedule_meeting(
        unit, by=request.user, **form.service_values()), success=_("Meeting scheduled."))
    if done:
        return redirect("meetings:detail", pk=meeting.pk)
    return render_form_page(request, form, title=_("Schedule a meeting"),
                            back_url=reverse("meetings:list", args=[unit.pk]), back_label=unit.name)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request.user, pk)
    lines = queries.roll(meeting)
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "agenda": meeting.agenda.all(), "roll": lines,
        "figures": queries.attendance_figures(lines), "manage": leads_unit(request.user, meeting.unit),
        "form": AttendanceForm()})


@login_required
@require_POST
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(Attendance, pk=pk)
    queries.get_meeting_for_user(request.user, line.meeting_id, manage=True)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        perform(request, lambda: services.mark_attendance(
            line, status=data["status"], minutes_late=data["minutes_late"] or 0, reason=data["reason"],
            by=request.user), success=_("Attendance recorded."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(reverse("meetings:detail", args=[line.meeting_id]) + "#roll")


@login_required
@require_GET
def check_in_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary's screen: a QR code of the check-in link that htmx refreshes as the code rotates."""
    meeting = queries.get_meeting_for_user(request.user, pk, manage=True)
    link = request.build_absolute_uri(reverse("meetings:check_in", args=[meeting.pk])
                                      + f"?code={services.check_in_code(meeting)}")
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=6, border=2, xmldecl=False, svgns=True,
                                     title=_("Check-in code"))
    template = "meetings/check_in_screen.html#code" if request.htmx else "meetings/check_in_screen.html"
    return render(request, template, {"meeting": meeting, "link": link, "qr": svg.getvalue().decode(),
                                      "period": services.CHECK_IN_PERIOD_SECONDS})


@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's phone, opened from the QR code: one button marks them present or late."""
    meeting = queries.get_meeting_for_user(request.user, pk)
    code = request.POST.get("code") or request.GET.get("code", "")
    line = None
    if request.method == "POST":
        try:
            line = services.check_in(meeting, code=code, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return render(request, "meetings/check_in.html", {"meeting": meeting, "code": code, "line": line})
