"""What a token's limits mean for every operation of the API, read from its own OpenAPI schema: a read token never
writes, a token limited to a unit never reaches outside its subtree, expired and revoked tokens reach nothing, and
each token is held to its rate. New operations are covered as they appear; one whose path names an object this
file cannot build fails until `sibling_world` learns to."""

import datetime
import json
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client

from soisua.accounts import services
from soisua.accounts.models import ApiToken, User
from soisua.alerts import services as alerts
from soisua.alerts.enums import Check
from soisua.alerts.models import Alert
from soisua.api import api
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.corrections.enums import Source
from soisua.directives import services as directives
from soisua.directives.enums import TargetMode
from soisua.dues import policy as dues
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus
from soisua.org import access
from soisua.org import services as org
from soisua.oversight import policy as oversight
from soisua.reviews.models import Review
from tests.conftest import fixed_now, give_authenticator
from tests.directives.test_directives import draft
from tests.factories import UserFactory, complete_review, make_member
from tests.reviews.test_cycles import open_for

READS = {"get", "head", "options"}
START = datetime.datetime(2026, 12, 3, 12, 30, tzinfo=datetime.UTC)


def operations(*, reads: bool) -> list[tuple[str, str, dict]]:
    """(method, path, operation) of every operation in the schema that reads, or of every one that writes."""
    paths = api.get_openapi_schema()["paths"]
    return [(method, path, operation) for path, methods in paths.items() for method, operation in methods.items()
            if (method in READS) == reads]


def parameters(operation: dict, where: str) -> list[dict]:
    return [parameter for parameter in operation.get("parameters", []) if parameter["in"] == where]


def filled_query(operation: dict, overrides: dict | None = None) -> dict:
    """A value for every required query parameter (and the `overrides` the operation knows)."""
    values = {}
    for parameter in parameters(operation, "query"):
        if parameter["name"] in (overrides or {}):
            values[parameter["name"]] = overrides[parameter["name"]]
        elif parameter.get("required"):
            values[parameter["name"]] = 1 if parameter.get("schema", {}).get("type") == "integer" else "tran"
    return values


