from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from soisua.core.text import file_name
from soisua.core.views import save_form
from soisua.documents.responses import TABLE_FORMATS, download

from . import exports, policy, queries, services
from .enums import AlertStatus, Check
from .forms import AcknowledgeForm, RuleForm


@login_required
@require_GET
def unit_alerts(request: HttpRequest, pk: int) -> HttpResponse:
    """The early warnings of a unit's subtree: live ones by default, or those of one status and check."""
    user = request.user
    unit = policy.get_unit_for_user(user, pk)
    status, check = request.GET.get("status", ""), request.GET.get("check", "")
    within = policy.listed(user, unit)
    page = Paginator(queries.listing(unit, status=status, check=check, within=within),
                     queries.PAGE).get_page(request.GET.get("page"))
    return render(request, "alerts/unit.html", {
        "unit": unit, "page": page, "rows": [(alert, policy.named_member(user, alert)) for alert in page],
        "status": status if status in AlertStatus.values else "", "check": check if check in Check.values else "",
        "statuses": AlertStatus.choices, "checks": Check.choices,
        "by_check": queries.counts_by_check(unit, within=within),
    })


@login_required
@require_GET
def unit_alerts_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The list of the page, with its filter, as a spreadsheet."""
    user = request.user
    unit = policy.get_unit_for_user(user, pk)
    status, check = request.GET.get("status", ""), request.GET.get("check", "")
    alerts = queries.listing(unit, status=status, check=check, within=policy.listed(user, unit))
    return download(request, unit, fmt, allowed=TABLE_FORMATS, action="alerts.export",
                    name=file_name("Cảnh báo sớm", unit.name),
                    build_table=lambda: exports.sheet(unit, alerts, user, status=status, check=check))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A warning: what was found, what it rests on, its history; the owner's leadership acknowledges it here (a
    refused acknowledgement comes back with its reason and the note typed)."""
    user = request.user
    alert = policy.get_alert_for_user(user, pk, acknowledge=request.method == "POST")
    form = AcknowledgeForm(request.POST or None, initial={"version": alert.version})
    done, _result = save_form(request, form, lambda data: services.acknowledge(
        alert, by=user, note=data["note"], version=data["version"]), success=_("Warning acknowledged."))
    if done:
        return redirect("alerts:detail", pk=alert.pk)
    evidence, hidden = policy.evidence_for(user, alert)
    back = next((unit for unit in (alert.owner, alert.unit) if policy.can_list(user, unit)), None)
    return render(request, "alerts/detail.html", {
        "alert": alert, "member": policy.named_member(user, alert), "evidence": evidence, "hidden": hidden,
        "form": form, "back": back,
        "can_acknowledge": policy.can_acknowledge(user, alert) and (alert.status == AlertStatus.OPEN or form.errors),
    })


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    policy.require_rules_reader(request.user)
    return render(request, "alerts/rules.html", {"rules": queries.current_rules(), "changes": queries.recent_changes(),
                                                 "can_change": policy.can_change_rules(request.user)})


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = policy.get_rule_for_user(request.user, pk, change=request.method == "POST")
    initial = {"enabled": rule.enabled, "threshold": rule.threshold, "period": rule.period,
               "age_under": rule.age_under, "receiver": rule.receiver.code, "version": rule.version}
    form = RuleForm(request.POST or None, initial=initial, rule=rule, levels=queries.levels())
    done, created = save_form(request, form, lambda data: services.update_rule(
        rule, by=request.user, version=data["version"], threshold=data["threshold"], period=data.get("period"),
        age_under=data.get("age_under"), receiver=data["receiver"], enabled=data["enabled"], note=data["note"]),
        success=_("Rule changed; the next check applies it."))
    if done:
        return redirect("alerts:rules.edit", pk=created.pk)
    if not policy.can_change_rules(request.user) or (not rule.current and not form.is_bound):
        form = None  # an earlier version is read, not edited; a refused edit comes back with what was typed
    return render(request, "alerts/rule.html", {"rule": rule, "form": form, "history": queries.rule_history(rule)})
