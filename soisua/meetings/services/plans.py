"""The topic library, a committee's annual topic plan, a cell's plan, and the regular meetings generated from it."""

import datetime

from django.db import transaction
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.org.models import Unit

from ..enums import MeetingKind
from ..models import CellPlan, CellTopic, Meeting, Topic, TopicPlan
from ..queries import rules_on
from .common import MeetingError, clean
from .scheduling import schedule_meeting


@transaction.atomic
def save_topic(unit: Unit, *, title: str, summary: str = "", materials: str = "", tags: list[str] = (),
               topic: Topic | None = None, by) -> Topic:
    """Add a topic to a committee's library, or change one. Side effects: the topic; audit entry."""
    topic = topic or Topic(unit=unit, created_by=person(by))
    topic.title = clean(title, _("title"), 255)
    if not topic.title:
        raise MeetingError(_("Give the topic a title."), code="title")
    topic.summary, topic.materials = clean(summary, _("summary")), clean(materials, _("suggested materials"))
    topic.tags = sorted({tag.strip()[:60] for tag in tags if tag.strip()})[:20]
    topic.save()
    audit.record(by, "meetings.topic.save", topic, {"title": topic.title})
    return topic


@transaction.atomic
def save_topic_plan(unit: Unit, year: int, *, topics: list[Topic], note: str = "", publish: bool = False,
                    by) -> TopicPlan:
    """A committee's recommended thematic topics for `year`, published to its subtree when `publish`.

    Refused: topics from another committee's library that is not an ancestor's (a committee recommends its own
    and its superiors' topics). Side effects: the plan; audit entry.
    """
    allowed = set(unit.ancestor_paths()) | {unit.path}
    for topic in topics:
        if topic.unit.path not in allowed:
            raise MeetingError(_("“%(topic)s” is not in the library of this committee or of a committee above it.")
                               % {"topic": topic.title}, code="topic")
    plan, _created = TopicPlan.objects.select_for_update().get_or_create(unit=unit, year=year)
    plan.note = clean(note, _("note"))
    if publish and plan.published_at is None:
        plan.published_at, plan.published_by = timezone.now(), person(by)
    plan.save()
    plan.topics.set(topics)
    audit.record(by, "meetings.topic_plan.save", plan, {"year": year, "topics": [t.pk for t in topics],
                                                        "published": plan.published_at is not None})
    return plan


def topics_for_cell(unit: Unit, year: int):
    """The topics published for `year` by the cell's committees (its ancestors), for the cell to pick from."""
    return (Topic.objects.filter(plans__unit__path__in=unit.ancestor_paths(), plans__year=year,
                                 plans__published_at__isnull=False).distinct().order_by("title"))


@transaction.atomic
def save_cell_plan(unit: Unit, year: int, *, meeting_day: int, meeting_time: datetime.time, place: str = "",
                   topics: dict[int, list[Topic]] | None = None, by) -> CellPlan:
    """A cell's year: its fixed meeting day and time, and the topics it picked per quarter (1–4).

    Refused: a day outside 1–28 (every month has it), a topic not published to the cell for that year.
    Side effects: the plan and its topic choices; audit entry.
    """
    if not unit.kind.holds_members:
        raise MeetingError(_("Meetings are held by cells."), code="unit")
    if not 1 <= meeting_day <= 28:
        raise MeetingError(_("The fixed meeting day must be between 1 and 28, so that every month has it."),
                           code="day")
    plan, _created = CellPlan.objects.select_for_update().get_or_create(
        unit=unit, year=year, defaults={"province_id": unit.province_id})
    plan.meeting_day, plan.meeting_time, plan.place = meeting_day, meeting_time, clean(place, _("place"), 255)
    plan.save()
    if topics is not None:
        published = set(topics_for_cell(unit, year).values_list("pk", flat=True))
        for chosen in topics.values():
            for topic in chosen:
                if topic.pk not in published:
                    raise MeetingError(_("“%(topic)s” is not among the topics published to this cell for %(year)s.")
                                       % {"topic": topic.title, "year": year}, code="topic")
        plan.topics.all().delete()
        CellTopic.objects.bulk_create([CellTopic(plan=plan, quarter=quarter, topic=topic)
                                       for quarter, chosen in sorted(topics.items()) for topic in chosen])
    audit.record(by, "meetings.cell_plan.save", plan, {
        "year": year, "day": meeting_day, "topics": {str(q): [t.pk for t in ts] for q, ts in (topics or {}).items()}})
    return plan


@transaction.atomic
def generate_regular_meetings(plan: CellPlan, *, from_month: int = 1, by) -> list[Meeting]:
    """Schedule the monthly regular meeting on the plan's fixed day for each month from `from_month` that has
    none yet (a combined session counts); months whose slot clashes with another meeting are skipped.
    Side effects: the meetings with their rolls; audit entries."""
    have = set(Meeting.objects.filter(unit=plan.unit, starts_at__year=plan.year,
                                      kind__in=(MeetingKind.REGULAR, MeetingKind.COMBINED))
               .annotate(month=ExtractMonth("starts_at")).values_list("month", flat=True))
    made = []
    for month in range(from_month, 13):
        if month in have:
            continue
        starts = plan.day_in(month)
        try:
            with transaction.atomic():
                made.append(schedule_meeting(
                    plan.unit, kind=MeetingKind.REGULAR, title=_("Regular meeting, %(month)02d/%(year)s")
                    % {"month": month, "year": plan.year}, starts_at=starts,
                    ends_at=starts + datetime.timedelta(minutes=rules_on(starts.date()).regular_min_minutes),
                    place=plan.place, by=by))
        except MeetingError:
            continue
    return made
