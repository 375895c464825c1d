"""Who sees and does what in reviews, on top of org.access, and what a reader is shown of them.

A member writes their own review; the unit's leadership (`access.leads_unit`) writes the collective review,
appraises members' reviews and records those without a login; the directly superior committee
(`access.is_superior_committee`) decides, cancels, returns collective reviews and sends review points. Drafts are
their writers' only. Feedback is given by fellow members of the cell and shown as the cycle's anonymity allows
(`visible_feedback`, `superior_feedback`: the only readers of feedback for pages, the API and documents).

Loaders (`get_<object>_for_user(user, pk, *, <action>=False)`) raise 404 for those who may not see the object and
403 for those who see it but may not take the action asked.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from soisua.corrections.models import Shortcoming
from soisua.org import access
from soisua.org.enums import ACTIVE_STATUSES as ACTIVE_MEMBER_STATUSES
from soisua.org.enums import Role
from soisua.org.models import PATH_STEP, Member, Unit

from . import record
from .enums import Anonymity, CycleStatus, FeedbackKind, FeedbackResponse, ReviewStatus
from .models import ChecklistItem, Cycle, Feedback, Review, ReviewPrompt, RuleSet
from .queries import author_key, can_log_in, collective_review_id, distinct_authors, feedback_counts, focus_unit

# --- reviews -----------------------------------------------------------------------------------------------------


def is_author(user, review: Review) -> bool:
    return (review.member_id is not None and review.member.user_id is not None and review.member.user_id == user.pk
            and access.in_token_subtree(user, review.unit))


def can_edit_review(user, review: Review) -> bool:
    """The member writes their own review; the unit's leadership writes its collective review."""
    if not review.is_editable or review.cycle.status != CycleStatus.OPEN:
        return False
    return is_author(user, review) if review.member_id else access.leads_unit(user, review.unit)


def submitted_by(user, review: Review) -> bool:
    """The review is submitted and `user` is who submitted it or could have (a second press of "Submit")."""
    if review.status != ReviewStatus.SUBMITTED:
        return False
    return is_author(user, review) if review.member_id else access.leads_unit(user, review.unit)


def can_appraise(user, review: Review) -> bool:
    """The cell committee comments, proposes a level and returns a member's review for revision (never their own:
    a secretary's review is appraised by the rest of the cell committee)."""
    return (review.cycle.status == CycleStatus.OPEN and not is_author(user, review)
            and access.leads_unit(user, review.unit))


def can_decide(user, review: Review) -> bool:
    """The directly superior committee decides, never on the decider's own review."""
    return (review.cycle.status == CycleStatus.OPEN and not is_author(user, review)
            and access.is_superior_committee(user, review.unit))


def can_send_back(user, review: Review) -> bool:
    """A member's review goes back to its author from the cell; a collective review from the superior committee."""
    return can_decide(user, review) if review.is_collective else can_appraise(user, review)


def sees_signals(user, review: Review) -> bool:
    """The formalism signals of a review are for those who appraise or decide it."""
    return can_appraise(user, review) or can_decide(user, review)


def can_read_review(user, review: Review) -> bool:
    """Drafts: their writers only (a collective's draft: the unit's leadership). Submitted and returned reviews:
    whoever sees the unit (the cell reads them in the session), the superior committee and those above."""
    if is_author(user, review) or (review.is_collective and access.leads_unit(user, review.unit)):
        return True
    if review.status == ReviewStatus.RETURNED:
        return access.leads_unit(user, review.unit) or access.is_superior_committee(user, review.unit)
    if review.status != ReviewStatus.SUBMITTED:
        return False
    return access.can_read_unit(user, review.unit) or access.is_superior_committee(user, review.unit)


