from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from soisua.core.views import save_form

from . import policy, queries, services
from .forms import PreferencesForm


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.inbox_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = policy.get_notification_for_user(request.user, pk)
    services.mark_read(notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, current=queries.preferences_of(request.user))
    done, _result = save_form(request, form, lambda data: services.set_preferences(request.user, form.choices(),
                                                                                   by=request.user),
                              success=_("Your choices are saved."))
    if done:
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "mandatory": queries.mandatory_kinds()})
