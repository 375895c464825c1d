import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from soisua.audit import queries as audit
from soisua.audit.views import render_history
from soisua.core import agenda
from soisua.core.caching import cached_page
from soisua.core.errors import DomainError
from soisua.core.querytext import clean_query
from soisua.core.views import perform, render_form_page, save_form
from soisua.notifications import queries as notifications

from . import access, queries, services
from .forms import (
    AccountForm,
    GrantForm,
    MemberForm,
    MoveUnitForm,
    NewMemberForm,
    PostForm,
    SearchForm,
    StandInForm,
    StatusForm,
    TransferForm,
    UnitForm,
)
from .models import PATH_STEP


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = access.scope_for(request.user)
    units = list(queries.units_by_ids(scope.top_units()))
    if not units and access.can_set_up_installation(request.user):  # a new installation: its first run
        return redirect("setup")
    totals = queries.member_totals(units[:12])
    cards = [(unit, totals[unit.pk]) for unit in units[:12]]
    return render(request, "org/dashboard.html", {"cards": cards, "more": len(units) > 12,
                                                  "agenda": agenda.cached_agenda_for(
                                                      request.user, timezone.localdate(),
                                                      stamp=(notifications.newest_id(request.user),
                                                             audit.newest_by(request.user), scope.signature)),
                                                  "own_member_id": getattr(scope, "member_id", None)})


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    units = list(queries.units_by_ids(access.scope_for(request.user).top_units()))
    if not units and access.can_set_up_installation(request.user):
        return redirect("setup")
    return render(request, "org/tree.html", {"units": units,
                                             "not_set_up": not units and not queries.installation_is_set_up()})


@login_required
@require_GET
def tree_children(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk)
    return render(request, "org/tree.html#branch", {"units": queries.children_of(unit)})


@login_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, brief=True)
    # The page shows the unit's data (versioned by content_version) as the viewer's grants allow, so viewers with
    # the same grants share one rendering until the unit changes; the access check above runs on every request.
    # Writes below do not bump the highest levels (services.TOUCH_MIN_DEPTH): their pages refresh every minute.
    freshness = int(time.time() // 60) if len(unit.path) // PATH_STEP < services.TOUCH_MIN_DEPTH else 0
    key = ("unit", unit.pk, unit.content_version, freshness, access.scope_for(request.user).signature,
           request.GET.get("page", "1")[:12])
    return cached_page(request, key=key, render=lambda extra: _render_unit_detail(request, pk, extra),
                       viewer_name=access.viewer_name(request.user))


def _render_unit_detail(request: HttpRequest, pk: int, extra: dict) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk)
    counts = queries.member_counts(unit)
    # Only cells list members; a committee's page would pay for an empty list.
    members = queries.member_page(unit, request.GET.get("page"), counts=counts) if unit.kind.holds_members else None
    return render(request, "org/unit_detail.html", {
        "unit": unit,
        "breadcrumbs": queries.visible_ancestors(request.user, unit),
        "children": queries.children_of(unit),
        "posts": queries.unit_posts(unit),
        "page": members,
        "counts": counts,
        "can_write": access.can_write_unit(request.user, unit),
        "can_administer": access.can_administer_unit(request.user, unit),
        # The exchange page exports for those who may see the members' personal data and imports for administrators
        # and staff (documents.policy): each of them is led to it.
        "can_exchange": (access.can_see_personal_data_in(request.user, unit)
                         or access.can_administer_unit(request.user, unit)),
        "follows_subtree": access.follows_subtree(request.user, unit),
        # Moving changes the parent's tree, so it takes administering the parent, not only the unit.
        "can_move": access.can_move_unit(request.user, unit),
        "can_stand_in": access.can_stand_in_for(request.user, unit),
        "can_read_history": access.can_read_history(request.user, unit),
        **extra,
    })


@login_required
@require_GET
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    # The trail names who exported the members' personal data: leadership, levels above and inspectors only.
    unit = access.get_unit_for_user(request.user, pk, history=True)
    return render_history(request, unit, title=unit.name, back_url=reverse("org:units.detail", args=[unit.pk]))


