"""The data exchange page of a unit: download the subtree as a soisua-exchange file, and upload one, see what it
would create, change (field by field, old -> new) and leave alone, and apply it whole. Nothing is stored between the
check and the confirmation: the checked rows travel back signed for the person and the unit, and are checked again."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from soisua.core.views import submitted

from .. import policy, services
from ..exchange import format as exchange_format
from ..exchange import writing
from ..exchange.checking import ExchangePlan
from ..forms import ConfirmUnitsForm, ExchangeFileForm, RosterUploadLimit, sign_plan
from ..imports import COLUMN_BY_KEY
from ..responses import download
from .values import shown

PREVIEW_ROWS = 300  # rows of each list shown on the preview; the counts cover them all


@login_required
@require_GET
def exchange_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    unit = policy.get_unit_for_exchange(request.user, pk)
    return download(request, unit, fmt, allowed=("xlsx", "zip"), action=writing.EXCHANGE_ACTION, personal=True,
                    name=writing.exchange_file_name(unit),
                    build_table=lambda: writing.exchange_sheets(request.user, unit),
                    background=writing.EXCHANGE.code, rows=lambda: writing.exchange_size(request.user, unit))


def _shown(key: str, value: Any, plan: ExchangePlan) -> str:
    if key == "cell" and value not in (None, ""):
        return plan.cell_codes.get(value, str(value))
    return shown(key, value)


def _label(key: str) -> str:
    if key == "cell":
        return str(COLUMN_BY_KEY["unit_code"].label)
    if key in COLUMN_BY_KEY:
        return str(COLUMN_BY_KEY[key].label)
    return str(exchange_format.UNITS.column(key).label)


def _diff(plan: ExchangePlan) -> dict:
    """The plan as the preview lists it: each change one line per field, old -> new."""
    member_changes = []
    for update in plan.members.updates[:PREVIEW_ROWS]:
        for key, (old, new) in update.changes.items():
            if key == "cell" and update.to_cell is not None:
                new = update.to_cell.code
            member_changes.append({"row": update.row, "who": update.member.full_name, "field": _label(key),
                                   "old": _shown(key, old, plan),
                                   "new": new if key == "cell" else _shown(key, new, plan)})
    unit_changes = [{"row": change.row, "who": change.unit.name, "field": _label(key), "old": _shown(key, old, plan),
                     "new": _shown(key, new, plan)}
                    for change in plan.changed_units for key, (old, new) in change.changes.items()]
    creates = [{"row": row, "name": values["full_name"], "cell": cell.code, "card": values.get("card_number", ""),
                "status": _shown("status", status, plan)}
               for row, values, cell, status in plan.members.creates_as_checked[:PREVIEW_ROWS]]
    headers = {column.key: column.header for table in (exchange_format.UNITS, exchange_format.MEMBERS)
               for column in table.columns}
    problems = [{"table": exchange_format.UNITS.sheet if problem.table == "units" else exchange_format.MEMBERS.sheet,
                 "row": problem.row, "column": headers.get(problem.column, ""), "message": problem.message}
                for problem in plan.problems]
    return {"member_changes": member_changes, "unit_changes": unit_changes, "creates": creates,
            "problems": problems,
            "more_updates": max(len(plan.members.updates) - PREVIEW_ROWS, 0),
            "more_creates": max(plan.members.new_as_checked - PREVIEW_ROWS, 0)}


def _page(request: HttpRequest, unit, form, *, plan: ExchangePlan | None = None, confirm=None) -> HttpResponse:
    return render(request, "documents/exchange.html", {
        "unit": unit, "form": form, "plan": plan, "confirm": confirm, **(_diff(plan) if plan is not None else {}),
        "can_export": policy.can_export_exchange(request.user, unit),
        "can_import": policy.can_import_exchange(request.user, unit),
        "tables": (exchange_format.UNITS, exchange_format.MEMBERS), "format_name": exchange_format.FORMAT_NAME,
        "format_version": exchange_format.FORMAT_VERSION,
    })


def _applied_message(plan: ExchangePlan) -> str:
    if not plan.change_count:
        return _("Nothing changed: the records already hold what the file says.")
    return " ".join((
        ngettext("%(count)d unit created,", "%(count)d units created,", len(plan.new_units))
        % {"count": len(plan.new_units)},
        ngettext("%(count)d unit changed,", "%(count)d units changed,", len(plan.changed_units))
        % {"count": len(plan.changed_units)},
        ngettext("%(count)d member created,", "%(count)d members created,", len(plan.members.creates))
        % {"count": len(plan.members.creates)},
        ngettext("%(count)d member changed.", "%(count)d members changed.", len(plan.members.updates_to_apply))
        % {"count": len(plan.members.updates_to_apply)},
        ngettext("%(n)s row held for the committee's review.", "%(n)s rows held for the committee's review.",
                 len(plan.members.held)) % {"n": len(plan.members.held)} if plan.members.held else ""))


@csrf_exempt
@login_required
def exchange(request: HttpRequest, pk: int) -> HttpResponse:
    return _exchange(request, pk, RosterUploadLimit.install(request))


@csrf_protect
def _exchange(request: HttpRequest, pk: int, limit) -> HttpResponse:
    posted = request.method == "POST"
    unit = policy.get_unit_for_exchange(request.user, pk, write=posted, page=not posted)
    salt = f"soisua.exchange:{request.user.pk}:{unit.pk}"
    if request.method == "POST" and "plan" in request.POST:
        confirm = ConfirmUnitsForm(request.POST, salt=salt)
        if not confirm.is_valid():
            messages.error(request, confirm.errors["plan"][0])
            return _page(request, unit, ExchangeFileForm())
        try:
            plan = services.import_exchange(exchange_format.from_data(confirm.cleaned_data["plan"]), unit=unit,
                                            by=request.user)
        except services.ExchangeImportError as error:  # the records changed since the check
            messages.error(request, error.messages[0])
            return _page(request, unit, ExchangeFileForm(), plan=error.plan)
        messages.success(request, _applied_message(plan))
        return redirect("documents:exchange", pk=unit.pk)
    form = ExchangeFileForm(*submitted(request), too_large=limit.exceeded)
    if request.method == "POST" and form.is_valid():
        try:
            data, plan = services.check_exchange_file(form.cleaned_data["file"], unit=unit)
        except services.RosterImportError as error:
            form.add_error("file", error)
        else:
            confirm = None
            if plan.is_valid and plan.change_count:
                confirm = ConfirmUnitsForm(salt=salt, initial={"plan": sign_plan(exchange_format.as_data(data),
                                                                                 salt=salt)})
            return _page(request, unit, ExchangeFileForm(), plan=plan, confirm=confirm)
    return _page(request, unit, form)
