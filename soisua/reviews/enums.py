from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Audience(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    MEMBER = "member", _("Member without a leadership post")
    LEADER = "leader", _("Leader or manager")
    OUTSIDE = "outside", _("Member outside the political system")
    PROBATIONARY = "probationary", _("Probationary member")


class AppliesTo(models.TextChoices):
    MEMBER = "member", _("Members")
    COLLECTIVE = "collective", _("Collectives")
    BOTH = "both", _("Members and collectives")
    LEADER = "leader", _("Leaders and managers")


class CycleKind(models.TextChoices):
    YEAR = "year", _("Yearly")
    QUARTER = "quarter", _("Quarterly")
    TERM = "term", _("End of term")
    AD_HOC = "ad_hoc", _("Ad hoc")


class CycleStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Anonymity(models.TextChoices):
    NAMED = "named", _("Named")
    SECRETARY = "secretary", _("Anonymous to the person, visible to the secretary")
    ANONYMOUS = "anonymous", _("Fully anonymous")


class ReviewStatus(models.TextChoices):
    EXPECTED = "expected", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    # A member without a login whom the cell's leadership took out of the cycle, with a reason: not expected.
    EXCLUDED = "excluded", _("Excluded from the cycle")


# Review order inside a unit (docs/domain.md, "Review cycles"): the collective first, then the head, deputies, members.
class ReviewRank(models.IntegerChoices):
    COLLECTIVE = 0, _("Collective")
    HEAD = 1, _("Head")
    DEPUTY = 2, _("Deputy")
    MEMBER = 3, _("Member")


class ReviewAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    PROPOSED = "proposed", _("Level proposed by the cell")
    DECIDED = "decided", _("Level decided")
    CANCELLED = "cancelled", _("Rating cancelled, review reopened")
    ON_PAPER = "on_paper", _("Reviewed on paper")
    EXCLUDED = "excluded", _("Excluded from the cycle")


class FeedbackKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    SHORTCOMING = "shortcoming", _("Shortcoming")
    SUGGESTION = "suggestion", _("Suggestion")


class FeedbackResponse(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted as a shortcoming")
    DISPUTED = "disputed", _("Disputed")


# Kinds of form fields (ReviewForm.sections) that the author answers in free text, kept in Review.answers.
TEXT_FIELD_KINDS = frozenset({"text", "previous_shortcomings", "collective_shortcomings", "measures",
                              "quarterly_results"})


class Grade(models.TextChoices):
    """A member's own grade of a criterion on the review forms."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")
