"""The meeting rules as versioned data and a committee's lower minimum for small cells (docs/domain.md, "Meeting
rules"): the too-short check at the minimum and a minute under, the documents' notice at exactly N days, a past
meeting judged by the rules of its day, bad input refused, who may set a lower minimum, the warning that reads it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from soisua.alerts import services as alerts
from soisua.alerts.enums import Check
from soisua.alerts.models import Alert
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.meetings import queries, services
from soisua.meetings.enums import MeetingKind, RulesStatus
from soisua.meetings.models import MeetingRuleException, MeetingRules
from soisua.notifications.models import Notification
from soisua.org import services as org
from soisua.org.enums import Role
from soisua.org.models import Unit
from tests.factories import make_member

# 19:30 in Hà Nội (UTC+7), in November 2026 (the fixed clock is 20/11/2026).
NOVEMBER = datetime.datetime(2026, 11, 10, 12, 30, tzinfo=datetime.UTC)
DECEMBER = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)
DECISION = {"decision_number": "12-QĐ/ĐU", "decision_date": datetime.date(2026, 3, 5)}

@pytest.fixture(autouse=True)
def _in_november_2026(_fixed_clock):
    """These dates are written for the review season of 2026: the tests travel there whatever the suite's clock."""
    _fixed_clock.move_to(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))))



def publish_rules(in_force_from: datetime.date, **figures) -> MeetingRules:
    """A new version copied from the one in force, with `figures` changed, published through the services."""
    admin = SYSTEM
    draft = services.copy_meeting_rules(queries.rules_on(in_force_from), by=admin)
    values = {"code": draft.code, "name": draft.name, "in_force_from": in_force_from,
              "regular_min_minutes": draft.regular_min_minutes, "combined_min_minutes": draft.combined_min_minutes,
              "documents_days_before": draft.documents_days_before,
              "thematic_per_quarter": draft.thematic_per_quarter} | figures
    services.save_meeting_rules(draft, **values, by=admin)
    return services.publish_meeting_rules(draft, by=admin)


def hold(cast, starts_at, minutes, *, kind=MeetingKind.REGULAR, cell=None):
    return services.schedule_meeting(cell or cast.cell, kind=kind, title=f"Sinh hoạt {starts_at:%d/%m %H%M}",
                                     starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=minutes),
                                     by=SYSTEM)


def lower(cast, *, by=None, **values):
    values = {"cell": cast.cell, "regular_min_minutes": 60, "combined_min_minutes": 90,
              "valid_from": datetime.date(2026, 3, 5)} | DECISION | values
    return services.add_rule_exception(cast.commune, **values, by=by or cast.users["committee"])


def short_titles(cast, year=2026):
    return [finding.meeting.title for finding in queries.rule_findings(cast.cell, year, datetime.date(2027, 1, 5))
            if finding.code == "short"]


# --- the shipped rules ------------------------------------------------------------------------------------------


def test_the_shipped_rules_follow_chi_thi_50_and_huong_dan_42(db):
    rules = queries.rules_on(datetime.date(2026, 11, 20))

    assert (rules.code, rules.status) == ("2025", RulesStatus.PUBLISHED)
    assert (rules.regular_min_minutes, rules.combined_min_minutes, rules.documents_days_before,
            rules.thematic_per_quarter) == (90, 120, 1, 1)
    assert [document["number"] for document in rules.documents] == ["50-CT/TW", "42-HD/BTCTW"]
    assert rules.cite() == "Hướng dẫn 42-HD/BTCTW, 28/10/2025"


# --- too short: at the minimum and a minute under --------------------------------------------------------------


def test_a_meeting_of_exactly_the_minimum_is_not_short_and_one_minute_less_is(cast):
    hold(cast, NOVEMBER, 90)
    hold(cast, NOVEMBER + datetime.timedelta(days=1), 89)
    hold(cast, NOVEMBER + datetime.timedelta(days=2), 120, kind=MeetingKind.COMBINED)
    hold(cast, NOVEMBER + datetime.timedelta(days=3), 119, kind=MeetingKind.COMBINED)

    assert short_titles(cast) == ["Sinh hoạt 11/11 1230", "Sinh hoạt 13/11 1230"]