def readable_reviews(user) -> Q:
    """A Q on Review for the reviews `can_read_review` lets the user read, for lists (the API's reviews of a
    cycle): their own, the collectives of the units they lead, returned ones of the units they lead or decide on,
    submitted ones of the units they read or decide on."""
    scope = access.scope_for(user)
    if not user.is_authenticated:
        return Q(pk__in=[])
    leads = [grant.unit_id for grant in scope.grants if grant.role in (Role.SECRETARY, Role.COMMITTEE)]
    # is_superior_committee: committee members and staff of the parent, or a stand-in there (on a root: on itself).
    decides_under = [grant.unit_id for grant in scope.grants if grant.role in (Role.COMMITTEE, Role.STAFF)]
    decides_under += [unit_id for unit_id in scope.stand_ins if scope.stands_in_for(unit_id)]
    decides = (Q(unit__parent_id__in=decides_under)
               | Q(unit__parent__isnull=True, unit_id__in=[unit_id for unit_id in scope.stand_ins
                                                            if scope.stands_in_for(unit_id)]))
    reads = Q(pk__isnull=False) if scope.everything else scope.unit_filter("unit__")
    # `is_author`: one's own review, inside the subtree an API token is limited to (access.in_token_subtree).
    own = Q(member__user_id=user.pk)
    if scope.limit is not None:
        own &= Q(unit__path__startswith=scope.limit.path) if scope.limit.pk is not None else Q(pk__in=[])
    return (own | Q(member__isnull=True, unit_id__in=leads)
            | Q(Q(unit_id__in=leads) | decides, status=ReviewStatus.RETURNED)
            | Q(reads | decides, status=ReviewStatus.SUBMITTED))


def can_give_feedback(user, review: Review) -> bool:
    """Fellow members of the cell give feedback on each other's submitted reviews and on the collective's."""
    member = access.scope_for(user).member_id
    if member is None or review.cycle.status != CycleStatus.OPEN or review.status != ReviewStatus.SUBMITTED:
        return False
    if review.member_id == member:
        return False
    return access.scope_for(user).can_read(review.unit) and Member.objects.filter(
        pk=member, cell=review.unit, status__in=ACTIVE_MEMBER_STATUSES).exists()


def can_respond_to_feedback(user, review: Review) -> bool:
    """The reviewed person answers feedback on their review; the unit's leadership on the collective's."""
    if review.cycle.status != CycleStatus.OPEN:
        return False
    return is_author(user, review) if review.member_id else access.leads_unit(user, review.unit)


def can_send_prompt(user, review: Review) -> bool:
    """The directly superior committee sends review points while the cycle is open, whatever the review's status."""
    return review.cycle.status == CycleStatus.OPEN and access.is_superior_committee(user, review.unit)


def can_record_without_login(user, review: Review) -> bool:
    """The unit's leadership records a member without a login as reviewed on paper, or excludes the review."""
    return (review.cycle.status == CycleStatus.OPEN and not review.is_collective and not can_log_in(review.member)
            and access.leads_unit(user, review.unit))


def recordable_without_login(user, cycle: Cycle, unit: Unit, reviews: list[Review]) -> set[int]:
    """Of a unit's reviews (queries.unit_reviews), those the user may record on paper or exclude now
    (can_record_without_login for each, deciding access once)."""
    if cycle.status != CycleStatus.OPEN or not access.leads_unit(user, unit):
        return set()
    return {review.pk for review in reviews if review.member_id and not can_log_in(review.member)
            and review.status in (ReviewStatus.EXPECTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED)}


_REVIEW_RELATED = ("cycle", "cycle__rule_set", "cycle__unit", "unit", "unit__kind", "unit__parent", "member",
                   "member__user", "form")


def readable_among(user, reviews) -> set[int]:
    """Which of `reviews` the user may open (`can_read_review`), in one query: the lists link only those."""
    return set(Review.objects.filter(pk__in=[review.pk for review in reviews]).filter(readable_reviews(user))
               .values_list("pk", flat=True))


def get_review_for_user(user, pk: int, *, write: bool = False, appraise: bool = False, decide: bool = False,
                        send_back: bool = False, give_feedback: bool = False, record: bool = False,
                        prompt: bool = False) -> Review:
    """The review, for those who may read it (`can_read_review`; 404 for the others), and 403 when an action is
    asked that the user may not take: `write` (can_edit_review), `appraise`, `decide`, `send_back`,
    `give_feedback`, `record` (a member without a login, on paper or excluded), `prompt` (a review point).

    Recording and review points concern reviews their actors may not read (drafts): for those two the review's
    unit decides what is seen, read for `record`, seen inside for `prompt`."""
    review = Review.objects.select_related(*_REVIEW_RELATED).filter(pk=pk).first()
    if review is None:
        raise Http404
    if prompt:
        visible = access.sees_inside(user, review.unit)
    elif record:
        visible = access.can_read_unit(user, review.unit)
    else:
        visible = can_read_review(user, review)
    if not visible:
        raise Http404
    asked = ((write, can_edit_review), (appraise, can_appraise), (decide, can_decide), (send_back, can_send_back),
             (give_feedback, can_give_feedback), (record, can_record_without_login), (prompt, can_send_prompt))
    if not all(rule(user, review) for wanted, rule in asked if wanted):
        raise PermissionDenied
    return review


