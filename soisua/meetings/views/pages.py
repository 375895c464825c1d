"""Meeting pages: a cell's meetings and its year plan, a committee's topics and plan, the meeting with its roll,
speakers, documents and minutes, the check-in screen and check-in, statistics."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soisua.core import qr
from soisua.core.views import perform, render_form_page, save_form
from soisua.org.access import can_write_unit, get_unit_for_user
from soisua.org.models import Unit

from .. import calendar, policy, queries, services
from ..enums import MeetingKind
from ..forms import (
    AttendanceForm,
    CellPlanForm,
    ContributionForm,
    DocumentForm,
    MeetingChangeForm,
    MeetingForm,
    MinutesForm,
    TopicForm,
    TopicPlanForm,
)
from ..models import Meeting


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


# --- a cell's meetings and plan --------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    year = _year(request)
    return render(request, "meetings/list.html", {
        "unit": unit, "year": year, "meetings": queries.meetings_of(unit).filter(starts_at__year=year),
        "findings": queries.rule_findings(unit, year), "can_schedule": policy.can_run_meetings(request.user, unit),
        "plan": queries.cell_plan(unit, year)})


def _meeting_form(request: HttpRequest, unit: Unit, form_class=MeetingForm, **kwargs):
    members = queries.roll_candidates(unit)
    liaisons = queries.liaison_candidates(unit)
    topics = services.topics_for_cell(unit, timezone.localdate().year) | services.topics_for_cell(
        unit, timezone.localdate().year + 1)
    return form_class(request.POST or None, members=members, liaisons=liaisons, topics=topics.distinct(), **kwargs)


def _initial_from_plan(request: HttpRequest, unit: Unit) -> dict:
    """A thematic session prefilled from a topic the cell picked for a quarter (?topic=…&quarter=…&year=…)."""
    topic = queries.topic_available_to(unit, request.GET.get("topic"))
    plan = queries.cell_plan(unit, _year(request))
    if topic is None:
        return {}
    initial = {"kind": MeetingKind.THEMATIC, "title": topic.title, "topic": topic,
               "introductory_paper": topic.summary}
    if plan is not None and request.GET.get("quarter", "") in {"1", "2", "3", "4"}:
        starts = timezone.localtime(queries.next_planned_start(plan, int(request.GET["quarter"])))
        initial |= {"day": starts.date(), "starts": starts.time(), "place": plan.place,
                    "ends": (starts + datetime.timedelta(minutes=120)).time()}
    return initial


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_cell_for_user(request.user, pk, manage=True)
    form = _meeting_form(request, unit, initial=_initial_from_plan(request, unit))
    done, meeting = save_form(request, form, lambda data: services.schedule_meeting(
        unit, by=request.user, **form.service_values()), success=_("Meeting scheduled."))
    if done:
        return redirect("meetings:detail", pk=meeting.pk)
    return render_form_page(request, form, title=_("Schedule a meeting"),
                            back_url=reverse("meetings:list", args=[unit.pk]), back_label=unit.name)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    form = _meeting_form(request, meeting.unit, MeetingChangeForm, initial=MeetingForm.initial_for(meeting))
    done, _result = save_form(request, form, lambda data: services.update_meeting(
        meeting, by=request.user, reason=data["reason"], **form.service_values()), success=_("Meeting changed."))
    if done:
        return redirect("meetings:detail", pk=meeting.pk)
    return render_form_page(request, form, title=_("Change the meeting"),
                            back_url=reverse("meetings:detail", args=[meeting.pk]), back_label=meeting.title)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    done, _result = perform(request, lambda: services.cancel_meeting(meeting, by=request.user),
                            success=_("Meeting cancelled."))
    return redirect("meetings:list", pk=meeting.unit_id) if done else redirect("meetings:detail", pk=meeting.pk)


@login_required
def cell_plan(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_cell_for_user(request.user, pk, manage=request.method == "POST")
    year = _year(request)
    plan = queries.cell_plan(unit, year)
    manage = policy.can_run_meetings(request.user, unit)
    initial = {}
    if plan is not None:
        initial = {"meeting_day": plan.meeting_day, "meeting_time": plan.meeting_time, "place": plan.place}
        for choice in plan.topics.all():
            initial.setdefault(f"q{choice.quarter}", []).append(choice.topic)
    form = CellPlanForm(request.POST or None, topics=services.topics_for_cell(unit, year), initial=initial)
    done, _result = save_form(request, form, lambda data: services.save_cell_plan(
        unit, year, by=request.user, **form.service_values()), success=_("Plan saved."))
    if done:
        return redirect(reverse("meetings:plan", args=[unit.pk]) + f"?year={year}")
    picked = {}
    if plan is not None:
        for choice in plan.topics.all():
            picked.setdefault(choice.quarter, []).append(choice.topic)
    return render(request, "meetings/cell_plan.html", {
        "unit": unit, "year": year, "plan": plan, "form": form, "manage": manage, "picked": sorted(picked.items()),
        "published": queries.published_plans_for(unit, year)})


@login_required
@require_POST
def generate_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_cell_for_user(request.user, pk, manage=True)
    year = _year(request)
    plan = queries.cell_plan(unit, year)
    if plan is None:
        raise Http404
    today = timezone.localdate()
    first = today.month if year == today.year else 1
    perform(request, lambda: services.generate_regular_meetings(plan, from_month=first, by=request.user),
            success=lambda made: _("%(count)s regular meetings scheduled.") % {"count": len(made)})
    return redirect(reverse("meetings:list", args=[unit.pk]) + f"?year={year}")


# --- a committee's topics and plan ----------------------------------------------------------------------------


@login_required
def topic_library(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, write=request.method == "POST")
    manage = can_write_unit(request.user, unit)
    form = TopicForm(request.POST or None)
    done, _result = save_form(request, form, lambda data: services.save_topic(
        unit, by=request.user, **form.service_values()), success=_("Topic added."))
    if done:
        return redirect("meetings:topics", pk=unit.pk)
    topics = queries.topics_of(unit)
    tag = request.GET.get("tag", "").strip()
    shown = [topic for topic in topics if not tag or tag in topic.tags]
    tags = sorted({tag for topic in topics for tag in topic.tags})
    return render(request, "meetings/topics.html", {"unit": unit, "topics": shown, "tags": tags, "tag": tag,
                                                    "form": form, "manage": manage, "year": _year(request)})


@login_required
def topic_plan(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, write=request.method == "POST")
    year = _year(request)
    manage = can_write_unit(request.user, unit)
    plan = queries.topic_plan(unit, year)
    library = queries.topics_available_to(unit)
    form = TopicPlanForm(request.POST or None, topics=library, initial={
        "topics": list(plan.topics.all()) if plan else [], "note": plan.note if plan else ""})
    done, _result = save_form(request, form, lambda data: services.save_topic_plan(
        unit, year, topics=list(data["topics"]), note=data["note"], publish=data["publish"], by=request.user),
        success=_("Plan saved."))
    if done:
        return redirect(reverse("meetings:topic_plan", args=[unit.pk]) + f"?year={year}")
    return render(request, "meetings/topic_plan.html", {"unit": unit, "year": year, "plan": plan, "form": form,
                                                        "manage": manage})


# --- a meeting ------------------------------------------------------------------------------------------------


def _steps() -> list[tuple[str, str]]:
    labels = {"before": _("1. Before the meeting"), "during": _("2. During the meeting"),
              "after": _("3. After the meeting")}
    return [(step, labels[step]) for step in queries.STEPS]


def _step_url(meeting_pk: int, step: str, anchor: str = "") -> str:
    """A step of the meeting's page (before, during, after), at `anchor`: where its forms come back to."""
    return reverse("meetings:detail", args=[meeting_pk]) + f"?step={step}" + (f"#{anchor}" if anchor else "")


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting in three steps, each its own page reached by a link (no script needed): before (facts, agenda,
    paper, documents), during (check-in, the roll, the speakers), after (the minutes). Without ?step=, the step
    of the meeting's time (queries.current_step)."""
    meeting = policy.get_meeting_for_user(request.user, pk)
    manage = policy.can_run_meetings(request.user, meeting.unit)
    now_step = queries.current_step(meeting)
    step = request.GET.get("step") if request.GET.get("step") in queries.STEPS else now_step
    lines = queries.roll(meeting)
    minutes = queries.minutes_of(meeting)
    locked = minutes is not None and minutes.locked
    context = {"meeting": meeting, "manage": manage, "step": step, "now_step": now_step, "steps": _steps(),
               "minutes": minutes, "locked": locked, "figures": queries.attendance_figures(lines),
               "check_in_open": services.check_in_is_open(meeting),
               "minimum": queries.meeting_minimum(meeting, roll_size=len(lines))}
    if step == "before":
        context |= {"agenda": queries.agenda_of(meeting), "documents": queries.documents_of(meeting)}
        if manage:
            context["document_form"] = DocumentForm()
    elif step == "during":
        context |= {"roll": lines, "contributions": queries.contributions_of(meeting),
                    "late_now": queries.minutes_since_start(meeting),
                    "mine": next((line for line in lines if line.member.user_id == request.user.pk), None)}
        if manage:
            context["speaker_form"] = ContributionForm(speakers=queries.speakers_for(meeting),
                                                       items=queries.agenda_of(meeting), locked=locked)
    else:
        context |= {"changes": queries.minutes_changes_of(meeting),
                    "problems": services.approval_problems(meeting) if manage and not locked else []}
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap on a line of the roll: the button pressed is the status (the reason goes with an excused absence,
    the minutes with a late arrival)."""
    line = policy.get_attendance_for_user(request.user, pk, manage=True)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        perform(request, lambda: services.mark_attendance(
            line, status=data["status"], minutes_late=data["minutes_late"] or 0, reason=data["reason"],
            change_reason=data["change_reason"], by=request.user), success=_("Attendance recorded."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(_step_url(line.meeting_id, "during", f"line-{line.pk}"))


@login_required
@require_POST
def mark_rest_absent(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    perform(request, lambda: services.mark_rest_absent(meeting, by=request.user),
            success=lambda count: _("%(count)s marked absent without reason.") % {"count": count})
    return redirect(_step_url(meeting.pk, "during", "roll"))


@login_required
@require_POST
def mark_rest_present(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    perform(request, lambda: services.mark_rest_present(meeting, by=request.user),
            success=lambda count: ngettext("%(count)s person marked present.", "%(count)s people marked present.",
                                           count) % {"count": count})
    return redirect(_step_url(meeting.pk, "during", "roll"))


@login_required
@require_POST
def contribution_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    form = ContributionForm(request.POST, speakers=queries.speakers_for(meeting), items=queries.agenda_of(meeting))
    if form.is_valid():
        data = form.cleaned_data
        perform(request, lambda: services.add_contribution(
            meeting, member=data["member"], kind=data["kind"], agenda_item=data["agenda_item"], note=data["note"],
            change_reason=data.get("change_reason", ""), by=request.user), success=_("Speaker recorded."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(_step_url(meeting.pk, "during", "speakers"))


@login_required
@require_POST
def contribution_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = policy.get_contribution_for_user(request.user, pk, manage=True)
    perform(request, lambda: services.remove_contribution(
        contribution, change_reason=request.POST.get("change_reason", ""), by=request.user),
        success=_("Speaker removed."))
    return redirect(_step_url(contribution.meeting_id, "during", "speakers"))


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    minutes = queries.minutes_of(meeting)
    initial = {"version": minutes.version if minutes else 1}
    if minutes is not None:
        initial |= {name: getattr(minutes, name) for name in services.MINUTES_FIELDS}
    form = MinutesForm(request.POST or None, initial=initial, findings=queries.findings_of(meeting))
    done, _result = save_form(request, form, lambda data: services.save_minutes(
        meeting, version=data["version"], by=request.user,
        **{name: data[name] for name in (*services.MINUTES_FIELDS, "reason")}), success=_("Minutes saved."))
    if done:
        return redirect(_step_url(meeting.pk, "after", "minutes"))
    intro = (_("These minutes are approved: a change needs a reason and is kept in the history.")
             if minutes is not None and minutes.locked else None)
    return render_form_page(request, form, title=_("Minutes: %(title)s") % {"title": meeting.title},
                            back_url=_step_url(meeting.pk, "after", "minutes"), back_label=meeting.title,
                            intro=intro)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    perform(request, lambda: services.approve_minutes(meeting, by=request.user),
            success=_("Minutes approved. They are now locked."))
    return redirect(_step_url(meeting.pk, "after", "minutes"))


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        perform(request, lambda: services.add_document(
            meeting, title=form.cleaned_data["title"], upload=form.cleaned_data["file"], by=request.user),
            success=_("Document added."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect(_step_url(meeting.pk, "before", "documents"))


@login_required
@require_POST
def documents_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    perform(request, lambda: services.publish_documents(meeting, by=request.user),
            success=lambda published: (_("Documents published less than %(days)s day(s) before the meeting: this "
                                         "is recorded as late.") % {"days": published.documents_days_before}
                                       if published.documents_late else _("Documents published to the members.")))
    return redirect(_step_url(meeting.pk, "before", "documents"))


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = policy.get_document_for_user(request.user, pk)
    return FileResponse(document.file.open("rb"), as_attachment=True,
                        filename=document.file.name.rsplit("/", 1)[-1])


# --- check-in -------------------------------------------------------------------------------------------------

# The session key of a scanned code's proof, carried through the login (services.scan_check_in_code).
CHECK_IN_PROOF = "meetings.check_in_proof"


@login_required
@require_GET
def check_in_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary's screen, for a projector: the QR code of the check-in link and the code itself in large type,
    both refreshed as the code rotates (htmx; a page refresh without scripts). The link is not printed: a copied
    link would be forwarded, and its code expires anyway."""
    meeting = policy.get_meeting_for_user(request.user, pk, manage=True)
    code = services.check_in_code(meeting)
    link = request.build_absolute_uri(reverse("meetings:check_in", args=[meeting.pk]) + f"?code={code}")
    lines = queries.roll(meeting)
    template = "meetings/check_in_screen.html#code" if request.htmx else "meetings/check_in_screen.html"
    return render(request, template, {"meeting": meeting, "code": code, "qr": qr.svg(link, title=_("Check-in code")),
                                      "period": settings.MEETING_CHECK_IN_PERIOD_SECONDS,
                                      "open": services.check_in_is_open(meeting),
                                      "opens_minutes": services.check_in_opens_minutes(),
                                      "figures": queries.attendance_figures(lines)})


