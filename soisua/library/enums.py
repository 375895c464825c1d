from django.db import models
from django.utils.translation import gettext_lazy as _

from soisua.org.enums import MemberStatus


class DocumentKind(models.TextChoices):
    """The kinds of document a committee puts in the library; the value is the abbreviation in a number
    ("57-NQ/TW")."""

    RESOLUTION = "NQ", _("Resolution")
    DIRECTIVE = "CT", _("Directive")
    REGULATION = "QĐ", _("Regulation")
    CONCLUSION = "KL", _("Conclusion")
    GUIDANCE = "HD", _("Guidance")
    STUDY = "TL", _("Study material")
    BULLETIN = "BT", _("Bulletin")


# Who is asked to study a required document: the members who take part in the party's activity. Members exempt
# from work and activity are not asked (as Quy định 339-QĐ/TW leaves them out of the handbook's users), nor are
# suspended members or those who left the roll.
STUDY_STATUSES = frozenset({MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY})

# What the library accepts as a document's file (checked by extension and by first bytes: core.uploads).
FILE_TYPES = ("pdf", "docx", "xlsx")
