"""Corrections' part of the year's record offered to a review's writer: the member's shortcomings over the cycle's
period with the state of their correction ("fix verified on …"), the evidence filed last; for the collective's
review, the cell's shortcomings counted by state and the collective's own listed. Registered with
soisua/core/record.py (loaded by CorrectionsConfig.ready)."""

import datetime

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from soisua.core import record
from soisua.org.models import Unit

from .enums import ProgressKind, ShortcomingStatus
from .models import ProgressEntry, Shortcoming
from .policy import can_see_board, visible_shortcomings

KINDS = ("corrections.shortcoming", "corrections.counts")
QUOTED_LENGTH = 160


def _day(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y") if value else ""


def _in_period(review):
    """Shortcomings that were open at some time in the cycle's period: named before its end and not verified fixed
    before its start; never one in a draft review (its writer's alone) nor one named in this very review."""
    cycle = review.cycle
    start = timezone.make_aware(datetime.datetime.combine(cycle.period_start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(cycle.period_end + datetime.timedelta(days=1),
                                                        datetime.time.min))
    return (Shortcoming.objects.filter(created_at__lt=end)
            .filter(Q(verified_at__isnull=True) | Q(verified_at__gte=start))
            .filter(Q(review__isnull=True) | Q(review__submitted_at__isnull=False))
            .exclude(review_id=review.pk)
            .prefetch_related(Prefetch("progress", queryset=ProgressEntry.objects.order_by("at", "pk"),
                                       to_attr="entries")))


def _state(shortcoming: Shortcoming) -> str:
    status = shortcoming.status
    if status == ShortcomingStatus.VERIFIED:
        return _("fix verified on %(day)s") % {"day": _day(shortcoming.verified_at)}
    if status == ShortcomingStatus.CLAIMED:
        claims = [entry for entry in shortcoming.entries if entry.kind == ProgressKind.CLAIM]
        return _("reported fixed on %(day)s, awaiting verification") % {"day": _day(claims[-1].at if claims else None)}
    if status == ShortcomingStatus.IN_PROGRESS:
        if shortcoming.next_due:
            return _("being fixed, next step due %(day)s") % {"day": _day(shortcoming.next_due)}
        return _("being fixed")
    if status == ShortcomingStatus.PLANNED:
        return _("correction plan approved")
    return _("no approved correction plan yet")


def _evidence(shortcoming: Shortcoming) -> str:
    filed = [entry for entry in shortcoming.entries if entry.evidence]
    return reverse("corrections:evidence.download", args=[filed[-1].pk]) if filed else ""


def _fact(shortcoming: Shortcoming, group: str) -> dict:
    return {"key": f"corrections.shortcoming:{shortcoming.pk}",
            "text": _("Shortcoming “%(text)s” (named on %(day)s): %(state)s.") % {
                "text": Truncator(" ".join(shortcoming.text.split())).chars(QUOTED_LENGTH),
                "day": _day(shortcoming.created_at), "state": _state(shortcoming)},
            "source": _("Correction of the shortcoming, named on %(day)s") % {"day": _day(shortcoming.created_at)},
            "group": group, "url": reverse("corrections:shortcomings.detail", args=[shortcoming.pk]),
            "file_url": _evidence(shortcoming), "day": timezone.localtime(shortcoming.created_at).date()}


def facts(review) -> list[dict]:
    group = _("Shortcomings and their correction")
    if review.member_id is not None:
        return [_fact(shortcoming, group) for shortcoming in _in_period(review).filter(member_id=review.member_id)]
    shortcomings = list(_in_period(review).filter(unit_id=review.unit_id))
    counts = dict.fromkeys(ShortcomingStatus, 0)
    for shortcoming in shortcomings:
        counts[shortcoming.status] += 1
    found = []
    if shortcomings:
        found.append({
            "key": f"corrections.counts:{review.unit_id}",
            "text": _("The cell's shortcomings open in the period: %(total)s (%(collective)s of the collective); "
                      "%(states)s.") % {
                "total": len(shortcomings),
                "collective": sum(1 for shortcoming in shortcomings if shortcoming.member_id is None),
                "states": "; ".join(f"{status.label.lower()}: {count}" for status, count in counts.items())},
            "source": _("The cell's board of corrections"), "group": group,
            "url": reverse("corrections:units.board", args=[review.unit_id]), "file_url": "", "day": None})
    found += [_fact(shortcoming, group) for shortcoming in shortcomings if shortcoming.member_id is None]
    return found


def links(user, asked: dict[str, list[str]]) -> dict[str, tuple[str, str]]:
    """A shortcoming is opened by whoever `policy.can_see_shortcoming` admits (`visible_shortcomings`); the board
    by the unit's leadership and the levels above."""
    wanted = record.ids(asked, "corrections.shortcoming")
    found = {}
    for shortcoming in (Shortcoming.objects.filter(visible_shortcomings(user), pk__in=wanted)
                        .prefetch_related(Prefetch("progress", queryset=ProgressEntry.objects.order_by("at", "pk"),
                                                   to_attr="entries"))):
        found[f"corrections.shortcoming:{shortcoming.pk}"] = (
            reverse("corrections:shortcomings.detail", args=[shortcoming.pk]), _evidence(shortcoming))
    boards = record.ids(asked, "corrections.counts")
    for unit in Unit.objects.filter(pk__in=boards):
        if can_see_board(user, unit):
            found[f"corrections.counts:{unit.pk}"] = (reverse("corrections:units.board", args=[unit.pk]), "")
    return found


record.register_source("corrections", kinds=KINDS, facts=facts, links=links)
