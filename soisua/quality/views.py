"""Meeting quality pages: a meeting's assessment by its cell (with the record's facts), its confirmation by the
upper level and the members' anonymous ratings; the criteria version a unit follows, chosen by its committee."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from soisua.core.views import perform, save_form

from . import policy, queries, services
from .enums import AssessmentStatus
from .forms import AssessmentForm, ChooseRubricForm, RatingForm


def _page(request: HttpRequest, meeting, *, form=None, rating_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    assessment = queries.assessment_of(meeting)
    rubric = assessment.rubric if assessment else queries.rubric_for(meeting.unit)[0]
    facts = queries.facts_of(meeting)
    lines = queries.lines_for(rubric, facts, assessment.lines if assessment else None) if rubric else []
    held = queries.is_held(meeting)
    can_assess = (held and policy.can_assess(user, meeting)
                  and (assessment is None or assessment.status != AssessmentStatus.CONFIRMED))
    if can_assess and form is None:
        form = AssessmentForm(lines=lines, scored=rubric.scored,
                              initial={"comment": assessment.comment if assessment else "",
                                       "version": assessment.version if assessment else None})
    on_roll = policy.is_on_roll(user, meeting)
    rated = on_roll and queries.has_rated(meeting, user)
    window_open = held and timezone.now() <= queries.rating_window_closes(meeting)
    may_rate = on_roll and not rated and window_open and queries.is_assessable(meeting)
    return render(request, "quality/meeting.html", {
        "meeting": meeting, "assessment": assessment, "rubric": rubric, "lines": lines, "held": held,
        "assessable": queries.is_assessable(meeting), "form": form if can_assess else None,
        "can_confirm": (assessment is not None and assessment.status == AssessmentStatus.DECIDED
                        and policy.can_confirm(user, meeting)),
        "may_rate": may_rate, "rated": rated, "on_roll": on_roll, "window_open": window_open,
        "closes": queries.rating_window_closes(meeting),
        "rating_form": rating_form or (RatingForm() if may_rate else None),
        "results": queries.rating_results(meeting), "minimum": settings.QUALITY_RATING_MINIMUM}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return _page(request, policy.get_meeting_for_user(request.user, pk))
    meeting = policy.get_meeting_for_user(request.user, pk, assess=True)
    assessment = queries.assessment_of(meeting)
    rubric = assessment.rubric if assessment else queries.rubric_for(meeting.unit)[0]
    lines = queries.lines_for(rubric, queries.facts_of(meeting), assessment.lines if assessment else None)
    form = AssessmentForm(request.POST, lines=lines, scored=rubric.scored)
    done, _result = save_form(request, form, lambda data: services.record_assessment(
        meeting, judged=form.judged(), comment=data["comment"], version=data["version"], by=request.user),
        success=_("The cell's assessment of the meeting is recorded."))
    if done:
        return redirect("quality:meeting", meeting.pk)
    return _page(request, meeting, form=form, status=400)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, confirm=True)
    version = request.POST.get("version")
    perform(request, lambda: services.confirm_assessment(
        meeting, version=int(version) if (version or "").isdigit() else None, by=request.user),
        success=_("The assessment is confirmed."))
    return redirect("quality:meeting", meeting.pk)


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = policy.get_meeting_for_user(request.user, pk, rate=True)
    form = RatingForm(request.POST)
    done, _result = save_form(request, form, lambda data: services.rate_meeting(
        meeting, level=data["level"], comment=data["comment"], by=request.user),
        success=_("Thank you: your rating is recorded without your name."))
    if done:
        return redirect("quality:meeting", meeting.pk)
    return _page(request, meeting, rating_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def unit_rubric(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_unit_for_user(request.user, pk, choose=request.method == "POST")
    rubric, choice = queries.rubric_for(unit)
    own = queries.choice_of(unit)
    can_choose = policy.can_choose_rubric(request.user, unit)
    form = None
    if can_choose:
        form = ChooseRubricForm(request.POST or None,
                                initial={"rubric": rubric, "version": own.version if own else None})
        done, _result = save_form(request, form, lambda data: services.choose_rubric(
            unit, rubric=data["rubric"], version=data["version"], by=request.user),
            success=_("The cells below follow this version from now on."))
        if done:
            return redirect("quality:unit", unit.pk)
    return render(request, "quality/unit.html", {"unit": unit, "rubric": rubric, "choice": choice, "form": form},
                  status=400 if form is not None and form.is_bound else 200)
