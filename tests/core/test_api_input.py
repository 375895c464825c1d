"""Bad input is refused the same way by every operation of the API, read from its own OpenAPI schema: a body that
is not JSON, a field of the wrong type, a field the operation does not know, a page out of bounds. Each refusal is
422 with a code and a message in the caller's language."""

import json

import pytest
from django.test import Client

from soisua.accounts import services
from soisua.accounts.models import User
from soisua.api import api
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.core.api_common import MAX_PAGE, MAX_PAGE_SIZE

# A value no field of any request body takes: a list of lists of objects.
WRONG = [[{}]]


def schema() -> dict:
    return api.get_openapi_schema()


def with_bodies() -> list[tuple[str, str, dict]]:
    """(method, path with every id 1, the body's schema) of every operation that takes a JSON body."""
    found = []
    document = schema()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            reference = body["schema"]["$ref"].rsplit("/", 1)[-1]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    path = path.replace("{" + parameter["name"] + "}", "1")
            found.append((method, path, document["components"]["schemas"][reference]))
    return found


def paginated() -> list[tuple[str, dict]]:
    """(path with every id 1, its other required parameters) of every list that comes in pages."""
    found = []
    for path, methods in schema()["paths"].items():
        operation = methods.get("get", {})
        parameters = operation.get("parameters", [])
        if not any(parameter["name"] == "page" for parameter in parameters):
            continue
        query = {}
        for parameter in parameters:
            if parameter["in"] == "path":
                path = path.replace("{" + parameter["name"] + "}", "1")
            elif parameter.get("required"):
                query[parameter["name"]] = 1 if parameter.get("schema", {}).get("type") == "integer" else "tran"
        found.append((path, query))
    return found


@pytest.fixture
def client(cast, settings) -> Client:
    settings.API_TOKEN_RATE_PER_MINUTE = 10**6
    token = services.issue_api_token(cast.users["secretary"], name="ghi", scope="read_write", by=SYSTEM)
    return Client(headers={"authorization": f"Bearer {token}"})


def send(client: Client, method: str, path: str, body) -> dict:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.generic(method.upper(), path, raw, content_type="application/json")
    return {"status": response.status_code, **response.json()}


def test_every_body_that_is_not_json_is_refused(client):
    before = AuditEntry.objects.count()

    answers = {path: send(client, method, path, b'{"text": ') for method, path, _body in with_bodies()}

    assert answers, "the API takes no request body any more: this test has nothing to check"
    assert {path: (answer["status"], answer["code"], answer["detail"]) for path, answer in answers.items()} == (
        dict.fromkeys(answers, (422, "malformed_json", "Nội dung yêu cầu không phải JSON hợp lệ.")))
    assert AuditEntry.objects.count() == before


def test_every_body_refuses_a_field_it_does_not_know(client):
    answers = {path: send(client, method, path, {"khong_co": 1}) for method, path, _body in with_bodies()}

    assert {path: (answer["status"], answer["code"]) for path, answer in answers.items()} == dict.fromkeys(
        answers, (422, "invalid"))
    assert all("body.khong_co" in {error["field"] for error in answer["errors"]} for answer in answers.values())
    assert all(answer["detail"].startswith("Một số giá trị trong yêu cầu không hợp lệ") for answer in answers.values())


def test_every_body_names_each_field_of_the_wrong_type(client):
    answers = {path: (set(body.get("properties", {})), send(client, method, path, dict.fromkeys(
        body.get("properties", {}), WRONG))) for method, path, body in with_bodies()}

    assert {path: answer["status"] for path, (_fields, answer) in answers.items()} == dict.fromkeys(answers, 422)
    assert {path: {f"body.{field}" for field in fields} - {".".join(error["field"].split(".")[:2])
                                                               for error in answer["errors"]}
            for path, (fields, answer) in answers.items()} == {path: set() for path in answers}


@pytest.mark.parametrize("bound", [{"page": MAX_PAGE + 1}, {"page": 0}, {"page_size": MAX_PAGE_SIZE + 1}])
def test_every_list_refuses_a_page_out_of_bounds(client, bound):
    lists = paginated()

    answers = {path: client.get(path, query | bound) for path, query in lists}

    assert lists
    assert {path: (answer.status_code, answer.json()["code"]) for path, answer in answers.items()} == dict.fromkeys(
        answers, (422, "invalid"))
    assert all({error["field"] for error in answer.json()["errors"]} == set(bound) for answer in answers.values())


def test_refusals_speak_the_language_of_the_tokens_owner(cast, client):
    User.objects.filter(pk=cast.users["secretary"].pk).update(language="en")
    method, path, _body = with_bodies()[0]

    answer = send(client, method, path, b"not json")

    assert answer["detail"] == "The request body is not valid JSON."


def dated_lists() -> list[tuple[str, dict]]:
    """The lists that take the days `from` and `to`, with their other required parameters."""
    dated = {path for path, methods in schema()["paths"].items()
             if {"from", "to"} <= {parameter["name"] for parameter in methods.get("get", {}).get("parameters", [])}}
    return [(path, query) for path, query in paginated() if path in dated]


@pytest.mark.parametrize(("days", "code"), [({"from": "2026-12-04", "to": "2026-12-03"}, "date_order"),
                                            ({"to": "9999-12-31"}, "date_range"),
                                            ({"from": "1900-01-01"}, "date_range")])
def test_every_dated_list_refuses_days_out_of_range_or_order(client, days, code):
    lists = dated_lists()

    answers = {path: client.get(path, query | days) for path, query in lists}

    assert len(lists) >= 5, lists
    assert {path: (answer.status_code, answer.json()["code"]) for path, answer in answers.items()} == dict.fromkeys(
        answers, (422, code))


@pytest.mark.parametrize("path", ["/api/meetings/", "/api/khong-co", "/api/units/1/x"])
def test_an_address_naming_no_operation_gets_the_apis_own_not_found(client, path):
    answer = client.get(path)

    assert (answer.status_code, answer["content-type"].split(";")[0], answer.json()["code"]) == (
        404, "application/json", "not_found")
