"""A review's pages: reading it, the editor with autosave, submitting, shortcomings, returning it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import number_param, perform, render_form_page, save_form

from .. import layout, policy, queries, record, services
from ..forms import FeedbackForm, PaperForm, ReasonForm, ReviewEditForm, ShortcomingForm
from ..models import ChecklistItem, Review


def checklist_items(review: Review) -> list[ChecklistItem]:
    return queries.checklist_items(review.cycle.rule_set)


def _editor_form(request: HttpRequest, review: Review) -> ReviewEditForm:
    fields = queries.form_fields(review.form)
    has_checklist = any(spec["kind"] == "checklist" for spec in fields.values())
    return ReviewEditForm(request.POST or None, review=review, fields=fields,
                          checklist_items=checklist_items(review) if has_checklist else [],
                          prompts=queries.prompts_of(review),
                          levels=queries.levels_of(review.cycle.rule_set))


def _editor_citations(user, review: Review, form: ReviewEditForm, offered: list[record.Fact]) -> list[dict]:
    """The citations the page shows: as stored, or, on a page that comes back refused, as the page sent them (a
    citation not stored yet takes its sentence from the facts offered)."""
    pairs = form.citations() if form.is_bound else None
    if pairs is None:
        return policy.citations_for_reader(user, review.citations)
    stored = {(cited["section"], cited["key"]): cited for cited in review.citations}
    facts = {fact.key: fact for fact in offered}
    shown = [stored.get(pair) or (facts[pair[1]].citation(pair[0]) if pair[1] in facts else None) for pair in pairs]
    return policy.citations_for_reader(user, [cited for cited in shown if cited is not None])


def _with_record(user, review: Review, form: ReviewEditForm, sections: list[dict]) -> None:
    """Under each section with a box to write in: the facts of the year's record to cite, and those cited."""
    offered = record.facts_for(review)
    groups = record.grouped(offered)
    cited = _editor_citations(user, review, form, offered)
    for section in sections:
        section["cited"] = [entry for entry in cited if entry["section"] == section["code"]]
        section["cited_keys"] = {entry["key"] for entry in section["cited"]}
        section["record"] = groups if any(entry["text"] is not None for entry in section["fields"]) else []


def _editor_context(review: Review, form: ReviewEditForm, *, user, conflict: bool = False) -> dict:
    """The editor's page. `review` is the review as stored now: the page always carries its current version, so
    the next save is never refused for a version this page itself made stale. On a `conflict`, each box whose
    text differs from the stored one shows the stored text under it, for the author to merge."""
    prompts = {prompt.pk: prompt for prompt in queries.prompts_of(review)}
    sections = layout.editor_sections(review, form)
    _with_record(user, review, form, sections)
    for section in sections:
        for entry in section["fields"]:
            entry["saved"] = (_differs(review.answers.get(entry["key"], ""), entry["text"].value())
                              if conflict and entry["text"] is not None else None)
    prompt_fields = [{"field": form[f"p_{pk}"],
                      "saved": _differs(prompts[pk].answer, form[f"p_{pk}"].value()) if conflict and pk in prompts
                      else None} for pk in form.prompt_ids]
    return {"review": review, "form": form, "sections": sections, "conflict": conflict,
            "checklist_groups": layout.checklist_groups(form), "prompt_fields": prompt_fields,
            "shortcomings": queries.review_shortcomings(review), "previous": queries.earlier_shortcomings(review),
            "quarterly": queries.quarterly_results(review),
            "collective_shortcomings": queries.collective_shortcomings(review),
            "missing": services.missing_for_submit(review)}


def _differs(saved: str, typed) -> str | None:
    """The stored text when the author typed something else (blanks around it aside), else None."""
    saved = (saved or "").strip()
    return saved if saved != (typed or "").strip() else None


def _posted_version(form: ReviewEditForm) -> int | None:
    try:
        return int(form.data.get("version", ""))
    except (TypeError, ValueError):
        return None


