"""Rule sets: the review rules that change every few years, stored as data (docs/domain.md, "Rules that change are
data").

A published rule set never changes; an administrator edits a draft copy and publishes it. Review cycles pin
the rule set they started with, so a closed cycle keeps its meaning after the rules change.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import (
    Anonymity,
    AppliesTo,
    Audience,
    CycleKind,
    CycleStatus,
    FeedbackKind,
    FeedbackResponse,
    ReviewAction,
    ReviewRank,
    ReviewStatus,
    RuleSetStatus,
)

RULE_SET_CODE = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", _("Use letters, digits, dots and dashes only."))


class Sourced(models.Model):
    """Where a rule comes from: the document (a code among the rule set's documents), its article or item, and
    whether the wording was checked against the official text — with the source it was read in, or why not."""

    source = models.CharField(_("document"), max_length=20, blank=True)
    article = models.CharField(_("article or item"), max_length=255, blank=True)
    verified = models.BooleanField(_("checked against the official text"), default=False)
    # {"title", "publisher", "url", "retrieved"}: where the official wording was read.
    verified_from = models.JSONField(default=dict, blank=True)
    unverified_reason = models.TextField(_("why it is not checked"), blank=True)

    class Meta:
        abstract = True


class RuleSet(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[RULE_SET_CODE])
    name = models.CharField(_("name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=RuleSetStatus.choices, default=RuleSetStatus.DRAFT)
    copied_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies",
                                    verbose_name=_("copied from"))
    # The issuing documents: [{"code", "number", "date", "issuer", "title"}]; rules cite them by code.
    documents = models.JSONField(_("issuing documents"), default=list)
    score_general = models.PositiveSmallIntegerField(_("points for general criteria"), default=30)
    score_tasks = models.PositiveSmallIntegerField(_("points for task results"), default=70)
    score_source = models.CharField(max_length=20, blank=True)
    quota_level = models.CharField(_("level under quota"), max_length=30, default="excellent")
    quota_percent = models.DecimalField(_("quota (percent)"), max_digits=5, decimal_places=2, default=20)
    quota_base_level = models.CharField(_("quota base level"), max_length=30, default="good")
    quota_text = models.TextField(_("quota rule"), blank=True)
    quota_source = models.CharField(max_length=20, blank=True)
    # The quota's exact scope and provenance: {"scope", "article", "verified", "verified_from", "unverified_reason"}
    quota_detail = models.JSONField(default=dict, blank=True)
    # How long a review session lasts at least: [{"who": ..., "days": 1, "source": ..., "article": ...}]
    session_days = models.JSONField(default=list, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.CheckConstraint(condition=Q(quota_percent__gte=0) & Q(quota_percent__lte=100),
                                   name="reviews_ruleset_quota_percent"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == RuleSetStatus.PUBLISHED

    def document(self, code: str) -> dict:
        return next((document for document in self.documents if document.get("code") == code), {})

    def cite(self, code: str) -> str:
        """'366-QĐ/TW (30/08/2025)' for a rule's source code."""
        document = self.document(code)
        if not document:
            return code
        day = _day(document.get("date", ""))
        return f"{document.get('number', code)} ({day})" if day else document.get("number", code)

    @property
    def documents_shown(self) -> list[dict]:
        return [{**document, "date": _day(document.get("date", ""))} for document in self.documents]


def _day(iso_date: str) -> str:
    return f"{iso_date[8:10]}/{iso_date[5:7]}/{iso_date[:4]}" if len(iso_date) == 10 else iso_date


class RatingLevel(Sourced):
    """A quality level with its score threshold (lower bound, inclusive)."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(max_length=30)
    name = models.CharField(_("name"), max_length=120)
    min_score = models.DecimalField(_("minimum score"), max_digits=5, decimal_places=2)
    conditions = models.TextField(_("extra conditions"), blank=True)
    conditions_collective = models.TextField(_("extra conditions for collectives"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="reviews_level_unique_code"),
            models.CheckConstraint(condition=Q(min_score__gte=0) & Q(min_score__lte=100),
                                   name="reviews_level_score_range"),
        ]

    def __str__(self):
        return self.name


class ForcingCondition(Sourced):
    """A condition that forces the lowest level whatever the score (e.g. disciplined during the period).

    `rule` is how the condition is found from the facts recorded on a review (reviews/forcing.py):
    [{"fact": "tasks_percent", "op": "lt", "value": 70}, ...], all of which must hold; an empty rule is judged by
    the committee, which ticks it.
    """

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="forcing_conditions")
    code = models.SlugField(max_length=40)
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    text = models.TextField(_("condition"))
    rule = models.JSONField(default=list, blank=True)
    cycle_kinds = models.JSONField(default=list, blank=True)  # the kinds of cycle it applies in; empty: every kind
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rule_set", "order"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="reviews_forcing_unique_code")]

    def __str__(self):
        return self.code

    def serves(self, kind: str) -> bool:
        return not self.cycle_kinds or kind in self.cycle_kinds


class Checklist(models.Model):
    """What members examine themselves against: the 27 manifestations, the 19 prohibitions."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="checklists")
    code = models.SlugField(max_length=20)
    name = models.CharField(_("name"), max_length=255)
    source = models.CharField(max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rule_set", "order"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="reviews_checklist_unique_code")]

    def __str__(self):
        return self.name


class ChecklistItem(Sourced):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    group_code = models.CharField(max_length=20)
    group_name = models.CharField(max_length=255)
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["checklist", "order"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="reviews_item_unique_code")]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"


class ReviewForm(Sourced):
    """An official form (Mẫu 01, 2A, 2B, 2C, a quarterly evaluation): its sections and fields, as data.

    `cycle_kinds` lists the kinds of cycle that use it (empty: every kind); within a rule set one form serves an
    audience in a kind of cycle.
    """

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="forms")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=255)
    audience = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    cycle_kinds = models.JSONField(default=list, blank=True)
    # [{"code": "I", "title": ..., "fields": [{"key", "label", "kind", "graded"?, "max_points"?, "help"?}]}]
    sections = models.JSONField(default=list)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rule_set", "order"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="reviews_form_unique_code")]

    def __str__(self):
        return self.name

    def serves(self, kind: str) -> bool:
        return not self.cycle_kinds or kind in self.cycle_kinds

    @property
    def kinds_display(self) -> str:
        return ", ".join(str(CycleKind(kind).label) for kind in self.cycle_kinds if kind in CycleKind.values)


