"""The project's URLs plus a bare view: the floor every page benchmark is compared with.

Used only by the benchmarks (bench/unit_page.py points ROOT_URLCONF here); never in production.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from soisua.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """No queries, no template: what the same middleware costs on its own."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench.bare"), *project_urlpatterns]
