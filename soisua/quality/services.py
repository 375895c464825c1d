"""Writes of meeting quality (docs/domain.md, "Meeting quality"). Each owns its transaction, its audit entry, the
counters and the message to whoever acts next, and raises a translated `QualityError`."""

import datetime
import random

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from soisua.audit import services as audit
from soisua.core.actors import person
from soisua.core.errors import Conflict, DomainError, check_version, clean_text
from soisua.meetings.models import Meeting
from soisua.meetings.queries import roll_line_of
from soisua.notifications.services import notify
from soisua.org import access
from soisua.org.enums import Role
from soisua.org.models import Unit

from . import queries, rollup
from .enums import RATING_LEVELS, AssessmentStatus
from .models import Assessment, MemberRating, QualityRubric, RatingMark, RubricChoice

MAX_COMMENT = 4000


class QualityError(DomainError):
    """A refused change to a meeting's quality; the message is already translated."""


class StaleAssessment(Conflict, QualityError):
    pass


def _held(meeting: Meeting) -> None:
    if not queries.is_assessable(meeting):
        raise QualityError(_("Only regular meetings are assessed."), code="kind")
    if not queries.is_held(meeting):
        raise QualityError(_("The meeting has not been held yet: it is assessed after it ends."), code="not_held")


@transaction.atomic
def record_assessment(meeting: Meeting, *, judged: dict[str, dict], comment: str = "", version: int | None = None,
                      by) -> Assessment:
    """Record the assessment the cell decided for a held regular meeting: computed criteria from the record,
    judged ones as given (`judged`: {code: {"met": bool} or {"points": int}}), the total and level from the
    version's bands. A confirmed assessment is not changed.

    Side effects: creates or updates the assessment (decided by `by`, now); moves the meeting's level in the
    counters; audit entry; tells the liaison (or the superior committee) who confirms it.
    """
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("unit", "liaison").get(pk=meeting.pk)
    _held(meeting)
    # Locked too: a confirmation locks the assessment alone, and must not slip between this read and the save.
    assessment = (Assessment.objects.select_for_update(of=("self",)).filter(meeting=meeting)
                  .select_related("rubric").first())
    if assessment is not None:
        if assessment.status == AssessmentStatus.CONFIRMED:
            raise QualityError(_("This assessment is confirmed by the upper level: it cannot be changed."),
                               code="confirmed")
        check_version(assessment.version, version, error=StaleAssessment)
        rubric = assessment.rubric
    else:
        rubric, _choice = queries.rubric_for(meeting.unit)
        if rubric is None:
            raise QualityError(_("No meeting quality criteria are installed."), code="rubric")
    facts = queries.facts_of(meeting)
    lines, errors = {}, []
    for line in queries.lines_for(rubric, facts):
        if line.computed:
            lines[line.code] = {"met": line.met, "points": line.points if rubric.scored else None}
            continue
        given = judged.get(line.code) or {}
        if rubric.scored:
            points = given.get("points")
            if points is None or not 0 <= points <= line.max_points:
                errors.append(_("Give “%(criterion)s” between 0 and %(max)s points.") % {
                    "criterion": line.text, "max": line.max_points})
                continue
            lines[line.code] = {"met": points == line.max_points, "points": points}
        else:
            met = given.get("met")
            if met is None:
                errors.append(_("Say whether “%(criterion)s” is met.") % {"criterion": line.text})
                continue
            lines[line.code] = {"met": bool(met), "points": None}
    if errors:
        raise QualityError(errors, code="incomplete")
    total = sum(line["points"] or 0 for line in lines.values()) if rubric.scored else None
    level = rubric.level_for(total, all(line["met"] for line in lines.values()))
    comment = clean_text(comment, _("Comment"), MAX_COMMENT, error=QualityError)
    old_level = assessment.level if assessment is not None else ""
    if assessment is None:
        assessment = Assessment(meeting=meeting, unit=meeting.unit, rubric=rubric)
    else:
        assessment.version += 1
    assessment.lines, assessment.total, assessment.level, assessment.comment = lines, total, level, comment
    assessment.decided_by, assessment.decided_at = person(by), timezone.now()
    assessment.save()
    rollup.count_level(meeting, old_level, level)
    audit.record(by, "quality.assessment.record", assessment,
                 {"level": [old_level, level], "total": total, "meeting": meeting.pk})
    _tell_confirmers(meeting, assessment, by=by)
    return assessment


def confirmers(meeting: Meeting) -> list:
    """Who confirms: the liaison's login, else the directly superior committee (its committee members and staff)."""
    if meeting.liaison_id is not None:
        return [meeting.liaison.user] if meeting.liaison.user_id else []
    return access.users_with_roles(meeting.unit.parent_id, {Role.COMMITTEE, Role.STAFF})


def _tell_confirmers(meeting: Meeting, assessment: Assessment, *, by) -> None:
    actor = person(by)
    url = reverse("quality:meeting", args=[meeting.pk])
    for user in confirmers(meeting):
        if actor is None or user.pk != actor.pk:
            notify(user, kind="quality.assessed", url=url,
                   event_key=f"quality-assessed:{meeting.pk}:{assessment.version}:{user.pk}",
                   template="quality/notifications/assessed",
                   context={"meeting": meeting, "unit": meeting.unit.name,
                            "level": assessment.get_level_display()})


