import hashlib
import hmac
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse

from soisua.corrections.models import Shortcoming
from soisua.org import access
from soisua.org.enums import ACTIVE_STATUSES as ACTIVE_MEMBER_STATUSES
from soisua.org.models import PATH_STEP, Member, Unit
from soisua.oversight.models import ReviewPrompt

from .enums import Anonymity, CycleStatus, FeedbackKind, FeedbackResponse, ReviewStatus, RuleSetStatus
from .models import Checklist, ChecklistItem, Cycle, Feedback, RatingLevel, Review, ReviewForm, RuleSet


def rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.select_related("copied_from")


def current_rule_set() -> RuleSet | None:
    """The newest published rule set: what a new cycle uses unless told otherwise."""
    return RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED).order_by("-published_at", "-id").first()


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


def get_cycle_for_user(user, pk: int, *, manage: bool = False) -> Cycle:
    """A cycle is visible to whoever sees its unit or a unit inside it; managing it takes a committee role."""
    cycle = Cycle.objects.select_related("unit", "rule_set").filter(pk=pk).first()
    if cycle is None or not access.sees_inside(user, cycle.unit):
        raise Http404
    if manage and not access.can_manage_reviews(user, cycle.unit):
        raise PermissionDenied
    return cycle


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


# --- reviews: who may see and do what (the access decisions for reviews live here) --------------------------


def _is_author(user, review: Review) -> bool:
    return review.member_id is not None and review.member.user_id is not None and review.member.user_id == user.pk


def can_edit_review(user, review: Review) -> bool:
    """The member writes their own review; the unit's leadership writes its collective review."""
    if not review.is_editable or review.cycle.status != CycleStatus.OPEN:
        return False
    return _is_author(user, review) if review.member_id else access.leads_unit(user, review.unit)


def can_appraise(user, review: Review) -> bool:
    """The cell committee comments, proposes a level and returns a member's review for revision (never their own:
    a secretary's review is appraised by the rest of the cell committee)."""
    return (review.cycle.status == CycleStatus.OPEN and not _is_author(user, review)
            and access.leads_unit(user, review.unit))


def can_decide(user, review: Review) -> bool:
    """The directly superior committee decides, never on the decider's own review."""
    return (review.cycle.status == CycleStatus.OPEN and not _is_author(user, review)
            and access.is_superior_committee(user, review.unit))


def can_read_review(user, review: Review) -> bool:
    """Drafts: their writers only (a collective's draft: the unit's leadership). Submitted and returned reviews:
    whoever sees the unit (the cell reads them in the session), the superior committee and those above."""
    if _is_author(user, review) or (review.is_collective and access.leads_unit(user, review.unit)):
        return True
    if review.status == ReviewStatus.RETURNED:
        return access.leads_unit(user, review.unit) or access.is_superior_committee(user, review.unit)
    if review.status != ReviewStatus.SUBMITTED:
        return False
    return access.can_read_unit(user, review.unit) or access.is_superior_committee(user, review.unit)


def get_review_for_user(user, pk: int, *, write: bool = False) -> Review:
    """404 for those who may not read it; 403 for readers asking to edit it."""
    review = (Review.objects.select_related("cycle", "cycle__rule_set", "cycle__unit", "unit", "unit__kind",
                                            "member", "member__user", "form").filter(pk=pk).first())
    if review is None or not can_read_review(user, review):
        raise Http404
    if write and not can_edit_review(user, review):
        raise PermissionDenied
    return review


def can_give_feedback(user, review: Review) -> bool:
    """Fellow members of the cell give feedback on each other's submitted reviews and on the collective's."""
    member = access.scope_for(user).member_id
    if member is None or review.cycle.status != CycleStatus.OPEN or review.status != ReviewStatus.SUBMITTED:
        return False
    if review.member_id == member:
        return False
    return access.scope_for(user).can_read(review.unit) and Member.objects.filter(
        pk=member, cell=review.unit, status__in=ACTIVE_MEMBER_STATUSES).exists()


@dataclass(frozen=True)
class FeedbackShown:
    """Feedback as one reader may see it: `author` is None whenever the cycle's anonymity hides it from them."""

    pk: int
    kind: str
    kind_label: str
    text: str
    items: list[str]
    created_on: object
    author: str | None
    mine: bool
    response: str
    response_label: str
    response_reason: str


def author_key(cycle: Cycle, user, *, review: Review | None = None, superior: Unit | None = None) -> str:
    """The author's mark on one review's (or one superior committee's) feedback: a hash keyed by the cycle's own
    secret, so it differs between targets (items on two reviews cannot be linked to one author) and means nothing
    once the cycle is closed and its secret erased. Empty when there is no secret (closed) or no person."""
    if not cycle.feedback_secret or user is None or not user.is_authenticated:
        return ""
    target = f"review:{review.pk}" if review is not None else f"superior:{superior.pk if superior else ''}"
    message = f"{target}:{user.pk}".encode()
    return hmac.new(cycle.feedback_secret.encode(), message, hashlib.sha256).hexdigest()


