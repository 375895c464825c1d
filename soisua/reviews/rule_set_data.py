"""Loading a rule set from its data file, and checking the data before anything is written.

`load_rule_set` takes a model getter so a data migration can run it with historical models:
`load_rule_set(data, get_model=apps.get_model)`; fields the historical model does not have yet are left out.
The data format is described in docs/rules.md.
"""

import datetime
import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .forcing import check_rule

DATA_DIR = Path(__file__).parent / "data"
FIELD_KINDS = frozenset({"text", "score_general", "score_tasks", "checklist", "shortcomings", "previous_shortcomings",
                         "prompts", "collective_shortcomings", "measures", "self_level", "quarterly_results"})
AUDIENCES = ("collective", "member", "leader", "outside", "probationary")
CYCLE_KINDS = ("year", "quarter", "term", "ad_hoc")
# Every kind of cycle needs a form for these audiences; members outside the political system and probationary
# members fall back on the member's form when the rule set has none of their own (reviews/scope.py).
REQUIRED_AUDIENCES = {"year": ("collective", "member", "leader"), "term": ("collective", "member", "leader"),
                      "ad_hoc": ("collective", "member", "leader"), "quarter": ("leader",)}


class RuleSetDataError(ValueError):
    """A rule-set file the application refuses; `problems` are translated sentences, one per fault."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_data(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def _number(value) -> Decimal | None:
    """A finite number, else None (NaN and infinities compare with nothing)."""
    try:
        number = None if isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


# The address of a text a rule was checked against is printed as a link: a web page, as long as its column holds.
WEB_ADDRESS_LIMIT = 500


def is_web_address(url: Any) -> bool:
    """An http or https address of at most WEB_ADDRESS_LIMIT characters."""
    if not isinstance(url, str) or len(url) > WEB_ADDRESS_LIMIT:
        return False
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


def _address_problems(what: str, verified_from: Any) -> list[str]:
    url = verified_from.get("url") if isinstance(verified_from, dict) else None
    if not url or is_web_address(url):
        return []
    return [_("%(what)s: the address of the text checked against is not a web page (http or https) of at most "
              "%(limit)s characters.") % {"what": what, "limit": WEB_ADDRESS_LIMIT}]


def _duplicates(codes) -> list[str]:
    return sorted(code for code, count in Counter(codes).items() if count > 1)


# The longest texts the tables hold (reviews.models): a longer value is refused here, not cut by the database.
LIMITS = {"article": 255, "name": 255}
CODE_LIMITS = {"levels": 30, "forcing_conditions": 40, "forms": 10, "items": 20}


def _sourced_problems(what: str, row: dict, documents: set[str]) -> list[str]:
    problems = [_("%(what)s: “%(field)s” is longer than %(limit)s characters.")
                % {"what": what, "field": field, "limit": limit}
                for field, limit in LIMITS.items() if len(str(row.get(field, ""))) > limit]
    document = row.get("document", row.get("source", ""))
    if document and document not in documents:
        problems.append(_("%(what)s cites the document %(code)s, which the rule set does not list.")
                        % {"what": what, "code": document})
    if row.get("verified") and not (row.get("verified_from") or {}).get("title"):
        problems.append(_("%(what)s is marked as checked against the official text but does not say where that text "
                          "was read.") % {"what": what})
    return problems + _address_problems(what, row.get("verified_from"))


def problems_in(data: dict[str, Any]) -> list[str]:
    """Every fault in a rule set's data, as translated sentences (empty when it can be loaded)."""
    problems: list[str] = []
    if not str(data.get("code", "")).strip() or not str(data.get("name", "")).strip():
        problems.append(_("A rule set needs a code and a name."))
    documents = {document.get("code") for document in data.get("documents", [])}
    problems += [_("The document code %(code)s is used twice.") % {"code": code}
                 for code in _duplicates(document.get("code") for document in data.get("documents", []))]
    for document in data.get("documents", []):
        problems += _address_problems(_("The document %(code)s") % {"code": document.get("code")},
                                      document.get("verified_from"))
    levels = data.get("levels", [])
    scores = [_number(level.get("min_score")) for level in levels]
    if not levels:
        problems.append(_("A rule set needs its rating levels."))
    elif any(score is None or not 0 <= score <= 100 for score in scores):
        problems.append(_("A level's minimum score is a number from 0 to 100."))
    elif scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores) or scores[-1] != 0:
        problems.append(_("Each level must need a higher score than the level below it, and the lowest must start "
                          "at 0 points."))
    level_codes = [level.get("code") for level in levels]
    problems += [_("The level code %(code)s is used twice.") % {"code": code} for code in _duplicates(level_codes)]
    for level in levels:
        problems += _sourced_problems(_("The level “%(name)s”") % {"name": level.get("name", "")}, level, documents)
    quota = data.get("quota", {})
    percent = _number(quota.get("percent"))
    if percent is None or not 0 <= percent <= 100:
        problems.append(_("The quota is a percentage between 0 and 100."))
    if quota.get("level") not in level_codes or quota.get("base_level") not in level_codes:
        problems.append(_("The quota must name levels of the rule set."))
    split = data.get("score_split", {})
    general, tasks = _number(split.get("general", 30)), _number(split.get("tasks", 70))
    if general is None or tasks is None or general + tasks != 100:
        problems.append(_("The general criteria and the task results must add up to 100 points."))
    conditions = data.get("forcing_conditions", [])
    problems += [_("The forcing condition code %(code)s is used twice.") % {"code": code}
                 for code in _duplicates(condition.get("code") for condition in conditions)]
    for condition in conditions:
        what = _("The forcing condition %(code)s") % {"code": condition.get("code")}
        if condition.get("applies_to", "both") not in ("member", "collective", "both", "leader"):
            problems.append(_("%(what)s applies to an unknown kind of review.") % {"what": what})
        problems += [_("%(what)s: %(problem)s.") % {"what": what, "problem": problem}
                     for problem in check_rule(condition.get("rule", []))]
        problems += _sourced_problems(what, condition, documents)
    items = [(checklist, item) for checklist in data.get("checklists", [])
             for group in checklist.get("groups", []) for item in group.get("items", [])]
    problems += [_("The checklist code %(code)s is used twice.") % {"code": code}
                 for code in _duplicates(checklist.get("code") for checklist in data.get("checklists", []))]
    problems += [_("The checklist item code %(code)s is used twice.") % {"code": code}
                 for code in _duplicates(item.get("code") for _checklist, item in items)]
    for checklist, item in items:
        if not str(item.get("text", "")).strip():
            problems.append(_("The checklist item %(code)s has no text.") % {"code": item.get("code")})
        problems += _sourced_problems(_("The checklist item %(code)s") % {"code": item.get("code")},
                                      {"document": checklist.get("document", checklist.get("source", "")), **item},
                                      documents)
    forms = data.get("forms", [])
    problems += [_("The form code %(code)s is used twice.") % {"code": code}
                 for code in _duplicates(form.get("code") for form in forms)]
    for form in forms:
        if form.get("audience") not in AUDIENCES:
            problems.append(_("Form %(code)s is for an unknown audience.") % {"code": form.get("code")})
        if any(kind not in CYCLE_KINDS for kind in form.get("cycle_kinds", [])):
            problems.append(_("Form %(code)s names an unknown kind of cycle.") % {"code": form.get("code")})
        for section in form.get("sections", []):
            for field in section.get("fields", []):
                if field.get("kind") not in FIELD_KINDS:
                    problems.append(_("Form %(code)s has a field of an unknown kind: %(kind)s.")
                                    % {"code": form.get("code"), "kind": field.get("kind")})
        problems += _sourced_problems(_("Form %(code)s") % {"code": form.get("code")}, form, documents)
    rows = {"levels": levels, "forcing_conditions": conditions, "forms": forms, "items": [item for _c, item in items]}
    problems += [_("The code %(code)s is longer than %(limit)s characters.") % {"code": row.get("code"), "limit": limit}
                 for key, limit in CODE_LIMITS.items() for row in rows[key] if len(str(row.get("code", ""))) > limit]
    for kind in CYCLE_KINDS:
        for audience in AUDIENCES:
            serving = [form["code"] for form in forms if form.get("audience") == audience
                       and (not form.get("cycle_kinds") or kind in form["cycle_kinds"])]
            message = _("Forms %(codes)s serve the same people in the same kind of cycle.") % {
                "codes": ", ".join(serving)}
            if len(serving) > 1 and message not in problems:
                problems.append(message)
    return problems


