from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from soisua.core.text import file_name
from soisua.core.views import number_param, perform, render_form_page, save_form, submitted
from soisua.documents.responses import DOCUMENT_FORMATS, TABLE_FORMATS, download

from . import exports, policy, queries, services
from .forms import AmendForm, DirectiveForm, FileForm, ImplementationTaskForm, KeyTaskForm, ReportForm


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The directives that concern the person: those their units must act on, those addressed to their units and
    the units above them, and those their units issued (drafts included)."""
    user = request.user
    receipts = queries.receipts_for(policy.addressed_to_own_filter(user))
    speaking = [receipt for receipt in receipts if policy.can_act_on(user, receipt)]
    issuers = policy.units_speaking_for(user)
    return render(request, "directives/mine.html", {
        "to_act": [receipt for receipt in speaking if receipt.acknowledged_at is None],
        "received": [(receipt, policy.can_see_receipt(user, receipt)) for receipt in receipts],
        "issuers": issuers, "issued": queries.drafts_and_issued_of(issuers),
        "can_issue": [unit for unit in issuers if policy.can_issue_for(user, unit)],
    })


@login_required
@require_GET
def unit_directives(request: HttpRequest, pk: int) -> HttpResponse:
    unit = policy.get_unit_for_user(request.user, pk)
    sees_issued = policy.sees_issued_by(request.user, unit)
    return render(request, "directives/unit.html", {
        "unit": unit, "can_issue": policy.can_issue_for(request.user, unit),
        "issued": list(queries.issued_by(unit)) if sees_issued else None,
        "received": [receipt for receipt in queries.received_by(unit) if policy.can_see_receipt(request.user, receipt)],
    })


def _posted_version(request: HttpRequest, missing: int | None) -> int | None:
    """The version the form sent back (`missing` when it sent none); one that is not a number is stale."""
    posted = request.POST.get("version")
    return missing if not posted else number_param(posted) or 0


def _directive_form(request, issuer, *, initial=None):
    return DirectiveForm(request.POST or None, initial=initial, **queries.form_choices(issuer))


@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft; `?receipt=` makes it the unit's own directive carrying out one it received."""
    unit = policy.get_unit_for_user(request.user, pk, issue=True)
    receipt_id = number_param(request.GET.get("receipt"))
    parent_receipt = (policy.get_receipt_for_user(request.user, receipt_id, act=True)
                      if receipt_id is not None else None)
    parent = parent_receipt.directive if parent_receipt and parent_receipt.unit_id == unit.pk else None
    initial = {"issued_on": timezone.localdate(), "issuer_symbol": unit.abbreviation}
    if parent:  # start from what is carried out: cited as the basis, its key tasks to adapt
        initial |= {"basis": exports.citation(parent),
                    "tasks": "\n".join(task.text for task in queries.tasks_of(parent))}
    form = _directive_form(request, unit, initial=initial)
    done, directive = save_form(request, form, lambda data: services.create_draft(
        unit, parent=parent, by=request.user, **data), success=_("Draft saved. Check it, then issue it."))
    if done:
        return redirect("directives:detail", pk=directive.pk)
    return render(request, "directives/form.html", {"form": form, "unit": unit, "parent": parent,
                                                    "title": _("New directive of %(unit)s") % {"unit": unit.name}})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    directive = policy.get_directive_for_user(request.user, pk, edit=True)
    initial = {"kind": directive.kind, "number": directive.number, "issuer_symbol": directive.issuer_symbol,
               "issued_on": directive.issued_on, "title": directive.title, "summary": directive.summary,
               "basis": directive.basis, "target_mode": directive.target_mode,
               "target_kinds": list(directive.target_kinds.all()), "target_units": list(directive.target_units.all()),
               "basis_directives": list(directive.basis_directives.all()),
               "tasks": "\n".join(task.text for task in queries.tasks_of(directive)),
               "report_dates": "\n".join(period.due_on.strftime("%d/%m/%Y")
                                         for period in queries.periods_of(directive))}
    form = _directive_form(request, directive.issuer, initial=initial)
    version = _posted_version(request, directive.version) if request.method == "POST" else directive.version
    done, _directive = save_form(request, form, lambda data: services.update_draft(
        directive, version=version, by=request.user, **data), success=_("Draft saved."))
    if done:
        return redirect("directives:detail", pk=directive.pk)
    return render(request, "directives/form.html", {"form": form, "unit": directive.issuer, "directive": directive,
                                                    "version": version, "parent": directive.parent,
                                                    "title": _("Edit %(title)s") % {"title": directive.title}})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    directive = policy.get_directive_for_user(user, pk)
    receipt = None if directive.is_draft else queries.receipt_among(directive, policy.units_speaking_for(user))
    return render(request, "directives/detail.html", {
        "directive": directive, "tasks": queries.tasks_of(directive), "periods": queries.periods_of(directive),
        "files": list(directive.files.all()), "amendments": list(directive.amendments.all()),
        "can_edit": policy.can_edit(user, directive), "can_amend": policy.can_amend(user, directive),
        "can_follow": policy.can_follow(user, directive, directive.issuer),
        "receipt": receipt, "file_form": FileForm() if policy.can_edit(user, directive) else None,
        "issuer_open": policy.can_open_unit(user, directive.issuer),
        "parent_visible": directive.parent_id is not None and policy.can_see_directive(user, directive.parent),
    })