def rule_subject(rule) -> str:
    """How checks name a rule: "item:CT-1", "forcing:discipline", "level:good", "form:2A"."""
    prefix = {ChecklistItem: "item", ForcingCondition: "forcing", RatingLevel: "level", ReviewForm: "form"}
    return f"{prefix[type(rule)]}:{rule.code}"


class RuleVerification(models.Model):
    """Someone checked a rule of a draft rule set against an official text: who, against which text, when.

    `subject` names the rule: "item:CT-1", "forcing:discipline", "level:good", "quota", "form:2A".
    """

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="verifications")
    subject = models.CharField(max_length=60)
    verified = models.BooleanField(_("matches the official text"))
    against_title = models.CharField(_("text checked against"), max_length=255)
    against_publisher = models.CharField(_("published by"), max_length=255)
    against_url = models.URLField(_("address"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule_set", "subject", "-at", "-id"]

    def __str__(self):
        return f"{self.subject} {self.at:%Y-%m-%d}"


class Cycle(models.Model):
    """A review cycle opened by a committee for its subtree; it pins its rule set."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="review_cycles",
                             verbose_name=_("opened by unit"))
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=CycleKind.choices, default=CycleKind.YEAR)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    self_review_due = models.DateField(_("self-reviews due"))
    appraisal_due = models.DateField(_("cell appraisal due"))
    decision_due = models.DateField(_("decision due"))
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="cycles",
                                 verbose_name=_("rule set"))
    enforce_order = models.BooleanField(_("enforce the review order"), default=True, help_text=_(
        "Collective first, then the head, the deputies and the members."))
    anonymity = models.CharField(_("feedback anonymity"), max_length=20, choices=Anonymity.choices,
                                 default=Anonymity.NAMED)
    # Fully anonymous feedback is shown only once this many people gave feedback on the same review.
    anonymous_minimum = models.PositiveSmallIntegerField(_("fewest authors before anonymous feedback is shown"),
                                                         default=3)
    status = models.CharField(_("status"), max_length=20, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The key of the feedback authors' keyed hashes (queries.author_key), random per cycle and erased when the
    # cycle closes: afterwards nobody, not even with a copy of the database and the installation's secrets, can
    # link an anonymous item to a person.
    feedback_secret = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("review cycle")
        verbose_name_plural = _("review cycles")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="reviews_cycle_period"),
            models.CheckConstraint(condition=Q(appraisal_due__gte=models.F("self_review_due"))
                                   & Q(decision_due__gte=models.F("appraisal_due")), name="reviews_cycle_stages"),
        ]

    def __str__(self):
        return self.title


class Review(models.Model):
    """One expected review in a cycle: a member's self-review or a unit's collective review.

    Created when the cycle opens (the expected list), so progress is a count over these rows.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reviews")
    # The member's cell, or the unit whose collective review this is.
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews")
    form = models.ForeignKey(ReviewForm, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(choices=ReviewRank.choices)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.EXPECTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    # Optimistic locking: every save increments it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # A member without a login is reviewed on paper in the cell's meeting: the cell's leadership records the
    # paper's date (the review then counts as submitted on that day), or excludes the review with a reason.
    paper_on = models.DateField(_("reviewed on paper on"), null=True, blank=True)
    excluded_reason = models.TextField(_("reason for the exclusion"), blank=True)

    # The form's text fields by key, per-criterion grades by key, and the checklist walk by item code:
    # {"CT-1": {"present": false}, "DD-4": {"present": true, "text": "..."}}.
    answers = models.JSONField(default=dict, blank=True)
    grades = models.JSONField(default=dict, blank=True)
    checklist = models.JSONField(default=dict, blank=True)

    # Rating, in three steps (docs/domain.md, "Review cycles" and "Ratings"); levels are RatingLevel codes of the
    # cycle's rule set.
    self_score_general = models.DecimalField(_("self-score, general criteria"), max_digits=5, decimal_places=2,
                                             null=True, blank=True)
    self_score_tasks = models.DecimalField(_("self-score, task results"), max_digits=5, decimal_places=2,
                                           null=True, blank=True)
    self_level = models.CharField(_("self-proposed level"), max_length=30, blank=True)
    cell_level = models.CharField(_("level proposed by the cell"), max_length=30, blank=True)
    cell_comment = models.TextField(_("cell committee's comment"), blank=True)
    cell_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    cell_at = models.DateTimeField(null=True, blank=True)
    decided_level = models.CharField(_("decided level"), max_length=30, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Forcing conditions (codes) found to apply, and the rule checks a decider overrode: [{"code", "message"}].
    forcing = models.JSONField(default=list, blank=True)
    # The facts the cell or the committee recorded for the forcing conditions (reviews/forcing.py FACTS).
    facts = models.JSONField(default=dict, blank=True)
    overrides = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(_("reason for overriding the rules"), blank=True)

    # Facts of the year's record the writer cited (reviews/record.py), in the order cited: [{"section", "key",
    # "text", "source", "evidence"}]. The sentence and its source are kept as cited, so a citation still reads
    # when its source is gone; the link is found again for each reader.
    citations = models.JSONField(default=list, blank=True)

    # Formalism signals computed at submit; never blocking.
    signature = models.BinaryField(null=True, blank=True, editable=False)
    signals = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["cycle", "unit", "rank", "id"]
        indexes = [models.Index(fields=["cycle", "unit", "status"], name="reviews_review_progress")]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], condition=Q(member__isnull=False),
                                    name="reviews_one_self_review"),
            models.UniqueConstraint(fields=["cycle", "unit"], condition=Q(member__isnull=True),
                                    name="reviews_one_collective_review"),
        ]

    def __str__(self):
        return f"{self.cycle}: {self.member or self.unit}"

    @property
    def is_collective(self) -> bool:
        return self.member_id is None

    @property
    def is_editable(self) -> bool:
        return self.status in (ReviewStatus.EXPECTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED)

    @property
    def self_score(self):
        if self.self_score_general is None or self.self_score_tasks is None:
            return None
        return self.self_score_general + self.self_score_tasks

    @property
    def final_level(self) -> str:
        return self.decided_level if self.decided_at else ""


class ReviewEvent(models.Model):
    """A review's visible history: submitted, returned with a reason, proposed, decided, cancelled."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.review_id} {self.action}"


class Feedback(models.Model):
    """Góp ý, phê bình: on a member's review, on a collective review, or on the superior committee.

    Under full anonymity the author is not stored at all: `author_key` (a hash of the person and the review, or
    the superior committee, keyed by the cycle's own secret) only lets the author find their own items while the
    cycle is open and counts distinct authors; the day replaces the time, since in a small cell a time can name
    the author. `audited` marks anonymous items whose audit entry the nightly job has written (see
    services.feedback.audit_anonymous_feedback).
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="feedback")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback")
    superior = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("superior committee"))
    from_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    author_key = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices)
    text = models.TextField(_("feedback"))
    checklist_items = models.ManyToManyField(ChecklistItem, blank=True, related_name="+",
                                             verbose_name=_("checklist items"))
    created_on = models.DateField()
    response = models.CharField(max_length=20, choices=FeedbackResponse.choices, blank=True)
    response_reason = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    shortcoming = models.ForeignKey("corrections.Shortcoming", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    audited = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_on", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(condition=Q(review__isnull=False, superior__isnull=True)
                                   | Q(review__isnull=True, superior__isnull=False), name="reviews_feedback_target"),
            models.CheckConstraint(condition=~Q(text=""), name="reviews_feedback_text"),
        ]

    def __str__(self):
        return self.text[:60]