def test_a_cells_lower_minimum_applies_at_exactly_its_figure_and_is_cited(cast):
    lower(cast)
    hold(cast, NOVEMBER, 60)
    hold(cast, NOVEMBER + datetime.timedelta(days=1), 59)

    findings = [finding for finding in queries.rule_findings(cast.cell, 2026, datetime.date(2027, 1, 5))
                if finding.code == "short"]

    assert [finding.meeting.title for finding in findings] == ["Sinh hoạt 11/11 1230"]
    assert "yêu cầu ít nhất 60 phút (Đảng ủy xã Hòa An, Số 12-QĐ/ĐU, 05/03/2026)" in findings[0].text


def test_a_lower_minimum_holds_only_from_its_first_to_its_last_day(cast):
    lower(cast, valid_from=datetime.date(2026, 11, 11), valid_until=datetime.date(2026, 11, 12))
    hold(cast, NOVEMBER, 60)  # 10/11: before it
    hold(cast, NOVEMBER + datetime.timedelta(days=1), 60)  # 11/11: its first day
    hold(cast, NOVEMBER + datetime.timedelta(days=2), 60)  # 12/11: its last day
    hold(cast, NOVEMBER + datetime.timedelta(days=3), 60)  # 13/11: after it

    assert short_titles(cast) == ["Sinh hoạt 10/11 1230", "Sinh hoạt 13/11 1230"]


def test_a_lower_minimum_by_size_applies_to_cells_with_at_most_that_many_on_the_roll(cast):
    lower(cast, cell=None, max_members=2)  # Thôn 1 has two members on its roll
    hold(cast, NOVEMBER, 60)
    assert short_titles(cast) == []

    MeetingRuleException.objects.update(max_members=1)
    assert short_titles(cast) == ["Sinh hoạt 10/11 1230"]


def test_a_lower_minimum_set_by_another_committee_does_not_apply(cast):
    services.add_rule_exception(cast.other_commune, cell=cast.other_cell, regular_min_minutes=60,
                                combined_min_minutes=90, valid_from=datetime.date(2026, 3, 5), **DECISION,
                                by=cast.users["unrelated_staff"])
    hold(cast, NOVEMBER, 60)

    assert short_titles(cast) == ["Sinh hoạt 10/11 1230"]


def test_ending_a_lower_minimum_keeps_it_for_the_meetings_before(cast):
    exception = lower(cast)
    hold(cast, NOVEMBER, 60)
    hold(cast, DECEMBER, 60)

    services.end_rule_exception(exception, on=datetime.date(2026, 11, 30), by=cast.users["committee"])

    assert short_titles(cast) == [f"Sinh hoạt {DECEMBER:%d/%m %H%M}"]
    assert AuditEntry.objects.filter(action="meetings.rule_exception.end").count() == 1


def rules_messages() -> list[tuple[str, str, str]]:
    return list(Notification.objects.filter(kind="meetings.rules").order_by("pk")
                .values_list("recipient__username", "title", "url"))


