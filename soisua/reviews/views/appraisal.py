"""Feedback, the cell's proposal, the superior committee's decision, review points from above."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import render_form_page, save_form

from .. import forcing, policy, queries, services
from ..forms import FeedbackForm, FeedbackResponseForm, PromptForm, RatingForm
from ..rating_rules import check_rating
from .reviews import checklist_items, reason_page, review_page_context


@login_required
@require_POST
def feedback_give(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, give_feedback=True)
    form = FeedbackForm(request.POST, checklist_items=checklist_items(review))
    done, _result = save_form(request, form, lambda data: services.give_feedback(
        review=review, from_unit=review.unit, kind=data["kind"], text=data["text"],
        checklist_items=data.get("checklist_items", []), by=request.user),
        success=_("Thank you: your feedback was recorded."))
    if done:
        return redirect(reverse("reviews:reviews.detail", args=[review.pk]) + "#feedback")
    return render(request, "reviews/review_detail.html", review_page_context(request, review, feedback_form=form),
                  status=422)


@login_required
def feedback_respond(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = policy.get_feedback_for_user(request.user, pk, respond=True)
    form = FeedbackResponseForm(request.POST or None)
    done, _result = save_form(request, form, lambda data: services.respond_to_feedback(
        feedback, accept=data["response"] == "accept", reason=data["reason"], text=data["text"], by=request.user),
        success=_("Your answer was recorded."))
    if feedback.review_id is None:  # feedback on a committee, answered from the committee's page of the cycle
        back = reverse("reviews:cycles.unit", args=[feedback.cycle_id, feedback.superior_id]) + "#superior-title"
        back_label = feedback.superior.name
    else:
        back = reverse("reviews:reviews.detail", args=[feedback.review_id]) + "#feedback"
        back_label = _("Back to the review")
    if done:
        return redirect(back)
    return render_form_page(request, form, title=_("Answer this feedback"), intro=feedback.text,
                            back_url=back, back_label=back_label, submit_label=_("Record my answer"))


def _rating_page(request: HttpRequest, pk: int, *, decision: bool) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, decide=decision, appraise=not decision)
    rule_set = review.cycle.rule_set
    conditions = queries.forcing_conditions_for(review)
    initial_level = (review.cell_level if decision else "") or review.self_level
    # The rule checks follow the form as it is filled in: htmx sends it by GET on each change.
    data = (request.POST or None) if request.method == "POST" else (request.GET if request.htmx else None)
    form = RatingForm(data, levels=queries.levels_of(rule_set), conditions=conditions, facts=review.facts,
                      decision=decision, initial={"level": initial_level, "forcing": review.forcing})
    if decision:
        action = services.decide_level
        done, _result = save_form(request, form, lambda data: action(
            review, level=data["level"], reason=data["comment"], forcing=data["forcing"], facts=data["facts"],
            override_reason=data["override_reason"], by=request.user), success=_("Decision recorded."))
    else:
        done, _result = save_form(request, form, lambda data: services.propose_level(
            review, level=data["level"], comment=data["comment"], forcing=data["forcing"], facts=data["facts"],
            by=request.user), success=_("The cell's proposal was recorded."))
    if done:
        return redirect("reviews:reviews.detail", pk=review.pk)
    level = form.data.get("level") or initial_level
    ticked, facts = review.forcing, review.facts
    if form.is_bound and form.is_valid():
        ticked, facts = form.cleaned_data["forcing"], forcing.clean_facts(form.cleaned_data["facts"], conditions)
    checks = check_rating(review, level, forcing=forcing.forced(conditions, facts=facts, ticked=ticked))
    context = {"review": review, "form": form, "decision": decision, "checks": checks,
               "levels": {level.code: level.name for level in queries.levels_of(rule_set)}}
    if request.htmx and request.method == "GET":
        return render(request, "reviews/rating_form.html#checks", context)
    return render(request, "reviews/rating_form.html", context)


@login_required
def review_propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _rating_page(request, pk, decision=False)


@login_required
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _rating_page(request, pk, decision=True)


@login_required
def review_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, decide=True)
    return reason_page(request, review, services.cancel_rating,
                       success=_("The rating was cancelled and the review reopened."),
                       title=_("Cancel the rating and reopen the review"), submit_label=_("Cancel the rating"))


@login_required
def prompt_send(request: HttpRequest, pk: int) -> HttpResponse:
    """The superior committee sends a review point that the review must answer (section IV)."""
    review = policy.get_review_for_user(request.user, pk, prompt=True)
    form = PromptForm(request.POST or None)
    done, _result = save_form(request, form, lambda data: services.send_review_prompt(
        review, from_unit=review.unit.parent, text=data["text"], by=request.user),
        success=_("Review point sent."))
    if done:
        return redirect("reviews:cycles.unit", pk=review.cycle_id, unit_pk=review.unit_id)
    return render_form_page(request, form, title=_("Send a review point"),
                            back_url=reverse("reviews:cycles.unit", args=[review.cycle_id, review.unit_id]),
                            back_label=review.unit.name, submit_label=_("Send"))


@login_required
@require_GET
def prompts_sent(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The review points a committee sent in a cycle, with their state, also while the reviews are drafts."""
    cycle = policy.get_cycle_for_user(request.user, pk)
    unit = policy.get_cycle_unit_for_user(request.user, cycle, unit_pk, prompts=True)
    return render(request, "reviews/prompts_sent.html", {
        "cycle": cycle, "unit": unit, "rows": policy.sent_prompts(request.user, cycle, unit)})


@login_required
def superior_feedback(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Members give feedback on the directly superior committee of their cell."""
    cycle = policy.get_cycle_for_user(request.user, pk)
    cell = policy.get_own_cell_for_user(request.user, cycle, unit_pk)
    form = FeedbackForm(request.POST or None, checklist_items=[])
    done, _result = save_form(request, form, lambda data: services.give_feedback(
        superior=cell.parent, from_unit=cell, kind=data["kind"], text=data["text"], by=request.user),
        success=_("Thank you: your feedback was recorded."))
    if done:
        return redirect("reviews:cycles.unit", pk=cycle.pk, unit_pk=cell.pk)
    return render_form_page(request, form, title=_("Feedback on %(committee)s") % {"committee": cell.parent.name},
                            back_url=reverse("reviews:cycles.unit", args=[cycle.pk, cell.pk]),
                            back_label=cell.name, submit_label=_("Send my feedback"))
