"""Early warnings under attack: each person of the cast, and a few more, tries to read, acknowledge or change what
is not theirs, by the pages, the list, the spreadsheet, the home page and the inbox; bad input on the rule and
acknowledgement forms; what a warning's evidence names; what the stored warnings hold."""

import pytest
from django.urls import reverse

from soisua.alerts import services
from soisua.alerts.enums import MEANING, PERIOD_LIMIT, Check
from soisua.alerts.models import Rule
from soisua.core.actors import SYSTEM

from .test_checks import today

CONFLICT = "vừa được người khác sửa"


# --- bad input ---------------------------------------------------------------------------------------------------


def rule_form(rule: Rule, **changes) -> dict:
    return {"enabled": "on", "threshold": str(rule.threshold), "period": str(rule.period), "receiver": "cell",
            "note": "Điều chỉnh", "version": rule.version, **changes}


@pytest.mark.parametrize(("check", "field", "value", "message"), [
    (Check.UNEXCUSED, "threshold", "99999999999999999999", "tối đa"),
    (Check.ATTENDANCE_LOW, "threshold", "101", "không quá 100"),
    (Check.UNEXCUSED, "period", "100000", "tối đa"),
    (Check.UNEXCUSED, "period", "0", "1"),
    (Check.UNEXCUSED, "threshold", "mười", "Nhập một số"),
    (Check.UNEXCUSED, "receiver", "ward", "hợp lệ"),
])
def test_a_rule_refuses_figures_out_of_range_and_keeps_what_was_typed(cast, check, field, value, message):
    rule = Rule.objects.get(kind=check, current=True)

    response = cast.client("superuser").post(reverse("alerts:rules.edit", args=[rule.pk]),
                                             rule_form(rule, **{field: value}))

    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert field == "receiver" or f'value="{value}"' in page
    assert Rule.objects.filter(kind=check).count() == 1


@pytest.mark.parametrize("check", [check for check in Check.values if MEANING[check][1] is not None])
def test_the_longest_period_a_rule_accepts_still_runs(cast, check):
    rule = Rule.objects.get(kind=check, current=True)
    limit = PERIOD_LIMIT[check]

    changed = services.update_rule(rule, by=cast.users["superuser"], version=rule.version, threshold=rule.threshold,
                                   period=limit, age_under=rule.age_under, receiver=rule.receiver.code, enabled=True)
    with pytest.raises(services.AlertError, match="tối đa"):
        services.update_rule(changed, by=cast.users["superuser"], version=changed.version, threshold=rule.threshold,
                             period=limit + 1, age_under=rule.age_under, receiver=rule.receiver.code, enabled=True)

    assert check in services.evaluate(by=SYSTEM, today=today(), checks=[check])


def test_two_administrators_editing_one_rule_the_second_is_told_and_keeps_the_input(cast):
    rule = Rule.objects.get(kind=Check.ATTENDANCE_LOW, current=True)
    url = reverse("alerts:rules.edit", args=[rule.pk])
    cast.client("admin").post(url, rule_form(rule, threshold="70"))

    response = cast.client("superuser").post(url, rule_form(rule, threshold="60", note="Theo ý kiến thường trực"))

    page = response.content.decode()
    assert response.status_code == 200 and CONFLICT in page and "Theo ý kiến thường trực" in page
    assert sorted(Rule.objects.filter(kind=Check.ATTENDANCE_LOW).values_list("version", "threshold")) == [
        (1, 80), (2, 70)]