def url(path: str, ids: dict[str, int]) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def call(token: str, method: str, path: str, query: dict | None = None, body: dict | None = None):
    client = Client(headers={"authorization": f"Bearer {token}"})
    if method in READS:
        return getattr(client, method)(path, query or {})
    if query:
        path += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def _generous(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 10**6  # refused tokens are the point here; the limit has its own tests
    settings.API_TOKEN_RATE_PER_MINUTE = 10**6


# --- a read token writes nothing ----------------------------------------------------------------------------------


def test_a_read_token_is_refused_every_write_and_changes_nothing(cast, _generous):
    token = services.issue_api_token(cast.users["secretary"], name="đọc", scope="read", by=SYSTEM)
    writes = operations(reads=False)
    before = AuditEntry.objects.count()

    answers = {f"{method.upper()} {path}": call(token, method, url(path, dict.fromkeys(
        (parameter["name"] for parameter in parameters(operation, "path")), 1)), filled_query(operation))
        for method, path, operation in writes}

    assert {name: (answer.status_code, answer.json()["code"]) for name, answer in answers.items()} == dict.fromkeys(
        answers, (403, "read_only_token"))
    assert all("chỉ được đọc" in answer.json()["detail"] for answer in answers.values())
    assert AuditEntry.objects.count() == before


def test_a_read_write_token_reaches_the_write_operations(cast, _generous):
    token = services.issue_api_token(cast.users["secretary"], name="ghi", scope="read_write", by=SYSTEM)
    writes = operations(reads=False)

    codes = {call(token, method, url(path, dict.fromkeys(
        (parameter["name"] for parameter in parameters(operation, "path")), 1)), filled_query(operation)).json()
        .get("code") for method, path, operation in writes}

    assert "read_only_token" not in codes


# --- a token limited to a unit stays in its subtree ---------------------------------------------------------------


def sibling_world(cast) -> dict[str, int]:
    """An object of the sibling cell for each name a path gives an id (`{review_id}`, …), built through the
    services; the owners of the tokens below see every one of them."""
    meeting = meetings.schedule_meeting(cast.sibling_cell, title="Sinh hoạt Thôn 2", starts_at=START,
                                        ends_at=START + datetime.timedelta(hours=2), agenda=["Thời sự"], by=SYSTEM)
    cycle = open_for(cast.sibling_cell, title="Kiểm điểm Thôn 2")
    review = complete_review(Review.objects.get(cycle=cycle, member=cast.members["sibling"]), cast.users["sibling"])
    shortcoming = corrections.record_shortcoming(unit=cast.sibling_cell, member=cast.members["sibling"],
                                                 source=Source.MEETING, text="Chưa gương mẫu trong sinh hoạt",
                                                 by=SYSTEM)
    directive = draft(cast, number="77", target_mode=TargetMode.UNITS, target_units=[cast.sibling_cell])
    directive = directives.issue(directive, version=directive.version, by=cast.users["committee"])
    return {"unit_id": cast.sibling_cell.pk, "member_id": cast.members["sibling"].pk, "meeting_id": meeting.pk,
            "cycle_id": cycle.pk, "review_id": review.pk, "shortcoming_id": shortcoming.pk,
            "directive_id": directive.pk, "alert_id": sibling_alert(cast).pk}


def sibling_alert(cast) -> Alert:
    """Three absences without reason of the sibling cell's member: a warning owned by that cell."""
    for days in (100, 70, 40):
        starts = fixed_now() - datetime.timedelta(days=days)
        held = meetings.schedule_meeting(cast.sibling_cell, title=f"Sinh hoạt {starts:%d/%m}", starts_at=starts,
                                         ends_at=starts + datetime.timedelta(hours=2), by=SYSTEM)
        meetings.mark_attendance(held.attendance.get(member=cast.members["sibling"]),
                                 status=AttendanceStatus.UNEXCUSED, by=SYSTEM)
    alerts.evaluate(by=SYSTEM, today=fixed_now().date(), checks=[Check.UNEXCUSED])
    return Alert.objects.get(kind=Check.UNEXCUSED, unit=cast.sibling_cell)


# What a list is filtered by: given the sibling cell or its member, the list must be refused or come back empty.
def list_filters(cast) -> dict[str, int]:
    unit, member = cast.sibling_cell.pk, cast.members["sibling"].pk
    return {"unit": unit, "unit_id": unit, "within": unit, "cell": unit, "member": member, "member_id": member}


@pytest.mark.parametrize("owner", ["superuser", "parent_staff"])
def test_a_token_limited_to_a_cell_reads_nothing_of_the_sibling_cell(cast, owner, _generous):
    objects = sibling_world(cast)
    whole = services.issue_api_token(cast.users[owner], name="toàn bộ", scope="read", by=SYSTEM)
    limited = services.issue_api_token(cast.users[owner], name="thôn 1", scope="read", unit_id=cast.cell.pk,
                                       by=SYSTEM)
    reads = [(path, operation) for method, path, operation in operations(reads=True) if method == "get"]
    with_ids = [(path, operation) for path, operation in reads if parameters(operation, "path")]
    unknown = {parameter["name"] for _path, operation in with_ids for parameter in parameters(operation, "path")
               if parameter["name"] not in objects}

    seen, refused = {}, {}
    for path, operation in with_ids:
        address, query = url(path, objects), filled_query(operation)
        seen[path] = call(whole, "get", address, query).status_code
        refused[path] = call(limited, "get", address, query).status_code
    lists = {}
    for path, operation in reads:
        filters = {name: value for name, value in list_filters(cast).items()
                   if name in {parameter["name"] for parameter in parameters(operation, "query")}}
        if filters and not parameters(operation, "path"):
            answer = call(limited, "get", path, filled_query(operation, filters))
            lists[path] = answer.status_code if answer.status_code != 200 else answer.json()

    assert not unknown, f"no object of the sibling cell for {sorted(unknown)}: add it to sibling_world"
    assert {path: status for path, status in seen.items() if status == 404} == {}
    assert {path: status for path, status in refused.items() if status not in {403, 404}} == {}
    assert {path: answer for path, answer in lists.items()
            if answer not in (403, 404) and (answer.get("items") if isinstance(answer, dict) else answer)} == {}


def test_a_token_limited_to_a_cell_reads_that_cell(cast, _generous):
    token = services.issue_api_token(cast.users["parent_staff"], name="thôn 1", scope="read", unit_id=cast.cell.pk,
                                     by=SYSTEM)

    members = call(token, "get", f"/api/units/{cast.cell.pk}/members")
    commune = call(token, "get", f"/api/units/{cast.commune.pk}")
    found = call(token, "get", "/api/members/search", {"q": "th"})

    assert sorted(item["full_name"] for item in members.json()["items"]) == ["Lê Văn Cường", "Trần Thị Bình"]
    assert commune.status_code == 404
    assert {item["cell_id"] for item in found.json()["items"]} <= {cast.cell.pk}


def test_a_superusers_token_limited_to_a_cell_finds_only_its_members(cast, _generous):
    whole = services.issue_api_token(cast.users["superuser"], name="toàn bộ", scope="read", by=SYSTEM)
    limited = services.issue_api_token(cast.users["superuser"], name="thôn 1", scope="read", unit_id=cast.cell.pk,
                                       by=SYSTEM)

    everyone = call(whole, "get", "/api/members/search", {"q": "Phạm Thị Dung"}).json()["items"]
    outside = call(limited, "get", "/api/members/search", {"q": "Phạm Thị Dung"}).json()["items"]
    inside = call(limited, "get", "/api/members/search", {"q": "Trần Thị Bình"}).json()["items"]

    assert [item["full_name"] for item in everyone] == ["Phạm Thị Dung"]
    assert outside == []
    assert [item["full_name"] for item in inside] == ["Trần Thị Bình"]


def test_a_token_limited_to_another_unit_does_not_read_its_owners_own_record(cast, _generous):
    user = UserFactory(username="kiemnhiem")
    own = make_member(cast.cell, "Đỗ Văn Kiêm", user=user)
    org.grant_role(user, unit=cast.other_commune, role="staff", by=SYSTEM)
    give_authenticator(user)  # a staff login's tokens work once it has set up two-factor login
    whole = services.issue_api_token(user, name="toàn bộ", scope="read", by=SYSTEM)
    limited = services.issue_api_token(user, name="Hòa Bình", scope="read", unit_id=cast.other_commune.pk,
                                       by=SYSTEM)

    review = Review.objects.get(cycle=open_for(cast.commune), member=own)

    mine = [call(whole, "get", path).status_code for path in (f"/api/members/{own.pk}", f"/api/reviews/{review.pk}")]
    hidden = [call(limited, "get", path).status_code
              for path in (f"/api/members/{own.pk}", f"/api/reviews/{review.pk}")]
    other = call(limited, "get", f"/api/members/{cast.members['other'].pk}")

    assert mine == [200, 200]
    assert hidden == [404, 404]
    assert other.status_code == 200


def test_a_token_whose_unit_is_gone_sees_nothing(cast, _generous):
    token = services.issue_api_token(cast.users["secretary"], name="thôn 1", scope="read", unit_id=cast.cell.pk,
                                     by=SYSTEM)
    ApiToken.objects.update(unit_id=10**9)

    response = call(token, "get", f"/api/units/{cast.cell.pk}")

    assert response.status_code == 404


def test_the_session_is_not_limited_by_any_token(cast, _generous):
    services.issue_api_token(cast.users["parent_staff"], name="thôn 1", scope="read", unit_id=cast.cell.pk,
                             by=SYSTEM)

    response = cast.client("parent_staff").get(f"/api/units/{cast.sibling_cell.pk}")

    assert response.status_code == 200


# --- expired and revoked tokens reach nothing ---------------------------------------------------------------------


def every_operation() -> list[tuple[str, str, dict]]:
    return [(method, url(path, dict.fromkeys((parameter["name"] for parameter in parameters(operation, "path")), 1)),
             filled_query(operation)) for method, path, operation in [*operations(reads=True),
                                                                       *operations(reads=False)]]


def test_an_expired_token_reaches_no_operation(cast, _generous):
    token = services.issue_api_token(cast.users["secretary"], name="ngắn", days=1, by=SYSTEM)

    with time_machine.travel(datetime.timedelta(days=1, minutes=1)):
        answers = {f"{method} {path}": call(token, method, path, query) for method, path, query in every_operation()}

    assert {name: (answer.status_code, answer.json()["code"]) for name, answer in answers.items()} == dict.fromkeys(
        answers, (401, "token_expired"))


def test_a_revoked_token_reaches_no_operation(cast, _generous):
    token = services.issue_api_token(cast.users["secretary"], name="cũ", by=SYSTEM)
    services.revoke_api_token(ApiToken.objects.get(), by=SYSTEM)

    answers = {f"{method} {path}": call(token, method, path, query) for method, path, query in every_operation()}

    assert {name: (answer.status_code, answer.json()["code"]) for name, answer in answers.items()} == dict.fromkeys(
        answers, (401, "not_authenticated"))


# --- each token keeps to its rate ---------------------------------------------------------------------------------


def test_a_token_is_refused_past_its_requests_per_minute(cast, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    token = services.issue_api_token(cast.users["member"], name="nhanh", scope="read", by=SYSTEM)
    other = services.issue_api_token(cast.users["member"], name="khác", scope="read", by=SYSTEM)
    path = f"/api/units/{cast.cell.pk}"

    allowed = [call(token, "get", path).status_code for _ in range(3)]
    refused = call(token, "get", path)
    elsewhere = call(other, "get", path)
    with time_machine.travel(datetime.timedelta(minutes=1, seconds=1)):
        later = call(token, "get", path)

    assert allowed == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert refused.json()["detail"].startswith("Mã truy cập API này đã gửi quá nhiều yêu cầu.")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert elsewhere.status_code == 200
    assert later.status_code == 200


def test_the_schema_declares_both_reasons_for_429(cast):
    schema = cast.client("member").get("/api/openapi.json").json()

    answers = {operation["responses"]["429"]["description"] for methods in schema["paths"].values()
               for operation in methods.values()}

    assert len(answers) == 1 and "phút" in answers.pop()


# --- bad input ----------------------------------------------------------------------------------------------------


def test_a_body_that_is_not_json_is_refused_with_a_translated_message(cast, _generous):
    token = services.issue_api_token(cast.users["secretary"], name="ghi", scope="read_write", by=SYSTEM)
    method, path, operation = next((method, path, operation) for method, path, operation in operations(reads=False)
                                   if operation.get("requestBody"))
    address = url(path, dict.fromkeys((parameter["name"] for parameter in parameters(operation, "path")), 1))

    response = Client(headers={"authorization": f"Bearer {token}"}).generic(
        method.upper(), address, b"{not json", content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "malformed_json"
    assert response.json()["detail"] == "Nội dung yêu cầu không phải JSON hợp lệ."


def test_a_limited_token_does_not_act_as_its_owner_outside_its_unit(cast):
    user = UserFactory(username="kiemnhiem")
    own = make_member(cast.cell, "Đỗ Văn Kiêm", user=user)
    org.grant_role(user, unit=cast.other_commune, role="staff", by=SYSTEM)
    inspected = SimpleNamespace(subject_member=own)
    whole = User.objects.get(pk=user.pk)
    limited = User.objects.get(pk=user.pk)

    access.limit_to_unit(limited, cast.other_commune.pk)

    assert dues.can_read_member_dues(whole, own) and not dues.can_read_member_dues(limited, own)
    assert oversight.is_member_inspected(whole, inspected) and not oversight.is_member_inspected(limited, inspected)


def test_a_session_still_needs_its_csrf_token_to_write(cast, _generous):
    method, path, operation = operations(reads=False)[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["secretary"])
    address = url(path, dict.fromkeys((parameter["name"] for parameter in parameters(operation, "path")), 1))

    response = getattr(client, method)(address, data="{}", content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
