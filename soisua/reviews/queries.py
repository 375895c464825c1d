"""Reads of review cycles, reviews and rule sets. Who may see and do what, and what a reader is shown of feedback,
is decided in `policy.py` (which reads through these functions; they never decide access)."""

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.db.models.functions import Substr

from soisua.core.formats import number
from soisua.corrections.models import Shortcoming
from soisua.counters import rollups
from soisua.org import access
from soisua.org.models import PATH_STEP, Member, Unit

from . import rollup
from .enums import CycleKind, CycleStatus, ReviewStatus, RuleSetStatus
from .forcing import applies_to, describe
from .models import (
    Checklist,
    ChecklistItem,
    Cycle,
    Feedback,
    RatingLevel,
    Review,
    ReviewForm,
    ReviewPrompt,
    RuleSet,
    RuleVerification,
)


def rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.select_related("copied_from")


def current_rule_set() -> RuleSet | None:
    """The newest published rule set: what a new cycle uses unless told otherwise."""
    return RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("-published_at", "-id").first()


def previous_rule_set(rule_set: RuleSet) -> RuleSet | None:
    """The set a rule set is compared with by default: the one it was copied from, else the published set before
    it."""
    if rule_set.copied_from_id:
        return rule_set.copied_from
    return (RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED, created_at__lte=rule_set.created_at)
            .exclude(pk=rule_set.pk).order_by("-created_at", "-id").first())


def rule_set_with_rules(pk: int) -> RuleSet | None:
    return (RuleSet.objects.filter(pk=pk)
            .prefetch_related("levels", "forcing_conditions", "forms",
                              Prefetch("checklists", queryset=Checklist.objects.prefetch_related("items")))
            .first())


def cycles_covering(unit) -> QuerySet[Cycle]:
    """Cycles opened at the unit or above it (those in which the unit is reviewed), newest first."""
    return Cycle.objects.filter(unit__path__in=[*unit.ancestor_paths(), unit.path]).select_related("unit")


def progress(cycle: Cycle, unit) -> dict[str, int]:
    """Reviews expected, drafted, submitted (and of those, late) in `unit`'s part of the cycle; one aggregate.
    Excluded reviews are not expected."""
    reviews = (Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path)
               .exclude(status=ReviewStatus.EXCLUDED))
    return reviews.aggregate(
        expected=Count("pk"),
        drafted=Count("pk", filter=Q(status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])),
        submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
        late=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED, submitted_at__date__gt=cycle.self_review_due)),
    )


def not_submitted(cycle: Cycle, cell) -> QuerySet[Review]:
    """Who in a cell has not submitted yet (excluded reviews aside), in review order."""
    return (Review.objects.filter(cycle=cycle, unit=cell)
            .exclude(status__in=[ReviewStatus.SUBMITTED, ReviewStatus.EXCLUDED])
            .select_related("member", "member__user", "form").order_by("rank", "member__sort_key"))


def focus_unit(user, cycle: Cycle) -> Unit:
    """The highest unit of the cycle the user may read: where their view of the cycle starts."""
    if access.can_read_unit(user, cycle.unit):
        return cycle.unit
    tops = Unit.objects.filter(pk__in=access.scope_for(user).top_units(), path__startswith=cycle.unit.path)
    return tops.order_by("depth", "path").first() or cycle.unit


def progress_by_child(cycle: Cycle, unit: Unit) -> list[tuple[Unit, dict[str, int]]]:
    """Progress of each direct sub-unit of `unit`, from one grouped aggregate over the reviews below it."""
    length = len(unit.path) + PATH_STEP
    rows = (Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path).exclude(unit=unit)
            .exclude(status=ReviewStatus.EXCLUDED)
            .annotate(branch=Substr("unit__path", 1, length)).values("branch")
            .annotate(expected=Count("pk"), submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
                      late=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED,
                                                 submitted_at__date__gt=cycle.self_review_due))))
    counts = {row["branch"]: row for row in rows}
    children = Unit.objects.filter(parent=unit).select_related("kind").order_by("sort_key", "pk")
    return [(child, counts.get(child.path, {"expected": 0, "submitted": 0, "late": 0})) for child in children]


def checklist_items_of(cycle: Cycle, pks) -> list[ChecklistItem]:
    """The chosen checklist items, only among those of the cycle's rule set."""
    return list(ChecklistItem.objects.filter(checklist__rule_set=cycle.rule_set, pk__in=list(pks)))


def form_fields(form: ReviewForm) -> dict[str, dict]:
    """The form's fields by key, each with its section code: {"duty_results": {"kind": "text", "section": "I"}}."""
    return {spec["key"]: {**spec, "section": section["code"]} for section in form.sections
            for spec in section["fields"]}


def levels_of(rule_set: RuleSet) -> list[RatingLevel]:
    """The rule set's levels, best first (memoised on the rule set object)."""
    levels = getattr(rule_set, "_levels", None)
    if levels is None:
        levels = rule_set._levels = list(RatingLevel.objects.filter(rule_set=rule_set).order_by("order"))
    return levels


def level_for_score(rule_set: RuleSet, score) -> RatingLevel | None:
    """The level whose score band holds `score` (thresholds are lower bounds, inclusive)."""
    return next((level for level in levels_of(rule_set) if score >= level.min_score), None)


def level_named(rule_set: RuleSet, code: str) -> RatingLevel | None:
    return next((level for level in levels_of(rule_set) if level.code == code), None)


def grassroots_of(unit: Unit) -> Unit:
    """The grassroots organisation a unit belongs to (nearest unit of a grassroots kind), else the unit itself."""
    units = (Unit.objects.filter(path__in=[*unit.ancestor_paths(), unit.path], kind__is_grassroots=True)
             .order_by("-depth"))
    return units.first() or unit


# --- reviews -----------------------------------------------------------------------------------------------


def author_key(cycle: Cycle, user, *, review: Review | None = None, superior: Unit | None = None) -> str:
    """The author's mark on one review's (or one superior committee's) feedback: a hash keyed by the cycle's own
    secret, so it differs between targets (items on two reviews cannot be linked to one author) and means nothing
    once the cycle is closed and its secret erased. Empty when there is no secret (closed) or no person."""
    if not cycle.feedback_secret or user is None or not user.is_authenticated:
        return ""
    target = f"review:{review.pk}" if review is not None else f"superior:{superior.pk if superior else ''}"
    message = f"{target}:{user.pk}".encode()
    return hmac.new(cycle.feedback_secret.encode(), message, hashlib.sha256).hexdigest()


def distinct_authors(review: Review, *, other_than: str = "", before: datetime.date | None = None) -> int:
    """How many people gave feedback on the review (before the day `before`, when given), not counting the one
    whose key is `other_than` (the reader: an author must not lift the anonymity threshold with their own items)."""
    rows = Feedback.objects.filter(review=review).exclude(author_key=other_than) if other_than else (
        Feedback.objects.filter(review=review))
    if before is not None:
        rows = rows.filter(created_on__lt=before)
    return rows.aggregate(count=Count("author_key", distinct=True))["count"]


def collective_review_id(cycle: Cycle, unit: Unit) -> int | None:
    return Review.objects.filter(cycle=cycle, unit=unit, member__isnull=True).values_list("pk", flat=True).first()


def feedback_counts(*, cycle: Cycle, review_id: int | None = None, superior: Unit | None = None, other_than: str = "",
                    before: datetime.date | None = None) -> dict[str, int]:
    """Feedback on one review or on one superior committee in the cycle (given before the day `before`, when
    given): how many items, how many answered, and how many people gave them, the one whose key is `other_than`
    not counted (as `distinct_authors`). One aggregate; never who gave them."""
    rows = (Feedback.objects.filter(review_id=review_id) if review_id is not None
            else Feedback.objects.filter(cycle=cycle, superior=superior))
    if before is not None:
        rows = rows.filter(created_on__lt=before)
    others = ~Q(author_key=other_than) if other_than else Q()
    return rows.aggregate(received=Count("pk"), answered=Count("pk", filter=~Q(response="")),
                          authors=Count("author_key", distinct=True, filter=others))


