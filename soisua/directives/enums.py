from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectiveKind(models.TextChoices):
    """The kinds of document a committee issues downwards; the value is the abbreviation in its number
    ("75-KH/ĐUK")."""

    PLAN = "KH", _("Plan")
    INSTRUCTION = "HD", _("Instruction")
    CONCLUSION = "KL", _("Conclusion")
    RESOLUTION = "NQ", _("Resolution")
    DIRECTIVE = "CT", _("Directive")
    NOTICE = "TB", _("Notice")


class DirectiveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class TargetMode(models.TextChoices):
    CHILDREN = "children", _("All directly subordinate units")
    SUBTREE = "subtree", _("Every unit below")
    KINDS = "kinds", _("Units of chosen kinds below")
    UNITS = "units", _("Chosen units below")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
