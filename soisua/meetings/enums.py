from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from soisua.org.enums import MemberStatus

# The roll: official, probationary and exempt members; suspended members are not on it.
ROLL_STATUSES = (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY, MemberStatus.EXEMPT)


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular meeting")
    THEMATIC = "thematic", _("Thematic session")
    COMBINED = "combined", _("Regular and thematic together")
    REVIEW = "review", _("Review session")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")


class AttendanceStatus(models.TextChoices):
    UNMARKED = "unmarked", _("Not marked yet")
    PRESENT = "present", _("Present")
    LATE = "late", pgettext_lazy("attendance", "Late")
    EXCUSED = "excused", _("Absent with reason")
    UNEXCUSED = "unexcused", _("Absent without reason")


class ContributionKind(models.TextChoices):
    REPORT = "report", _("Report")
    OPINION = "opinion", _("Opinion")
    CRITICISM = "criticism", _("Criticism")
    SELF_CRITICISM = "self_criticism", _("Self-criticism")


class RulesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


# Kinds that hold the month's regular meeting, and kinds that hold the quarter's thematic session.
REGULAR_KINDS = (MeetingKind.REGULAR, MeetingKind.COMBINED)
THEMATIC_KINDS = (MeetingKind.THEMATIC, MeetingKind.COMBINED)

# The bounds of a minimum length a rule version or a committee's exception may set, in minutes.
MIN_MINUTES_BOUNDS = (1, 600)


# --- votes in meetings (docs/domain.md, "Votes in meetings") ---------------------------------------------------


class VoteKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution or ordinary matter")
    ADMISSION = "admission", _("Admission to the Party")
    RECOGNITION = "recognition", _("Recognition as an official member")
    DISCIPLINE = "discipline", _("Discipline")
    EXPULSION = "expulsion", _("Discipline: expulsion")
    REMOVAL = "removal", _("Removal from the roll")
    PERSONNEL = "personnel", _("Personnel poll or election")


class VoteMethod(models.TextChoices):
    OPEN = "open", _("Open vote (by hand or by phone)")
    SECRET = "secret", _("Secret ballot")
    CELL_CHOOSES = "cell_chooses", _("Secret ballot or open vote, as the cell chooses")


class VoteVoters(models.TextChoices):
    OFFICIAL = "official", _("Official members present")
    ALL = "all", _("All members present")


class ThresholdBase(models.TextChoices):
    CAST = "cast", _("the votes cast")
    PRESENT = "present", _("the members entitled to vote who are present")
    MEMBERS = "members", _("the members of the cell entitled to vote")


class MotionStatus(models.TextChoices):
    OPEN = "open", _("Voting")
    CLOSED = "closed", _("Closed")


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")
