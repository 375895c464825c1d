"""The early-warnings part of the JSON API: the warnings a reader may open, one warning, and acknowledgement with
the page's rules."""

from soisua.alerts import policy, services
from soisua.alerts.enums import AlertStatus, Check
from soisua.alerts.models import Alert
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from tests.alerts.test_checks import hold, today
from tests.reviews.test_api import get, post

READERS = ("member", "secretary", "sibling", "parent_staff", "unrelated_staff", "inspector", "committee", "admin",
           "superuser")


def absences(cast, member_name: str = "member") -> Alert:
    """Three absences without reason of a member of Thôn 1: a warning about them owned by the cell, and the
    months without a regular meeting of every cell, owned by their communes."""
    for days in (100, 70, 40):
        hold(cast, days, absent=[cast.members[member_name]])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED, Check.MEETINGS_MISSING])
    return Alert.objects.get(kind=Check.UNEXCUSED)


def ids(body) -> set[int]:
    return {row["id"] for row in body["items"]}


def test_each_reader_lists_the_warnings_they_may_open(cast):
    absences(cast)
    everything = list(Alert.objects.select_related("unit", "owner"))

    for name in READERS:
        status, body = get(cast.users[name], "/alerts")
        assert status == 200
        assert ids(body) == {alert.pk for alert in everything if policy.can_see(cast.users[name], alert)}, name
    _status, member = get(cast.users["member"], "/alerts")
    assert member["items"] == []


def test_warnings_filtered_by_unit_state_and_check(cast):
    alert = absences(cast)
    staff = cast.users["parent_staff"]
    services.acknowledge(alert, by=cast.users["secretary"], note="Đã nhắc nhở", version=None)

    _status, cell = get(staff, f"/alerts?unit={cast.cell.pk}")
    _status, acknowledged = get(staff, "/alerts?state=acknowledged")
    _status, unexcused = get(staff, f"/alerts?check={Check.UNEXCUSED}")
    _status, resolved = get(staff, "/alerts?state=resolved")
    plain_member, _body = get(cast.users["member"], f"/alerts?unit={cast.cell.pk}")
    stranger, _body = get(staff, f"/alerts?unit={cast.other_cell.pk}")
    bad_check, _body = get(staff, "/alerts?check=everything")
    _status, opened_today = get(staff, f"/alerts?from={today()}&to={today()}")
    _status, opened_later = get(staff, f"/alerts?from={today().replace(year=today().year + 1)}")

    assert ids(cell) == set(Alert.objects.filter(unit=cast.cell).values_list("pk", flat=True))
    assert alert.pk in ids(cell)
    assert ids(acknowledged) == {alert.pk}
    assert ids(unexcused) == {alert.pk}
    assert ids(resolved) == set()
    assert plain_member == 403  # a member reads the cell, not its warnings page
    assert stranger == 404
    assert bad_check == 422
    assert alert.pk in ids(opened_today)
    assert ids(opened_later) == set()


def test_a_warning_names_its_member_only_to_who_may_read_them(cast):
    alert = absences(cast)

    status, secretary = get(cast.users["secretary"], f"/alerts/{alert.pk}")
    _status, staff = get(cast.users["parent_staff"], f"/alerts/{alert.pk}")
    member, _body = get(cast.users["member"], f"/alerts/{alert.pk}")
    stranger, _body = get(cast.users["unrelated_staff"], f"/alerts/{alert.pk}")

    assert status == 200
    assert secretary["member"] == {"id": cast.members["member"].pk, "full_name": "Trần Thị Bình"}
    assert secretary["figures"] == {"count": 3}
    assert secretary["can_acknowledge"] is True
    assert staff["can_acknowledge"] is False
    assert len(secretary["evidence"]) == 3  # the three meetings
    assert (member, stranger) == (404, 404)


def test_acknowledging_through_the_api_as_on_the_page(cast):
    alert = absences(cast)
    path = f"/alerts/{alert.pk}/acknowledge"

    status, body = post(cast.users["secretary"], path, {"note": "Đã gặp đồng chí và nhắc nhở"})
    again, refusal = post(cast.users["secretary"], path, {"note": "Lần hai"})

    assert status == 200
    assert body["status"] == "acknowledged" and body["acknowledgement"] == "Đã gặp đồng chí và nhắc nhở"
    assert Alert.objects.get(pk=alert.pk).acknowledged_by == cast.users["secretary"]
    assert AuditEntry.objects.filter(action="alerts.acknowledged").count() == 1
    assert again == 422 and refusal["code"] == "not_open"
    assert Alert.objects.get(pk=alert.pk).acknowledgement == "Đã gặp đồng chí và nhắc nhở"


def test_acknowledging_is_refused_to_who_the_page_refuses(cast):
    alert = absences(cast)
    about_themselves = absences_of_secretary(cast)
    path = f"/alerts/{alert.pk}/acknowledge"

    staff, _refusal = post(cast.users["parent_staff"], path, {"note": "Đã xem"})
    member, _refusal = post(cast.users["member"], path, {"note": "Đã xem"})
    themselves, _refusal = post(cast.users["secretary"], f"/alerts/{about_themselves.pk}/acknowledge",
                                {"note": "Đã xem"})
    empty, required = post(cast.users["secretary"], path, {"note": "  "})

    assert staff == 403  # the commune sees the cell's warning; the cell's leadership acknowledges it
    assert member == 404
    assert themselves == 403  # nobody acknowledges a warning about themselves
    assert empty == 422 and required["code"] == "required"
    assert not Alert.objects.filter(status=AlertStatus.ACKNOWLEDGED).exists()


def absences_of_secretary(cast) -> Alert:
    for days in (95, 65, 35):
        hold(cast, days, absent=[cast.members["secretary"]])
    services.evaluate(by=SYSTEM, today=today(), checks=[Check.UNEXCUSED])
    return Alert.objects.get(kind=Check.UNEXCUSED, member=cast.members["secretary"])


def test_acknowledging_with_a_bad_body_is_refused(cast):
    alert = absences(cast)
    path = f"/alerts/{alert.pk}/acknowledge"

    unknown, _body = post(cast.users["secretary"], path, {"note": "Đã xem", "version": 1})
    wrong_type, _body = post(cast.users["secretary"], path, {"note": 3})
    missing, _body = post(cast.users["secretary"], path, {})

    assert (unknown, wrong_type, missing) == (422, 422, 422)
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN
