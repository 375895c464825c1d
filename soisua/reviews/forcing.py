"""Forcing conditions found from facts.

A rule set's forcing condition either carries a rule — clauses over facts the cell or the committee records on
the review (the share of tasks done, the heaviest discipline of the period…), all of which must hold — or is
judged by the committee, which ticks it. `forced` returns the conditions that apply: those whose rule holds on the
recorded facts, and the judged ones ticked.

The facts are the product's vocabulary; the thresholds are the rule set's data (a newer regulation changes the
number, not the code).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .enums import AppliesTo, Audience, ReviewRank

PERCENT, COUNT, YES_NO, DISCIPLINE = "percent", "count", "yes_no", "discipline"

# Party discipline, lightest first. Reminders and criticism (nhắc nhở, phê bình) are not discipline: "none".
DISCIPLINE_ORDER = ("none", "reprimand", "warning", "removal", "expulsion")
DISCIPLINE_CHOICES = (
    ("none", _("None (or only a reminder or criticism)")),
    ("reprimand", _("Reprimand (khiển trách)")),
    ("warning", _("Warning (cảnh cáo)")),
    ("removal", _("Removal from post (cách chức)")),
    ("expulsion", _("Expulsion (khai trừ)")),
)


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str
    label: str


FACTS = {fact.name: fact for fact in (
    Fact("tasks_percent", PERCENT, _("Share of the assigned targets and tasks completed (%)")),
    Fact("tasks_late_percent", PERCENT, _("Share of the targets and tasks behind schedule or below quality (%)")),
    Fact("socio_economic_targets_missed", COUNT, _("Basic socio-economic targets not met (number)")),
    Fact("discipline", DISCIPLINE, _("Heaviest discipline in the period")),
    Fact("discipline_tied_to_duties", YES_NO, _("The disciplined violation concerns the assigned duties")),
    Fact("led_units_not_completed_percent", PERCENT,
         _("Share of the units directly led or in charge rated “not completed” (%)")),
    Fact("low_confidence_percent", PERCENT, _("Share of low-confidence votes in the confidence vote (%)")),
    Fact("concluded_degradation", YES_NO, _("Concluded by the competent level to show degradation")),
    Fact("serious_disunity", YES_NO, _("Serious internal disunity concluded by the competent level")),
    Fact("civil_servant_not_completed", YES_NO,
         _("Rated “not completed” as an official or employee by the agency or unit")),
    Fact("tasks_not_completed_percent", PERCENT, _("Share of the year's tasks assessed as not completed (%)")),
    Fact("violated_prohibitions", YES_NO,
         _("Concluded to have violated what party members must not do or the duty to set an example")),
    Fact("personnel_violation_or_disunity", YES_NO, _(
        "Concluded by the competent level: wrongdoing in personnel work, internal disunity, factions, or buying "
        "posts or power in its scope")),
    Fact("leadership_member_disciplined", YES_NO, _(
        "A member of the leadership collective disciplined from reprimand up for a violation tied to their duties "
        "in this collective")),
    Fact("leadership_member_degradation", YES_NO,
         _("A member of the leadership collective concluded to show degradation")),
    Fact("corruption_in_scope_disciplined", YES_NO,
         _("Corruption, waste or wrongdoing in the directly managed scope, disciplined")),
)}
OPERATORS = {
    PERCENT: {"lt", "lte", "gt", "gte"}, COUNT: {"lt", "lte", "gt", "gte"}, YES_NO: {"is_true"},
    DISCIPLINE: {"at_least"},
}


def check_rule(rule: list) -> list[str]:
    """What is wrong with a rule as data (unknown fact, operator or value); empty when it can be evaluated."""
    problems = []
    for clause in rule:
        fact = FACTS.get(clause.get("fact", ""))
        if fact is None:
            problems.append(gettext("unknown fact “%(fact)s”") % {"fact": clause.get("fact")})
            continue
        if clause.get("op") not in OPERATORS[fact.kind]:
            problems.append(gettext("%(fact)s: unknown comparison “%(op)s”")
                            % {"fact": fact.name, "op": clause.get("op")})
        elif fact.kind == DISCIPLINE and clause.get("value") not in DISCIPLINE_ORDER:
            problems.append(gettext("%(fact)s: unknown form of discipline “%(value)s”")
                            % {"fact": fact.name, "value": clause.get("value")})
        elif fact.kind in (PERCENT, COUNT):
            value = _number(clause.get("value"))
            if value is None or value < 0 or (fact.kind == PERCENT and value > 100):
                problems.append(gettext("%(fact)s: the threshold must be a number from 0 to 100")
                                % {"fact": fact.name})
    return problems


def _number(value) -> Decimal | None:
    """A finite number, else None: NaN and infinities compare with nothing and are never a share or a count."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def holds(clause: dict, facts: dict) -> bool:
    """One clause on the recorded facts; a fact not recorded never makes a condition apply."""
    fact, value = FACTS[clause["fact"]], facts.get(clause["fact"])
    if fact.kind == YES_NO:
        return value is True
    if fact.kind == DISCIPLINE:
        return (value in DISCIPLINE_ORDER
                and DISCIPLINE_ORDER.index(value) >= DISCIPLINE_ORDER.index(clause["value"]))
    number, threshold = _number(value), _number(clause["value"])
    if number is None:
        return False
    return {"lt": number < threshold, "lte": number <= threshold, "gt": number > threshold,
            "gte": number >= threshold}[clause["op"]]


