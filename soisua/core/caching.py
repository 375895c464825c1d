"""Whole pages served from the cache, for the hottest pages.

A cached page is keyed by everything it shows: the caller's key (its data version, read from the database on
every request so no process serves a page another process has since changed, the viewer's access signature and
the query parameters the page uses), the language, the inbox count in the header and the path. The per-request
values, the CSRF token and the name of who is logged in (the header shows it; viewers with the same grants share a
page), are rendered as placeholders and filled in on the way out. Pages with a flash message are never cached.
"""

import hashlib
from collections.abc import Callable, Iterable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import conditional_escape
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "csrf0placeholder0b7d2e9c41f6a"
NAME_PLACEHOLDER = "name0placeholder0c58a1f3e2d97"
PAGE_CACHE_SECONDS = 600


def cached_page(request: HttpRequest, *, key: Iterable, render: Callable[[dict], HttpResponse],
                viewer_name: str) -> HttpResponse:
    """Return the page for `key`, calling `render(extra_context)` only when it is not cached yet; `viewer_name` is
    the header's name of who is logged in."""
    if len(get_messages(request)):
        return render({})
    # The path without its query: the caller's key names the parameters the page uses, so junk parameters
    # cannot fill the cache.
    parts = [*key, get_language(), getattr(request.user, "inbox_unread", 0), request.path]
    cache_key = "page:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    html = cache.get(cache_key)
    if html is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER, "viewer_name": NAME_PLACEHOLDER})
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(cache_key, html, PAGE_CACHE_SECONDS)
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request))
                        .replace(NAME_PLACEHOLDER, conditional_escape(viewer_name)))
