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