@login_required
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, write=True)
    form = _editor_form(request, review)
    if request.method != "POST":
        return render(request, "reviews/review_edit.html", _editor_context(review, form, user=request.user))
    saved = False
    if form.is_valid():
        try:
            review = services.save_review(review, version=form.cleaned_data["version"], content=form.content(),
                                          by=request.user)
            saved = True
            if "submit" in request.POST:
                services.submit_review(review, version=review.version, by=request.user)
                messages.success(request, _("Review submitted. It is now locked; the cell committee will read it."))
                return redirect("reviews:reviews.detail", pk=review.pk)
            if leaving := _shortcoming_page_after_save(request, review):
                return leaving
        except services.StaleReview as error:
            if saved:  # the submit raced another save: say so; otherwise it is shown below as a conflict
                form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("reviews:reviews.edit", pk=review.pk)
    # Refused (invalid input, a refused save, or a refused submit after the draft was saved): the page comes back
    # with everything typed and the review's current version. A version saved elsewhere since the page was loaded
    # is a conflict, shown before the next save can replace it.
    review = policy.get_review_for_user(request.user, pk, write=True)
    posted = _posted_version(form) if form.is_bound else None
    conflict = not saved and posted is not None and posted != review.version
    if conflict:
        form.add_error(None, _("This review was saved elsewhere (another tab or person) after you opened it, so your "
                               "changes were not saved. Nothing you typed is lost: it is in the boxes below, and "
                               "under each box that differs you can read the text saved elsewhere. Bring into the "
                               "boxes what you want to keep from it, then save again: what the boxes hold will "
                               "replace the saved version."))
    return render(request, "reviews/review_edit.html", _editor_context(review, form, conflict=conflict,
                                                                       user=request.user))


def _shortcoming_page_after_save(request: HttpRequest, review: Review) -> HttpResponse | None:
    """The editor's "Add a shortcoming" and "Edit" buttons send the whole form: once what was typed is saved,
    the shortcoming's page opens (a link would leave the last seconds of typing unsaved). Its "Cite" and "Remove"
    buttons of the year's record also send it: the editor comes back at the section cited in."""
    if (cited := request.POST.get("cite") or request.POST.get("uncite")) and "|" in cited:
        messages.success(request, _("Citation added.") if "cite" in request.POST else _("Citation removed."))
        return redirect(reverse("reviews:reviews.edit", args=[review.pk]) + f"#section-{cited.partition('|')[0]}")
    if "add_shortcoming" in request.POST:
        messages.success(request, _("Draft saved."))
        return redirect("reviews:shortcomings.create", pk=review.pk)
    if (pk := number_param(request.POST.get("edit_shortcoming"))) is not None:
        shortcoming = policy.get_review_shortcoming_for_user(request.user, pk, write=True)
        messages.success(request, _("Draft saved."))
        return redirect("reviews:shortcomings.edit", pk=shortcoming.pk)
    return None


