"""Meeting quality (docs/domain.md, "Meeting quality"): the criteria as versioned data, the version a committee
chose for its subtree, the cell's assessment of each regular meeting and the members' anonymous ratings."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import AssessmentStatus, Group, Level, Measure


class QualityRubric(models.Model):
    """A version of the criteria a regular meeting is assessed by. `scored` versions give points and name the level
    by their `bands` ([{"level", "min"}], highest first); the national framework gives none: a meeting meets it when
    every criterion is met. Shipped by data migrations with the documents they follow; never edited once shipped
    (a change is a new version)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    valid_from = models.DateField(_("valid from"))
    # [{"kind", "number", "date" (yyyy-mm-dd), "issuer", "title"}]
    documents = models.JSONField(_("documents followed"), default=list, blank=True)
    source = models.TextField(_("source"), blank=True)
    scored = models.BooleanField(_("scored out of 100"), default=False)
    bands = models.JSONField(_("levels by points"), default=list, blank=True)
    is_default = models.BooleanField(_("used where no committee chose a version"), default=False)

    class Meta:
        ordering = ["-valid_from", "code"]
        verbose_name = _("meeting quality criteria")
        verbose_name_plural = _("meeting quality criteria")

    def __str__(self):
        return self.name

    @property
    def max_total(self) -> int:
        return sum(criterion.max_points for criterion in self.criteria.all())

    def level_for(self, total: int | None, all_met: bool) -> str:
        if not self.scored:
            return Level.PASSED if all_met else Level.FAILED
        for band in sorted(self.bands, key=lambda band: -band["min"]):
            if total is not None and total >= band["min"]:
                return band["level"]
        return Level.POOR

    @property
    def bands_shown(self) -> list[dict]:
        return [{"label": Level(band["level"]).label, "min": band["min"]}
                for band in sorted(self.bands, key=lambda band: -band["min"])]

    @property
    def documents_shown(self) -> list[dict]:
        shown = []
        for document in self.documents:
            try:
                day = datetime.date.fromisoformat(document.get("date", "")).strftime("%d/%m/%Y")
            except ValueError:
                day = document.get("date", "")
            shown.append({**document, "date": day})
        return shown


class QualityCriterion(models.Model):
    rubric = models.ForeignKey(QualityRubric, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    text = models.TextField(_("criterion"))
    max_points = models.PositiveSmallIntegerField(_("points"), default=0)
    measure = models.CharField(_("measured by"), max_length=20, choices=Measure.choices, default=Measure.JUDGED)
    # The figure a computed criterion is met at (a percent for rates and shares); none: the record's figure is
    # shown and the cell judges it (the framework names no number for "many members speak").
    threshold = models.PositiveSmallIntegerField(_("threshold"), null=True, blank=True)

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="quality_criterion_code")]

    def __str__(self):
        return self.text

    @property
    def computed(self) -> bool:
        return self.measure != Measure.JUDGED and (self.threshold is not None or self.measure in COMPUTED_ALWAYS)


# Measures decided by the record alone (no threshold needed: none absent without reason, long enough, in time).
COMPUTED_ALWAYS = (Measure.UNEXCUSED, Measure.DURATION, Measure.DOCUMENTS)


class RubricChoice(models.Model):
    """The version a committee chose for the cells of its subtree (the nearest choice above a cell applies)."""

    committee = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("committee"))
    rubric = models.ForeignKey(QualityRubric, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("criteria version"))
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    chosen_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("criteria version chosen")
        verbose_name_plural = _("criteria versions chosen")

    def __str__(self):
        return f"{self.committee}: {self.rubric}"


class Assessment(models.Model):
    """The cell's assessment of one regular meeting: each criterion's facts and points (`lines`: {code: {"fact",
    "met", "points"}}), the total and level, decided by the cell (recorded by its leadership) and confirmed by the
    upper-level liaison."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="quality")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"))
    rubric = models.ForeignKey(QualityRubric, on_delete=models.PROTECT, related_name="+")
    lines = models.JSONField(default=dict)
    total = models.PositiveSmallIntegerField(_("total points"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DECIDED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("meeting quality assessment")
        verbose_name_plural = _("meeting quality assessments")
        indexes = [models.Index(fields=["unit", "level"], name="quality_assessment_unit")]

    def __str__(self):
        return str(self.meeting)


class MemberRating(models.Model):
    """One member's anonymous rating of a meeting: who gave it is not stored, nor any time finer than the day; the
    random key keeps the rows in no order of giving. Its audit entry is written the night after (`audited`,
    services.audit_ratings), shuffled among the day's, so its place in the trail tells no moment either."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("rating"), max_length=20, choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    given_on = models.DateField()
    audited = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("member rating")
        verbose_name_plural = _("member ratings")
        constraints = [models.CheckConstraint(condition=Q(level__in=["good", "fair", "average", "poor"]),
                                              name="quality_rating_level")]

    def __str__(self):
        return self.get_level_display()


class RatingMark(models.Model):
    """That someone rated a meeting, as a keyed hash of the meeting and the person (queries.rater_key): it stops a
    second rating and is not linked to the rating itself."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "key"], name="quality_rating_once")]

    def __str__(self):
        return str(self.pk)
