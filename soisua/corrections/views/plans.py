"""A correction plan on one page: the shortcomings it fixes, its deadline, its measures and each measure's roadmap
steps, saved together as a draft or saved and submitted (`services.save_plan`, then `services.submit_plan`).

Rows are added and removed by buttons that send the form back and show it again with what was typed, so the page
works without a script. Rows left blank are left out; an error comes back next to the row it is about.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.core.views import number_param, perform

from .. import policy, queries, services
from ..forms import MeasureFormSet, PlanHeadForm, StepFormSet

MEASURES = "measures"


def blank_measure() -> dict:
    """A new plan starts with one measure and one step to fill in; a measure added by its button comes with a step."""
    return {"values": {}, "steps": [{}]}


def _steps_prefix(index: int) -> str:
    return f"{MEASURES}-{index}-steps"


@dataclass
class PlanForms:
    head: PlanHeadForm
    measures: MeasureFormSet
    steps: list  # a StepFormSet per measure form, in order

    def rows(self) -> list[tuple]:
        return list(zip(self.measures.forms, self.steps, strict=True))


@dataclass
class Owner:
    """Whose plan the page writes, and what it may offer."""

    unit: object
    member: object
    cycle: object
    candidates: object  # the shortcomings the plan may fix
    supervisors: object


def _unbound(owner: Owner, typed: dict) -> PlanForms:
    """The page from `typed`: {"head": {...}, "measures": [{"values": {...}, "steps": [{...}, …]}, …]}."""
    kwargs = {"supervisors": owner.supervisors, "unit": owner.unit}
    head = PlanHeadForm(initial=typed["head"], shortcomings=owner.candidates)
    measures = MeasureFormSet(initial=[row["values"] for row in typed["measures"]], prefix=MEASURES,
                              form_kwargs=kwargs)
    steps = [StepFormSet(initial=row["steps"], prefix=_steps_prefix(index))
             for index, row in enumerate(typed["measures"])]
    return PlanForms(head, measures, steps)


def _bound(owner: Owner, data: QueryDict) -> PlanForms:
    """The page as posted. Counts of rows missing from the post (a form sent without them) count as none."""
    data.setdefault(f"{MEASURES}-TOTAL_FORMS", "0")
    data.setdefault(f"{MEASURES}-INITIAL_FORMS", "0")
    head = PlanHeadForm(data, shortcomings=owner.candidates)
    measures = MeasureFormSet(data, prefix=MEASURES, form_kwargs={"supervisors": owner.supervisors,
                                                                  "unit": owner.unit})
    steps = []
    for index in range(measures.total_form_count()):
        data.setdefault(f"{_steps_prefix(index)}-TOTAL_FORMS", "0")
        data.setdefault(f"{_steps_prefix(index)}-INITIAL_FORMS", "0")
        steps.append(StepFormSet(data, prefix=_steps_prefix(index)))
    return PlanForms(head, measures, steps)


def _typed(forms: PlanForms) -> dict:
    """What was typed, field by field, as it was sent (nothing checked yet)."""
    def values(form) -> dict:
        return {name: form[name].value() for name in form.fields}

    return {"head": values(forms.head),
            "measures": [{"values": values(form), "steps": [values(step) for step in steps.forms]}
                         for form, steps in forms.rows()]}


def _saved(plan, owner: Owner) -> dict:
    """A plan as stored, in the shape of `_typed`."""
    measures = [{"values": {"text": measure.text, "supervisor": measure.supervisor_id, "deadline": measure.deadline},
                 "steps": [{"what": step.what, "due": step.due, "evidence_expected": step.evidence_expected}
                           for step in measure.steps.all()]}
                for measure in queries.measures_of(plan)]
    return {"head": {"version": plan.version, "deadline": plan.deadline,
                     "shortcomings": [item.pk for item in queries.shortcomings_of(plan)]},
            "measures": measures or [blank_measure()]}


def _changed_rows(request: HttpRequest, typed: dict) -> bool:
    """Apply an "add" or "remove" button to `typed`; False when the post was a save."""
    post = request.POST
    rows = typed["measures"]
    if "add_measure" in post:
        rows.append(blank_measure())
    elif (index := number_param(post.get("add_step"))) is not None and index < len(rows):
        rows[index]["steps"].append({})
    elif (index := number_param(post.get("remove_measure"))) is not None and index < len(rows):
        del rows[index]
    elif "remove_step" in post:
        measure, _dash, step = post["remove_step"].partition("-")
        measure, step = number_param(measure), number_param(step)
        if measure is not None and step is not None and measure < len(rows) and step < len(rows[measure]["steps"]):
            del rows[measure]["steps"][step]
    else:
        return False
    return True


def _drafts(forms: PlanForms) -> tuple[list, list] | None:
    """The measures typed (blank rows left out) as services.MeasureDraft, with where each came from on the page
    [(measure form, [step forms])]; None when some row needs attention (its errors are on it)."""
    valid = forms.head.is_valid()
    drafts, places = [], []
    for form, steps in forms.rows():
        typed_steps = [step for step in steps.forms if step.has_changed()]
        if not form.has_changed() and not typed_steps:
            continue
        if not form.has_changed():  # steps without their measure: the measure is asked for
            form.empty_permitted, form._errors = False, None
        steps_valid = [step.is_valid() for step in typed_steps]  # each one checked, so each shows its errors
        valid = form.is_valid() and all(steps_valid) and valid
        if valid:
            data = form.cleaned_data
            drafts.append(services.MeasureDraft(
                text=data["text"], supervisor=data["supervisor"], deadline=data["deadline"],
                steps=tuple(services.StepDraft(**step.cleaned_data) for step in typed_steps)))
            places.append((form, typed_steps))
    valid = forms.measures.is_valid() and valid
    return (drafts, places) if valid else None


def _show_refusal(forms: PlanForms, places: list, error: services.ShortcomingError) -> None:
    if isinstance(error, services.PlanRowsError):
        for (measure, step, field), found in error.rows.items():
            form, steps = places[measure]
            (form if step is None else steps[step]).add_error(field, found)
    else:
        forms.head.add_error(None, error)


def _page(request: HttpRequest, forms: PlanForms, *, plan, owner: Owner, back: tuple[str, str]) -> HttpResponse:
    return render(request, "corrections/plan_form.html", {
        "plan": plan, "owner_name": str(owner.member or owner.unit), "forms": forms, "back_url": back[0],
        "back_label": back[1]}, status=200)


def _plan_form(request: HttpRequest, plan, *, owner: Owner, initial: dict, back: tuple[str, str]) -> HttpResponse:
    if request.method != "POST":
        return _page(request, _unbound(owner, initial), plan=plan, owner=owner, back=back)
    data = request.POST.copy()
    forms = _bound(owner, data)
    typed = _typed(forms)
    if _changed_rows(request, typed):
        return _page(request, _unbound(owner, typed), plan=plan, owner=owner, back=back)
    found = _drafts(forms)
    if found is None:
        return _page(request, forms, plan=plan, owner=owner, back=back)
    drafts, places = found
    head = forms.head.cleaned_data
    try:
        plan = services.save_plan(plan, unit=owner.unit, member=owner.member, cycle=owner.cycle,
                                  shortcomings=head["shortcomings"], deadline=head["deadline"], measures=drafts,
                                  version=head["version"], by=request.user)
    except services.PlanConflict as error:
        data["version"] = str(error.current_version or "")
        forms.head.add_error(None, error)
        return _page(request, forms, plan=plan, owner=owner, back=back)
    except services.ShortcomingError as error:
        _show_refusal(forms, places, error)
        return _page(request, forms, plan=plan, owner=owner, back=back)
    if "submit" in request.POST:
        submitted, _result = perform(request, lambda: services.submit_plan(plan, by=request.user),
                                     success=_("Plan saved and submitted for approval."))
        if submitted:
            return redirect("corrections:plans.detail", pk=plan.pk)
        messages.info(request, _("The plan was saved as a draft."))
        return redirect("corrections:plans.edit", pk=plan.pk)
    messages.success(request, _("Plan saved as a draft."))
    return redirect("corrections:plans.edit", pk=plan.pk)


@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner of a shortcoming writes a plan for it (and their other shortcomings without a plan)."""
    shortcoming = policy.get_shortcoming_for_user(request.user, pk, plan=True)
    owner = Owner(shortcoming.unit, shortcoming.member, shortcoming.cycle,
                  queries.shortcomings_without_plan(shortcoming),
                  queries.possible_supervisors(shortcoming.unit, shortcoming.member))
    initial = {"head": {"shortcomings": [shortcoming.pk]}, "measures": [blank_measure()]}
    return _plan_form(request, None, owner=owner, initial=initial,
                      back=(reverse("corrections:shortcomings.detail", args=[shortcoming.pk]),
                            _("Back to the shortcoming")))


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner edits a draft or returned plan, all of it on one page."""
    plan = policy.get_plan_for_user(request.user, pk, write=True)
    owner = Owner(plan.unit, plan.member, plan.cycle, queries.plan_candidates(plan),
                  queries.possible_supervisors(plan.unit, plan.member))
    return _plan_form(request, plan, owner=owner, initial=_saved(plan, owner),
                      back=(reverse("corrections:plans.detail", args=[plan.pk]), _("Back to the plan")))