@login_required
@require_POST
def review_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor saves itself a moment after each change; a conflict is shown, never overwritten.

    Always 200: htmx swaps only successful responses, and the status line is what the author must see."""
    review = policy.get_review_for_user(request.user, pk, write=True)
    form = _editor_form(request, review)
    context = {"review": review, "saved": False}
    if not form.is_valid():
        context["problem"] = _("Not saved: some fields need attention (see the messages next to them when you "
                               "save).")
    else:
        try:
            review = services.save_review(review, version=form.cleaned_data["version"], content=form.content(),
                                          by=request.user)
        except services.StaleReview as error:
            # The version is not updated: the next autosave must not replace what was saved elsewhere unseen.
            context["conflict"] = _("%(refusal)s Nothing you typed is lost: click “Save the draft” to read the "
                                    "saved text next to yours and merge them.") % {"refusal": error.messages[0]}
        except ValidationError as error:
            context["problem"] = " ".join(error.messages)
        else:
            context |= {"saved": True, "review": review, "missing": services.missing_for_submit(review)}
    return render(request, "reviews/review_edit.html#autosave", context)


@login_required
@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    if policy.submitted_by(request.user, policy.get_review_for_user(request.user, pk)):
        # Pressed again (a slow answer, a page from before): it went through the first time.
        messages.info(request, _("This review was already submitted; nothing was changed."))
        return redirect("reviews:reviews.detail", pk=pk)
    review = policy.get_review_for_user(request.user, pk, write=True)
    done, _result = perform(request, lambda: services.submit_review(review, version=None, by=request.user),
                            success=_("Review submitted. It is now locked; the cell committee will read it."))
    return redirect("reviews:reviews.detail" if done else "reviews:reviews.edit", pk=review.pk)


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk)
    return render(request, "reviews/review_detail.html", review_page_context(request, review))


def review_page_context(request: HttpRequest, review: Review, **forms) -> dict:
    user = request.user
    feedback, withheld = policy.visible_feedback(user, review)
    can_give = policy.can_give_feedback(user, review)
    items = checklist_items(review)
    citations = policy.citations_for_reader(user, review.citations)
    sections = layout.reading_sections(review, items)
    for section in sections:
        section["cited"] = [cited for cited in citations if cited["section"] == section["code"]]
    return {
        "review": review, "sections": sections,
        "evidence": [cited for cited in citations if cited["evidence"]],
        "shortcomings": queries.review_shortcomings(review), "prompts": queries.prompts_of(review),
        "previous": queries.earlier_shortcomings(review), "quarterly": queries.quarterly_results(review),
        "events": queries.events_of(review), "feedback": feedback, "withheld": withheld,
        "feedback_form": forms.get("feedback_form") or (FeedbackForm(checklist_items=items) if can_give else None),
        "can_edit": policy.can_edit_review(user, review), "can_appraise": policy.can_appraise(user, review),
        "can_decide": policy.can_decide(user, review), "can_respond": policy.can_respond_to_feedback(user, review),
        "signals": policy.signals_for_reader(user, review.signals) if policy.sees_signals(user, review) else [],
        "levels": {level.code: level.name for level in queries.levels_of(review.cycle.rule_set)},
        "lowest_level": queries.levels_of(review.cycle.rule_set)[-1].code,
        "forcing_applied": queries.forcing_applied(review),
        "is_author": policy.is_author(user, review),
    }


def _shortcoming_page(request, form, review: Review, title: str) -> HttpResponse:
    """The one-form page, with the script that filters the checklist picker."""
    return render(request, "reviews/shortcoming_form.html", {
        "form": form, "title": title, "back_url": reverse("reviews:reviews.edit", args=[review.pk]),
        "back_label": _("Back to the review"), "submit_label": None, "intro": None, "multipart": False})


def _shortcoming_values(data: dict) -> dict:
    return {name: data[name] for name in ("text", "cause", "cause_text", "responsibility", "measures", "fix_by")}


@login_required
def shortcoming_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, write=True)
    form = ShortcomingForm(request.POST or None, checklist_items=checklist_items(review))
    done, _result = save_form(request, form, lambda data: services.add_review_shortcoming(
        review, checklist_items=data["checklist_items"], by=request.user, **_shortcoming_values(data)),
        success=_("Shortcoming added."))
    if done:
        return redirect(reverse("reviews:reviews.edit", args=[review.pk]) + "#shortcomings")
    return _shortcoming_page(request, form, review, _("Add a shortcoming"))


@login_required
def shortcoming_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shortcoming = policy.get_review_shortcoming_for_user(request.user, pk, write=True)
    review = shortcoming.review
    initial = {**{name: getattr(shortcoming, name) for name in ("text", "cause", "cause_text", "responsibility",
                                                                 "measures", "fix_by")},
               "checklist_items": [str(pk) for pk in queries.checklist_item_pks(shortcoming)]}
    form = ShortcomingForm(request.POST or None, initial=initial, checklist_items=checklist_items(review))
    done, _result = save_form(request, form, lambda data: services.update_review_shortcoming(
        shortcoming, checklist_items=data["checklist_items"], by=request.user, **_shortcoming_values(data)),
        success=_("Shortcoming saved."))
    if done:
        return redirect(reverse("reviews:reviews.edit", args=[review.pk]) + "#shortcomings")
    return _shortcoming_page(request, form, review, _("Edit a shortcoming"))


@login_required
@require_POST
def shortcoming_remove(request: HttpRequest, pk: int) -> HttpResponse:
    shortcoming = policy.get_review_shortcoming_for_user(request.user, pk, write=True)
    review_pk = shortcoming.review_id
    perform(request, lambda: services.remove_review_shortcoming(shortcoming, by=request.user),
            success=_("Shortcoming removed."))
    return redirect(reverse("reviews:reviews.edit", args=[review_pk]) + "#shortcomings")


def reason_page(request: HttpRequest, review: Review, action, *, success: str, title: str,
                submit_label: str) -> HttpResponse:
    """A page asking why (return, cancel), then one service call `action(review, reason=…, by=…)`."""
    form = ReasonForm(request.POST or None)
    done, _result = save_form(request, form, lambda data: action(review, reason=data["reason"], by=request.user),
                              success=success)
    if done:
        return redirect("reviews:reviews.detail", pk=review.pk)
    return render_form_page(request, form, title=title, back_url=reverse("reviews:reviews.detail", args=[review.pk]),
                            back_label=str(review), submit_label=submit_label)


@login_required
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, send_back=True)
    return reason_page(request, review, services.return_review,
                       success=_("The review was returned to its author with your reason."),
                       title=_("Return the review for revision"), submit_label=_("Return it"))


@login_required
@require_GET
def my_reviews(request: HttpRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    reviews = queries.reviews_of_member(member) if member is not None else []
    return render(request, "reviews/my_reviews.html", {"reviews": reviews})


# --- members without a login: the cell records their review on paper, or excludes it --------------------------


def _without_login_page(request: HttpRequest, review: Review, form, action, *, success: str, title: str,
                        intro: str, submit_label: str) -> HttpResponse:
    back = reverse("reviews:cycles.unit", args=[review.cycle_id, review.unit_id])
    done, _result = save_form(request, form, action, success=success)
    if done:
        return redirect(back)
    return render_form_page(request, form, title=title, intro=intro, back_url=back, back_label=review.unit.name,
                            submit_label=submit_label)


@login_required
def review_on_paper(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, record=True)
    form = PaperForm(request.POST or None, initial={"paper_on": timezone.localdate()})
    name = review.member.full_name
    return _without_login_page(
        request, review, form,
        lambda data: services.mark_reviewed_on_paper(review, paper_on=data["paper_on"], by=request.user),
        success=_("%(name)s was recorded as reviewed on paper.") % {"name": name},
        title=_("%(name)s was reviewed on paper") % {"name": name},
        intro=_("%(name)s has no login. Record the day of the paper review: the review then counts as submitted, "
                "and the cell proposes its level as for the others.") % {"name": name},
        submit_label=_("Record the paper review"))


@login_required
def review_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    review = policy.get_review_for_user(request.user, pk, record=True)
    form = ReasonForm(request.POST or None)
    name = review.member.full_name
    return _without_login_page(
        request, review, form, lambda data: services.exclude_review(review, reason=data["reason"], by=request.user),
        success=_("The review of %(name)s was excluded from the cycle.") % {"name": name},
        title=_("Exclude the review of %(name)s") % {"name": name},
        intro=_("%(name)s has no login. An excluded review is no longer expected in this cycle; the reason is kept "
                "in its history.") % {"name": name},
        submit_label=_("Exclude it"))