@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's phone. Opened from the QR code (?code=…), logged in or not, the code is verified at once and the
    proof of the scan is kept in the session for MEETING_CHECK_IN_PROOF_MINUTES; the address drops the code and
    the member, once logged in (the login keeps the session's data), is checked in on this page without being
    asked again, present or late as of the scan. A member who cannot scan types the code shown under the QR code."""
    if request.method == "GET" and "code" in request.GET:
        return _scan(request, policy.get_meeting_for_scan(pk))
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("meetings:check_in", args=[pk]))
    meeting = policy.get_meeting_for_user(request.user, pk)
    if request.method == "POST":
        if _checked_in(request, lambda: services.check_in(meeting, code=request.POST.get("code", ""),
                                                          by=request.user)):
            return redirect("meetings:check_in", pk=meeting.pk)
    elif (request.session.get(CHECK_IN_PROOF) or {}).get("meeting") == meeting.pk:
        proof = request.session.pop(CHECK_IN_PROOF)["proof"]  # used once, whatever the answer
        _checked_in(request, lambda: services.check_in(meeting, proof=proof, by=request.user))
    return render(request, "meetings/check_in.html", {
        "meeting": meeting, "line": queries.roll_line_of(meeting, request.user),
        "open": services.check_in_is_open(meeting), "opens_minutes": services.check_in_opens_minutes()})


def _checked_in(request: HttpRequest, action) -> bool:
    """Run the check-in; a refusal is queued as a message (the page itself says when someone is checked in)."""
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    return True


def _scan(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """The code of the QR link, verified now; its proof kept for the login. A refused code is told without a
    word about the meeting (the phone may not be logged in)."""
    try:
        proof = services.scan_check_in_code(meeting, code=request.GET.get("code", ""))
    except ValidationError as error:
        return render(request, "meetings/check_in_refused.html", {"meeting_pk": meeting.pk,
                                                                  "message": error.messages[0]})
    request.session[CHECK_IN_PROOF] = {"meeting": meeting.pk, "proof": proof}
    if not request.user.is_authenticated:
        messages.info(request, _("The code is valid. Log in to finish checking in: your scan is kept for "
                                 "%(minutes)s minutes.") % {"minutes": services.check_in_proof_minutes()})
    return redirect("meetings:check_in", pk=meeting.pk)


# --- statistics -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def statistics(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    year = _year(request)
    summary, per_month = queries.held_figures(unit, year)
    context = {"unit": unit, "year": year, "summary": summary, "per_month": per_month}
    if unit.kind.holds_members:
        records = queries.member_records(unit, year)
        context |= {"records": records, "age_groups": queries.age_groups(records),
                    "silent": queries.silent_members(unit), "findings": queries.rule_findings(unit, year),
                    "small_group": (queries.SMALL_GROUP, queries.shown_count(0))}
    else:
        quarter = int(request.GET["quarter"]) if request.GET.get("quarter") in {"1", "2", "3", "4"} else (
            (timezone.localdate().month - 1) // 3 + 1)
        missing, count = queries.cells_without_thematic(unit, year, quarter)
        context |= {"children": queries.children_summaries(unit, year), "quarter": quarter,
                    "missing": missing, "missing_count": count, "quarters": (1, 2, 3, 4)}
    return render(request, "meetings/statistics.html", context)


# --- my meetings and calendar feeds ---------------------------------------------------------------------------


@login_required
@require_GET
def my_meetings(request: HttpRequest) -> HttpResponse:
    member = queries.member_of_user(request.user)
    year = _year(request)
    feeds = queries.feeds_of(request.user)
    return render(request, "meetings/mine.html", {
        "member": member, "year": year, "own_feed": next((feed for feed in feeds if feed.unit is None), None),
        "unit_feeds": [feed for feed in feeds if feed.unit is not None],
        "upcoming": queries.upcoming_for(member)[:20] if member else [],
        "record": next((record for record in queries.member_records(member.cell, year)
                        if record.member.pk == member.pk), None) if member else None})


@login_required
@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    """Create (or renew, which invalidates the old link) the person's calendar link, own or for a unit."""
    unit_pk = request.POST.get("unit", "")
    if unit_pk and not (unit_pk.isascii() and unit_pk.isdigit() and len(unit_pk) <= 18):
        raise Http404
    unit = get_unit_for_user(request.user, int(unit_pk)) if unit_pk else None
    services.renew_calendar_feed(request.user, unit=unit, by=request.user)
    messages.success(request, _("A new calendar link was made; the old one no longer works."))
    return redirect("meetings:mine")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed a calendar application subscribes to (no login: the secret link is the key, and the
    owner's current access decides what it shows)."""
    subscription = policy.get_calendar_feed_for_token(token)
    meetings = queries.feed_meetings(subscription.user, subscription.unit)
    name = subscription.unit.name if subscription.unit else _("My meetings")
    body = calendar.ical(meetings, name=name, host=request.get_host(),
                         url=lambda meeting: request.build_absolute_uri(reverse("meetings:detail",
                                                                                args=[meeting.pk])))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
