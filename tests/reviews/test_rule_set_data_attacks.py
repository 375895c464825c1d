"""A rule-set file written to break the import: numbers that are no numbers, and links that are no web pages. Each
is named as a problem in Vietnamese; the import never fails on it, and nothing is written."""

import copy

import pytest
from django.utils import translation

from soisua.core.actors import SYSTEM
from soisua.reviews import services
from soisua.reviews.models import RuleSet
from soisua.reviews.rule_set_data import read_data


@pytest.fixture
def data() -> dict:
    return copy.deepcopy(read_data("ruleset_2025_2.json")) | {"code": "2026-thu", "name": "Bộ quy tắc thử"}


def refused(data: dict) -> list[str]:
    before = RuleSet.objects.count()
    with translation.override("vi"), pytest.raises(services.RuleSetError) as error:
        services.import_rule_set(data, by=SYSTEM)
    assert RuleSet.objects.count() == before
    return error.value.messages


@pytest.mark.parametrize("value", ["NaN", "sNaN", float("nan"), float("inf"), "Infinity", "-Infinity", "abc", None])
def test_a_level_score_that_is_no_number_is_named(db, data, value):
    data["levels"][0]["min_score"] = value

    assert "Điểm tối thiểu của một mức là một số từ 0 đến 100." in refused(data)


@pytest.mark.parametrize("value", ["NaN", float("inf"), "abc", None])
def test_a_quota_that_is_no_number_is_named(db, data, value):
    data["quota"]["percent"] = value

    assert "Tỷ lệ tối đa phải nằm trong khoảng từ 0 đến 100%." in refused(data)


@pytest.mark.parametrize("value", ["NaN", float("inf"), "abc", None, True])
def test_a_score_split_that_is_no_number_is_named(db, data, value):
    data["score_split"] = {"general": value, "tasks": 70}

    assert any("cộng lại bằng 100" in message for message in refused(data))


@pytest.mark.parametrize("value", ["NaN", float("inf"), float("-inf"), "abc"])
def test_a_forcing_threshold_that_is_no_number_is_named(db, data, value):
    condition = next(condition for condition in data["forcing_conditions"] if condition["rule"]
                     and condition["rule"][0]["op"] == "lt")
    condition["rule"] = [{**condition["rule"][0], "value": value}]

    assert any(condition["rule"][0]["fact"] in message for message in refused(data))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.example/", "ftp://x.example/"])
def test_a_checked_source_whose_address_is_no_web_page_is_named(db, data, url):
    item = data["checklists"][0]["groups"][0]["items"][0]
    item.update(verified=True, verified_from={"title": "Toàn văn", "publisher": "Báo", "url": url})
    data["documents"][0]["verified_from"] = {"title": "Toàn văn", "url": url}

    messages = refused(data)

    assert sum("trang web" in message for message in messages) == 2