def test_setting_and_ending_a_cells_lower_minimum_tells_its_secretary_with_the_decision(
        cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exception = lower(cast)

    [(who, title, url)] = rules_messages()
    body = Notification.objects.get(kind="meetings.rules").body
    assert who == "secretary" and url == reverse("meetings:unit_rules", args=[cast.cell.pk])
    assert cast.cell.name in title and "12-QĐ/ĐU" in body and "60" in body and "05/03/2026" in body
    page = cast.client("secretary").get(url).content.decode()
    assert "12-QĐ/ĐU" in page and cast.commune.name in page
    assert "Quy định mức tối thiểu thấp hơn cho chi bộ ít đảng viên" not in page  # a cell sets none

    with django_capture_on_commit_callbacks(execute=True):
        services.end_rule_exception(exception, on=datetime.date(2026, 11, 30), by=cast.users["committee"])
    assert len(rules_messages()) == 2
    assert "30/11/2026" in Notification.objects.filter(kind="meetings.rules").latest("pk").body


def test_a_lower_minimum_by_size_tells_only_the_cells_small_enough(cast, django_capture_on_commit_callbacks):
    org.grant_role(cast.users["sibling"], unit=cast.sibling_cell, role=Role.SECRETARY, by=SYSTEM)
    make_member(cast.sibling_cell, "Vũ Văn Giang")
    make_member(cast.sibling_cell, "Đỗ Thị Hoa")  # three on the sibling cell's roll, two on Thôn 1's

    with django_capture_on_commit_callbacks(execute=True):
        lower(cast, cell=None, max_members=2)

    assert [who for who, _title, _url in rules_messages()] == ["secretary"]


# --- documents: exactly N days before --------------------------------------------------------------------------


@pytest.mark.parametrize(("before", "late"), [(datetime.timedelta(days=2), False),
                                              (datetime.timedelta(days=2, seconds=-1), True)])
def test_documents_published_exactly_the_rules_days_before_are_on_time(cast, before, late):
    publish_rules(datetime.date(2026, 11, 25), documents_days_before=2)
    meeting = hold(cast, DECEMBER, 120)
    meeting.introductory_paper = "Đề dẫn"
    meeting.save(update_fields=["introductory_paper"])

    with time_machine.travel(DECEMBER - before, tick=False):
        published = services.publish_documents(meeting, by=cast.users["secretary"])

    assert published.documents_late is late


# --- the rules of a meeting's day ------------------------------------------------------------------------------


def test_a_past_meeting_keeps_the_rules_of_its_day_after_a_newer_version(cast):
    hold(cast, NOVEMBER, 95)
    hold(cast, DECEMBER, 95)

    publish_rules(datetime.date(2026, 12, 1), regular_min_minutes=100)

    assert short_titles(cast) == [f"Sinh hoạt {DECEMBER:%d/%m %H%M}"]
    assert queries.rules_on(datetime.date(2026, 11, 10)).code == "2025"


def test_a_version_asking_two_thematic_sessions_a_quarter_flags_a_quarter_with_one(cast):
    publish_rules(datetime.date(2026, 11, 21), thematic_per_quarter=2)
    hold(cast, datetime.datetime(2026, 11, 25, 12, 30, tzinfo=datetime.UTC), 120, kind=MeetingKind.THEMATIC)

    texts = [finding.text for finding in queries.rule_findings(cast.cell, 2026, datetime.date(2027, 1, 5))
             if finding.code == "quarter"]

    assert "Quý 4 năm 2026 chỉ tổ chức 1 trong 2 buổi sinh hoạt chuyên đề theo quy định." in texts


def test_a_published_version_is_never_changed_and_a_new_one_starts_today_at_the_earliest(db):
    shipped = queries.rules_on(datetime.date(2026, 11, 20))
    values = {"code": "2025", "name": shipped.name, "in_force_from": shipped.in_force_from,
              "regular_min_minutes": 60, "combined_min_minutes": 120, "documents_days_before": 1,
              "thematic_per_quarter": 1}
    with pytest.raises(services.MeetingError) as error:
        services.save_meeting_rules(shipped, **values, by=SYSTEM)
    assert error.value.code == "published"

    draft = services.copy_meeting_rules(shipped, by=SYSTEM)
    services.save_meeting_rules(draft, **(values | {"code": draft.code, "in_force_from": datetime.date(2026, 11, 1)}),
                                by=SYSTEM)
    with pytest.raises(services.MeetingError) as error:
        services.publish_meeting_rules(draft, by=SYSTEM)

    assert error.value.code == "past"
    assert MeetingRules.objects.get(pk=shipped.pk).regular_min_minutes == 90


@pytest.mark.parametrize(("regular", "combined", "code"), [(0, 120, "minimum"), (601, 601, "minimum"),
                                                           (90, 80, "combined")])
def test_a_draft_with_a_minimum_out_of_bounds_is_refused(db, regular, combined, code):
    draft = services.copy_meeting_rules(queries.rules_on(datetime.date(2026, 11, 20)), by=SYSTEM)

    with pytest.raises(services.MeetingError) as error:
        services.save_meeting_rules(draft, code=draft.code, name=draft.name, in_force_from=draft.in_force_from,
                                    regular_min_minutes=regular, combined_min_minutes=combined,
                                    documents_days_before=1, thematic_per_quarter=1, by=SYSTEM)

    assert error.value.code == code


# --- a lower minimum: bad input, who may set it ----------------------------------------------------------------


@pytest.mark.parametrize(("values", "code"), [
    ({"regular_min_minutes": 0}, "minimum"),
    ({"regular_min_minutes": 601, "combined_min_minutes": 601}, "minimum"),
    ({"regular_min_minutes": 100, "combined_min_minutes": 110}, "higher"),
    ({"combined_min_minutes": 130}, "higher"),
    ({"decision_number": "  "}, "decision"),
    ({"cell": None}, "scope"),
    ({"max_members": 5}, "scope"),
    ({"valid_until": datetime.date(2026, 3, 4)}, "dates"),
])
def test_a_bad_lower_minimum_is_refused(cast, values, code):
    with pytest.raises(services.MeetingError) as error:
        lower(cast, **values)

    assert error.value.code == code
    assert not MeetingRuleException.objects.exists()


def test_a_lower_minimum_is_only_for_a_cell_directly_under_the_committee(cast):
    with pytest.raises(services.MeetingError) as error:
        lower(cast, cell=cast.other_cell)

    assert error.value.code == "cell"


def test_the_form_refuses_a_lower_minimum_without_a_decision_number_and_keeps_what_was_typed(cast):
    client = cast.client("committee")

    response = client.post(reverse("meetings:unit_rules", args=[cast.commune.pk]), {
        "cell": cast.cell.pk, "decision_number": "", "decision_date": "05/03/2026", "regular_min_minutes": "61",
        "combined_min_minutes": "91", "valid_from": "05/03/2026"})

    assert response.status_code == 200
    assert "Nêu số quyết định của cấp ủy" in response.text
    assert 'value="61"' in response.text and 'value="91"' in response.text
    assert not MeetingRuleException.objects.exists()


def test_the_form_refuses_a_minimum_of_zero_in_vietnamese(cast):
    client = cast.client("committee")

    response = client.post(reverse("meetings:unit_rules", args=[cast.commune.pk]), {
        "cell": cast.cell.pk, "decision_number": "12-QĐ/ĐU", "decision_date": "05/03/2026",
        "regular_min_minutes": "0", "combined_min_minutes": "90", "valid_from": "05/03/2026"})

    assert "phải từ 1 đến 600 phút" in response.text
    assert 'value="12-QĐ/ĐU"' in response.text


@pytest.mark.parametrize(("who", "status"), [("committee", 302), ("parent_staff", 302), ("admin", 302),
                                             ("secretary", 404), ("member", 404), ("inspector", 403),
                                             ("unrelated_staff", 404)])
def test_only_who_manages_the_committees_subtree_sets_a_lower_minimum(cast, who, status):
    response = cast.client(who).post(reverse("meetings:unit_rules", args=[cast.commune.pk]), {
        "cell": cast.cell.pk, "decision_number": "12-QĐ/ĐU", "decision_date": "05/03/2026",
        "regular_min_minutes": "60", "combined_min_minutes": "90", "valid_from": "05/03/2026"})

    assert response.status_code == status
    assert MeetingRuleException.objects.exists() is (status == 302)


def test_a_lower_minimum_is_audited_and_listed_on_the_committees_page(cast):
    lower(cast)

    page = cast.client("inspector").get(reverse("meetings:unit_rules", args=[cast.commune.pk]))

    assert AuditEntry.objects.filter(action="meetings.rule_exception.add").count() == 1
    assert "Số 12-QĐ/ĐU, 05/03/2026" in page.text
    assert "Kết thúc mức tối thiểu thấp hơn này" not in page.text  # an inspector reads, does not end


def test_a_cells_rules_page_names_the_rules_in_force_once(cast):
    page = cast.client("secretary").get(reverse("meetings:unit_rules", args=[cast.cell.pk])).text

    assert "Quy định đang áp dụng: “Sinh hoạt chi bộ theo Chỉ thị 50-CT/TW" in page
    assert "sinh hoạt theo Sinh hoạt chi bộ" not in page


# --- the meeting page and the warning -------------------------------------------------------------------------


def test_the_meeting_page_shows_the_minimum_and_cites_the_decision(cast):
    lower(cast)
    meeting = hold(cast, NOVEMBER, 59)

    page = cast.client("member").get(reverse("meetings:detail", args=[meeting.pk]) + "?step=before")

    assert "ít nhất 60 phút (Đảng ủy xã Hòa An, Số 12-QĐ/ĐU, 05/03/2026)" in page.text
    assert "ngắn hơn mức tối thiểu" in page.text


def test_the_meeting_page_cites_the_rules_when_no_lower_minimum_applies(cast):
    meeting = hold(cast, NOVEMBER, 90)

    page = cast.client("member").get(reverse("meetings:detail", args=[meeting.pk]) + "?step=before")

    assert "ít nhất 90 phút (Hướng dẫn 42-HD/BTCTW, 28/10/2025)" in page.text
    assert "ngắn hơn mức tối thiểu" not in page.text


def test_the_short_meetings_warning_reads_the_cells_lower_minimum(cast):
    hold(cast, NOVEMBER - datetime.timedelta(days=30), 60)
    hold(cast, NOVEMBER, 60)
    alerts.evaluate(by=SYSTEM, today=datetime.date(2026, 11, 20), checks=[Check.MEETINGS_SHORT])
    assert Alert.objects.filter(kind=Check.MEETINGS_SHORT, unit=cast.cell).exclude(status="resolved").exists()

    lower(cast)
    alerts.evaluate(by=SYSTEM, today=datetime.date(2026, 11, 20), checks=[Check.MEETINGS_SHORT])

    assert not Alert.objects.filter(kind=Check.MEETINGS_SHORT, unit=cast.cell).exclude(status="resolved").exists()


# --- the versions page ------------------------------------------------------------------------------------------


def test_an_administrator_copies_changes_and_publishes_a_version_from_the_page(cast):
    client = cast.client("admin")
    shipped = queries.rules_on(datetime.date(2026, 11, 20))

    copied = client.post(reverse("meetings:rules.copy", args=[shipped.pk]))
    draft = MeetingRules.objects.get(status=RulesStatus.DRAFT)
    refused = client.post(reverse("meetings:rules.edit", args=[draft.pk]), {
        "code": "2027", "name": "Quy định năm 2027", "in_force_from": "01/01/2027", "regular_min_minutes": "0",
        "combined_min_minutes": "120", "documents_days_before": "1", "thematic_per_quarter": "1"})
    saved = client.post(reverse("meetings:rules.edit", args=[draft.pk]), {
        "code": "2027", "name": "Quy định năm 2027", "in_force_from": "01/01/2027", "regular_min_minutes": "100",
        "combined_min_minutes": "120", "documents_days_before": "2", "thematic_per_quarter": "1"})
    client.post(reverse("meetings:rules.publish", args=[draft.pk]))

    assert copied.status_code == 302 and saved.status_code == 302
    assert "phải từ 1 đến 600 phút" in refused.text and 'value="Quy định năm 2027"' in refused.text
    assert queries.rules_on(datetime.date(2027, 1, 1)).regular_min_minutes == 100
    assert queries.rules_on(datetime.date(2026, 12, 31)).code == "2025"
    assert "Quy định năm 2027" in client.get(reverse("meetings:rules")).text


def test_the_versions_page_dates_the_documents_the_vietnamese_way(cast):
    page = cast.client("admin").get(reverse("meetings:rules")).text

    assert "Chỉ thị 50-CT/TW (23/07/2025)" in page and "Hướng dẫn 42-HD/BTCTW (28/10/2025)" in page
    assert "2025-07-23" not in page


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("superuser", 200), ("committee", 403),
                                             ("secretary", 403)])
