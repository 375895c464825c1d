"""Every kind of message soisua sends, with its label for the preferences page and whether it is mandatory.

A mandatory kind (a change to the person's own access, or a step that waits for them with a deadline) always
arrives at once, in the inbox and by e-mail; the others follow each person's preference: at once, in a daily
e-mail digest (still in the inbox at once), or not at all. `notify` refuses a kind that is not listed here, so a
new message cannot skip the preferences page.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    mandatory: bool = False


KINDS: dict[str, Kind] = {kind.code: kind for kind in [
    Kind("org.grant", _("A role given to me or taken from me"), mandatory=True),
    Kind("org.login_opened", _("A login opened for a member of my cell"), mandatory=True),
    Kind("org.standin", _("An administrator acting as my committee"), mandatory=True),
    Kind("accounts.two_factor_reset", _("My two-factor login reset by an administrator"), mandatory=True),
    Kind("documents.import", _("My roster import is done")),
    Kind("documents.import_conflict", _("An imported member is held for my unit"), mandatory=True),
    Kind("documents.export", _("My export is ready to download")),
    Kind("reviews.cycle_opened", _("A review cycle opened for me")),
    Kind("reviews.reminder", _("My self-review is due")),
    Kind("reviews.returned", _("My review returned for revision"), mandatory=True),
    Kind("reviews.decided", _("The level decided for my review")),
    Kind("reviews.cancelled", _("A decision on my review cancelled"), mandatory=True),
    Kind("reviews.feedback", _("Feedback on my review")),
    Kind("reviews.feedback_answered", _("My feedback accepted or disputed")),
    Kind("reviews.copied", _("My review text found copied")),
    Kind("oversight.prompt", _("Review points from the upper level"), mandatory=True),
    Kind("corrections.recorded", _("A shortcoming recorded for me")),
    Kind("corrections.plan_submitted", _("A correction plan waiting for my approval"), mandatory=True),
    Kind("corrections.plan_decided", _("My correction plan approved or returned")),
    Kind("corrections.fix_claimed", _("A fix waiting for my verification"), mandatory=True),
    Kind("corrections.fix_decided", _("My fix verified or reopened")),
    Kind("corrections.step", _("My correction steps due")),
    Kind("corrections.escalation", _("Overdue corrections in my unit"), mandatory=True),
    Kind("meetings.scheduled", _("A meeting of my cell scheduled or changed")),
    Kind("meetings.reminder", _("A meeting of mine coming up")),
    Kind("meetings.documents", _("Documents published for a meeting")),
    Kind("meetings.minutes", _("Minutes of a meeting approved")),
    Kind("meetings.rules", _("A lower minimum meeting length for my cell set or ended")),
    Kind("quality.assessed", _("A meeting's quality assessed by its cell, for me to confirm"), mandatory=True),
    Kind("quality.rate", _("A meeting I attended open to my anonymous rating")),
    Kind("quality.confirmed", _("The quality assessment of my cell's meeting confirmed")),
    Kind("directives.issued", _("A directive addressed to my unit"), mandatory=True),
    Kind("directives.amended", _("A directive addressed to my unit amended")),
    Kind("directives.reminder", _("A reminder from the issuer of a directive")),
    Kind("directives.report_due", _("A report on a directive due")),
    Kind("directives.acknowledge", _("A directive not acknowledged yet")),
    Kind("oversight.notified", _("An inspection of my unit or of me"), mandatory=True),
    Kind("oversight.self_report", _("A self-report for an inspection I hold")),
    Kind("oversight.concluded", _("An inspection's conclusion and its remedies"), mandatory=True),
    Kind("alerts.raised", _("Early warnings raised for my unit")),
    Kind("alerts.digest", _("The weekly summary of my unit's early warnings")),
    Kind("library.study", _("A document I am asked to study")),
    Kind("library.reminder", _("A study of mine due soon")),
]}


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notification kind {code!r}: list it in notifications/kinds.py") from None