def distinct_authors(review: Review, *, other_than: str = "") -> int:
    """How many people gave feedback on the review, not counting the one whose key is `other_than` (the reader:
    an author must not lift the anonymity threshold with their own items)."""
    rows = Feedback.objects.filter(review=review).exclude(author_key=other_than) if other_than else (
        Feedback.objects.filter(review=review))
    return rows.aggregate(count=Count("author_key", distinct=True))["count"]


def _author_visible(user, cycle: Cycle, unit: Unit) -> bool:
    if cycle.anonymity == Anonymity.NAMED:
        return True
    if cycle.anonymity == Anonymity.SECRETARY:
        return access.leads_unit(user, unit)
    return False  # fully anonymous: the author is not even stored


def visible_feedback(user, review: Review) -> tuple[list[FeedbackShown], bool]:
    """Feedback on a review as `user` may see it, and whether some is withheld (full anonymity below the minimum
    number of authors). Every output channel (page, API, documents, exports) goes through here."""
    cycle = review.cycle
    rows = (Feedback.objects.filter(review=review).select_related("author", "author__member")
            .prefetch_related("checklist_items").order_by("created_on", "pk"))
    key = author_key(cycle, user, review=review)
    withheld = (cycle.anonymity == Anonymity.ANONYMOUS
                and distinct_authors(review, other_than=key) < cycle.anonymous_minimum)
    show_author = _author_visible(user, cycle, review.unit)
    shown = []
    for row in rows:
        mine = bool(key) and row.author_key == key
        if withheld and not mine:
            continue
        author = _author_name(row.author) if show_author and row.author_id else None
        shown.append(FeedbackShown(
            pk=row.pk, kind=row.kind, kind_label=FeedbackKind(row.kind).label, text=row.text,
            items=[item.code for item in row.checklist_items.all()], created_on=row.created_on, author=author,
            mine=mine, response=row.response,
            response_label=FeedbackResponse(row.response).label if row.response else "",
            response_reason=row.response_reason))
    return shown, withheld


def _author_name(user) -> str:
    member = getattr(user, "member", None)
    return member.full_name if member is not None else (user.get_full_name() or user.get_username())


def can_respond_to_feedback(user, review: Review) -> bool:
    """The reviewed person answers feedback on their review; the unit's leadership on the collective's."""
    if review.cycle.status != CycleStatus.OPEN:
        return False
    return _is_author(user, review) if review.member_id else access.leads_unit(user, review.unit)


def get_feedback_to_answer(user, pk: int) -> Feedback:
    """Feedback the user may answer: visible to them (not withheld) and about their review."""
    feedback = Feedback.objects.select_related("review", "cycle").filter(pk=pk, review__isnull=False).first()
    if feedback is None:
        raise Http404
    review = get_review_for_user(user, feedback.review_id)
    shown, _withheld = visible_feedback(user, review)
    if feedback.pk not in {item.pk for item in shown}:
        raise Http404
    if not can_respond_to_feedback(user, review):
        raise PermissionDenied
    return feedback


def is_author(user, review: Review) -> bool:
    return _is_author(user, review)


def review_shortcomings(review: Review) -> list:
    return list(review.shortcomings.prefetch_related("checklist_items").order_by("order", "pk"))


def earlier_shortcomings(review: Review) -> list:
    """Section III: shortcomings named in earlier cycles (and their correction status), to report on."""
    earlier = Shortcoming.objects.exclude(review__cycle=review.cycle).filter(created_at__lt=review.cycle.opened_at)
    earlier = (earlier.filter(member=review.member) if review.member_id
               else earlier.filter(unit=review.unit, member=None))
    return list(earlier.select_related("review__cycle").annotate(repeated=Count("recurrences"))
                .order_by("-created_at", "pk")[:50])


def collective_shortcomings(review: Review) -> list:
    """Section V: the collective's shortcomings in this cycle, for which members state their responsibility."""
    if review.is_collective:
        return []
    return list(Shortcoming.objects.filter(review__cycle=review.cycle, review__unit=review.unit,
                                           review__member=None).order_by("order", "pk"))


def _grade_labels() -> dict:
    from .forms import GRADES

    return dict(GRADES)


def sections_for_editor(review: Review, form) -> list[dict]:
    """The form's sections with their bound fields, in order, for the editor template."""
    sections = []
    for section in review.form.sections:
        fields = []
        for spec in section["fields"]:
            key = spec["key"]
            fields.append({"kind": spec["kind"], "key": key, "label": spec["label"],
                           "text": form[f"a_{key}"] if f"a_{key}" in form.fields else None,
                           "grade": form[f"g_{key}"] if f"g_{key}" in form.fields else None})
        sections.append({"code": section["code"], "title": section["title"], "fields": fields})
    return sections