def checklist_items(rule_set: RuleSet) -> list[ChecklistItem]:
    """The rule set's checklist items, in the order of its checklists and their items."""
    return list(ChecklistItem.objects.filter(checklist__rule_set=rule_set).select_related("checklist")
                .order_by("checklist__order", "order"))


def prompts_of(review: Review) -> list[ReviewPrompt]:
    """The review points sent on a review, answered in its section IV."""
    return list(ReviewPrompt.objects.filter(review=review))


def events_of(review: Review) -> QuerySet:
    """The review's visible history: submitted, returned, decided, with who did it."""
    return review.events.select_related("actor").all()


def forcing_conditions_for(review: Review) -> list:
    """The rule set's forcing conditions that concern this review: collective, member or leader, in its kind of
    cycle."""
    conditions = list(review.cycle.rule_set.forcing_conditions.all())
    kinds = applies_to(review, has_leader_conditions=any(condition.applies_to == "leader" for condition in conditions))
    return [condition for condition in conditions
            if condition.applies_to in kinds and condition.serves(review.cycle.kind)]


def forcing_applied(review: Review) -> list:
    """The forcing conditions the cell or the committee found to apply to the review, in the rule set's order."""
    if not review.forcing:
        return []
    return list(review.cycle.rule_set.forcing_conditions.filter(code__in=review.forcing))


def checklist_item_pks(shortcoming: Shortcoming) -> list[int]:
    return list(shortcoming.checklist_items.values_list("pk", flat=True))


def review_shortcomings(review: Review) -> list:
    return list(review.shortcomings.prefetch_related("checklist_items").order_by("order", "pk"))


def earlier_shortcomings(review: Review) -> list:
    """Section III: shortcomings named in earlier cycles (and their correction status), to report on."""
    earlier = Shortcoming.objects.exclude(review__cycle=review.cycle).filter(created_at__lt=review.cycle.opened_at)
    earlier = (earlier.filter(member=review.member) if review.member_id
               else earlier.filter(unit=review.unit, member=None))
    return list(earlier.select_related("review__cycle").annotate(repeated=Count("recurrences"))
                .order_by("-created_at", "pk")[:50])


def quarterly_results(review: Review) -> list[dict]:
    """A member's quarterly evaluations within the period of `review` (a year or a term), oldest first, with the
    level decided in each: the annual review reports on them."""
    if not review.member_id or review.cycle.kind == CycleKind.QUARTER:
        return []
    quarters = list(Review.objects.filter(member_id=review.member_id, cycle__kind=CycleKind.QUARTER,
                                          cycle__period_start__gte=review.cycle.period_start,
                                          cycle__period_end__lte=review.cycle.period_end)
                    .select_related("cycle").order_by("cycle__period_start", "pk"))
    names = {(level.rule_set_id, level.code): level.name for level in RatingLevel.objects.filter(
        rule_set__in={quarter.cycle.rule_set_id for quarter in quarters})}
    return [{"review": quarter, "cycle": quarter.cycle,
             "level": names.get((quarter.cycle.rule_set_id, quarter.decided_level), "")
             if quarter.decided_at else ""} for quarter in quarters]


def collective_shortcomings(review: Review) -> list:
    """Section V: the collective's shortcomings in this cycle, for which members state their responsibility."""
    if review.is_collective:
        return []
    # Only once the collective review is submitted: a draft's shortcomings are its writers' (docs/domain.md).
    return list(Shortcoming.objects.filter(review__cycle=review.cycle, review__unit=review.unit,
                                           review__member=None, review__submitted_at__isnull=False)
                .order_by("order", "pk"))


def reviews_of_member(member: Member) -> list[Review]:
    """A member's own reviews over the cycles, newest first, with the decided level once final."""
    reviews = list(Review.objects.filter(member=member).select_related("cycle", "cycle__rule_set", "form")
                   .order_by("-cycle__period_end", "-pk"))
    names = {(level.rule_set_id, level.code): level.name for level in RatingLevel.objects.filter(
        rule_set__in={review.cycle.rule_set_id for review in reviews})}
    for review in reviews:
        review.decided_level_name = names.get((review.cycle.rule_set_id, review.decided_level), "")
    return reviews


def unit_reviews(cycle: Cycle, unit: Unit) -> list[Review]:
    """A unit's reviews in a cycle, in review order: the collective, the head, deputies, members by name."""
    return list(Review.objects.filter(cycle=cycle, unit=unit).select_related("member", "member__user", "form")
                .order_by("rank", "member__sort_key", "pk"))


def review_of_user(user, cycle: Cycle) -> Review | None:
    """The user's own self-review in a cycle, if they are reviewed in it."""
    member_id = access.scope_for(user).member_id
    if member_id is None:
        return None
    return Review.objects.filter(cycle=cycle, member_id=member_id).first()


# --- the review order, and members without a login -------------------------------------------------------


def can_log_in(member: Member | None) -> bool:
    """Whether the member has a login that works: only then can they write and submit their own review."""
    return member is not None and member.user_id is not None and member.user.is_active


def submittable_by_someone() -> Q:
    """Reviews someone can submit in the system: collective reviews, and those of members with a working login."""
    return Q(member__isnull=True) | Q(member__user__is_active=True)


def order_blockers(cycle: Cycle, reviews: list[Review]) -> tuple[list[Review], list[Review]] | None:
    """Under the review order, who holds up whom in one unit (`reviews`: unit_reviews): the reviews of the lowest
    rank still to be submitted, and the later ones that cannot be submitted until they are. Members without a
    login hold nobody up (the cell records them on paper or excludes them). None when nobody waits."""
    if not cycle.enforce_order or cycle.status != CycleStatus.OPEN:
        return None
    pending = [review for review in reviews
               if review.status not in (ReviewStatus.SUBMITTED, ReviewStatus.EXCLUDED)
               and (review.is_collective or can_log_in(review.member))]
    if not pending:
        return None
    first_rank = min(review.rank for review in pending)
    blocked = [review for review in pending if review.rank > first_rank]
    return ([review for review in pending if review.rank == first_rank], blocked) if blocked else None


# --- decisions ---------------------------------------------------------------------------------------------


def overridden_decisions(cycle: Cycle, unit: Unit, *, limit: int = 50) -> list[Review]:
    """Decisions taken against a rule (with the decider's reason), for the upper level's view of the cycle."""
    return list(Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path, decided_at__isnull=False)
                .exclude(overrides=[]).select_related("member", "unit").order_by("-decided_at")[:limit])


# --- what waits for a person (reviews/agenda.py) ------------------------------------------------------------


def open_reviews_of(member_id: int) -> list[Review]:
    """The member's own reviews in open cycles."""
    return list(Review.objects.filter(member_id=member_id, cycle__status=CycleStatus.OPEN)
                .select_related("cycle", "unit", "member", "member__user").order_by("cycle__self_review_due"))


def not_submitted_in(cells: list[int]) -> list[tuple[Cycle, Unit, int]]:
    """For the cells `cells`: each open cycle with how many of its reviews there are not submitted yet."""
    if not cells:
        return []
    rows = (Review.objects.filter(unit_id__in=cells, cycle__status=CycleStatus.OPEN)
            .exclude(status__in=[ReviewStatus.SUBMITTED, ReviewStatus.EXCLUDED])
            .values("cycle_id", "unit_id").annotate(count=Count("id")).order_by("cycle_id", "unit_id"))
    rows = list(rows)
    cycles = {cycle.pk: cycle for cycle in Cycle.objects.filter(pk__in={row["cycle_id"] for row in rows})}
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in={row["unit_id"] for row in rows})}
    return [(cycles[row["cycle_id"]], units[row["unit_id"]], row["count"]) for row in rows]


def superior_feedback_waiting(committees: list[int]) -> list[tuple[Cycle, Unit]]:
    """The committees among `committees` with feedback from the cells below not answered yet in an open cycle,
    with that cycle (who may read how much of it is the policy's: policy.committee_feedback)."""
    if not committees:
        return []
    pairs = list(Feedback.objects.filter(superior_id__in=committees, cycle__status=CycleStatus.OPEN, response="")
                 .values_list("cycle_id", "superior_id").distinct().order_by("cycle_id", "superior_id"))
    cycles = {cycle.pk: cycle for cycle in Cycle.objects.filter(pk__in={cycle for cycle, _unit in pairs})}
    units = {unit.pk: unit for unit in Unit.objects.select_related("kind").filter(
        pk__in={unit for _cycle, unit in pairs})}
    return [(cycles[cycle], units[unit]) for cycle, unit in pairs]


# --- a unit's dashboard (oversight/dashboard.py) -------------------------------------------------------------


def latest_cycle_covering(unit: Unit) -> Cycle | None:
    """The newest cycle in which the unit is reviewed (open ones first)."""
    return (cycles_covering(unit).select_related("rule_set")
            .order_by(Case(When(status=CycleStatus.OPEN, then=0), default=1), "-period_end", "-pk").first())


def counted_trend(unit: Unit, count: int) -> list[dict]:
    """The unit's subtree in the last `count` cycles covering it, oldest first: each cycle's `progress` and how many
    of its members were decided at each level of the cycle's rule set, best first. Read from the subtree counters
    (`rollup`) in one query, and the rule sets' levels in another, whatever the unit and the number of cycles."""
    cycles = list(cycles_covering(unit).select_related("rule_set").order_by("-period_end", "-pk")[:count])[::-1]
    if not cycles:
        return []
    by_rule_set: dict[int, list[RatingLevel]] = {}
    for level in RatingLevel.objects.filter(rule_set_id__in={cycle.rule_set_id for cycle in cycles}).order_by("order"):
        by_rule_set.setdefault(level.rule_set_id, []).append(level)
    figures = rollups.figures(unit.pk, sorted({rollup.period(cycle) for cycle in cycles}),
                              tuple(rollup.prefix(cycle) for cycle in cycles))
    trend = []
    for cycle in cycles:
        counts = rollup.levels(cycle, figures)
        trend.append({"cycle": cycle, **rollup.progress(cycle, figures),
                      "levels": [(level, counts.get(level.code, 0)) for level in by_rule_set.get(cycle.rule_set_id,
                                                                                                 [])]})
    return trend


def counted_progress(cycle: Cycle, unit: Unit) -> tuple[dict[str, int], list[tuple[RatingLevel, int]]]:
    """`progress` of the unit's subtree in the cycle, and how many of its members were decided at each level of
    the cycle's rule set, best first: read from the subtree counters (`rollup`), a few rows whatever the unit."""
    figures = rollups.figures(unit.pk, [rollup.period(cycle)], rollup.prefix(cycle))
    counts = rollup.levels(cycle, figures)
    levels = [(level, counts.get(level.code, 0)) for level in levels_of(cycle.rule_set)]
    return rollup.progress(cycle, figures), levels


@dataclass(frozen=True)
class RuleChange:
    code: str
    change: str  # "added", "removed", "changed"
    before: str
    after: str