def _without_version(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "version"}


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # The tree's structure (kinds, codes, names) is for administrators and committee staff, not cell secretaries.
    unit = access.get_unit_for_user(request.user, pk, administer=True)
    initial = {field: getattr(unit, field) for field in services.UNIT_FIELDS} | {"version": unit.version}
    kinds = queries.kinds_under(unit.parent) | queries.kinds_by_ids([unit.kind_id])
    form = UnitForm(request.POST or None, initial=initial, kinds=kinds.distinct())
    done, _unit = save_form(request, form, lambda data: services.update_unit(
        unit, by=request.user, version=data["version"], **_without_version(data)), success=_("Unit saved."))
    if done:
        return redirect("org:units.detail", pk=unit.pk)
    return render_form_page(request, form, title=_("Edit %(unit)s") % {"unit": unit.name},
                            back_url=reverse("org:units.detail", args=[unit.pk]), back_label=unit.name)


@login_required
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = access.get_unit_for_user(request.user, pk, administer=True)
    form = UnitForm(request.POST or None, kinds=queries.kinds_under(parent))
    done, unit = save_form(request, form, lambda data: services.create_unit(
        parent=parent, by=request.user, **_without_version(data)), success=_("Unit created."))
    if done:
        return redirect("org:units.detail", pk=unit.pk)
    return render_form_page(request, form, title=_("New unit under %(unit)s") % {"unit": parent.name},
                            back_url=reverse("org:units.detail", args=[parent.pk]), back_label=parent.name)


@login_required
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, move=True)
    parents = queries.possible_parents(request.user, unit)
    form = MoveUnitForm(request.POST or None, parents=parents)
    done, _unit = save_form(request, form, lambda data: _move(request.user, unit, data["new_parent"]),
                            success=_("Unit moved."), error_field="new_parent")
    if done:
        return redirect("org:units.detail", pk=unit.pk)
    return render_form_page(request, form, title=_("Move %(unit)s") % {"unit": unit.name},
                            back_url=reverse("org:units.detail", args=[unit.pk]), back_label=unit.name,
                            submit_label=_("Move"))


def _move(user, unit, new_parent):
    """The new parent must be a unit the user administers too (403 otherwise)."""
    new_parent = access.get_unit_for_user(user, new_parent.pk, administer=True)
    return services.move_unit(unit, new_parent=new_parent, by=user)


@login_required
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    cell = access.get_unit_for_user(request.user, pk, write=True)
    form = NewMemberForm(request.POST or None, cells=queries.visible_cells(request.user))
    done, member = save_form(request, form, lambda data: services.create_member(
        cell=cell, by=request.user, **_without_version(data)), success=_("Member added."))
    if done:
        return redirect("org:members.detail", pk=member.pk)
    return render_form_page(request, form, title=_("New member of %(unit)s") % {"unit": cell.name},
                            back_url=reverse("org:units.detail", args=[cell.pk]), back_label=cell.name)


@login_required
@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk)
    personal = access.can_see_personal_data(request.user, member)
    can_write = access.can_write_member(request.user, member)
    posts = queries.posts_of(member)
    return render(request, "org/member_detail.html", {
        "member": member,
        "personal": personal,
        "can_write": can_write,
        "posts": posts,
        # Ending a post that came with a role takes the power to remove that role.
        "endable_posts": {post.pk for post in posts if can_write and post.ended_on is None
                          and access.may_change_post(request.user, member=member, unit=post.unit, kind=post.kind)},
        # Where each role of the member's login comes from (a post, or an explicit grant): for the member and
        # those who manage the cell.
        "roles": queries.roles_of(request.user, member) if personal else [],
        # A login opened with a set-up code: whether the code is still valid, and who may give a new one.
        "setup_code": queries.setup_code_of(member) if personal else None,
        "can_give_setup_code": access.can_give_setup_code(request.user, member),
        "memberships": queries.memberships_of(member),
        "statuses": queries.status_changes_of(member),
        "breadcrumbs": [*queries.visible_ancestors(request.user, member.cell), member.cell]
        if access.can_read_unit(request.user, member.cell) else [],
    })


@login_required
@require_GET
def member_history(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, personal_data=True)
    return render_history(request, member, title=member.full_name,
                          back_url=reverse("org:members.detail", args=[member.pk]))


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, write=True)
    initial = {field: getattr(member, field) for field in MemberForm.base_fields if field != "version"}
    form = MemberForm(request.POST or None, initial=initial | {"version": member.version},
                      cells=queries.visible_cells(request.user))
    done, _member = save_form(request, form, lambda data: services.update_member(
        member, by=request.user, version=data["version"], **_without_version(data)), success=_("Member saved."))
    if done:
        return redirect("org:members.detail", pk=member.pk)
    return _member_form_page(request, form, member, _("Edit %(name)s") % {"name": member.full_name})


