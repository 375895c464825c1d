"""Dues' part of the year's record offered to a member's review: the months of the cycle's period the member was
expected to pay, how many were paid, and which are still owed. Registered with soisua/core/record.py (loaded by
DuesConfig.ready)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.core import record
from soisua.org.models import Member

from .enums import month_of
from .policy import can_read_member_dues
from .queries import book_of, standings

KINDS = ("dues.standing",)


def facts(review) -> list[dict]:
    if review.member_id is None:
        return []
    member = review.member
    cycle = review.cycle
    through = min(cycle.period_end, timezone.localdate())
    standing = standings([member], through=through, books={member.cell_id: book_of(member.cell)})[0]
    first = month_of(cycle.period_start)
    expected = [month for month in standing.expected if month >= first]
    if not expected:
        return []
    owed = [month for month in expected if month not in standing.paid]
    text = _("Party dues from %(first)s to %(last)s: paid %(paid)s of %(expected)s months.") % {
        "first": expected[0].strftime("%m/%Y"), "last": expected[-1].strftime("%m/%Y"),
        "paid": len(expected) - len(owed), "expected": len(expected)}
    if owed:
        text += " " + _("Still owed: %(months)s.") % {"months": ", ".join(month.strftime("%m/%Y") for month in owed)}
    return [{"key": f"dues.standing:{member.pk}", "text": text, "source": _("The cell's party dues book"),
             "group": _("Party dues"), "url": reverse("dues:member", args=[member.pk]), "file_url": "",
             "day": None}]


def links(user, asked: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """A member's dues are read by the member and by those who read their cell's dues."""
    wanted = record.ids(asked, "dues.standing")
    return {f"dues.standing:{member.pk}": (reverse("dues:member", args=[member.pk]), "")
            for member in Member.objects.filter(pk__in=wanted).select_related("cell", "cell__kind")
            if can_read_member_dues(user, member)}


record.register_source("dues", kinds=KINDS, facts=facts, links=links)
