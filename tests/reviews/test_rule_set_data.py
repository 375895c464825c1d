"""A rule-set file is checked as a whole before anything is written: every fault is named in Vietnamese, and a
published set is never edited (a newer regulation is a new set)."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from soisua.core.actors import SYSTEM
from soisua.reviews import services
from soisua.reviews.models import RuleSet
from soisua.reviews.rule_set_data import problems_in, read_data


@pytest.fixture
def data() -> dict:
    return copy.deepcopy(read_data("ruleset_2025.json")) | {"code": "2026-thu", "name": "Bộ quy tắc thử"}


def refused(data: dict) -> list[str]:
    with translation.override("vi"), pytest.raises(services.RuleSetError) as error:
        services.import_rule_set(data, by=SYSTEM)
    return error.value.messages


def test_a_duplicate_checklist_item_code_is_refused_and_nothing_is_written(db, data):
    items = data["checklists"][0]["groups"][0]["items"]
    items[1]["code"] = items[0]["code"]
    before = RuleSet.objects.count()

    assert refused(data) == [f"Mã mục rà soát {items[0]['code']} bị dùng hai lần."]
    assert RuleSet.objects.count() == before


def test_a_threshold_above_100_is_refused(db, data):
    data["levels"][0]["min_score"] = 101
    data["forcing_conditions"][0]["rule"] = [{"fact": "tasks_percent", "op": "lt", "value": 150}]

    messages = refused(data)

    assert "Điểm tối thiểu của một mức là một số từ 0 đến 100." in messages
    assert any("tasks_percent" in message and "từ 0 đến 100" in message for message in messages)


def test_a_quota_above_100_percent_is_refused(db, data):
    data["quota"]["percent"] = 120

    assert refused(data) == ["Tỷ lệ tối đa phải nằm trong khoảng từ 0 đến 100%."]


def test_an_item_marked_checked_without_its_source_is_refused(db, data):
    item = data["checklists"][1]["groups"][0]["items"][0]
    item.update(verified=True, verified_from={})

    assert refused(data) == [f"Mục rà soát {item['code']} được đánh dấu đã đối chiếu với văn bản chính thức nhưng "
                             f"không nói văn bản đó được đọc ở đâu."]


def test_an_unknown_fact_or_operator_in_a_forcing_rule_is_refused(data):
    data["forcing_conditions"][0]["rule"] = [{"fact": "mood", "op": "lt", "value": 3}]
    data["forcing_conditions"][1]["rule"] = [{"fact": "discipline", "op": "at_least", "value": "scolding"}]

    problems = problems_in(data)

    assert len(problems) == 2 and "mood" in problems[0] and "scolding" in problems[1]


def test_two_forms_for_the_same_people_in_the_same_kind_of_cycle_are_refused(data):
    data["forms"].append({**data["forms"][1], "code": "2A-bis"})

    with translation.override("vi"):
        assert problems_in(data) == ["Các mẫu 2A, 2A-bis cùng dành cho một đối tượng trong cùng một loại đợt kiểm "
                                     "điểm."]


def test_a_code_already_taken_is_refused(db, data):
    data["code"] = "2025"

    assert refused(data)[0] == "Mã 2025 đã được dùng cho bộ quy định khác."


def test_import_command_adds_a_draft_and_publish_publishes_it(db, data, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()

    call_command("import_rule_set", str(path), stdout=out)
    draft = RuleSet.objects.get(code="2026-thu")
    data["code"] = "2026-thu-2"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_rule_set", str(path), "--publish", stdout=out)

    assert not draft.is_published and draft.checklists.count() == 2
    assert RuleSet.objects.get(code="2026-thu-2").is_published


def test_import_command_lists_every_problem(db, data, tmp_path):
    data["quota"]["percent"] = 300
    data["levels"][0]["min_score"] = 120
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with translation.override("vi"), pytest.raises(CommandError) as error:
        call_command("import_rule_set", str(path))

    assert str(error.value).count("\n") == 1
    assert not RuleSet.objects.filter(code="2026-thu").exists()


def test_a_published_set_is_not_edited_through_its_checklist(db):
    shipped = RuleSet.objects.get(code="2025")
    item = shipped.checklists.first().items.first()

    with pytest.raises(services.RuleSetError) as error:
        services.update_checklist_item(item, text="Khác", check={"verified": True, "title": "Toàn văn",
                                                                 "publisher": "Báo Nhân Dân"}, by=SYSTEM)

    assert error.value.code == "published"
    item.refresh_from_db()
    assert item.text != "Khác" and not shipped.verifications.exists()


def test_a_text_longer_than_its_column_is_refused_before_the_database_cuts_it(data):
    data["forcing_conditions"][0]["article"] = "Điều 11, " + "khoản 4 " * 40
    data["checklists"][0]["groups"][0]["items"][0]["code"] = "CT-" + "1" * 30

    with translation.override("vi"):
        problems = problems_in(data)

    assert len(problems) == 2 and "dài quá 255 ký tự" in problems[0] and "dài quá 20 ký tự" in problems[1]
