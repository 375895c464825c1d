"""docs/rules.md lists every shipped rule with its source and verification state, and says the same as the data."""

from pathlib import Path

import pytest

from soisua.reviews.reference import END, SHIPPED, START, markdown
from soisua.reviews.rule_set_data import problems_in, read_data

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_the_reference_part_of_docs_rules_is_the_data():
    text = DOC.read_text(encoding="utf-8")

    assert text[text.index(START):text.index(END) + len(END)] + "\n" == markdown(), (
        "docs/rules.md is out of date: regenerate its reference part with `manage.py rules_reference`")


def rules_of(data: dict):
    for key in ("levels", "forcing_conditions", "forms"):
        for row in data.get(key, []):
            yield f"{key}:{row['code']}", row, row.get("document", row.get("source"))
    for checklist in data["checklists"]:
        default = checklist.get("document", checklist.get("source"))
        for group in checklist["groups"]:
            for item in group["items"]:
                yield f"item:{item['code']}", item, item.get("document", default)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_rule_has_a_source_and_no_checked_rule_lacks_where_it_was_read(name):
    data = read_data(name)
    documents = {document["code"] for document in data["documents"]}
    rules = list(rules_of(data))

    assert problems_in(data) == []
    assert [what for what, _row, document in rules if document not in documents] == []
    assert [what for what, row, _document in rules
            if row.get("verified") and not (row.get("verified_from") or {}).get("title")] == []


def test_every_rule_of_the_set_in_force_says_where_it_stands_and_why_it_is_not_checked():
    rules = list(rules_of(read_data("ruleset_2025_2.json")))

    assert [what for what, row, _document in rules if not row.get("article")] == []
    assert [what for what, row, _document in rules
            if not row.get("verified") and not row.get("unverified_reason")] == []
