"""Early warnings under attack: each person of the cast, and a few more, tries to read, acknowledge or change what
is not theirs, by the pages, the list, the spreadsheet, the home page and the inbox; bad input on the rule and
acknowledgement forms; what a warning's evidence names; what the stored warnings hold."""

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soisua.alerts import services
from soisua.alerts.enums import MEANING, PERIOD_LIMIT, AlertStatus, Check
from soisua.alerts.models import Alert, Rule
from soisua.core.actors import SYSTEM
from soisua.directives import services as directives
from soisua.notifications.models import Notification
from soisua.org import services as org_services
from soisua.org.enums import Role
from soisua.reviews import services as reviews
from soisua.reviews.models import Feedback, Review
from tests.factories import UserFactory, complete_review, make_member, make_unit
from tests.files import body, read_xlsx
from tests.reviews.test_cycles import open_for

from .test_checks import hold, live, today

COLLEAGUE = "Ngô Văn Vắng"
PROVINCE_DIRECTIVE = "Kế hoạch kiểm tra riêng của Tỉnh ủy về cán bộ chủ chốt"
CONFLICT = "vừa được người khác sửa"
NO_LONGER_OPEN = "không còn ở trạng thái mới"


def absent_colleague(cast, *, minutes=120):
    """A member of the cell absent without reason from three meetings: a warning about them, owned by the cell."""
    colleague = make_member(cast.cell, COLLEAGUE)
    for days in (100, 70, 40):
        hold(cast, days, absent=[colleague], minutes=minutes)
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])
    [alert] = live(Check.UNEXCUSED)
    return colleague, alert


def commune_owned(cast) -> Alert:
    """The warning that the cell held no regular meeting in two of the last three months (owned by the commune)."""
    hold(cast, 40, present=[cast.members["member"]])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.MEETINGS_MISSING])
    return Alert.objects.get(kind=Check.MEETINGS_MISSING, unit=cast.cell)


def short_meetings(cast) -> Alert:
    """The warning that the cell's meetings were too short (owned by the commune), after `absent_colleague`."""
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.MEETINGS_SHORT])
    return Alert.objects.get(kind=Check.MEETINGS_SHORT, unit=cast.cell)


def login(cast, user):
    client = cast.client("anonymous")
    client.force_login(user)
    return client


def commune_secretary(cast):
    """A secretary grant on the commune itself: it speaks for the commune but reads none of its cells."""
    user = UserFactory(username="bithu_xa")
    org_services.grant_role(user, unit=cast.commune, role=Role.SECRETARY, by=SYSTEM)
    return user


def acknowledge_url(alert: Alert) -> str:
    return reverse("alerts:detail", args=[alert.pk])


# --- a curious member, a neighbour, the staff of another commune ------------------------------------------------


def test_a_member_reads_no_warning_about_their_cell_by_any_door(cast):
    _colleague, absences = absent_colleague(cast, minutes=30)
    missing = short_meetings(cast)
    client = cast.client("member")

    pages = [client.get(reverse("alerts:detail", args=[alert.pk])).status_code for alert in (absences, missing)]
    listing = client.get(reverse("alerts:unit", args=[cast.cell.pk])).status_code
    export = client.get(reverse("alerts:unit.export", args=[cast.cell.pk, "xlsx"])).status_code
    home = client.get(reverse("org:dashboard")).content.decode()
    posted = client.post(acknowledge_url(absences), {"note": "Đã biết", "version": absences.version}).status_code

    assert pages == [404, 404] and (listing, export, posted) == (403, 403, 404)
    assert "/alerts/" not in home and COLLEAGUE not in home
    assert not Notification.objects.filter(recipient=cast.users["member"], kind__startswith="alerts.").exists()
    assert Alert.objects.get(pk=absences.pk).status == AlertStatus.OPEN


