"""Forcing conditions found from facts: each rule fires on its case and not on the neighbouring one."""

from types import SimpleNamespace

import pytest

from soisua.reviews.forcing import clean_facts, forced, rule_holds

TASKS = [{"fact": "tasks_percent", "op": "lt", "value": 70}]
DISCIPLINE = [{"fact": "discipline", "op": "at_least", "value": "reprimand"},
              {"fact": "discipline_tied_to_duties", "op": "is_true"}]
LED_UNITS = [{"fact": "led_units_not_completed_percent", "op": "gt", "value": 50}]


@pytest.mark.parametrize(("facts", "fires"), [
    ({"tasks_percent": 69}, True), ({"tasks_percent": 69.99}, True), ({"tasks_percent": 70}, False),
    ({"tasks_percent": 100}, False), ({}, False)])
def test_the_task_threshold_is_strict(facts, fires):
    assert rule_holds(TASKS, facts) is fires


@pytest.mark.parametrize(("facts", "fires"), [
    ({"discipline": "reprimand", "discipline_tied_to_duties": True}, True),
    ({"discipline": "expulsion", "discipline_tied_to_duties": True}, True),
    ({"discipline": "none", "discipline_tied_to_duties": True}, False),  # a reminder or criticism is not discipline
    ({"discipline": "reprimand", "discipline_tied_to_duties": False}, False),
    ({"discipline": "warning"}, False)])
def test_discipline_counts_from_reprimand_and_only_for_the_duties(facts, fires):
    assert rule_holds(DISCIPLINE, facts) is fires


@pytest.mark.parametrize(("share", "fires"), [(50, False), (50.5, True), (51, True)])
def test_more_than_half_of_the_led_units(share, fires):
    assert rule_holds(LED_UNITS, {"led_units_not_completed_percent": share}) is fires


def test_forced_joins_the_rules_that_hold_and_the_judged_conditions_ticked():
    conditions = [SimpleNamespace(code="tasks", rule=TASKS), SimpleNamespace(code="degradation", rule=[]),
                  SimpleNamespace(code="disunity", rule=[])]

    assert forced(conditions, facts={"tasks_percent": 40}, ticked=["degradation"]) == ["degradation", "tasks"]
    # A condition with a rule cannot be ticked by hand: its facts decide.
    assert forced(conditions, facts={"tasks_percent": 90}, ticked=["tasks"]) == []


def test_clean_facts_keeps_only_what_the_conditions_read_and_refuses_impossible_shares():
    conditions = [SimpleNamespace(code="tasks", rule=TASKS)]

    assert clean_facts({"tasks_percent": "69.5", "mood": "bad"}, conditions) == {"tasks_percent": 69.5}
    with pytest.raises(ValueError):
        clean_facts({"tasks_percent": 130}, conditions)


# The shipped rule set: every condition found from facts fires on its case and not on the neighbouring one ---------

NEIGHBOURS = {"lt": (-1, 0), "lte": (0, 1), "gt": (1, 0), "gte": (0, -1)}


def _facts(rule: list, *, neighbour: bool) -> dict:
    """Facts that meet every clause of `rule`; with `neighbour`, the first clause misses by the smallest step."""
    facts = {}
    for position, clause in enumerate(rule):
        near = neighbour and position == 0
        if clause["op"] == "is_true":
            facts[clause["fact"]] = not near
        elif clause["op"] == "at_least":
            facts[clause["fact"]] = "none" if near else clause["value"]
        else:
            meets, misses = NEIGHBOURS[clause["op"]]
            facts[clause["fact"]] = clause["value"] + (misses if near else meets)
    return facts


def shipped_conditions():
    from soisua.reviews.rule_set_data import read_data

    return [pytest.param(condition, id=condition["code"])
            for condition in read_data("ruleset_2025_2.json")["forcing_conditions"] if condition["rule"]]


@pytest.mark.parametrize("condition", shipped_conditions())
def test_each_shipped_condition_fires_on_its_case_and_not_on_the_neighbouring_one(condition):
    rule = condition["rule"]

    assert rule_holds(rule, _facts(rule, neighbour=False))
    assert not rule_holds(rule, _facts(rule, neighbour=True))


def test_the_shipped_thresholds_are_366s():
    from soisua.reviews.rule_set_data import read_data

    conditions = read_data("ruleset_2025_2.json")["forcing_conditions"]
    rules = {condition["code"]: condition["rule"] for condition in conditions}

    assert rules["collective_tasks_below_70"] == [{"fact": "tasks_percent", "op": "lt", "value": 70}]
    assert rules["leader_discipline"] == DISCIPLINE and rules["member_discipline"] == DISCIPLINE
    assert rules["leader_led_units_not_completed"] == LED_UNITS
    assert rules["leader_low_confidence"] == [{"fact": "low_confidence_percent", "op": "gt", "value": 50}]