@transaction.atomic
def confirm_assessment(meeting: Meeting, *, version: int | None = None, by) -> Assessment:
    """The upper level confirms the cell's assessment; it is locked from then on.

    Side effects: marks it confirmed by `by`, now; audit entry; tells the cell's leadership.
    """
    assessment = Assessment.objects.select_for_update().select_related("meeting", "unit").filter(
        meeting=meeting).first()
    if assessment is None:
        raise QualityError(_("The cell has not assessed this meeting yet."), code="missing")
    if assessment.status == AssessmentStatus.CONFIRMED:
        raise QualityError(_("This assessment is already confirmed."), code="confirmed")
    check_version(assessment.version, version, error=StaleAssessment)
    assessment.status, assessment.confirmed_by, assessment.confirmed_at = (
        AssessmentStatus.CONFIRMED, person(by), timezone.now())
    assessment.version += 1
    assessment.save()
    audit.record(by, "quality.assessment.confirm", assessment, {"status": [AssessmentStatus.DECIDED,
                                                                           AssessmentStatus.CONFIRMED]})
    actor = person(by)
    for user in access.users_with_roles(meeting.unit_id, {Role.SECRETARY, Role.COMMITTEE}):
        if actor is None or user.pk != actor.pk:
            notify(user, kind="quality.confirmed", url=reverse("quality:meeting", args=[meeting.pk]),
                   event_key=f"quality-confirmed:{meeting.pk}:{user.pk}",
                   template="quality/notifications/confirmed",
                   context={"meeting": meeting, "unit": meeting.unit.name, "level": assessment.get_level_display()})
    return assessment


@transaction.atomic
def rate_meeting(meeting: Meeting, *, level: str, comment: str = "", by) -> MemberRating:
    """A member present at a held regular meeting rates it, anonymously, once, within QUALITY_RATING_DAYS after
    its end.

    Side effects: stores the rating without its author and dated by the day only, and apart from it a keyed hash
    of the meeting and the person (queries.rater_key) that refuses a second rating; moves the counters. Its audit
    entry, without an actor and dated by the day, is written the night after (audit_ratings).
    """
    # One rating of a meeting at a time: its counters move once its ratings reach the minimum (rollup.count_rating).
    list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True))
    _held(meeting)
    line = roll_line_of(meeting, by)
    if line is None or line.status not in queries.ATTENDED:
        raise QualityError(_("Only members present at the meeting rate it."), code="not_present")
    if timezone.now() > queries.rating_window_closes(meeting):
        raise QualityError(_("Ratings of this meeting closed %(days)s days after it ended.") % {
            "days": settings.QUALITY_RATING_DAYS}, code="closed")
    if level not in RATING_LEVELS:
        raise QualityError(_("Choose one of the four levels."), code="level")
    comment = clean_text(comment, _("Comment"), MAX_COMMENT, error=QualityError)
    try:
        with transaction.atomic():
            RatingMark.objects.create(meeting=meeting, key=queries.rater_key(meeting, by))
    except IntegrityError:
        raise QualityError(_("You have already rated this meeting."), code="twice") from None
    today = timezone.localdate()
    rating = MemberRating.objects.create(meeting=meeting, level=level, comment=comment, given_on=today)
    rollup.count_rating(meeting)
    return rating


INVITATION_LOOKBACK = datetime.timedelta(days=1)


def invite_raters() -> int:
    """Tell the members present at the regular meetings that ended in the last day that they may rate them, once per
    meeting and person (everyone present is told, whether they already rated or not, so the messages say nothing of
    who rated; and they arrive read, so when each was opened, which could be set beside the day of a rating, is
    never recorded). Returns how many were told. Run hourly (quality.jobs)."""
    sent = 0
    for meeting, people in queries.raters_to_invite(timezone.now() - INVITATION_LOOKBACK):
        closes = timezone.localtime(queries.rating_window_closes(meeting))
        for user in people:
            sent += notify(user, kind="quality.rate", event_key=f"quality-rate:{meeting.pk}:{user.pk}",
                           url=reverse("quality:meeting", args=[meeting.pk]) + "#ratings-title",
                           template="quality/notifications/rate", unread=False,
                           context={"meeting": meeting, "unit": meeting.unit.name,
                                    "closes": f"{closes:%H:%M %d/%m/%Y}"}) is not None
    return sent


@transaction.atomic
def audit_ratings() -> int:
    """Write the audit entries of the ratings given before today, each dated by its day and shuffled within it,
    so that neither the time nor the place of an entry tells when, and so by whom, a rating was given. Returns how
    many entries were written. Run nightly (quality.jobs)."""
    pending = list(MemberRating.objects.select_for_update().filter(audited=False, given_on__lt=timezone.localdate())
                   .select_related("meeting").order_by("given_on"))
    by_day: dict[datetime.date, list[MemberRating]] = {}
    for rating in pending:
        by_day.setdefault(rating.given_on, []).append(rating)
    for day, ratings in by_day.items():
        random.SystemRandom().shuffle(ratings)
        midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
        audit.record_many(None, "quality.rating.give",
                          [(rating.meeting, {"rating": rating.level}) for rating in ratings], at=midnight)
    MemberRating.objects.filter(pk__in=[rating.pk for rating in pending]).update(audited=True)
    return len(pending)


@transaction.atomic
def choose_rubric(committee: Unit, *, rubric: QualityRubric, version: int | None = None, by) -> RubricChoice:
    """The version the cells of a committee's subtree follow from now on (meetings already assessed keep theirs).

    Side effects: creates or updates the committee's choice; audit entry.
    """
    if committee.kind.holds_members:
        raise QualityError(_("A committee above the cells chooses the criteria version."), code="cell")
    choice = RubricChoice.objects.select_for_update().filter(committee=committee).first()
    old = choice.rubric_id if choice else None
    if choice is None:
        choice = RubricChoice(committee=committee, rubric=rubric, chosen_by=person(by))
    else:
        check_version(choice.version, version, error=StaleAssessment)
        choice.rubric, choice.chosen_by, choice.version = rubric, person(by), choice.version + 1
    choice.save()
    audit.record(by, "quality.rubric.choose", committee, {"rubric": [old, rubric.pk]})
    return choice
