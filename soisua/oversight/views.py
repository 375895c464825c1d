from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soisua.alerts import policy as alert_policy
from soisua.alerts import queries as alerts
from soisua.core.routers import reading_replica
from soisua.core.text import file_name
from soisua.core.views import number_param, perform, render_form_page, save_form, submitted
from soisua.documents.responses import DOCUMENT_FORMATS, download

from . import dashboard, exports, policy, queries, services
from .forms import ConclusionForm, FindingForm, InspectionForm, RemedyForm, SelfReportForm


@login_required
@require_GET
def unit_inspections(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's programme of inspections for a year (when the person speaks for it or covers it), and the
    inspections it received that the person may see."""
    user = request.user
    unit = policy.get_unit_for_user(user, pk)
    year = number_param(request.GET.get("year")) or timezone.localdate().year
    sees_programme = policy.can_plan_for(user, unit) or policy.covers(user, unit)
    return render(request, "oversight/unit.html", {
        "unit": unit, "year": year, "can_plan": policy.can_plan_for(user, unit),
        "programme": [inspection for inspection in queries.programme(unit, year) if policy.can_see(user, inspection)]
        if sees_programme else None,
        "years": queries.years(unit) if sees_programme else [],
        "received": [inspection for inspection in queries.received(unit) if policy.can_see(user, inspection)],
    })


@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    body = policy.get_unit_for_user(request.user, pk, plan=True)
    form = InspectionForm(request.POST or None, initial={"year": timezone.localdate().year, "subject_unit": None},
                          **queries.subjects_for(body))
    done, inspection = save_form(request, form, lambda data: services.plan_inspection(body, by=request.user, **data),
                                 success=_("Inspection added to the programme."))
    if done:
        return redirect("oversight:detail", pk=inspection.pk)
    return render_form_page(request, form, title=_("Plan an inspection by %(unit)s") % {"unit": body.name},
                            back_url=reverse("oversight:unit", args=[body.pk]), back_label=body.name,
                            submit_label=_("Add to the programme"))


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    inspection = policy.get_inspection_for_user(user, pk)
    manage = policy.can_manage(user, inspection) and not inspection.is_concluded
    findings = policy.can_record_findings(user, inspection) and not inspection.is_concluded
    return render(request, "oversight/detail.html", {
        "inspection": inspection, **policy.visible_records(user, inspection, queries.details(inspection)),
        "can_manage": manage, "on_body": policy.is_body(user, inspection),
        "body_open": policy.can_open_unit(user, inspection.body),
        "finding_form": FindingForm() if findings else None,
        "remedy_form": RemedyForm(**queries.remedy_choices(inspection)) if manage else None,
        "self_report_form": SelfReportForm(initial={"text": inspection.self_report, "version": inspection.version})
        if policy.can_self_report(user, inspection) else None,
    })


@login_required
@require_POST
def notify(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.get_inspection_for_user(request.user, pk, manage=True)
    perform(request, lambda: services.notify_subject(inspection, by=request.user),
            success=_("The subject has been told and asked for its self-report."))
    return redirect("oversight:detail", pk=inspection.pk)


@login_required
def self_report(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.get_inspection_for_user(request.user, pk, self_report=True)
    form = SelfReportForm(*submitted(request),
                          initial={"text": inspection.self_report, "version": inspection.version})
    done, _inspection = save_form(request, form, lambda data: services.submit_self_report(
        inspection, by=request.user, **data), success=_("Self-report sent to the inspecting body."))
    if done:
        return redirect("oversight:detail", pk=inspection.pk)
    return render_form_page(request, form, title=_("Self-report"), back_url=reverse("oversight:detail",
                            args=[inspection.pk]), back_label=str(inspection), multipart=True)


@login_required
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.get_inspection_for_user(request.user, pk, findings=True)
    form = FindingForm(request.POST or None)
    done, _finding = save_form(request, form, lambda data: services.record_finding(inspection, by=request.user,
                                                                                   **data),
                               success=_("Finding recorded."))
    if done:
        return redirect("oversight:detail", pk=inspection.pk)
    return render_form_page(request, form, title=_("Record a finding"), back_url=reverse("oversight:detail",
                            args=[inspection.pk]), back_label=str(inspection))


@login_required
def remedy_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.get_inspection_for_user(request.user, pk, manage=True)
    form = RemedyForm(request.POST or None, **queries.remedy_choices(inspection))
    done, _remedy = save_form(request, form, lambda data: services.add_remedy(inspection, by=request.user, **data),
                              success=_("Remedy added; it is asked at the conclusion."))
    if done:
        return redirect("oversight:detail", pk=inspection.pk)
    return render_form_page(request, form, title=_("Ask a remedy"), back_url=reverse("oversight:detail",
                            args=[inspection.pk]), back_label=str(inspection))


@login_required
@require_POST
def remedy_remove(request: HttpRequest, pk: int) -> HttpResponse:
    remedy = policy.get_remedy_for_user(request.user, pk)
    perform(request, lambda: services.remove_remedy(remedy, by=request.user), success=_("Remedy removed."))
    return redirect("oversight:detail", pk=remedy.inspection_id)


@login_required
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = policy.get_inspection_for_user(request.user, pk, manage=True)
    form = ConclusionForm(request.POST or None, initial={"date": timezone.localdate()})
    version = inspection.version
    done, _inspection = save_form(request, form, lambda data: services.conclude(
        inspection, version=version, by=request.user, **data),
        success=_("Concluded; each remedy is now a shortcoming in its unit's corrections."))
    if done:
        return redirect("oversight:detail", pk=inspection.pk)
    return render_form_page(request, form, title=_("Conclude"), back_url=reverse("oversight:detail",
                            args=[inspection.pk]), back_label=str(inspection), submit_label=_("Issue the conclusion"))


@login_required
@require_GET
def conclusion_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    inspection = policy.get_inspection_for_user(request.user, pk, concluded=True)
    return download(request, inspection, fmt, allowed=DOCUMENT_FORMATS, action="oversight.conclusion.export",
                    personal=True, name=file_name("Kết luận kiểm tra", inspection.subject_member.full_name
                                                  if inspection.subject_member_id else inspection.subject_unit.name),
                    build_document=lambda: exports.conclusion_document(inspection))


@login_required
@require_GET
def self_report_file(request: HttpRequest, pk: int) -> FileResponse:
    inspection = policy.get_inspection_for_user(request.user, pk, self_report_file=True)
    return FileResponse(inspection.self_report_file.open("rb"), as_attachment=True,
                        filename=inspection.self_report_file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
@reading_replica()
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_unit_for_user(request.user, pk, dashboard=True)
    return render(request, "oversight/dashboard.html", {"board": dashboard.build(unit, timezone.localdate(),
                                                                                 reader=request.user),
                                                        "chart_height": dashboard.CHART_HEIGHT,
                                                        "warnings": _warnings(request.user, unit)})


def _warnings(user, unit) -> list:
    """The subtree's live warnings by check, counting only those the reader may open (as their list does)."""
    return alerts.counts_by_check(unit, within=alert_policy.listed(user, unit))


@login_required
@require_GET
@reading_replica()
def unit_dashboard_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Every table of the dashboard in one workbook, a sheet each: the same figures, for the same readers."""
    user = request.user
    unit = policy.get_unit_for_user(user, pk, dashboard=True)
    return download(request, unit, fmt, allowed=("xlsx",), action="oversight.dashboard.export",
                    name=file_name("Tổng quan", unit.name), build_table=lambda: exports.dashboard_workbook(
                        dashboard.build(unit, timezone.localdate(), reader=user), _warnings(user, unit)))