def test_the_secretary_of_a_sibling_cell_and_the_staff_of_another_commune_see_nothing(cast):
    org_services.grant_role(cast.users["sibling"], unit=cast.sibling_cell, role=Role.SECRETARY, by=SYSTEM)
    _colleague, alert = absent_colleague(cast)

    for who in ("sibling", "unrelated_staff"):
        client = cast.client(who)
        assert client.get(acknowledge_url(alert)).status_code == 404
        assert client.post(acknowledge_url(alert), {"note": "Đã biết", "version": alert.version}).status_code == 404
        for unit in (cast.cell, cast.commune):
            assert client.get(reverse("alerts:unit", args=[unit.pk])).status_code == 404
            assert client.get(reverse("alerts:unit.export", args=[unit.pk, "xlsx"])).status_code == 404
        assert COLLEAGUE not in client.get(reverse("org:dashboard")).content.decode()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_the_cell_secretary_cannot_acknowledge_what_the_commune_owns(cast):
    alert = commune_owned(cast)

    response = cast.client("secretary").post(acknowledge_url(alert), {"note": "Chi bộ sẽ họp",
                                                                       "version": alert.version})

    assert response.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_an_inspector_reads_a_warning_but_never_acknowledges_it(cast):
    alert = commune_owned(cast)
    client = cast.client("inspector")

    page = client.get(acknowledge_url(alert))
    posted = client.post(acknowledge_url(alert), {"note": "Đã kiểm tra", "version": alert.version})

    assert page.status_code == 200 and 'name="note"' not in page.content.decode()
    assert posted.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_an_administrator_acknowledges_only_while_standing_in_for_the_owner(cast):
    alert = commune_owned(cast)
    admin = cast.client("admin")
    data = {"note": "Thay mặt đảng ủy xã chỉ đạo chi bộ họp bù", "version": alert.version}

    refused = admin.post(acknowledge_url(alert), data).status_code
    superuser = cast.client("superuser").post(acknowledge_url(alert), data).status_code
    org_services.stand_in(cast.commune, reason="Ban thường vụ xã đi công tác dài ngày", by=cast.users["admin"])
    accepted = admin.post(acknowledge_url(alert), data).status_code

    alert.refresh_from_db()
    assert (refused, superuser, accepted) == (403, 403, 302)
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, cast.users["admin"])


def test_a_province_administrator_below_the_country_reads_the_rules_but_does_not_change_them(cast):
    country = make_unit(None, "central", "Trung ương", code="TW")
    province = make_unit(country, "province", "Tỉnh ủy Khác", code="TK")
    user = UserFactory(username="quantri_tinh")
    org_services.grant_role(user, unit=province, role=Role.ADMIN, by=SYSTEM)
    rule = Rule.objects.get(kind=Check.ATTENDANCE_LOW, current=True)
    url = reverse("alerts:rules.edit", args=[rule.pk])

    page = login(cast, user).get(url)
    posted = login(cast, user).post(url, {"enabled": "on", "threshold": "10", "period": "3", "receiver": "cell",
                                          "version": rule.version})

    assert page.status_code == 200 and 'name="threshold"' not in page.content.decode()
    assert posted.status_code == 403
    assert Rule.objects.filter(kind=Check.ATTENDANCE_LOW).count() == 1


def test_a_secretary_does_not_acknowledge_a_warning_about_their_own_absences(cast):
    secretary = cast.members["secretary"]
    for days in (100, 70, 40):
        hold(cast, days, absent=[secretary])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])
    [alert] = live(Check.UNEXCUSED)
    client = cast.client("secretary")

    page = client.get(acknowledge_url(alert)).content.decode()
    posted = client.post(acknowledge_url(alert), {"note": "Tôi bận công tác", "version": alert.version})
    with pytest.raises(services.AlertError, match="chính mình") as refused:
        services.acknowledge(alert, by=cast.users["secretary"], note="Tôi bận công tác", version=alert.version)

    assert 'name="note"' not in page and posted.status_code == 403
    assert refused.value.code == "own"
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


# --- what the list, the spreadsheet and the evidence name -------------------------------------------------------


