from django import template

register = template.Library()


@register.filter
def cite(source_code: str, rule_set) -> str:
    """A rule's source as people cite it: '366-QĐ/TW (30/08/2025)'."""
    return rule_set.cite(source_code) if source_code else ""
