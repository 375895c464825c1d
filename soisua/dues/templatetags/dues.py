"""What other apps' pages show of party dues, without their views knowing the dues app: this month's figure on a
cell's page and a member's arrears on the member's page, each shown only to those the dues policy lets read it."""

from django import template
from django.utils import timezone

from soisua.core.formats import number

from .. import policy, queries

register = template.Library()


@register.filter
def dong(value) -> str:
    """An amount in đồng, its thousands grouped as the reader's language groups them."""
    return number(value, grouped=True)


@register.inclusion_tag("dues/cell_figure_card.html", takes_context=True)
def dues_month_figure(context, unit):
    user = context["request"].user
    if not policy.can_read_cell_dues(user, unit):
        return {"shown": False}
    figure = queries.month_figure(unit, timezone.localdate())
    return {"shown": True, "unit": unit, "figure": figure, "month": timezone.localdate()}


@register.inclusion_tag("dues/import_card.html", takes_context=True)
def dues_import_card(context, unit):
    """On a committee's page, for its committee and staff: the import of the payments of the cells below."""
    return {"shown": policy.can_import_payments(context["request"].user, unit), "unit": unit}


@register.inclusion_tag("dues/member_summary_card.html", takes_context=True)
def dues_member_summary(context, member):
    user = context["request"].user
    if not policy.can_read_member_dues(user, member):
        return {"shown": False}
    return {"shown": True, "member": member, "standing": queries.member_standing(member, timezone.localdate())}