@login_required
@require_POST
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    directive = policy.get_directive_for_user(request.user, pk, edit=True)
    perform(request, lambda: services.issue(directive, version=_posted_version(request, None),
                                            by=request.user),
            success=lambda issued: ngettext("Issued to %(count)s unit.", "Issued to %(count)s units.",
                                            issued.receipts.count()) % {"count": issued.receipts.count()})
    return redirect("directives:detail", pk=directive.pk)


@login_required
@require_POST
def add_file(request: HttpRequest, pk: int) -> HttpResponse:
    directive = policy.get_directive_for_user(request.user, pk, edit=True)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        perform(request, lambda: services.add_file(directive, upload=form.cleaned_data["file"], by=request.user),
                success=_("File attached."))
    else:
        for message in form.errors["file"]:
            messages.error(request, message)
    return redirect("directives:detail", pk=directive.pk)


@login_required
@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    attached = policy.get_file_for_user(request.user, pk)
    return FileResponse(attached.file.open("rb"), as_attachment=True, filename=attached.name)


@login_required
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    directive = policy.get_directive_for_user(request.user, pk, amend=True)
    form = AmendForm(request.POST or None, initial={"title": directive.title, "summary": directive.summary,
                                                    "basis": directive.basis})
    done, _directive = save_form(request, form, lambda data: services.amend(
        directive, version=directive.version, by=request.user, **data), success=_("Amendment saved; the units "
                                                                                   "addressed are told."))
    if done:
        return redirect("directives:detail", pk=directive.pk)
    return render_form_page(request, form, title=_("Amend %(symbol)s") % {"symbol": directive.symbol},
                            back_url=reverse("directives:detail", args=[directive.pk]), back_label=directive.symbol,
                            submit_label=_("Save the amendment"))


@login_required
def key_task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = policy.get_key_task_for_user(request.user, pk)
    form = KeyTaskForm(request.POST or None, initial={"deadline": task.deadline, "measure": task.measure})
    done, _task = save_form(request, form, lambda data: services.set_key_task_details(task, by=request.user, **data),
                            success=_("Key task saved."))
    if done:
        return redirect("directives:detail", pk=task.directive_id)
    return render_form_page(request, form, title=_("Key task %(number)s") % {"number": task.number},
                            back_url=reverse("directives:detail", args=[task.directive_id]),
                            back_label=task.directive.symbol, intro=task.text)


