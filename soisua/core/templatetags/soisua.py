"""Template helpers shared by every app (loaded as a builtin)."""

import functools

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
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


# --- The design system's components (docs/design-system.md) -------------------------------------------------------

# The tone of a status tag, by the stored value of a status field. A value that means different things in
# different places ("open": a cycle under way, a warning still to act on) takes its tone from the template.
STATUS_TONES = {
    # nothing done yet, or out of play
    "expected": "grey", "draft": "grey", "not_started": "grey", "unmarked": "grey", "excluded": "grey",
    "closed": "grey", "planned": "grey", "left": "grey", "pending": "grey", "exempt": "grey",
    # under way
    "open": "blue", "submitted": "blue", "in_progress": "blue", "notified": "blue", "claimed": "blue",
    "issued": "blue", "published": "blue", "running": "blue", "applying": "blue", "validating": "blue",
    "probationary": "blue",
    # done, and done well
    "approved": "green", "verified": "green", "done": "green", "present": "green", "concluded": "green",
    "official": "green", "resolved": "green", "valid": "green", "accepted": "green", "answered": "green",
    # wants attention
    "returned": "orange", "late": "orange", "excused": "orange", "acknowledged": "orange", "unanswered": "orange",
    "overdue": "red", "unexcused": "red", "suspended": "red", "failed": "red", "invalid": "red",
}
TONES = frozenset({"grey", "blue", "green", "orange", "red"})


@register.simple_tag
def status_tag(value, label, tone: str = "") -> str:
    """A status shown as a tag: `{% status_tag review.status review.get_status_display %}`."""
    tone = tone if tone in TONES else STATUS_TONES.get(str(value), "grey")
    return format_html('<strong class="tag tag-{}">{}</strong>', tone, label)


@register.filter
def field_anchor(field) -> str:
    """The id the error summary links to: the field's input, or the first choice of a list of radios or boxes."""
    widget = field.field.widget
    anchor = widget.id_for_label(field.auto_id) if field.auto_id else ""
    if not anchor and field.auto_id:
        anchor = f"{field.auto_id}_0"
    return anchor


@register.inclusion_tag("core/components/error_summary.html")
def error_summary(form):
    """The box at the top of a form that lists every error and links to each field."""
    fields = [(field, field.errors) for field in form if field.errors and not field.is_hidden]
    hidden = [error for field in form.hidden_fields() for error in field.errors]
    return {"form": form, "fields": fields, "other": [*form.non_field_errors(), *hidden]}


@register.inclusion_tag("core/components/empty_state.html")
def empty_state(text, url: str = "", action: str = ""):
    """What a list says when it has nothing yet, with the one thing to do about it if there is one."""
    return {"text": text, "url": url, "action": action}


class _SectionsNode(template.Node):
    """A block tag whose body is split into named sections by marker tags, each rendered in the page's context
    (so `{% csrf_token %}` and `{% url %}` work inside them), then passed to a component template."""

    component = ""
    # Every name the component reads, so that a variable of the page by the same name never leaks into it.
    defaults: dict = {}

    def __init__(self, sections: dict[str, template.NodeList], kwargs: dict):
        self.sections = sections
        self.kwargs = kwargs

    def render(self, context) -> str:
        values = {**self.defaults, **{name: value.resolve(context) for name, value in self.kwargs.items()}}
        for name, nodelist in self.sections.items():
            # Rendered by the template engine with the page's autoescaping: already safe.
            values[name] = mark_safe(nodelist.render(context).strip())
        with context.push(**values):
            return context.template.engine.get_template(self.component).render(context)


def _parse_sections(parser, token, first: str, markers: tuple[str, ...], end: str):
    bits = token.split_contents()
    kwargs = template.base.token_kwargs(bits[1:], parser)
    if len(kwargs) != len(bits) - 1:
        raise template.TemplateSyntaxError(f"{bits[0]} takes only name=value arguments")
    sections = {}
    name = first
    while True:
        sections[name] = parser.parse((*markers, end))
        token = parser.next_token()
        if token.contents == end:
            return sections, kwargs
        if token.contents in sections:
            raise template.TemplateSyntaxError(f"{token.contents} appears twice in {bits[0]}")
        name = token.contents


class PageHeaderNode(_SectionsNode):
    component = "core/components/page_header.html"
    defaults = {"caption": "", "back_url": "", "back_label": "", "lead": "", "actions": "", "more": ""}


@register.tag
def page_header(parser, token):
    """The top of every page: back link, caption, the heading, a lead, at most one primary action with a few
    secondary ones, and a "More actions" menu for the rest.

        {% page_header caption=unit.kind.label back_url=url back_label=unit.name %}{{ unit.name }}
        {% lead %}<p>…</p>
        {% actions %}<a class="button" href="…">The one primary action</a> <a class="button secondary" …>…</a>
        {% more %}<li><a href="…">…</a></li>
        {% endpage_header %}
    """
    sections, kwargs = _parse_sections(parser, token, "title", ("lead", "actions", "more"), "endpage_header")
    return PageHeaderNode(sections, kwargs)


class TableWrapNode(_SectionsNode):
    component = "core/components/table_wrap.html"
    defaults = {"label": ""}


@register.tag
def table_wrap(parser, token):
    """A table that scrolls sideways on a phone inside a focusable, named region, so keyboard users can scroll it:
    `{% table_wrap label=_("Members") %}<table>…</table>{% endtable_wrap %}`."""
    sections, kwargs = _parse_sections(parser, token, "table", (), "endtable_wrap")
    return TableWrapNode(sections, kwargs)