@login_required
def member_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, write=True)
    cells = queries.visible_cells(request.user).exclude(pk=member.cell_id)
    form = TransferForm(request.POST or None, cells=cells, initial={"on": timezone.localdate()})
    done, _member = save_form(request, form, lambda data: _transfer(request.user, member, data),
                              success=_("Member transferred."))
    if done:
        return redirect("org:members.detail", pk=member.pk)
    return _member_form_page(request, form, member, _("Transfer %(name)s") % {"name": member.full_name},
                             submit_label=_("Transfer"))


def _member_form_page(request, form, member, title: str, submit_label: str | None = None) -> HttpResponse:
    return render_form_page(request, form, title=title, back_url=reverse("org:members.detail", args=[member.pk]),
                            back_label=member.full_name, submit_label=submit_label)


def _transfer(user, member, data: dict):
    """The member moves to a cell the user writes too (403 otherwise)."""
    to_cell = access.get_unit_for_user(user, data["to_cell"].pk, write=True)
    return services.transfer_member(member, to_cell=to_cell, on=data["on"], reason=data["reason"], by=user)


@login_required
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, write=True)
    form = StatusForm(request.POST or None, initial={"status": member.status, "on": timezone.localdate()})
    done, _member = save_form(request, form,
                              lambda data: services.change_member_status(member, by=request.user, **data),
                              success=_("Status changed."), error_field="status")
    if done:
        return redirect("org:members.detail", pk=member.pk)
    return _member_form_page(request, form, member, _("Change the status of %(name)s") % {"name": member.full_name})


@login_required
def member_post(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, write=True)
    kinds = access.assignable_posts(request.user, member=member, unit=member.cell)
    form = PostForm(request.POST or None, initial={"started_on": timezone.localdate()}, kinds=kinds)
    done, _post = save_form(request, form, lambda data: services.assign_post(member, unit=member.cell, by=request.user,
                                                                           **data),
                            success=_("Post assigned."), error_field="kind")
    if done:
        return redirect("org:members.detail", pk=member.pk)
    intro = " ".join((
        _("In a cell, the secretary and the deputy secretary get the secretary role on the cell, and a member of the "
          "cell committee the committee role, as long as they hold the post."),
        _("The role goes to the member's login, or to the login opened for them later.") if member.user_id is None
        else _("The role goes to the member's login, %(username)s.") % {"username": member.user.username},
        _("A post that comes with a role is offered only if you may grant that role.")))
    return render_form_page(request, form, title=_("Assign a post to %(name)s") % {"name": member.full_name},
                            back_url=reverse("org:members.detail", args=[member.pk]), back_label=member.full_name,
                            intro=intro)


