"""Loading a rule set from its data file, and checking the data's shape.

`load_rule_set` takes a model getter so the data migration can run it with historical models:
`load_rule_set(data, get_model=apps.get_model)`.
"""

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
FIELD_KINDS = frozenset({"text", "score_general", "score_tasks", "checklist", "shortcomings", "previous_shortcomings",
                         "prompts", "collective_shortcomings", "measures", "self_level"})


def read_data(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


def check_data(data: dict[str, Any]) -> None:
    """Refuse a data file whose shape the application would not understand (raises ValueError)."""
    levels = data["levels"]
    scores = [level["min_score"] for level in levels]
    if scores != sorted(scores, reverse=True) or scores[-1] != 0:
        raise ValueError("levels must go from best to worst, and the last must start at 0")
    codes = {level["code"] for level in levels}
    if data["quota"]["level"] not in codes or data["quota"]["base_level"] not in codes:
        raise ValueError("the quota must name existing levels")
    for form in data["forms"]:
        for section in form["sections"]:
            for field in section["fields"]:
                if field["kind"] not in FIELD_KINDS:
                    raise ValueError(f"form {form['code']}: unknown field kind {field['kind']!r}")


def in_force_from(data: dict[str, Any]) -> datetime.datetime:
    """When a shipped rule set took effect: the date of its newest document (not the moment it was installed, so
    that sets published later by administrators always come after it)."""
    newest = max(datetime.date.fromisoformat(document["date"]) for document in data["documents"])
    return datetime.datetime.combine(newest, datetime.time(), tzinfo=datetime.UTC)


def load_rule_set(data: dict[str, Any], *, get_model: Callable, status: str = "published", published_at=None):
    """Create one rule set and its levels, conditions, checklists and forms from `data`."""
    check_data(data)
    RuleSet = get_model("reviews", "RuleSet")
    quota, split = data["quota"], data.get("score_split", {})
    rule_set = RuleSet.objects.create(
        code=data["code"], name=data["name"], status=status, published_at=published_at,
        documents=data.get("documents", []),
        score_general=split.get("general", 30), score_tasks=split.get("tasks", 70),
        score_source=split.get("source", ""),
        quota_level=quota["level"], quota_percent=quota["percent"], quota_base_level=quota["base_level"],
        quota_text=quota.get("text", ""), quota_source=quota.get("source", ""),
    )
    get_model("reviews", "RatingLevel").objects.bulk_create(
        get_model("reviews", "RatingLevel")(rule_set=rule_set, order=order, code=level["code"], name=level["name"],
                                            min_score=level["min_score"], conditions=level.get("conditions", ""),
                                            source=level.get("source", ""))
        for order, level in enumerate(data["levels"]))
    ForcingCondition = get_model("reviews", "ForcingCondition")
    ForcingCondition.objects.bulk_create(
        ForcingCondition(rule_set=rule_set, order=order, code=condition["code"],
                         applies_to=condition.get("applies_to", "both"), text=condition["text"],
                         source=condition.get("source", ""), verified=condition.get("verified", True))
        for order, condition in enumerate(data.get("forcing_conditions", [])))
    Checklist, ChecklistItem = get_model("reviews", "Checklist"), get_model("reviews", "ChecklistItem")
    for order, checklist_data in enumerate(data.get("checklists", [])):
        checklist = Checklist.objects.create(rule_set=rule_set, order=order, code=checklist_data["code"],
                                             name=checklist_data["name"], source=checklist_data.get("source", ""))
        items = [(group, item) for group in checklist_data["groups"] for item in group["items"]]
        ChecklistItem.objects.bulk_create(
            ChecklistItem(checklist=checklist, order=position, group_code=group["code"], group_name=group["name"],
                          code=item["code"], text=item["text"], verified=item.get("verified", True))
            for position, (group, item) in enumerate(items))
    ReviewForm = get_model("reviews", "ReviewForm")
    ReviewForm.objects.bulk_create(
        ReviewForm(rule_set=rule_set, order=order, code=form["code"], name=form["name"], audience=form["audience"],
                   source=form.get("source", ""), sections=form["sections"])
        for order, form in enumerate(data.get("forms", [])))
    return rule_set