def get_review_shortcoming_for_user(user, pk: int, *, write: bool = False) -> Shortcoming:
    """A shortcoming named in a review, as its review (get_review_for_user; `write`: the review's editor)."""
    shortcoming = Shortcoming.objects.select_related("review").filter(pk=pk, review__isnull=False).first()
    if shortcoming is None:
        raise Http404
    get_review_for_user(user, shortcoming.review_id, write=write)
    return shortcoming


# --- cycles ------------------------------------------------------------------------------------------------------


def can_open_cycle(user, unit: Unit) -> bool:
    """A committee (with its staff and administrators) opens cycles for its subtree; a cell opens none."""
    return access.can_manage_reviews(user, unit) and not unit.kind.holds_members


def follows_submissions(user, unit: Unit) -> bool:
    """Who in a cell has not submitted yet is followed by those who write the cell."""
    return unit.kind.holds_members and access.can_write_unit(user, unit)


def leads_or_decides(user, unit: Unit) -> bool:
    """The unit's leadership and its superior committee: they see a cell's formalism signals and review order."""
    return access.leads_unit(user, unit) or access.is_superior_committee(user, unit)


def can_read_superior_feedback(user, unit: Unit) -> bool:
    """Feedback from the cells below on a committee is read by those who manage reviews on it. A cell has no
    cells below it: what its members say of their committee is read on the committee's page."""
    return not unit.kind.holds_members and access.can_manage_reviews(user, unit)


def can_answer_superior_feedback(user, cycle: Cycle, unit: Unit) -> bool:
    """The committee's own leadership answers the feedback addressed to it while the cycle is open: accepts an
    item as the committee's shortcoming, or disputes it with a reason."""
    return (cycle.status == CycleStatus.OPEN and can_read_superior_feedback(user, unit)
            and access.leads_unit(user, unit))


def can_download_summary(user, unit: Unit) -> bool:
    """A unit's rating summary: its leadership, its superior committee, those who manage reviews over it."""
    return leads_or_decides(user, unit) or access.can_manage_reviews(user, unit)


def can_see_sent_prompts(user, unit: Unit) -> bool:
    """The committee that sends review points from `unit` (and those who manage reviews above it) follows them."""
    return not unit.kind.holds_members and access.can_manage_reviews(user, unit)


def gives_superior_feedback(user, cycle: Cycle, unit: Unit) -> bool:
    """Whether the user gives feedback on `unit`'s superior committee from this page: an active member of that
    very cell, the cell directly under the committee, while the cycle is open (as get_own_cell_for_user decides)."""
    member_id = access.scope_for(user).member_id
    if member_id is None or cycle.status != CycleStatus.OPEN or unit.parent_id is None:
        return False
    return unit.path.startswith(cycle.unit.path) and Member.objects.filter(
        pk=member_id, cell=unit, status__in=ACTIVE_MEMBER_STATUSES).exists()


def get_unit_for_user(user, pk: int, *, manage: bool = False) -> Unit:
    """A unit whose cycles are listed or opened: seen as org.access says; opening a cycle takes
    `access.can_manage_reviews`."""
    unit = access.get_unit_for_user(user, pk)
    if manage and not access.can_manage_reviews(user, unit):
        raise PermissionDenied
    return unit


def get_cycle_for_user(user, pk: int, *, manage: bool = False) -> Cycle:
    """A cycle is visible to whoever sees its unit or a unit inside it; managing it takes a committee role."""
    cycle = Cycle.objects.select_related("unit", "rule_set").filter(pk=pk).first()
    if cycle is None or not access.sees_inside(user, cycle.unit):
        raise Http404
    if manage and not access.can_manage_reviews(user, cycle.unit):
        raise PermissionDenied
    return cycle


def visible_cycles(user) -> Q:
    """A Q on Cycle for the cycles `get_cycle_for_user` shows the user: opened at a unit they see, or above one
    (`access.sees_inside`)."""
    scope = access.scope_for(user)
    if scope.everything:
        return Q()
    above = {grant.path[:end] for grant in scope.grants for end in range(PATH_STEP, len(grant.path) + 1, PATH_STEP)}
    return Q(unit__path__in=above) | scope.unit_filter("unit__")


