"""Reads of early warnings: those of a unit's subtree (its page and the dashboards above it), what a warning rests
on (its evidence, as links), the rules in force and their history."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from soisua.corrections.models import Shortcoming
from soisua.directives.models import Directive, ReportingPeriod
from soisua.meetings.models import Meeting
from soisua.org import queries as org_queries
from soisua.org.models import Member, Unit, UnitKind
from soisua.reviews.models import Cycle

from .enums import LIVE_STATUSES, AlertStatus, Check
from .models import Alert, Rule

PAGE = 50


def in_subtree(unit: Unit) -> QuerySet[Alert]:
    """Warnings about the unit and everything under it: a province by its key, the root without a filter, other
    units by path and their province's key (one partition, docs/deploy.md)."""
    return org_queries.in_subtree(Alert.objects.all(), unit)


def live_in_subtree(unit: Unit) -> QuerySet[Alert]:
    return in_subtree(unit).filter(status__in=LIVE_STATUSES)


def listing(unit: Unit | None, *, status: str = "", check: str = "", within: Q | None = None,
            opened_from: datetime.date | None = None, opened_to: datetime.date | None = None) -> QuerySet[Alert]:
    """The subtree's warnings (every unit's without `unit`: the API's list) of one status (live by default) and
    check, `within` the rows the reader may open; `opened_from`, `opened_to`: (last) opened on those days."""
    rows = (in_subtree(unit) if unit is not None else Alert.objects.all()).filter(within or Q())
    if opened_from is not None:
        rows = rows.filter(opened_at__date__gte=opened_from)
    if opened_to is not None:
        rows = rows.filter(opened_at__date__lte=opened_to)
    rows = rows.filter(status=status) if status in AlertStatus.values else rows.filter(status__in=LIVE_STATUSES)
    if check in Check.values:
        rows = rows.filter(kind=check)
    return rows.select_related("unit", "owner", "member", "member__cell").order_by("-opened_at", "-pk")


def counts_by_check(unit: Unit, *, within: Q | None = None) -> list[tuple[str, str, int, int]]:
    """(check, label, open, acknowledged) of the subtree's live warnings (`within` the rows the reader may open),
    the most open first."""
    rows = (live_in_subtree(unit).filter(within or Q()).values_list("kind", "status")
            .annotate(count=Count("pk")).order_by())
    counts: dict[str, dict[str, int]] = {}
    for kind, status, count in rows:
        counts.setdefault(kind, {})[status] = count
    return sorted(((kind, Check(kind).label, figures.get(AlertStatus.OPEN, 0), figures.get(AlertStatus.ACKNOWLEDGED, 0))
                   for kind, figures in counts.items()), key=lambda row: (-row[2], -row[3], row[1]))


def open_for_units(unit_ids: list[int], *, limit: int = 10) -> list[Alert]:
    """Open warnings about these units or owned by them (a leadership's home page): the newest first."""
    return list(Alert.objects.filter(Q(owner_id__in=unit_ids) | Q(unit_id__in=unit_ids), status=AlertStatus.OPEN)
                .select_related("unit", "owner").order_by("-opened_at", "-pk")[:limit])


def get(pk: int) -> Alert:
    return Alert.objects.select_related("unit", "owner", "member", "member__cell", "rule", "rule__receiver",
                                        "acknowledged_by").get(pk=pk)


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str
    # What the reader must be allowed to open for the label to be shown to them (None: nothing, a figure).
    target: object = None


def evidence_of(alert: Alert) -> list[Evidence]:
    """What the warning rests on, each with the page that shows it and the object that page shows (the alerts
    policy names and links only those the reader may open; the page checks again)."""
    data = alert.evidence or {}
    items: list[Evidence] = []
    if alert.subject.startswith("cycle:"):
        cycle = Cycle.objects.filter(pk=alert.subject.split(":")[1]).first()
        if cycle is not None:
            items.append(Evidence(_("Review progress in “%(cycle)s”") % {"cycle": cycle.title},
                                  reverse("reviews:cycles.unit", args=[cycle.pk, alert.unit_id]), alert.unit))
    if data.get("members"):
        members = Member.objects.select_related("cell").in_bulk(data["members"])
        items += [Evidence(members[pk].full_name, reverse("org:members.detail", args=[pk]), members[pk])
                  for pk in data["members"] if pk in members]
    if data.get("meetings"):
        meetings = Meeting.objects.select_related("unit").in_bulk(data["meetings"])
        items += [Evidence(_("%(title)s, %(day)s") % {"title": meetings[pk].title,
                                                      "day": meetings[pk].starts_at.strftime("%d/%m/%Y")},
                           reverse("meetings:detail", args=[pk]), meetings[pk])
                  for pk in data["meetings"] if pk in meetings]
    if data.get("shortcomings"):
        rows = Shortcoming.objects.select_related("unit", "followed_by", "review").in_bulk(data["shortcomings"])
        items += [Evidence(rows[pk].text[:120], reverse("corrections:shortcomings.detail", args=[pk]), rows[pk])
                  for pk in data["shortcomings"] if pk in rows]
    if data.get("directives"):
        rows = Directive.objects.select_related("issuer").in_bulk(data["directives"])
        items += [Evidence(f"{rows[pk].symbol}: {rows[pk].title}", reverse("directives:detail", args=[pk]),
                           rows[pk]) for pk in data["directives"] if pk in rows]
    if data.get("periods"):
        rows = ReportingPeriod.objects.select_related("directive", "directive__issuer").in_bulk(data["periods"])
        items += [Evidence(_("Report due %(day)s on %(symbol)s") % {
            "day": rows[pk].due_on.strftime("%d/%m/%Y"),
            "symbol": rows[pk].directive.symbol}, reverse("directives:detail", args=[rows[pk].directive_id]),
            rows[pk].directive) for pk in data["periods"] if pk in rows]
    items += [Evidence(_month_range(period), "") for period in data.get("missing", [])]
    if data.get("months"):
        items += [Evidence(_("Months counted: %(months)s") % {"months": ", ".join(data["months"])}, "")]
    return items


def _month_range(period: str) -> str:
    """"2027-07" → "07/2027"; a quarter "2027-07…2027-09" → "07/2027 – 09/2027"."""
    return " – ".join(f"{part[5:7]}/{part[:4]}" for part in period.split("…"))


def current_rules() -> list[Rule]:
    return list(Rule.objects.filter(current=True).select_related("receiver", "created_by").order_by("kind"))


def recent_changes(limit: int = 20) -> list[Rule]:
    """The latest edits of any rule (versions after the first), newest first."""
    return list(Rule.objects.filter(version__gt=1).select_related("receiver", "created_by")
                .order_by("-created_at", "-pk")[:limit])


def rule_history(rule: Rule) -> list[Rule]:
    return list(Rule.objects.filter(kind=rule.kind).select_related("receiver", "created_by").order_by("-version"))


def get_rule(pk: int) -> Rule:
    return Rule.objects.select_related("receiver").get(pk=pk)


def levels() -> list[UnitKind]:
    return list(UnitKind.objects.order_by("order"))
