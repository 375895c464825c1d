from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .queries import history_of, history_rows


def render_history(request: HttpRequest, obj, *, title: str, back_url: str) -> HttpResponse:
    """The audit history page of an object the caller has already shown to be visible."""
    page = Paginator(history_of(obj), 50).get_page(request.GET.get("page"))
    return render(request, "audit/history.html", {"page": page, "rows": history_rows(page.object_list),
                                                  "object": obj, "title": title, "back_url": back_url})
