"""What a history page says of each recorded action, as a sentence in the reader's language.

An entry keeps its action as a code ("org.member.transfer"); the page shows the sentence listed here. The codes are
the ones written on the objects that have a history page (units and members: their own writes, the imports and
set-up that create units, and the downloads of personal data recorded on them). An action missing here reads as
`UNKNOWN`, never as its code.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "org.unit.create": _("The unit was created."),
    "org.unit.update": _("The unit's details were changed."),
    "org.unit.move": _("The unit was moved under another unit."),
    "org.unit.generate": _("The national organisation was generated below this unit."),
    "documents.units.import": _("Units were added below this unit from a list."),
    "documents.setup": _("The installation was set up with this unit at its top."),
    "documents.roster.export": _("The roster was downloaded."),
    "documents.profile.export": _("The member's profile sheet was downloaded."),
    "corrections.unit.export": _("The unit's corrections were downloaded."),
    "reviews.summary.export": _("The unit's review summary was downloaded."),
    "org.member.create": _("The member was added to the roll."),
    "org.member.update": _("The member's record was changed."),
    "org.member.transfer": _("The member was transferred to another cell."),
    "org.member.status": _("The member's status was changed."),
    "org.member.link_account": _("A login was linked to the member."),
}

UNKNOWN = _("A change was recorded.")

# What entries record beside the object's own fields, by the name they are recorded under.
EXTRA_LABELS = {
    "reason": _("Reason"),
    "ended_posts": _("Posts ended"),
    "format": _("File format"),
    "personal": _("With personal data"),
    "created": _("Units created"),
    "units": _("Units created"),
    "admin": _("Administrator"),
}


def sentence(action: str) -> str:
    return str(ACTIONS.get(action, UNKNOWN))
