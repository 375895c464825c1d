"""Importing units: the sub-units of a unit from a list, and the first-run set-up of an empty installation (its top
unit, and optionally the list of units below it). Each list is checked and shown first; nothing is created until
the person confirms, and then all of it or nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from soisua.core.errors import DomainError
from soisua.core.views import submitted
from soisua.org import access
from soisua.org import queries as org_queries

from .. import services
from ..forms import ConfirmUnitsForm, RosterUploadLimit, SetupForm, UnitsFileForm, sign_plan
from ..imports import units

PREVIEW_ROWS = 300  # units listed on the preview; the counts by kind cover them all



def _page(request: HttpRequest, template_context: dict) -> HttpResponse:
    plan = template_context.get("plan")
    return render(request, "documents/units_import.html", {
        "columns": units.UNITS.columns, "kinds": org_queries.kind_table(),
        "preview": plan.units[:PREVIEW_ROWS] if plan is not None else [],
        "more": max(len(plan.units) - PREVIEW_ROWS, 0) if plan is not None else 0,
        "headers": {column.key: column.header for column in units.UNITS.columns},
        **template_context})


def _created_message(count: int) -> str:
    return ngettext("%(count)d unit created.", "%(count)d units created.", count) % {"count": count}


# --- the sub-units of a unit --------------------------------------------------------------------------------


@csrf_exempt
@login_required
def units_import(request: HttpRequest, pk: int) -> HttpResponse:
    return _units_import(request, pk, RosterUploadLimit.install(request))


@csrf_protect
def _units_import(request: HttpRequest, pk: int, limit: RosterUploadLimit) -> HttpResponse:
    # The tree's structure is for those who administer the unit (as creating one sub-unit is).
    unit = access.get_unit_for_user(request.user, pk, administer=True)
    salt = f"soisua.units-import:{request.user.pk}:{unit.pk}"
    context = {"unit": unit, "top": units.Top.of(unit)}
    if request.method == "POST" and "plan" in request.POST:
        confirm = ConfirmUnitsForm(request.POST, salt=salt)
        if confirm.is_valid():
            try:
                created = services.import_units(units.rows_from_lists(confirm.cleaned_data["plan"]["rows"]),
                                                under=unit, by=request.user)
            except services.UnitsImportError as error:  # the tree changed since the check
                messages.error(request, error.messages[0])
                return _page(request, {**context, "form": UnitsFileForm(), "plan": error.plan})
            messages.success(request, _created_message(len(created)))
            return redirect("org:units.detail", pk=unit.pk)
        messages.error(request, confirm.errors["plan"][0])
        return _page(request, {**context, "form": UnitsFileForm()})
    form = UnitsFileForm(*submitted(request), too_large=limit.exceeded)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.check_units_file(form.cleaned_data["file"], top=context["top"])
        except services.RosterImportError as error:
            form.add_error("file", error)
        else:
            context["plan"] = plan
            if plan.is_valid:
                context["confirm"] = ConfirmUnitsForm(salt=salt, initial={"plan": sign_plan(
                    {"rows": [row.as_list() for row in plan.rows]}, salt=salt)})
    return _page(request, {**context, "form": form})


# --- the first-run set-up -----------------------------------------------------------------------------------


@csrf_exempt
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    return _setup(request, RosterUploadLimit.install(request))


@csrf_protect
def _setup(request: HttpRequest, limit: RosterUploadLimit) -> HttpResponse:
    access.check_may_set_up(request.user)
    if org_queries.installation_is_set_up():
        messages.info(request, _("The installation is set up. Add units, or import them, from a unit's page."))
        return redirect("org:tree")
    salt = f"soisua.setup:{request.user.pk}"
    kinds = org_queries.kinds_under(None)
    context = {"setup": True}
    if request.method == "POST" and "plan" in request.POST:
        confirm = ConfirmUnitsForm(request.POST, salt=salt)
        if not confirm.is_valid():
            messages.error(request, confirm.errors["plan"][0])
            return _page(request, {**context, "form": SetupForm(kinds=kinds)})
        form = SetupForm(confirm.cleaned_data["plan"]["top"], kinds=kinds)
        rows = units.rows_from_lists(confirm.cleaned_data["plan"]["rows"])
    else:
        form = SetupForm(*submitted(request), kinds=kinds, too_large=limit.exceeded)
        rows = None
    if request.method != "POST" or not form.is_valid():
        return _page(request, {**context, "form": form})
    data = form.cleaned_data
    top = {key: data[key] for key in ("name", "code", "abbreviation", "place")}
    upload = data.get("file")
    if upload is not None and rows is None:  # check the list first, and show it
        try:
            plan = services.check_units_file(upload, top=units.Top(code=data["code"], name=data["name"],
                                                                   kind=data["kind"]))
        except services.RosterImportError as error:
            form.add_error("file", error)
            return _page(request, {**context, "form": form})
        context["plan"] = plan
        if plan.is_valid:
            context["confirm"] = ConfirmUnitsForm(salt=salt, initial={"plan": sign_plan(
                {"top": top | {"kind": data["kind"].pk}, "rows": [row.as_list() for row in plan.rows]}, salt=salt)})
        return _page(request, {**context, "form": form})
    try:
        root, created = services.set_up_installation(kind=data["kind"], rows=rows, by=request.user, **top)
    except services.UnitsImportError as error:
        messages.error(request, error.messages[0])
        return _page(request, {**context, "form": form, "plan": error.plan})
    except DomainError as error:  # refused as a whole (set up meanwhile by someone else)
        form.add_error(None, error)
        return _page(request, {**context, "form": form})
    messages.success(request, " ".join((_("The installation is set up."), _created_message(len(created) + 1),
                                        _("Grant the first roles on the top unit's Roles page."))))
    return redirect("org:units.detail", pk=root.pk)