def checklist_groups(form) -> list[tuple[str, list]]:
    """The checklist walk's bound fields grouped as on paper: [(group name, [(code, radio, text)])]."""
    groups: dict[str, list] = {}
    for item in form.checklist_items:
        name = f"{item.checklist.name}: {item.group_name}"
        groups.setdefault(name, []).append((item.code, form[f"c_{item.code}"], form[f"ct_{item.code}"]))
    return list(groups.items())


def sections_for_reading(review: Review, items) -> list[dict]:
    """The review as written, section by section: [{code, title, entries: [{label, text, grade, kind}]}]."""
    grades = _grade_labels()
    present = [(item, review.checklist[item.code]) for item in items
               if review.checklist.get(item.code, {}).get("present")]
    sections = []
    for section in review.form.sections:
        entries = []
        for spec in section["fields"]:
            key, kind = spec["key"], spec["kind"]
            entries.append({"kind": kind, "label": spec["label"], "text": review.answers.get(key, ""),
                            "grade": grades.get(review.grades.get(key, ""), "") if review.grades.get(key) else "",
                            "present": present if kind == "checklist" else None,
                            "answered": len(review.checklist) if kind == "checklist" else None})
        sections.append({"code": section["code"], "title": section["title"], "entries": entries})
    return sections


def signals_for_reader(user, signals: list[dict]) -> list[dict]:
    """A review's formalism signals as `user` reads them: a near-duplicate links to the review it resembles when
    the reader may read that review (can_read_review), and otherwise states the fact without naming whose it is
    (`url` empty, `hidden` true)."""
    pks = [signal["review"] for signal in signals if signal.get("review")]
    others = {other.pk: other for other in Review.objects.filter(pk__in=pks).select_related(
        "cycle", "unit", "member", "member__user")} if pks else {}
    shown = []
    for signal in signals:
        other = others.get(signal.get("review"))
        readable = other is not None and can_read_review(user, other)
        shown.append({**signal, "url": reverse("reviews:reviews.detail", args=[other.pk]) if readable else "",
                      "hidden": signal.get("code") == "copied_peer" and not readable})
    return shown


def reviews_of_member(member: Member) -> list[Review]:
    """A member's own reviews over the cycles, newest first, with the decided level once final."""
    reviews = list(Review.objects.filter(member=member).select_related("cycle", "cycle__rule_set", "form")
                   .order_by("-cycle__period_end", "-pk"))
    names = {(level.rule_set_id, level.code): level.name for level in RatingLevel.objects.filter(
        rule_set__in={review.cycle.rule_set_id for review in reviews})}
    for review in reviews:
        review.decided_level_name = names.get((review.cycle.rule_set_id, review.decided_level), "")
    return reviews


def get_review_for_superior(user, pk: int) -> Review:
    """A review as its directly superior committee acts on it (review points), whatever its status."""
    review = Review.objects.select_related("cycle", "unit", "unit__parent", "member").filter(pk=pk).first()
    if review is None or not access.sees_inside(user, review.unit):
        raise Http404
    if not (review.cycle.status == CycleStatus.OPEN and access.is_superior_committee(user, review.unit)):
        raise PermissionDenied
    return review


def gives_superior_feedback(user, cycle: Cycle, unit: Unit) -> bool:
    """Whether the user gives feedback on `unit`'s superior committee from this page: an active member of that
    very cell, the cell directly under the committee, while the cycle is open (as own_cell_in_cycle decides)."""
    member_id = access.scope_for(user).member_id
    if member_id is None or cycle.status != CycleStatus.OPEN or unit.parent_id is None:
        return False
    return unit.path.startswith(cycle.unit.path) and Member.objects.filter(
        pk=member_id, cell=unit, status__in=ACTIVE_MEMBER_STATUSES).exists()


def own_cell_in_cycle(user, cycle: Cycle, unit_pk: int) -> Unit:
    """The user's own cell, when it is `unit_pk` and inside the open cycle: where they give feedback upwards."""
    member = Member.objects.select_related("cell", "cell__parent").filter(
        pk=access.scope_for(user).member_id, status__in=ACTIVE_MEMBER_STATUSES).first()
    if member is None or member.cell_id != unit_pk or not member.cell.path.startswith(cycle.unit.path):
        raise Http404
    if cycle.status != CycleStatus.OPEN or member.cell.parent is None:
        raise PermissionDenied
    return member.cell


def unit_reviews(cycle: Cycle, unit: Unit) -> list[Review]:
    """A unit's reviews in a cycle, in review order: the collective, the head, deputies, members by name."""
    return list(Review.objects.filter(cycle=cycle, unit=unit).select_related("member", "member__user", "form")
                .order_by("rank", "member__sort_key", "pk"))


