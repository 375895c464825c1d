from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import render_form_page
from soisua.org.access import can_administer_installation

from . import queries, services
from .forms import ChecklistItemForm, CopyRuleSetForm, ThresholdsForm
from .models import ChecklistItem, RuleSet


def _rule_set_to_edit(request: HttpRequest, pk: int) -> RuleSet:
    rule_set = get_object_or_404(RuleSet, pk=pk)
    if not can_administer_installation(request.user):
        raise PermissionDenied
    return rule_set


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
        "rule_set": rule_set, "can_edit": can_administer_installation(request.user)})


@login_required
def rule_set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set_to_edit(request, pk)
    form = CopyRuleSetForm(request.POST or None, initial={"name": _("%(name)s (copy)") % {"name": rule_set.name}})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_rule_set(rule_set, by=request.user, **form.cleaned_data)
        except services.RuleSetError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Draft copy created. Edit it, then publish it."))
            return redirect("reviews:rules.detail", pk=copy.pk)
    return render_form_page(request, form, title=_("Copy %(name)s") % {"name": rule_set.name},
                      back_url=reverse("reviews:rules.detail", args=[rule_set.pk]), back_label=rule_set.name,
                      submit_label=_("Make a draft copy"))


@login_required
@require_POST
def rule_set_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set_to_edit(request, pk)
    try:
        services.publish_rule_set(rule_set, by=request.user)
    except services.RuleSetError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Rule set published; new cycles can use it."))
    return redirect("reviews:rules.detail", pk=rule_set.pk)


@login_required
def rule_set_thresholds(request: HttpRequest, pk: int) -> HttpResponse:
    rule_set = _rule_set_to_edit(request, pk)
    form = ThresholdsForm(request.POST or None, rule_set=rule_set)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_thresholds(rule_set, minimum_scores=form.minimum_scores(),
                                       quota_percent=form.cleaned_data["quota_percent"], by=request.user)
        except services.RuleSetError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thresholds saved."))
            return redirect("reviews:rules.detail", pk=rule_set.pk)
    return render_form_page(request, form, title=_("Thresholds and quota of %(name)s") % {"name": rule_set.name},
                      back_url=reverse("reviews:rules.detail", args=[rule_set.pk]), back_label=rule_set.name)


@login_required
def checklist_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem.objects.select_related("checklist__rule_set"), pk=pk)
    rule_set = _rule_set_to_edit(request, item.checklist.rule_set_id)
    form = ChecklistItemForm(request.POST or None, initial={"text": item.text, "verified": item.verified})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_checklist_item(item, by=request.user, **form.cleaned_data)
        except services.RuleSetError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Checklist item saved."))
            return redirect("reviews:rules.detail", pk=rule_set.pk)
    return render_form_page(request, form, title=_("Checklist item %(code)s") % {"code": item.code},
                      back_url=reverse("reviews:rules.detail", args=[rule_set.pk]), back_label=rule_set.name)