def test_the_list_and_the_spreadsheet_show_only_the_warnings_the_reader_may_open(cast):
    # One owned by the cell, which the commune's secretary does not read; one owned by the commune.
    _colleague, absences = absent_colleague(cast, minutes=30)
    missing = short_meetings(cast)
    user = commune_secretary(cast)
    client = login(cast, user)

    page = client.get(reverse("alerts:unit", args=[cast.commune.pk])).content.decode()
    rows = read_xlsx(body(client.get(reverse("alerts:unit.export", args=[cast.commune.pk, "xlsx"]))))
    cells = [str(value) for row in rows for value in row if value]

    assert client.get(acknowledge_url(absences)).status_code == 404
    assert acknowledge_url(missing) in page and acknowledge_url(absences) not in page
    assert COLLEAGUE not in page and COLLEAGUE not in " ".join(cells)
    assert cast.cell.name in cells  # the warning it may open is there


def test_the_evidence_names_no_directive_the_reader_may_not_open(cast):
    directive = directives.create_draft(
        cast.province, kind="KH", number="12", issuer_symbol="TU", issued_on=datetime.date(2026, 11, 2),
        title=PROVINCE_DIRECTIVE, target_mode="units", target_units=[cast.cell], tasks=["Rà soát cán bộ"],
        report_dates=[datetime.date(2026, 12, 31)], by=SYSTEM)
    directives.issue(directive, version=None, by=SYSTEM)
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.DIRECTIVE_UNACKNOWLEDGED])
    alert = Alert.objects.get(kind=Check.DIRECTIVE_UNACKNOWLEDGED, unit=cast.cell)  # owned by the commune
    user = commune_secretary(cast)

    outsider = login(cast, user).get(acknowledge_url(alert)).content.decode()
    staff = cast.client("parent_staff").get(acknowledge_url(alert)).content.decode()

    assert PROVINCE_DIRECTIVE not in outsider and reverse("directives:detail", args=[directive.pk]) not in outsider
    assert "1 dòng" in outsider  # said to be there, not named
    assert PROVINCE_DIRECTIVE in staff  # the commune's staff covers the cell it was addressed to


def test_the_evidence_and_the_warning_name_no_member_the_reader_no_longer_reads(cast):
    colleague, alert = absent_colleague(cast)
    org_services.transfer_member(colleague, to_cell=cast.other_cell, reason="Chuyển sinh hoạt", by=SYSTEM)

    before_the_next_run = cast.client("parent_staff").get(acknowledge_url(alert))
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])

    assert before_the_next_run.status_code == 200 and COLLEAGUE not in before_the_next_run.content.decode()
    # The absences happened in the old cell: the new cell gets no warning built on the old cell's meetings.
    assert live(Check.UNEXCUSED) == []


def test_a_member_who_moved_is_not_named_silent_in_the_cell_they_left(cast):
    quiet = make_member(cast.cell, "Lý Thị Lặng")
    speaker = cast.members["secretary"]
    for days in (75, 45, 15):
        hold(cast, days, present=[quiet, speaker], speakers=[speaker])
    org_services.transfer_member(quiet, to_cell=cast.other_cell, reason="Chuyển sinh hoạt", by=SYSTEM)

    services.evaluate(by=SYSTEM, today=today(), checks=[Check.SILENT])

    assert live(Check.SILENT) == []


def test_a_warning_follows_its_unit_to_another_commune(cast):
    alert = commune_owned(cast)

    org_services.move_unit(cast.cell, new_parent=cast.other_commune, by=SYSTEM)

    alert.refresh_from_db()
    assert alert.owner == cast.other_commune
    assert cast.client("parent_staff").get(acknowledge_url(alert)).status_code == 404
    assert acknowledge_url(alert) not in cast.client("committee").get(reverse("org:dashboard")).content.decode()
    assert cast.client("unrelated_staff").post(acknowledge_url(alert), {
        "note": "Đảng ủy xã Hòa Bình tiếp nhận chi bộ", "version": alert.version}).status_code == 302


def test_a_late_review_warning_links_the_progress_page_never_the_draft(cast):
    cycle = open_for(cast.commune, enforce_order=False)
    draft = Review.objects.get(cycle=cycle, member=cast.members["member"])
    reviews.save_review(draft, by=cast.users["member"], version=draft.version,
                        content=reviews.ReviewContent(answers={"duty_results": "Bản nháp riêng chưa nộp"}))
    services.evaluate(by=SYSTEM, today=datetime.date(2026, 12, 30), checks=[Check.REVIEWS_LATE])
    alert = Alert.objects.get(kind=Check.REVIEWS_LATE, unit=cast.cell)

    pages = {who: cast.client(who).get(acknowledge_url(alert)).content.decode()
             for who in ("secretary", "parent_staff", "committee", "admin")}

    progress = reverse("reviews:cycles.unit", args=[cycle.pk, cast.cell.pk])
    for page in pages.values():
        assert progress in page and reverse("reviews:reviews.detail", args=[draft.pk]) not in page
        assert "Bản nháp riêng" not in page


