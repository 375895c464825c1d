from django import template

from soisua.core.formats import number
from soisua.core.text import fold
from soisua.reviews.models import rule_subject

register = template.Library()


@register.filter
def cite(source_code: str, rule_set) -> str:
    """A rule's source as people cite it: '366-QĐ/TW (30/08/2025)'."""
    return rule_set.cite(source_code) if source_code else ""


@register.filter
def score(value) -> str:
    """A score as people read it: 24, or 24,5 with the Vietnamese decimal comma (never "24.00")."""
    return number(value)


@register.filter(name="fold")
def fold_text(value) -> str:
    """Text to search in without diacritics (core.text.fold): "tư tưởng" → "tu tuong"."""
    return fold(str(value))


@register.filter
def check_for(checks: dict, rule):
    """The latest check recorded on a rule (`queries.verifications_of`), found by the rule's subject."""
    return checks.get(rule_subject(rule))