def check_data(data: dict[str, Any]) -> None:
    """Refuse a data file whose content the application would not understand or that breaks the rules' shape."""
    problems = problems_in(data)
    if problems:
        raise RuleSetDataError(problems)


def in_force_from(data: dict[str, Any]) -> datetime.datetime:
    """When a shipped rule set took effect: its own date, else the date of its newest document (not the moment it
    was installed, so that sets published later by administrators always come after it)."""
    day = (datetime.date.fromisoformat(data["in_force_from"]) if data.get("in_force_from")
           else max(datetime.date.fromisoformat(document["date"]) for document in data["documents"]))
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def _sourced(row: dict, default_source: str = "") -> dict:
    return {"source": row.get("document", row.get("source", default_source)), "article": row.get("article", ""),
            "verified": bool(row.get("verified", False)), "verified_from": row.get("verified_from") or {},
            "unverified_reason": row.get("unverified_reason", "")}


def _make(model, **values):
    """`model(**values)` without the fields a historical model (an older migration's state) does not have."""
    names = {field.name for field in model._meta.get_fields()}
    return model(**{key: value for key, value in values.items() if key in names or key.endswith("_id")})


def load_rule_set(data: dict[str, Any], *, get_model: Callable, status: str = "published", published_at=None):
    """Create one rule set and its levels, conditions, checklists and forms from `data`."""
    check_data(data)
    RuleSet = get_model("reviews", "RuleSet")
    quota, split = data["quota"], data.get("score_split", {})
    rule_set = _make(
        RuleSet, code=data["code"], name=data["name"], status=status, published_at=published_at,
        documents=data.get("documents", []),
        score_general=split.get("general", 30), score_tasks=split.get("tasks", 70),
        score_source=split.get("document", split.get("source", "")),
        quota_level=quota["level"], quota_percent=quota["percent"], quota_base_level=quota["base_level"],
        quota_text=quota.get("text", ""), quota_source=quota.get("document", quota.get("source", "")),
        quota_detail={key: quota[key] for key in ("scope", "article", "verified", "verified_from",
                                                  "unverified_reason") if key in quota},
        session_days=data.get("session_days", []),
        in_force_from=in_force_from(data).date() if data.get("documents") else None)
    rule_set.save()
    RatingLevel = get_model("reviews", "RatingLevel")
    RatingLevel.objects.bulk_create(
        _make(RatingLevel, rule_set=rule_set, order=order, code=level["code"], name=level["name"],
              min_score=level["min_score"], conditions=level.get("conditions", ""),
              conditions_collective=level.get("conditions_collective", ""), **_sourced(level))
        for order, level in enumerate(data["levels"]))
    ForcingCondition = get_model("reviews", "ForcingCondition")
    ForcingCondition.objects.bulk_create(
        _make(ForcingCondition, rule_set=rule_set, order=order, code=condition["code"],
              applies_to=condition.get("applies_to", "both"), text=condition["text"],
              rule=condition.get("rule", []), cycle_kinds=condition.get("cycle_kinds", []), **_sourced(condition))
        for order, condition in enumerate(data.get("forcing_conditions", [])))
    Checklist, ChecklistItem = get_model("reviews", "Checklist"), get_model("reviews", "ChecklistItem")
    for order, checklist_data in enumerate(data.get("checklists", [])):
        source = checklist_data.get("document", checklist_data.get("source", ""))
        checklist = Checklist.objects.create(rule_set=rule_set, order=order, code=checklist_data["code"],
                                             name=checklist_data["name"], source=source)
        items = [(group, item) for group in checklist_data["groups"] for item in group["items"]]
        ChecklistItem.objects.bulk_create(
            _make(ChecklistItem, checklist=checklist, order=position, group_code=group["code"],
                  group_name=group["name"], code=item["code"], text=item["text"],
                  **_sourced(item, source))
            for position, (group, item) in enumerate(items))
    ReviewForm = get_model("reviews", "ReviewForm")
    ReviewForm.objects.bulk_create(
        _make(ReviewForm, rule_set=rule_set, order=order, code=form["code"], name=form["name"],
              audience=form["audience"], sections=form["sections"], cycle_kinds=form.get("cycle_kinds", []),
              **_sourced(form))
        for order, form in enumerate(data.get("forms", [])))
    return rule_set