@login_required
@require_GET
def member_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    within = None
    if unit_id := request.GET.get("unit", "").strip():
        # Figures 0-9 only ("²" is a digit to Python but not a number int() reads).
        figures = unit_id.isascii() and unit_id.isdigit()
        if figures and len(unit_id) > 18:  # beyond any id: not found, and never sent to a query
            raise Http404
        within = access.get_unit_for_user(request.user, int(unit_id)) if figures else None
    results = None
    try:
        text = clean_query(request.GET.get("q"))
    except DomainError as error:  # control characters or too long: the reason, and no results
        messages.error(request, error.messages[0])
        text = ""
    if text and form.is_valid():
        results = Paginator(queries.search_members(request.user, text, within=within),
                            settings.MEMBER_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "org/search.html#results" if request.htmx else "org/search.html"
    return render(request, template, {"form": form, "page": results, "within": within})



@never_cache
@login_required
def member_account(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a login for a member: the password is chosen from a link sent to the address on record, or with a
    one-time set-up code shown on this response only (it is not stored)."""
    member = access.get_member_for_user(request.user, pk, write=True)
    form = AccountForm(request.POST or None, email=member.email)
    by_code = form.is_valid() and form.cleaned_data["method"] == AccountForm.CODE
    done, result = save_form(request, form, lambda data: _create_login(request.user, member, data),
                             success=_("Login created. Hand the member the set-up code below: it is shown only now.")
                             if by_code else _("Login created; a link to choose a password was e-mailed to the "
                                               "member."), error_field="username")
    if done:
        return _setup_code_sheet(request, member, result) if by_code else redirect("org:members.detail", pk=member.pk)
    intro = (_("The member chooses the password from a link sent to the address on their record, %(email)s, or "
               "with a set-up code that you hand over; the cell's leadership is told that you opened the login.")
             % {"email": member.email} if member.email
             else _("This member has no e-mail address on record: the login is opened with a one-time set-up code, "
                    "shown to you once, that you hand to the member on paper or by SMS. The member chooses the "
                    "password with it; the cell's leadership is told that you opened the login."))
    return render_form_page(request, form, title=_("Open a login for %(name)s") % {"name": member.full_name},
                            back_url=reverse("org:members.detail", args=[member.pk]), back_label=member.full_name,
                            submit_label=_("Create login"), intro=intro)


def _create_login(user, member, data: dict):
    """The one service call of the form: by e-mail, or with a set-up code."""
    if data["method"] == AccountForm.CODE:
        return services.create_account_with_code(member, username=data["username"], by=user)
    return services.create_account(member, username=data["username"], by=user)


@never_cache
@login_required
@require_POST
def member_setup_code(request: HttpRequest, pk: int) -> HttpResponse:
    """A new set-up code for a member's login whose password is not chosen yet, shown on this response only; the
    earlier code stops working. The same power as opening the login."""
    member = access.get_member_for_user(request.user, pk, write=True)
    done, issued = perform(request, lambda: services.renew_setup_code(member, by=request.user),
                           success=_("New set-up code issued: the earlier one no longer works. Hand this one to the "
                                     "member: it is shown only now."))
    if not done:
        return redirect("org:members.detail", pk=member.pk)
    return _setup_code_sheet(request, member, issued)


def _setup_code_sheet(request: HttpRequest, member, issued) -> HttpResponse:
    """The printable sheet for the member: user name, code, until when, and the address of the set-up page."""
    return render(request, "org/setup_code.html", {
        "member": member, "issued": issued,
        "activate_url": settings.SITE_URL.rstrip("/") + reverse("accounts:activate"),
        "hours": settings.ACCOUNT_SETUP_CODE_HOURS})


@login_required
def unit_grants(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, administer=True)
    form = GrantForm(request.POST or None, roles=access.grantable_roles(request.user, unit))
    done, _grant = save_form(request, form, lambda data: services.grant_role(
        data["username"], unit=unit, role=data["role"], by=request.user), success=_("Role granted."),
        error_field="role")
    if done:
        return redirect("org:units.grants", pk=unit.pk)
    grants = queries.grants_on(request.user, unit)
    return render(request, "org/grants.html", {"unit": unit, "grants": grants, "form": form})


@login_required
@require_POST
def unit_grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, administer=True)
    grant = access.get_grant_on(unit, grant_pk)
    perform(request, lambda: services.revoke_role(grant, by=request.user), success=_("Role removed."))
    return redirect("org:units.grants", pk=unit.pk)


@login_required
@require_POST
def unit_grant_reset_two_factor(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    """Reset the two-factor login of a role holder on the unit (a lost phone): the service asks the policy."""
    unit = access.get_unit_for_user(request.user, pk, administer=True)
    grant = access.get_grant_on(unit, grant_pk)
    perform(request, lambda: services.reset_two_factor(grant.user, by=request.user),
            success=_("Two-factor login reset: the person sets it up again at their next login."))
    return redirect("org:units.grants", pk=unit.pk)


@login_required
@require_POST
def member_post_end(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    member = access.get_member_for_user(request.user, pk, write=True)
    post = access.get_open_post_of(member, post_pk)
    perform(request, lambda: services.end_post(post, by=request.user), success=_("Post ended."))
    return redirect("org:members.detail", pk=member.pk)


@login_required
def unit_stand_in(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator acts as the unit's committee towards the units under it, for a stated reason."""
    unit = access.get_unit_for_user(request.user, pk, stand_in=True)
    form = StandInForm(request.POST or None)
    done, _record = save_form(request, form, lambda data: services.stand_in(unit, reason=data["reason"],
                                                                              by=request.user),
                              success=_("You now act as this committee for the next hours."), error_field="reason")
    if done:
        return redirect("org:units.stand_in", pk=unit.pk)
    stand_ins = queries.stand_ins_on(unit)
    acting = any(record.active and record.user_id == request.user.pk for record in stand_ins)
    return render(request, "org/stand_in.html", {"unit": unit, "form": form, "stand_ins": stand_ins,
                                                 "acting": acting})


@login_required
@require_POST
def unit_stand_in_end(request: HttpRequest, pk: int, stand_in_pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, pk, stand_in=True)
    record = access.get_own_stand_in(request.user, unit, stand_in_pk)
    perform(request, lambda: services.end_stand_in(record, by=request.user), success=_("Stand-in ended."))
    return redirect("org:units.stand_in", pk=unit.pk)