@login_required
@require_GET
def progress(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    directive, focus = policy.get_progress_for_user(request.user, pk, unit_pk)
    tasks = queries.tasks_of(directive)
    periods = queries.periods_of(directive)
    period = queries.current_period(periods)
    figures = queries.progress(directive, focus, tasks)
    own = queries.receipt_of(directive, focus)
    return render(request, "directives/progress.html", {
        "own_receipt": own if own and policy.can_see_receipt(request.user, own) else None,
        "above": focus.parent_id if focus.pk != directive.issuer_id and policy.can_follow(
            request.user, directive, focus.parent) else None,
        "directive": directive, "focus": focus, "tasks": [(task, figures["tasks"][task.number]) for task in tasks],
        "figures": figures, "period": period,
        "reported": figures["reported"].get(str(period.pk), 0) if period else 0,
        "children": queries.progress_by_child(directive, focus, tasks),
        "not_acknowledged": queries.not_acknowledged(directive, focus),
        "not_reported": queries.not_reported(directive, focus, period) if period else [],
        "can_remind": policy.can_remind(request.user, directive, focus),
    })


@login_required
@require_POST
def remind(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    directive, focus = policy.get_progress_for_user(request.user, pk, unit_pk, remind=True)
    period = queries.current_period(queries.periods_of(directive))
    late = {receipt.pk: receipt for receipt in queries.not_acknowledged(directive, focus)}
    if period is not None and period.due_on <= timezone.localdate():
        late |= {receipt.pk: receipt for receipt in queries.not_reported(directive, focus, period)}
    perform(request, lambda: services.remind_now(directive, receipts=list(late.values()), by=request.user),
            success=lambda sent: ngettext("%(count)s reminder sent.", "%(count)s reminders sent.", sent)
            % {"count": sent})
    return redirect("directives:progress", pk=directive.pk, unit_pk=focus.pk)


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    receipt = policy.get_receipt_for_user(user, pk)
    directive = receipt.directive
    can_act = policy.can_act_on(user, receipt)
    periods = queries.periods_of(directive)
    current = queries.current_period(periods)
    above = receipt.unit.parent if receipt.unit.parent_id else None
    return render(request, "directives/receipt.html", {
        "receipt": receipt, "directive": directive, "can_act": can_act, "current": current,
        "rows": queries.report_rows(queries.tasks_of(directive), periods, queries.reports_of(receipt), current),
        "implementation": queries.implementation_of(receipt),
        "cascades": [own for own in queries.cascades_of(directive, receipt.unit)
                     if policy.can_see_directive(user, own)],
        "task_form": ImplementationTaskForm(**queries.implementation_choices(receipt)) if can_act else None,
        "can_cascade": can_act and policy.can_issue_for(user, receipt.unit),
        "progress_above": above if above and policy.can_follow(user, directive, above) else None,
    })


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = policy.get_receipt_for_user(request.user, pk, act=True)
    perform(request, lambda: services.acknowledge(receipt, by=request.user), success=_("Acknowledged."))
    return redirect("directives:receipt", pk=receipt.pk)


@login_required
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = policy.get_receipt_for_user(request.user, pk, act=True)
    form = ImplementationTaskForm(request.POST or None, **queries.implementation_choices(receipt))
    done, _task = save_form(request, form, lambda data: services.add_task(receipt, by=request.user, **data),
                            success=_("Task added."))
    if done:
        return redirect("directives:receipt", pk=receipt.pk)
    return render_form_page(request, form, title=_("A task of %(unit)s") % {"unit": receipt.unit.name},
                            back_url=reverse("directives:receipt", args=[receipt.pk]),
                            back_label=receipt.directive.symbol)


@login_required
@require_POST
def task_remove(request: HttpRequest, pk: int) -> HttpResponse:
    task = policy.get_implementation_task_for_user(request.user, pk)
    perform(request, lambda: services.remove_task(task, by=request.user), success=_("Task removed."))
    return redirect("directives:receipt", pk=task.receipt_id)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = policy.get_receipt_for_user(request.user, pk, act=True)
    directive = receipt.directive
    current = queries.current_period(queries.periods_of(directive))
    task_id = number_param(request.GET.get("task"))
    period_id = number_param(request.GET.get("period")) or getattr(current, "pk", None)
    initial = {"key_task": task_id, "period": period_id}
    filed = queries.report_on(receipt, task_id, period_id) if task_id and period_id else None
    if filed:  # filing again replaces the report: start from what was filed
        initial |= {"status": filed.status, "percent": filed.percent, "narrative": filed.narrative,
                    "version": filed.version}
    form = ReportForm(*submitted(request), initial=initial,
                      key_tasks=directive.tasks.all(), periods=directive.periods.all())
    done, _report = save_form(request, form, lambda data: services.file_report(receipt, by=request.user, **data),
                              success=_("Report filed."))
    if done:
        return redirect("directives:receipt", pk=receipt.pk)
    return render_form_page(request, form, title=_("Report on %(symbol)s") % {"symbol": directive.symbol},
                            back_url=reverse("directives:receipt", args=[receipt.pk]), back_label=receipt.unit.name,
                            submit_label=_("File the report"), multipart=True)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    filed = policy.get_report_for_user(request.user, pk)
    return FileResponse(filed.evidence.open("rb"), as_attachment=True,
                        filename=filed.evidence.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def directive_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    directive = policy.get_directive_for_user(request.user, pk)
    return download(request, directive, fmt, allowed=DOCUMENT_FORMATS, action="directives.directive.export",
                    name=file_name(directive.symbol, directive.title),
                    build_document=lambda: exports.directive_document(directive))


@login_required
@require_GET
def report_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    receipt = policy.get_receipt_for_user(request.user, pk)
    return download(request, receipt, fmt, allowed=DOCUMENT_FORMATS, action="directives.report.export",
                    name=file_name("Báo cáo", receipt.directive.symbol, receipt.unit.name),
                    build_document=lambda: exports.report_document(receipt))


@login_required
@require_GET
def progress_export(request: HttpRequest, pk: int, unit_pk: int, fmt: str) -> HttpResponse:
    directive, focus = policy.get_progress_for_user(request.user, pk, unit_pk)
    return download(request, focus, fmt, allowed=TABLE_FORMATS, action="directives.progress.export",
                    name=file_name("Tiến độ", directive.symbol, focus.name),
                    build_table=lambda: exports.progress_sheet(directive, focus))