def test_the_way_back_from_a_warning_leads_to_a_list_the_reader_may_open(cast):
    alert = commune_owned(cast)

    page = cast.client("secretary").get(acknowledge_url(alert)).content.decode()

    assert reverse("alerts:unit", args=[cast.cell.pk]) in page
    assert reverse("alerts:unit", args=[cast.commune.pk]) not in page


# --- the inbox ---------------------------------------------------------------------------------------------------


def test_leadership_messages_go_only_to_people_who_open_what_they_link_to(cast):
    commune_secretary(cast)
    alert = commune_owned(cast)

    told = Notification.objects.filter(kind="alerts.raised", event_key__contains=f":{cast.commune.pk}:")

    assert {note.recipient.username for note in told} == {"parent_staff", "committee", "bithu_xa"}
    for note in told:
        page = login(cast, note.recipient).get(note.url)
        assert page.status_code == 200 and acknowledge_url(alert) in page.content.decode()
        assert login(cast, note.recipient).get(acknowledge_url(alert)).status_code == 200


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


def test_the_second_leader_to_acknowledge_is_told_it_is_done_already(cast):
    alert = commune_owned(cast)
    cast.client("parent_staff").post(acknowledge_url(alert), {"note": "Đã chỉ đạo họp bù", "version": alert.version})

    response = cast.client("committee").post(acknowledge_url(alert), {"note": "Sẽ kiểm tra", "version": alert.version})

    alert.refresh_from_db()
    assert response.status_code == 200 and NO_LONGER_OPEN in response.content.decode()
    assert (alert.acknowledgement, alert.acknowledged_by) == ("Đã chỉ đạo họp bù", cast.users["parent_staff"])


@pytest.mark.parametrize("note", ["", "   ", "x" * 100_000])
def test_an_empty_or_huge_note_is_refused(cast, note):
    alert = commune_owned(cast)

    response = cast.client("parent_staff").post(acknowledge_url(alert), {"note": note, "version": alert.version})

    assert response.status_code == 200 and 'name="note"' in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_a_note_with_markup_or_a_formula_stays_text_on_the_page_and_in_the_spreadsheet(cast):
    alert = commune_owned(cast)
    markup, formula = "<script>alert(1)</script>", '=HYPERLINK("http://x.invalid","Bấm")'
    client = cast.client("parent_staff")
    client.post(acknowledge_url(alert), {"note": f"{formula}\n{markup}", "version": alert.version})

    page = client.get(acknowledge_url(alert)).content.decode()
    content = body(client.get(reverse("alerts:unit.export", args=[cast.commune.pk, "xlsx"])))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()

    assert markup not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f"{formula}\n{markup}" in [value for row in read_xlsx(content) for value in row]
    assert "<f>" not in sheet


# --- the data itself ---------------------------------------------------------------------------------------------


def test_the_checks_neither_read_nor_keep_anything_of_anonymous_feedback(cast):
    cycle = open_for(cast.commune, enforce_order=False, anonymity="anonymous")
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"])
    reviews.give_feedback(review=review, from_unit=cast.cell, kind="shortcoming", text="Cần gương mẫu hơn",
                          by=cast.users["secretary"])
    assert Feedback.objects.filter(review=review).exists()

    with CaptureQueriesContext(connection) as queries:
        services.evaluate(by=SYSTEM, today=datetime.date(2026, 12, 30))

    assert not [query["sql"] for query in queries if "feedback" in query["sql"].lower()]
    stored = [f"{alert.subject} {alert.figures} {alert.evidence}" for alert in Alert.objects.all()]
    assert not [text for text in stored if "feedback" in text.lower()]
