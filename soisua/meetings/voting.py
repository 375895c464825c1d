"""How a vote is counted against the roll, and how its result reads in the minutes (docs/domain.md, "Votes in
meetings"). Pure functions of a motion, its rule and the roll's lines: the services store what they compute, the
pages and the minutes word it.

Who is entitled to vote: the lines of the roll whose member status of the meeting's day the rule admits (official
members, exempt members counting as official; all members for a rule that lets everyone vote), less the exempt
members who are not present (an exempt member who attends counts, as the election rules count them)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from soisua.org.enums import MemberStatus

from .enums import ThresholdBase, VoteChoice, VoteMethod, VoteVoters
from .models import Attendance, Motion, VoteRule
from .queries import ATTENDED

OFFICIAL_STATUSES = (MemberStatus.OFFICIAL, MemberStatus.EXEMPT)


def may_vote(rule: VoteRule, member_status: str) -> bool:
    """Whether a member of this status on the meeting's day votes under the rule."""
    return rule.voters == VoteVoters.ALL or member_status in OFFICIAL_STATUSES


def is_secret(rule: VoteRule, chosen_secret: bool) -> bool:
    """The rule decides; only where it leaves the method to the cell does the chair's choice count."""
    if rule.method == VoteMethod.CELL_CHOOSES:
        return chosen_secret
    return rule.method == VoteMethod.SECRET


def required(rule: VoteRule, base: int) -> int:
    """The votes in favour needed: more than, or at least, numerator/denominator of `base`; never fewer than one."""
    product = base * rule.threshold_numerator
    if rule.threshold_strict:
        needed = product // rule.threshold_denominator + 1
    else:
        needed = -(-product // rule.threshold_denominator)
    return max(needed, 1)


@dataclass(frozen=True)
class Tally:
    entitled: int
    entitled_present: int
    cast: int
    required: int
    quorum_met: bool
    passed: bool


def tally(motion: Motion, lines: list[Attendance]) -> Tally:
    """The result of the motion's counts against the roll as it stands."""
    rule = motion.rule
    entitled_lines = [line for line in lines if may_vote(rule, line.member_status)
                      and (line.member_status != MemberStatus.EXEMPT or line.status in ATTENDED)]
    entitled = len(entitled_lines)
    present = sum(1 for line in entitled_lines if line.status in ATTENDED)
    base = {ThresholdBase.CAST: motion.cast, ThresholdBase.PRESENT: present,
            ThresholdBase.MEMBERS: entitled}[rule.threshold_base]
    needed = required(rule, base)
    quorum_met = True
    if rule.quorum_numerator and rule.quorum_denominator:
        quorum_met = present * rule.quorum_denominator >= entitled * rule.quorum_numerator
    return Tally(entitled=entitled, entitled_present=present, cast=motion.cast, required=needed,
                 quorum_met=quorum_met, passed=quorum_met and motion.votes_for >= needed)


def threshold_text(rule: VoteRule) -> str:
    """ "more than 1/2 of the members of the cell entitled to vote" ("hơn 1/2 …")."""
    values = {"fraction": f"{rule.threshold_numerator}/{rule.threshold_denominator}",
              "base": rule.get_threshold_base_display()}
    if rule.threshold_strict:
        return _("more than %(fraction)s of %(base)s") % values
    return _("at least %(fraction)s of %(base)s") % values


def method_text(motion: Motion) -> str:
    return _("secret ballot") if motion.secret else _("open vote")


def minutes_text(motion: Motion, voters_by_choice: dict[str, list[str]] | None = None) -> str:
    """The paragraph the minutes carry for a closed motion: the matter, the method, the roll, the counts, the
    threshold and the result; the names per choice only for an open vote whose rule asks for them."""
    values = {"text": motion.text, "kind": motion.get_kind_display(), "method": method_text(motion),
              "present": motion.entitled_present or 0, "entitled": motion.entitled or 0, "cast": motion.cast,
              "for": motion.votes_for, "against": motion.votes_against, "abstain": motion.votes_abstain,
              "threshold": threshold_text(motion.rule), "required": motion.required or 0,
              "result": _("passed") if motion.passed else _("not passed")}
    # Translators: a vote in the minutes; the whole sentence is the record of one motion.
    text = _("Vote on “%(text)s” (%(kind)s, %(method)s): %(present)s of the %(entitled)s members "
             "entitled to vote present; %(cast)s votes: %(for)s for, %(against)s against, %(abstain)s abstaining. "
             "Needed: %(threshold)s (%(required)s in favour). Result: %(result)s.") % values
    if motion.quorum_met is False:
        text += " " + _("Too few members entitled to vote were present for the vote to count.")
    if voters_by_choice and not motion.secret and motion.rule.names_in_minutes:
        for choice, label in VoteChoice.choices:
            if voters_by_choice.get(choice):
                text += " " + _("%(choice)s: %(names)s.") % {"choice": label,
                                                            "names": ", ".join(voters_by_choice[choice])}
    return text
