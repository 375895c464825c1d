"""Template helpers shared by every app (loaded as a builtin)."""

import functools

from django import template
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced, for pagination links."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + urlencode(sorted(params.items()))


@register.filter
def percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (level names by code); empty when absent."""
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def main_nav(inbox_unread: int = 0) -> str:
    """The header navigation. Its links and labels only vary with the language and the unread count, and it is
    on every page, so it is rendered once per process for each pair."""
    return _main_nav(get_language(), inbox_unread)


@functools.lru_cache(maxsize=512)
def _main_nav(language: str, inbox_unread: int) -> str:
    return render_to_string("core/nav.html", {"inbox_unread": inbox_unread})