def get_cycle_unit_for_user(user, cycle: Cycle, pk: int, *, write: bool = False, summary: bool = False,
                            prompts: bool = False) -> Unit:
    """A unit's part of a cycle: a unit the user sees (org.access, `write` as there) inside the cycle's subtree
    (404 otherwise); `summary` (the rating summary, can_download_summary) and `prompts` (the review points it sent,
    can_see_sent_prompts) are refused with 403 to the others."""
    unit = access.get_unit_for_user(user, pk, write=write)
    if not unit.path.startswith(cycle.unit.path):
        raise Http404
    if (summary and not can_download_summary(user, unit)) or (prompts and not can_see_sent_prompts(user, unit)):
        raise PermissionDenied
    return unit


def get_own_cell_for_user(user, cycle: Cycle, pk: int) -> Unit:
    """The user's own cell, when it is `pk` and inside the cycle (404 otherwise), from which they give feedback on
    its superior committee while the cycle is open (403 otherwise, also for a cell at the root)."""
    member = Member.objects.select_related("cell", "cell__parent").filter(
        pk=access.scope_for(user).member_id, status__in=ACTIVE_MEMBER_STATUSES).first()
    if member is None or member.cell_id != pk or not member.cell.path.startswith(cycle.unit.path):
        raise Http404
    if cycle.status != CycleStatus.OPEN or member.cell.parent is None:
        raise PermissionDenied
    return member.cell


def get_results_unit_for_user(user, cycle: Cycle) -> Unit:
    """The unit whose results of the cycle the user downloads: the cycle's own unit for those who manage reviews
    there, else the highest unit of the cycle they read (queries.focus_unit), if they manage reviews on it (403
    otherwise)."""
    unit = cycle.unit if access.can_manage_reviews(user, cycle.unit) else focus_unit(user, cycle)
    if not access.can_manage_reviews(user, unit):
        raise PermissionDenied
    return unit


# --- rule sets: every login reads them; installation administrators change them -------------------------------


def get_rule_set_for_user(user, pk: int, *, write: bool = False, edit: bool = False) -> RuleSet:
    """A rule set; `write` (copy, publish) takes an administrator, `edit` (change its figures) also a draft: the
    form of a published set is not offered (403)."""
    rule_set = RuleSet.objects.filter(pk=pk).first()
    if rule_set is None:
        raise Http404
    if (write or edit) and not access.can_administer_installation(user):
        raise PermissionDenied
    if edit and rule_set.is_published:
        raise PermissionDenied
    return rule_set


def get_checklist_item_for_user(user, pk: int, *, write: bool = False) -> ChecklistItem:
    """An item of a rule set; editing it takes an administrator and a draft (a published set is never changed:
    403, the page is not offered)."""
    item = ChecklistItem.objects.select_related("checklist__rule_set").filter(pk=pk).first()
    if item is None:
        raise Http404
    get_rule_set_for_user(user, item.checklist.rule_set_id, write=write)
    if write and item.checklist.rule_set.is_published:
        raise PermissionDenied
    return item


# --- feedback as a reader may see it ---------------------------------------------------------------------------


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


def sees_feedback_authors(user, cycle: Cycle, unit: Unit) -> bool:
    """Named cycles show authors to everyone; "secretary" anonymity to the unit's leadership only; under full
    anonymity the author is not even stored."""
    if cycle.anonymity == Anonymity.NAMED:
        return True
    if cycle.anonymity == Anonymity.SECRETARY:
        return access.leads_unit(user, unit)
    return False


def _author_name(user) -> str:
    member = getattr(user, "member", None)
    return member.full_name if member is not None else (user.get_full_name() or user.get_username())