def _rule_rows(rule_set: RuleSet) -> dict[str, dict[str, str]]:
    """Each comparable rule of a set as text, by section and code."""
    def described(condition) -> str:
        rule = describe(condition.rule)
        return f"{condition.text} [{condition.get_applies_to_display()}{'; ' + rule if rule else ''}]"

    names = {level.code: level.name for level in rule_set.levels.all()}

    return {
        "levels": {level.code: f"{level.name}: ≥ {number(level.min_score)}. {level.conditions}".strip()
                   for level in rule_set.levels.all()},
        "quota": {"quota": f"{number(rule_set.quota_percent)} % ({names.get(rule_set.quota_level, '')} / "
                           f"{names.get(rule_set.quota_base_level, '')}). {rule_set.quota_text}".strip(),
                  "score": f"{rule_set.score_general} + {rule_set.score_tasks}"},
        "forcing": {condition.code: described(condition) for condition in rule_set.forcing_conditions.all()},
        "checklist": {item.code: item.text for item in ChecklistItem.objects.filter(checklist__rule_set=rule_set)},
        "forms": {form.code: " · ".join([form.name, *(f"{section['code']}. {section['title']}"
                                                     for section in form.sections)])
                  for form in rule_set.forms.all()},
    }


def rule_set_diff(old: RuleSet, new: RuleSet) -> dict[str, list[RuleChange]]:
    """What changed from `old` to `new`, by section: rules added, removed or worded differently."""
    before, after = _rule_rows(old), _rule_rows(new)
    diff = {}
    for section in before:
        rows = []
        codes = [*before[section], *(code for code in after[section] if code not in before[section])]
        for code in codes:
            old_text, new_text = before[section].get(code), after[section].get(code)
            if old_text == new_text:
                continue
            change = "added" if old_text is None else "removed" if new_text is None else "changed"
            rows.append(RuleChange(code, change, old_text or "", new_text or ""))
        diff[section] = rows
    return diff


def verifications_of(rule_set: RuleSet) -> dict[str, RuleVerification]:
    """The latest check recorded on each rule of the set, by subject ("item:CT-1", ...)."""
    latest: dict[str, RuleVerification] = {}
    for record in rule_set.verifications.select_related("by").order_by("subject", "-at", "-id"):
        latest.setdefault(record.subject, record)
    return latest


# --- lists for the API (the policy passes the condition that decides what the reader sees) -------------------


def cycles_where(condition: Q, *, unit: Unit | None = None, status: str = "", kind: str = "",
                 period_from: datetime.date | None = None, period_to: datetime.date | None = None) -> QuerySet[Cycle]:
    """Cycles matching `condition`, newest first; `unit`: those in which its subtree is reviewed (opened at the
    unit, above it or inside it); `status`, `kind`: those of that status and kind; `period_from`, `period_to`: those
    whose period reviewed meets those days."""
    rows = Cycle.objects.filter(condition)
    if period_from is not None:
        rows = rows.filter(period_end__gte=period_from)
    if period_to is not None:
        rows = rows.filter(period_start__lte=period_to)
    if unit is not None:
        rows = rows.filter(Q(unit__path__in=[*unit.ancestor_paths(), unit.path]) | Q(unit__path__startswith=unit.path))
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("unit", "rule_set").order_by("-period_end", "-pk")


def reviews_where(cycle: Cycle, condition: Q, *, unit: Unit | None = None, status: str = "") -> QuerySet[Review]:
    """A cycle's reviews matching `condition`, unit by unit in review order; `unit`: those of its subtree."""
    rows = Review.objects.filter(condition, cycle=cycle)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("form", "unit", "member").order_by("unit__path", "rank", "member__sort_key", "pk")


def checklist_items_by_code(cycle: Cycle, codes) -> dict[str, ChecklistItem]:
    """The cycle's rule set's checklist items of these codes, by code (unknown codes are absent)."""
    return {item.code: item for item in ChecklistItem.objects.filter(checklist__rule_set=cycle.rule_set,
                                                                     code__in=list(codes))}


def counts_by_status(cycle: Cycle, unit: Unit) -> dict[str, int]:
    """How many of the cycle's reviews in `unit`'s subtree are in each status (every status named); one query."""
    counts = dict.fromkeys(ReviewStatus.values, 0)
    rows = (Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path).order_by()
            .values_list("status").annotate(count=Count("pk")))
    counts.update(dict(rows))
    return counts
