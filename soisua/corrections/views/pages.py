"""Pages of the tự sửa loop: my corrections, what I supervise, a unit's board, a shortcoming's timeline, plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import perform, render_form_page, save_form

from .. import policy, queries, services
from ..enums import ShortcomingStatus, Source
from ..forms import MeasureForm, NoteForm, ProgressForm, ShortcomingEntryForm, StepForm


@login_required
@require_GET
def my_corrections(request: HttpRequest) -> HttpResponse:
    return render(request, "corrections/mine.html", {
        "mine": list(queries.my_corrections(request.user)), "supervised": list(queries.supervised_by(request.user)),
        "today": timezone.localdate()})


BOARD_PAGE = 50


@login_required
@require_GET
def unit_board(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_unit_for_user(request.user, pk, board=True)
    today = timezone.localdate()
    show = request.GET.get("show") if request.GET.get("show") in queries.BOARD_FILTERS else "open"
    if unit.kind.holds_members:
        rows, overdue = queries.cell_board(unit, show=show), None
    else:  # a committee: the overdue ones of its whole subtree, oldest first, one page
        rows = list(queries.open_corrections(unit, overdue_on=today)[:BOARD_PAGE])
        overdue = queries.count_overdue(unit, overdue_on=today)
    return render(request, "corrections/board.html", {
        "unit": unit, "rows": rows, "today": today, "overdue": overdue, "cap": queries.OVERDUE_COUNT_CAP,
        "show": show, "filters": BOARD_FILTER_LABELS,
        "can_enter": policy.can_record_shortcomings(request.user, unit) and unit.kind.holds_members})


BOARD_FILTER_LABELS = [("open", gettext_lazy("Not verified yet")), ("claimed", ShortcomingStatus.CLAIMED.label),
                       ("verified", ShortcomingStatus.VERIFIED.label), ("all", gettext_lazy("All"))]


def _back(user, shortcoming) -> tuple[str, str]:
    """Where the reader of a shortcoming (or of its plan) came from: "my corrections" for its member and its
    supervisors, the unit's board for its leadership and the levels above, else the unit's page."""
    if shortcoming.member_id is not None and policy.is_owner(user, shortcoming):
        return reverse("corrections:mine"), _("My corrections")
    if policy.can_see_board(user, shortcoming.unit):
        return (reverse("corrections:units.board", args=[shortcoming.unit_id]),
                _("Corrections in %(unit)s") % {"unit": shortcoming.unit.name})
    if policy.supervises(user, shortcoming):
        return reverse("corrections:mine"), _("My corrections")
    return reverse("org:units.detail", args=[shortcoming.unit_id]), shortcoming.unit.name


@login_required
def shortcoming_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary enters a shortcoming found in a meeting, an inspection or by the upper level."""
    unit = policy.get_unit_for_user(request.user, pk, record=True)
    sources = [(value, label) for value, label in Source.choices if value != Source.SELF_REVIEW]
    form = ShortcomingEntryForm(request.POST or None, initial={"source": Source.SECRETARY}, sources=sources,
                                members=queries.members_to_name(unit))
    done, shortcoming = save_form(request, form, lambda data: services.record_shortcoming(
        unit=unit, by=request.user, **data), success=_("Shortcoming recorded."))
    if done:
        return redirect("corrections:shortcomings.detail", pk=shortcoming.pk)
    return render_form_page(request, form, title=_("Record a shortcoming"),
                            back_url=reverse("corrections:units.board", args=[unit.pk]), back_label=unit.name)


@login_required
@require_GET
def shortcoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, policy.get_shortcoming_for_user(request.user, pk))


def _detail(request: HttpRequest, shortcoming, *, progress_form=None, typed: dict | None = None) -> HttpResponse:
    """The shortcoming's page; after a refused POST, with what the person typed (`progress_form` bound, `typed`:
    the note of the claim or of the verifier's form) and the refusal shown."""
    owner = policy.is_owner(request.user, shortcoming)
    back_url, back_label = _back(request.user, shortcoming)
    return render(request, "corrections/shortcoming.html", {
        "shortcoming": shortcoming, "back_url": back_url, "back_label": back_label,
        "plans": queries.plans_of(shortcoming),
        "timeline": queries.timeline(shortcoming), "owner": owner,
        "overdue": queries.is_overdue(shortcoming), "can_verify": policy.can_verify(request.user, shortcoming),
        "can_comment": policy.can_comment(request.user, shortcoming),
        "progress_form": (progress_form or ProgressForm()) if owner else None, "note_form": NoteForm(),
        "typed": typed or {}, "can_plan": policy.can_make_plan(request.user, shortcoming)})


