"""Meeting quality's part of the year's record, offered to a unit's collective review (Chỉ thị 50-CT/TW asks that
the quality of meetings be tied to the yearly rating): the regular meetings of the cycle's period by the level their
cell gave them, those not assessed, and the members' average rating once enough were given. Read from the subtree
counters; registered with soisua/core/record.py (loaded by QualityConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.core import record
from soisua.org import access
from soisua.org.models import Unit

from . import queries

KINDS = ("quality.year",)


def _periods(start, end) -> list[str]:
    first, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return [f"{month // 12:04d}-{month % 12 + 1:02d}" for month in range(first, last + 1)]


def facts(review) -> list[dict]:
    if review.member_id is not None:
        return []
    cycle = review.cycle
    figures = queries.distribution(review.unit, _periods(cycle.period_start, cycle.period_end))
    if not figures.regular and not figures.assessed:
        return []
    levels = ", ".join(f"{level.label} {count}" for level, count, _share in figures.rows if count)
    text = _("Regular meetings from %(first)s to %(last)s: %(regular)s, of which %(assessed)s assessed "
             "(%(levels)s) and %(missing)s not assessed.") % {
        "first": cycle.period_start.strftime("%m/%Y"), "last": cycle.period_end.strftime("%m/%Y"),
        "regular": figures.regular, "assessed": figures.assessed, "levels": levels or "—",
        "missing": figures.not_assessed}
    if figures.rating_average is not None:
        text += " " + _("Members' average rating: %(average)s of 4 (%(level)s).") % {
            "average": figures.rating_text, "level": figures.rating_label}
    return [{"key": f"quality.year:{review.unit_id}", "text": text, "source": _("Meeting quality assessments"),
             "group": _("Meeting quality"), "url": reverse("quality:unit", args=[review.unit_id]), "file_url": "",
             "day": None}]


def links(user, asked: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """The unit's criteria page, for whoever reads the unit."""
    wanted = record.ids(asked, "quality.year")
    return {f"quality.year:{unit.pk}": (reverse("quality:unit", args=[unit.pk]), "")
            for unit in Unit.objects.filter(pk__in=wanted).select_related("kind") if access.can_read_unit(user, unit)}


record.register_source("quality", kinds=KINDS, facts=facts, links=links)
