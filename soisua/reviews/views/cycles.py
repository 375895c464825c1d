import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import perform, render_form_page, save_form
from soisua.org.access import can_administer_installation, can_manage_reviews, is_superior_committee

from .. import formalism, policy, queries, services
from ..forms import ChecklistItemForm, CompareRuleSetsForm, CopyRuleSetForm, CycleForm, ThresholdsForm
from ..models import RuleSet
from ..scope import scope_of


def _rule_set_form_page(request, form, rule_set: RuleSet, title: str, submit_label: str | None = None):
    return render_form_page(request, form, title=title, back_url=reverse("reviews:rules.detail", args=[rule_set.pk]),
                            back_label=rule_set.name, submit_label=submit_label)


@login_required
@require_GET
def rule_set_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/rule_set_list.html", {
        "rule_sets": queries.rule_sets(), "current": queries.current_rule_set(),
        "can_edit": can_administer_installation(request.user)})


@login_required
@require_GET
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = queries.rule_set_with_rules(pk)
    if rule_set is None:
        raise Http404
    return render(request, "reviews/rule_set_detail.html", {
        "rule_set": rule_set, "can_edit": can_administer_installation(request.user),
        "checks": queries.verifications_of(rule_set)})


@login_required
@require_GET
def rule_set_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between two rule sets: by default from the set it was copied from, else the one before it."""
    rule_set = queries.rule_set_with_rules(pk)
    if rule_set is None:
        raise Http404
    form = CompareRuleSetsForm(request.GET or None, rule_set=rule_set)
    against = (form.cleaned_data.get("against") if form.is_valid() else None) or queries.previous_rule_set(rule_set)
    if against is not None:
        form.initial["against"] = against.pk
    return render(request, "reviews/rule_set_changes.html", {
        "rule_set": rule_set, "against": against, "form": form,
        "diff": queries.rule_set_diff(against, rule_set) if against else {}})


@login_required
def rule_set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = policy.get_rule_set_for_user(request.user, pk, write=True)
    form = CopyRuleSetForm(request.POST or None, initial={"name": _("%(name)s (copy)") % {"name": rule_set.name}})
    done, copy = save_form(request, form, lambda data: services.copy_rule_set(rule_set, by=request.user, **data),
                           success=_("Draft copy created. Edit it, then publish it."), error_field="code")
    if done:
        return redirect("reviews:rules.detail", pk=copy.pk)
    return _rule_set_form_page(request, form, rule_set, _("Copy %(name)s") % {"name": rule_set.name},
                               submit_label=_("Make a draft copy"))


@login_required
@require_POST
def rule_set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = policy.get_rule_set_for_user(request.user, pk, write=True)
    perform(request, lambda: services.publish_rule_set(rule_set, by=request.user),
            success=_("Rule set published; new cycles can use it."))
    return redirect("reviews:rules.detail", pk=rule_set.pk)


@login_required
def rule_set_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = policy.get_rule_set_for_user(request.user, pk, edit=True)
    form = ThresholdsForm(request.POST or None, rule_set=rule_set)
    done, _rule_set = save_form(request, form, lambda data: services.update_thresholds(
        rule_set, minimum_scores=form.minimum_scores(), quota_percent=data["quota_percent"], by=request.user),
        success=_("Thresholds saved."))
    if done:
        return redirect("reviews:rules.detail", pk=rule_set.pk)
    return _rule_set_form_page(request, form, rule_set,
                               _("Thresholds and quota of %(name)s") % {"name": rule_set.name})


@login_required
def checklist_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = policy.get_checklist_item_for_user(request.user, pk, write=True)
    rule_set = item.checklist.rule_set
    form = ChecklistItemForm(request.POST or None, initial={"text": item.text, "article": item.article})
    done, _item = save_form(request, form, lambda data: services.update_checklist_item(item, by=request.user,
                                                                                         **form.edit()),
                            success=_("Checklist item saved."))
    if done:  # back to the item, not to the top of a long page
        return redirect(reverse("reviews:rules.detail", args=[rule_set.pk]) + f"#item-{item.pk}")
    return _rule_set_form_page(request, form, rule_set, _("Checklist item %(code)s") % {"code": item.code})


@login_required
def cycle_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_unit_for_user(request.user, pk, manage=True)
    today = timezone.localdate()
    form = CycleForm(request.POST or None, initial={
        "title": _("Review of %(year)s, %(unit)s") % {"year": today.year, "unit": unit.name},
        "period_start": datetime.date(today.year, 1, 1), "period_end": datetime.date(today.year, 12, 31),
        # The yearly review season runs in November and December (docs/domain.md, "Review cycles").
        "self_review_due": datetime.date(today.year, 12, 10), "appraisal_due": datetime.date(today.year, 12, 20),
        "decision_due": datetime.date(today.year, 12, 31),
        "rule_set": queries.current_rule_set(), "enforce_order": True})
    done, cycle = save_form(request, form, lambda data: services.open_cycle(unit, by=request.user, **data),
                            success=_("Review cycle opened."))
    if done:
        return redirect("reviews:cycles.detail", pk=cycle.pk)
    return render(request, "reviews/cycle_form.html", {"unit": unit, "form": form, "scope": scope_of(unit)})


@login_required
@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = policy.get_cycle_for_user(request.user, pk)
    focus = queries.focus_unit(request.user, cycle)
    waiting = list(queries.not_submitted(cycle, focus)) if policy.follows_submissions(request.user, focus) else None
    feedback = (policy.committee_feedback(request.user, cycle, focus, timezone.localdate())
                if policy.can_read_superior_feedback(request.user, focus) else [])
    return render(request, "reviews/cycle_detail.html", {
        "cycle": cycle, "focus": focus, "progress": queries.progress(cycle, focus),
        "committee_feedback": feedback[0] if feedback else None,
        "blocking": _blocking(cycle, queries.unit_reviews(cycle, focus)) if waiting else "",
        "without_login": [review.member.full_name for review in waiting or [] if review.member_id
                          and not queries.can_log_in(review.member)],
        "children": queries.progress_by_child(cycle, focus), "waiting": waiting,
        "can_manage": can_manage_reviews(request.user, cycle.unit),
        "sees_prompts": policy.can_see_sent_prompts(request.user, focus),
        "my_review": queries.review_of_user(request.user, cycle),
        "overridden": queries.overridden_decisions(cycle, focus) if can_manage_reviews(request.user, focus) else []})


@login_required
@require_POST
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = policy.get_cycle_for_user(request.user, pk, manage=True)
    perform(request, lambda: services.close_cycle(cycle, by=request.user), success=_("Review cycle closed."))
    return redirect("reviews:cycles.detail", pk=cycle.pk)


@login_required
@require_GET
def cycle_list(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_unit_for_user(request.user, pk)
    return render(request, "reviews/cycle_list.html", {
        "unit": unit, "cycles": queries.cycles_covering(unit), "can_open": policy.can_open_cycle(request.user, unit)})


@login_required
@require_POST
def cycle_remind(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    cycle = policy.get_cycle_for_user(request.user, pk)
    cell = policy.get_cycle_unit_for_user(request.user, cycle, unit_pk, write=True)
    perform(request, lambda: services.remind_not_submitted(cycle, cell, by=request.user),
            success=lambda count: ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", count)
            % {"count": count})
    return redirect("reviews:cycles.detail", pk=cycle.pk)


@login_required
@require_GET
def cycle_unit(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """One unit's part of a cycle: its reviews in order with statuses and levels, the cell's signals and quota,
    feedback on the superior committee."""
    cycle = policy.get_cycle_for_user(request.user, pk)
    unit = policy.get_cycle_unit_for_user(request.user, cycle, unit_pk)
    reviews = queries.unit_reviews(cycle, unit)
    leads = policy.leads_or_decides(request.user, unit)
    own_cell = policy.gives_superior_feedback(request.user, cycle, unit)
    superior, withheld = ([], False)
    reads_superior = policy.can_read_superior_feedback(request.user, unit)
    if reads_superior:
        superior, withheld = policy.superior_feedback(request.user, cycle, unit)
    return render(request, "reviews/cycle_unit.html", {
        "cycle": cycle, "unit": unit, "reviews": reviews, "leads": leads,
        "levels": {level.code: level.name for level in queries.levels_of(cycle.rule_set)},
        "signals": formalism.cell_signals(cycle, unit, reviews) if leads else [],
        "is_superior": is_superior_committee(request.user, unit), "own_cell": own_cell,
        "superior_feedback": superior, "superior_withheld": withheld, "reads_superior": reads_superior,
        "answers_superior": policy.can_answer_superior_feedback(request.user, cycle, unit),
        "children": queries.progress_by_child(cycle, unit), "blocking": _blocking(cycle, reviews),
        "recordable": policy.recordable_without_login(request.user, cycle, unit, reviews),
        "readable": policy.readable_among(request.user, reviews),
        "sees_prompts": policy.can_see_sent_prompts(request.user, unit)})


def _blocking(cycle, reviews) -> str:
    """"X has not submitted yet, so Y, Z cannot submit yet": who holds up whom under the review order."""
    blockers = queries.order_blockers(cycle, reviews)
    if blockers is None:
        return ""
    waiting, blocked = blockers
    sentence = ngettext("%(waiting)s has not submitted yet, so %(blocked)s cannot submit yet.",
                        "%(waiting)s have not submitted yet, so %(blocked)s cannot submit yet.", len(waiting))
    return capfirst(sentence % {"waiting": _names(waiting), "blocked": _names(blocked)})


def _names(reviews) -> str:
    return ", ".join(review.member.full_name if review.member_id else _("the collective review")
                     for review in reviews)
