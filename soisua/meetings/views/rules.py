"""Meeting rules pages: the versions of the rules (administrators copy, change and publish them) and a committee's
lower minimum for its small cells (docs/domain.md, "Meeting rules")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from soisua.core.views import perform, render_form_page, save_form

from .. import policy, queries, services
from ..forms import EndRuleExceptionForm, MeetingRulesForm, RuleExceptionForm


@login_required
@require_GET
def rule_versions(request: HttpRequest) -> HttpResponse:
    policy.check_may_manage_meeting_rules(request.user)
    return render(request, "meetings/rules.html", {"versions": list(queries.rule_versions()),
                                                   "in_force": queries.rules_on(timezone.localdate())})


@login_required
@require_POST
def rules_copy(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy.get_rules_for_user(request.user, pk)
    done, draft = perform(request, lambda: services.copy_meeting_rules(rules, by=request.user),
                          success=_("A draft copy was made: change its figures, then publish it."))
    return redirect("meetings:rules.edit", draft.pk) if done else redirect("meetings:rules")


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy.get_rules_for_user(request.user, pk, edit=True)
    form = MeetingRulesForm(request.POST or None, initial=MeetingRulesForm.initial_for(rules))
    done, _saved = save_form(request, form,
                             lambda data: services.save_meeting_rules(rules, **data, by=request.user),
                             success=_("The draft was saved."))
    if done:
        return redirect("meetings:rules")
    return render_form_page(request, form, title=_("Change the draft rules “%(name)s”") % {"name": rules.name},
                            back_url=reverse("meetings:rules"), back_label=_("Meeting rules"),
                            submit_label=_("Save the draft"))


@login_required
@require_POST
def rules_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rules = policy.get_rules_for_user(request.user, pk)
    perform(request, lambda: services.publish_meeting_rules(rules, by=request.user),
            success=_("The version was published."))
    return redirect("meetings:rules")


@login_required
@require_http_methods(["GET", "POST"])
def unit_rules(request: HttpRequest, pk: int) -> HttpResponse:
    """The rules a committee's cells meet by today, and the lower minimums it and the committees above set."""
    unit = policy.get_committee_for_rules(request.user, pk, manage=request.method == "POST")
    manage = not unit.kind.holds_members and policy.can_set_rule_exceptions(request.user, unit)
    form = RuleExceptionForm(request.POST or None, cells=queries.cells_under(unit)) if manage else None
    if form is not None:
        done, _added = save_form(request, form,
                                 lambda data: services.add_rule_exception(unit, **data, by=request.user),
                                 success=_("The lower minimum was recorded."))
        if done:
            return redirect("meetings:unit_rules", unit.pk)
    today = timezone.localdate()
    return render(request, "meetings/unit_rules.html", {
        "unit": unit, "rules": queries.rules_on(today), "today": today, "manage": manage, "form": form,
        "exceptions": list(queries.exceptions_set_by(unit)), "above": queries.exceptions_over(unit, concerning=True),
        "end_form": EndRuleExceptionForm(initial={"on": today}),
        "manage_versions": policy.can_manage_meeting_rules(request.user)})


@login_required
@require_POST
def rule_exception_end(request: HttpRequest, pk: int) -> HttpResponse:
    exception = policy.get_rule_exception_for_user(request.user, pk, manage=True)
    form = EndRuleExceptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day of the lower minimum as dd/mm/yyyy."))
    else:
        perform(request, lambda: services.end_rule_exception(exception, on=form.cleaned_data["on"], by=request.user),
                success=_("The lower minimum ends on %(day)s.") % {"day": form.cleaned_data["on"].strftime("%d/%m/%Y")})
    return redirect("meetings:unit_rules", exception.committee_id)