SYMBOLS = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}


def describe(rule: list) -> str:
    """A rule as a reader of the rule set reads it, in their language: "Heaviest discipline in the period: from
    Reprimand (khiển trách); The disciplined violation concerns the assigned duties"."""
    labels = dict(DISCIPLINE_CHOICES)
    parts = []
    for clause in rule:
        fact = FACTS.get(clause["fact"])
        if fact is None:
            continue
        if fact.kind == YES_NO:
            parts.append(str(fact.label))
        elif fact.kind == DISCIPLINE:
            parts.append(gettext("%(fact)s: from %(form)s") % {
                "fact": fact.label, "form": labels.get(clause["value"], clause["value"])})
        else:
            parts.append(f"{fact.label} {SYMBOLS[clause['op']]} {clause['value']}")
    return "; ".join(parts)


def rule_holds(rule: list, facts: dict) -> bool:
    return bool(rule) and all(holds(clause, facts) for clause in rule)


def applies_to(review, *, has_leader_conditions: bool) -> set[str]:
    """The `applies_to` values of the conditions that concern `review`. A leader's review takes the leaders'
    conditions where the rule set has its own (Quy định 366 lists separate cases for leaders and managers and for
    others), else the members'."""
    if review.rank == ReviewRank.COLLECTIVE:
        return {AppliesTo.COLLECTIVE, AppliesTo.BOTH}
    if review.form.audience == Audience.LEADER:
        return {AppliesTo.LEADER, AppliesTo.BOTH} if has_leader_conditions else {AppliesTo.MEMBER, AppliesTo.BOTH}
    return {AppliesTo.MEMBER, AppliesTo.BOTH}


def facts_used(conditions) -> list[Fact]:
    """The facts the conditions' rules read, in the catalogue's order."""
    names = {clause["fact"] for condition in conditions for clause in condition.rule}
    return [fact for name, fact in FACTS.items() if name in names]


def clean_facts(facts: dict, conditions) -> dict:
    """Only the facts the conditions read, in their kind (values the forms already checked)."""
    cleaned = {}
    for fact in facts_used(conditions):
        value = facts.get(fact.name)
        if value in (None, ""):
            continue
        if fact.kind in (PERCENT, COUNT):
            number = _number(value)
            if number is None or number < 0 or (fact.kind == PERCENT and number > 100):
                raise ValueError(fact.name)
            cleaned[fact.name] = float(number) if number != int(number) else int(number)
        elif fact.kind == YES_NO:
            if not isinstance(value, bool):  # "false" or "0" would read as true: only a box's answer is taken
                raise ValueError(fact.name)
            if value:  # an unticked box records nothing: only what holds is kept
                cleaned[fact.name] = True
        else:
            if value not in DISCIPLINE_ORDER:
                raise ValueError(fact.name)
            cleaned[fact.name] = value
    return cleaned


def forced(conditions, *, facts: dict, ticked) -> list[str]:
    """The codes of the conditions that apply: rules that hold on `facts`, and judged conditions `ticked`."""
    ticked = set(ticked)
    return sorted(condition.code for condition in conditions
                  if (rule_holds(condition.rule, facts) if condition.rule else condition.code in ticked))