class QuotaSetting(models.Model):
    """An organisation's own excellent quota, where it differs from the rule set's (e.g. 25 % in some communes)."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="review_quota")
    percent = models.DecimalField(_("quota (percent)"), max_digits=5, decimal_places=2)
    base_level = models.CharField(_("quota base level"), max_length=30, default="good")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100),
                                              name="reviews_quota_setting_percent")]

    def __str__(self):
        return f"{self.unit_id}: {self.percent} %"


class TemplateText(models.Model):
    """A known ready-made review text (sold or circulated templates): submitted reviews are compared with it."""

    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("text"))
    signature = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("template text")
        verbose_name_plural = _("template texts")

    def __str__(self):
        return self.title


# Review points (gợi ý kiểm điểm): what the directly superior committee asks a collective or a member to examine and
# answer in section IV of a review.
class ReviewPrompt(models.Model):
    cycle = models.ForeignKey("reviews.Cycle", on_delete=models.CASCADE, related_name="prompts")
    # Answered in this review (a member's self-review or a unit's collective review).
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="prompts")
    from_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("sent by unit"))
    text = models.TextField(_("review point"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "oversight_reviewprompt"  # created when review points lived in the oversight app
        ordering = ["sent_at", "id"]
        verbose_name = _("review point")
        verbose_name_plural = _("review points")

    def __str__(self):
        return self.text[:80]
