"""Pages of the tự sửa loop: my corrections, what I supervise, a unit's board, a shortcoming's timeline, plans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import perform, render_form_page, save_form

from .. import policy, queries, services
from ..enums import Source
from ..forms import MeasureForm, NoteForm, PlanForm, ProgressForm, ShortcomingEntryForm, StepForm


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
    if unit.kind.holds_members:
        rows, overdue = queries.cell_board(unit), None
    else:  # a committee: the overdue ones of its whole subtree, oldest first, one page
        rows = list(queries.open_corrections(unit, overdue_on=today)[:BOARD_PAGE])
        overdue = queries.count_overdue(unit, overdue_on=today)
    return render(request, "corrections/board.html", {
        "unit": unit, "rows": rows, "today": today, "overdue": overdue, "cap": queries.OVERDUE_COUNT_CAP,
        "can_enter": policy.can_record_shortcomings(request.user, unit) and unit.kind.holds_members})


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
    return render(request, "corrections/shortcoming.html", {
        "shortcoming": shortcoming, "plans": queries.plans_of(shortcoming),
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
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner of a shortcoming drafts a plan for it and their other shortcomings without a plan."""
    shortcoming = policy.get_shortcoming_for_user(request.user, pk, write=True)
    candidates = queries.shortcomings_without_plan(shortcoming)
    form = PlanForm(request.POST or None, shortcomings=candidates, initial={"shortcomings": [shortcoming.pk]})
    done, plan = save_form(request, form, lambda data: services.create_plan(
        unit=shortcoming.unit, member=shortcoming.member, cycle=shortcoming.cycle, by=request.user, **data),
        success=_("Plan drafted: add its measures and roadmap steps."))
    if done:
        return redirect("corrections:plans.detail", pk=plan.pk)
    return render_form_page(request, form, title=_("Make a correction plan"),
                            back_url=reverse("corrections:shortcomings.detail", args=[shortcoming.pk]),
                            back_label=_("Back to the shortcoming"))


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = policy.get_plan_for_user(request.user, pk, write=request.method == "POST")
    owner = policy.can_edit_plan(request.user, plan)
    measure_form = MeasureForm(request.POST or None, supervisors=queries.possible_supervisors(plan)) if owner else None
    if owner and request.method == "POST":
        done, _measure = save_form(request, measure_form, lambda data: services.add_measure(
            plan, by=request.user, **data), success=_("Measure added: now its roadmap steps."))
        if done:
            return redirect("corrections:plans.detail", pk=plan.pk)
    return render(request, "corrections/plan.html", {
        "plan": plan, "measures": queries.measures_of(plan),
        "shortcomings": queries.shortcomings_of(plan), "owner": owner, "measure_form": measure_form,
        "step_form": StepForm() if owner else None, "problems": services.plan_problems(plan) if owner else [],
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