def visible_feedback(user, review: Review) -> tuple[list[FeedbackShown], bool]:
    """Feedback on a review as `user` may see it, and whether some is withheld (full anonymity below the minimum
    number of authors). Every output channel (page, API, documents, exports) goes through here."""
    cycle = review.cycle
    rows = (Feedback.objects.filter(review=review).select_related("author", "author__member")
            .prefetch_related("checklist_items").order_by("created_on", "pk"))
    key = author_key(cycle, user, review=review)
    withheld = (cycle.anonymity == Anonymity.ANONYMOUS
                and distinct_authors(review, other_than=key) < cycle.anonymous_minimum)
    show_author = sees_feedback_authors(user, cycle, review.unit)
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

    shown = [{"pk": row.pk, "kind_label": FeedbackKind(row.kind).label, "text": row.text,
              "from_unit": cell_shown(row), "created_on": row.created_on, "mine": bool(key) and row.author_key == key,
              "author": _author_name(row.author) if show_author and row.author_id else None,
              "response": row.response,
              "response_label": FeedbackResponse(row.response).label if row.response else "",
              "response_reason": row.response_reason} for row in rows]
    # Nothing given yet is nothing withheld: the page says there is no feedback, not that it waits for more.
    return ([] if withheld else shown), withheld and bool(rows)


def committee_feedback(user, cycle: Cycle, unit: Unit, today: datetime.date) -> list[dict]:
    """Feedback addressed to `unit`'s committee in the cycle, as counts `user` may be shown, never who gave it: on
    the collective review of a unit holding members ("collective": its members give it), else from the cells
    below it as their superior committee ("superior"). Each row: its `target`, `counts` (received, answered,
    waiting) and the collective review's `review_id`.

    In a cycle that hides authors only items given before `today` are counted, so the figure never moves as someone
    gives one (the reviewed side is told the same way: services.feedback.announce_feedback); under full anonymity
    `counts` is None until `Cycle.anonymous_minimum` people other than the reader gave feedback (as
    `visible_feedback` and `superior_feedback` withhold the items)."""
    if unit.kind.holds_members:
        review_id = collective_review_id(cycle, unit)
        if review_id is None:
            return []
        target, key = {"target": "collective", "review_id": review_id}, author_key(
            cycle, user, review=Review(pk=review_id))
    else:
        target, key = {"target": "superior", "review_id": None}, author_key(cycle, user, superior=unit)
    counts = feedback_counts(cycle=cycle, review_id=target["review_id"], superior=unit, other_than=key,
                             before=today if cycle.anonymity != Anonymity.NAMED else None)
    if cycle.anonymity == Anonymity.ANONYMOUS and counts["authors"] < cycle.anonymous_minimum:
        return [{**target, "counts": None}]
    return [{**target, "counts": {"received": counts["received"], "answered": counts["answered"],
                                  "waiting": counts["received"] - counts["answered"]}}]


def get_feedback_for_user(user, pk: int, *, respond: bool = False) -> Feedback:
    """Feedback on a review, for those to whom visible_feedback shows it (404 for the others); `respond`: the
    reviewed person answers it (can_respond_to_feedback, 403 for the others). Feedback on a committee, for those
    to whom superior_feedback shows it; `respond`: its leadership (can_answer_superior_feedback)."""
    feedback = Feedback.objects.select_related("review", "cycle", "superior", "superior__kind").filter(pk=pk).first()
    if feedback is None:
        raise Http404
    if feedback.review_id is None:
        if not can_read_superior_feedback(user, feedback.superior):
            raise Http404
        shown, _withheld = superior_feedback(user, feedback.cycle, feedback.superior)
        if feedback.pk not in {item["pk"] for item in shown}:
            raise Http404
        if respond and not can_answer_superior_feedback(user, feedback.cycle, feedback.superior):
            raise PermissionDenied
        return feedback
    review = get_review_for_user(user, feedback.review_id)
    shown, _withheld = visible_feedback(user, review)
    if feedback.pk not in {item.pk for item in shown}:
        raise Http404
    if respond and not can_respond_to_feedback(user, review):
        raise PermissionDenied
    return feedback


# --- what else a reader is shown ---------------------------------------------------------------------------------


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


def citations_for_reader(user, citations: list[dict]) -> list[dict]:
    """Cited facts of the year's record as `user` reads them: each with its sentence and source as cited, `url`
    (the source page) and `file_url` (a file that shows it) only where the source still exists and the reader may
    open it (each source app's policy, through reviews/record.py); otherwise both empty and the citation reads as
    plain text."""
    links = record.links_for(user, [cited["key"] for cited in citations]) if citations else {}
    return [{**cited, "url": links.get(cited["key"], ("", ""))[0], "file_url": links.get(cited["key"], ("", ""))[1]}
            for cited in citations]


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