def _act(request: HttpRequest, pk: int, action, *, success: str, verify: bool = False,
         comment: bool = False, typed: str = "note") -> HttpResponse:
    """A POST on a shortcoming's timeline: the owner's by default, else verifying or commenting, as the policy
    admits (policy.get_shortcoming_for_user). Refused, the page comes back with the note as typed (`typed` names
    the form it belongs to: "claim" or "note")."""
    shortcoming = policy.get_shortcoming_for_user(request.user, pk, write=not (verify or comment), verify=verify,
                                                  comment=comment)
    done, _result = perform(request, lambda: action(shortcoming), success=success)
    if not done:
        return _detail(request, shortcoming, typed={typed: _note(request)})
    return redirect("corrections:shortcomings.detail", pk=shortcoming.pk)


@login_required
@require_POST
def progress_post(request: HttpRequest, pk: int) -> HttpResponse:
    shortcoming = policy.get_shortcoming_for_user(request.user, pk, write=True)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.post_progress(shortcoming, note=data["note"], link=data["link"], evidence=data["evidence"],
                                   by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect("corrections:shortcomings.detail", pk=shortcoming.pk)
    return _detail(request, shortcoming, progress_form=form)


def _note(request: HttpRequest) -> str:
    return request.POST.get("note", "")[:5000]


@login_required
@require_POST
def fix_claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item: services.claim_fix(item, note=_note(request), by=request.user),
                success=_("Reported fixed: a supervisor or the committee will verify it."), typed="claim")


@login_required
@require_POST
def fix_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item: services.verify_fix(item, note=_note(request), by=request.user),
                success=_("Fix verified."), verify=True)


@login_required
@require_POST
def fix_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item: services.reopen_fix(item, reason=_note(request), by=request.user),
                success=_("Reopened: the owner was told why."), verify=True)


@login_required
@require_POST
def fix_comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item: services.comment_on_fix(item, note=_note(request), by=request.user),
                success=_("Comment recorded."), comment=True)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as it stands, its approval; its owner edits it on one page (views.plans.plan_edit). A measure
    posted here alone is still added (the page of one measure at a time that came before the one form)."""
    plan = policy.get_plan_for_user(request.user, pk, write=request.method == "POST")
    owner = policy.can_edit_plan(request.user, plan)
    if owner and request.method == "POST":
        measure_form = MeasureForm(request.POST, supervisors=queries.possible_supervisors(plan.unit, plan.member))
        done, _measure = save_form(request, measure_form, lambda data: services.add_measure(
            plan, by=request.user, **data), success=_("Measure added: now its roadmap steps."))
        if not done:
            messages.error(request, " ".join(error for errors in measure_form.errors.values() for error in errors))
        return redirect("corrections:plans.edit" if not done else "corrections:plans.detail", pk=plan.pk)
    shortcomings = list(queries.shortcomings_of(plan))
    back_url, back_label = _back(request.user, shortcomings[0]) if shortcomings else (reverse("corrections:mine"),
                                                                                        _("My corrections"))
    return render(request, "corrections/plan.html", {
        "plan": plan, "measures": queries.measures_of(plan), "back_url": back_url, "back_label": back_label,
        "shortcomings": shortcomings, "owner": owner, "problems": services.plan_problems(plan) if owner else [],
        "can_decide": policy.can_decide_plan(request.user, plan)})


@login_required
@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    measure = policy.get_measure_for_user(request.user, pk, write=True)
    form = StepForm(request.POST)
    done, _step = save_form(request, form, lambda data: services.add_step(measure, by=request.user, **data),
                            success=_("Step added."))
    if not done:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect("corrections:plans.detail", pk=measure.plan_id)


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = policy.get_plan_for_user(request.user, pk, write=True)
    perform(request, lambda: services.submit_plan(plan, by=request.user), success=_("Plan submitted for approval."))
    return redirect("corrections:plans.detail", pk=plan.pk)


@login_required
@require_POST
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = policy.get_plan_for_user(request.user, pk, decide=True)
    approve = request.POST.get("decision") == "approve"
    perform(request, lambda: services.decide_plan(plan, approve=approve, reason=_note(request), by=request.user),
            success=_("Plan approved.") if approve else _("Plan returned with your reason."))
    return redirect("corrections:plans.detail", pk=plan.pk)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for whoever may see its shortcoming (files are never served from a public folder)."""
    entry = policy.get_evidence_for_user(request.user, pk)
    return FileResponse(entry.evidence.open("rb"), as_attachment=True, filename=entry.evidence_name)