def test_only_the_installations_administrators_see_the_versions(cast, who, status):
    assert cast.client(who).get(reverse("meetings:rules")).status_code == status


def test_the_regular_meetings_of_a_plan_last_the_minimum_of_the_rules_of_their_day(cast):
    publish_rules(datetime.date(2026, 12, 1), regular_min_minutes=100)
    plan = services.save_cell_plan(cast.cell, 2026, meeting_day=3, meeting_time=datetime.time(19, 30), topics={},
                                   by=cast.users["secretary"])

    made = services.generate_regular_meetings(plan, from_month=11, by=cast.users["secretary"])

    assert [meeting.minutes_long for meeting in made] == [90, 100]


def test_the_thematic_warning_asks_as_many_sessions_a_quarter_as_the_rules_of_its_end(cast):
    Unit.objects.filter(pk=cast.cell.pk).update(active_from=datetime.date(2015, 1, 1))  # a cell of long standing
    hold(cast, datetime.datetime(2026, 8, 5, 12, 30, tzinfo=datetime.UTC), 120, kind=MeetingKind.THEMATIC)
    alerts.evaluate(by=SYSTEM, today=datetime.date(2026, 11, 20), checks=[Check.NO_THEMATIC])
    assert not Alert.objects.filter(kind=Check.NO_THEMATIC, unit=cast.cell).exists()

    MeetingRules.objects.create(code="2026-hai-chuyen-de", name="Hai chuyên đề mỗi quý", status=RulesStatus.PUBLISHED,
                                in_force_from=datetime.date(2026, 1, 1), thematic_per_quarter=2,
                                published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    alerts.evaluate(by=SYSTEM, today=datetime.date(2026, 11, 20), checks=[Check.NO_THEMATIC])

    assert Alert.objects.filter(kind=Check.NO_THEMATIC, unit=cast.cell).exists()