def superior_feedback(user, cycle: Cycle, unit: Unit) -> tuple[list[dict], bool]:
    """Feedback from the cells below on `unit` as their superior committee, as `user` may see it. Authors are
    named only in named cycles (a committee is not "the secretary" of the cells below it); the rows never carry
    the author object. Under full anonymity nothing is shown before enough people other than the reader gave
    feedback, and then without the cell it came from (a lone author in a cell would be named by it); under
    "secretary" anonymity a cell is named only when enough of its people gave feedback."""
    rows = list(Feedback.objects.filter(cycle=cycle, superior=unit).select_related("from_unit", "author__member")
                .order_by("created_on", "pk"))
    key = author_key(cycle, user, superior=unit)
    withheld = (cycle.anonymity == Anonymity.ANONYMOUS
                and len({row.author_key for row in rows if row.author_key != key}) < cycle.anonymous_minimum)
    show_author = cycle.anonymity == Anonymity.NAMED
    authors_by_cell: dict[int, set] = {}
    for row in rows:
        authors_by_cell.setdefault(row.from_unit_id, set()).add(row.author_key)

    def cell_shown(row) -> str | None:
        if cycle.anonymity == Anonymity.NAMED:
            return row.from_unit.name
        if cycle.anonymity == Anonymity.SECRETARY and len(authors_by_cell[row.from_unit_id]) >= (
                cycle.anonymous_minimum):
            return row.from_unit.name
        return None

    shown = [{"kind_label": FeedbackKind(row.kind).label, "text": row.text, "from_unit": cell_shown(row),
              "created_on": row.created_on, "mine": bool(key) and row.author_key == key,
              "author": _author_name(row.author) if show_author and row.author_id else None} for row in rows]
    return ([] if withheld else shown), withheld


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


def can_record_without_login(user, review: Review) -> bool:
    """The unit's leadership records a member without a login as reviewed on paper, or excludes the review."""
    return (review.cycle.status == CycleStatus.OPEN and not review.is_collective and not can_log_in(review.member)
            and access.leads_unit(user, review.unit))


def recordable_without_login(user, cycle: Cycle, unit: Unit, reviews: list[Review]) -> set[int]:
    """Of a unit's reviews (unit_reviews), those the user may record on paper or exclude now (can_record_without
    _login for each, deciding access once)."""
    if cycle.status != CycleStatus.OPEN or not access.leads_unit(user, unit):
        return set()
    return {review.pk for review in reviews if review.member_id and not can_log_in(review.member)
            and review.status in (ReviewStatus.EXPECTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED)}


def get_review_to_record(user, pk: int) -> Review:
    """A review of a member without a login, for the cell's leadership to record: 404 for those who do not see
    the cell, 403 for others."""
    review = (Review.objects.select_related("cycle", "cycle__rule_set", "unit", "member", "member__user", "form")
              .filter(pk=pk).first())
    if review is None or not access.can_read_unit(user, review.unit):
        raise Http404
    if not can_record_without_login(user, review):
        raise PermissionDenied
    return review


# --- review points sent down by a committee --------------------------------------------------------------


def can_see_sent_prompts(user, unit: Unit) -> bool:
    """The committee that sends review points from `unit` (and those who manage reviews above it) follows them."""
    return not unit.kind.holds_members and access.can_manage_reviews(user, unit)


def sent_prompts(user, cycle: Cycle, unit: Unit) -> list[dict]:
    """The review points `unit` sent in the cycle, newest first, each with its state: unanswered, answered, or
    accepted (the superior committee decided the review that answers it). The answer's text only where the
    reader may read the review (not in a draft)."""
    prompts = (ReviewPrompt.objects.filter(cycle=cycle, from_unit=unit)
               .select_related("review", "review__cycle", "review__unit", "review__member", "review__member__user",
                               "sent_by", "sent_by__member")
               .order_by("-sent_at", "-pk"))
    rows = []
    for prompt in prompts:
        review = prompt.review
        state = ("accepted" if prompt.answer and review.decided_at else "answered" if prompt.answer
                 else "unanswered")
        rows.append({"prompt": prompt, "review": review, "state": state,
                     "readable": can_read_review(user, review),
                     "sender": _author_name(prompt.sent_by) if prompt.sent_by_id else ""})
    return rows


def overridden_decisions(cycle: Cycle, unit: Unit, *, limit: int = 50) -> list[Review]:
    """Decisions taken against a rule (with the decider's reason), for the upper level's view of the cycle."""
    return list(Review.objects.filter(cycle=cycle, unit__path__startswith=unit.path, decided_at__isnull=False)
                .exclude(overrides=[]).select_related("member", "unit").order_by("-decided_at")[:limit])
