"""Reads of the dashboards go to the replica; writes, and reads after a write, to the primary (core.routers)."""

import runpy
from pathlib import Path

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import soisua
from soisua.core.actors import SYSTEM
from soisua.core.routers import COOKIE, REPLICA, ReplicaMiddleware, read_alias, reading_replica
from soisua.org import services
from soisua.org.enums import Role
from soisua.org.models import Unit

SETTINGS = str(Path(soisua.__file__).parent / "settings.py")


@pytest.fixture
def replica():
    """A `replica` alias mirroring the test database, as DATABASE_REPLICA_URL adds one: its own connection
    object (so its queries are counted apart), over the primary's session (so it sees the test's rows)."""
    default = connections["default"]
    connections.settings[REPLICA] = {**default.settings_dict, "TEST": {"MIRROR": "default"}}
    default.ensure_connection()
    mirror = connections[REPLICA]
    mirror.connection = default.connection
    yield mirror
    mirror.connection = None
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _queries(alias: str):
    return CaptureQueriesContext(connections[alias])


def test_dashboard_reads_go_to_the_replica(cast, replica):
    client = cast.client("committee")
    services.grant_role(cast.users["committee"], unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)

    with _queries("default") as primary, _queries(REPLICA) as mirror:
        response = client.get(reverse("oversight:dashboard", args=[cast.commune.pk]))

    assert response.status_code == 200
    assert cast.commune.name in response.content.decode()
    assert any("alerts_alert" in query["sql"] for query in mirror.captured_queries)
    assert not any("alerts_alert" in query["sql"] for query in primary.captured_queries)
    assert COOKIE not in response.cookies


def test_a_write_and_the_reads_after_it_in_the_request_go_to_the_primary(cast, replica):
    def view(request):
        with reading_replica():
            services.grant_role(cast.users["unrelated_staff"], unit=cast.commune, role=Role.COMMITTEE, by=SYSTEM)
            name = Unit.objects.get(pk=cast.commune.pk).name
        return HttpResponse(name)

    with _queries("default") as primary, _queries(REPLICA) as mirror:
        response = ReplicaMiddleware(view)(RequestFactory().post("/"))

    assert response.content.decode() == cast.commune.name
    assert mirror.captured_queries == []
    assert any("org_rolegrant" in query["sql"] and "INSERT" in query["sql"] for query in primary.captured_queries)
    assert any('FROM "org_unit"' in query["sql"] for query in primary.captured_queries)
    assert response.cookies[COOKIE]["max-age"] == 30


def test_reads_after_this_browser_wrote_recently_go_to_the_primary(cast, replica):
    def view(request):
        with reading_replica():
            return HttpResponse(Unit.objects.get(pk=cast.cell.pk).name)

    request = RequestFactory().get("/")
    request.COOKIES[COOKIE] = "1"
    with _queries("default") as primary, _queries(REPLICA) as mirror:
        ReplicaMiddleware(view)(request)
    with _queries(REPLICA) as later:
        ReplicaMiddleware(view)(RequestFactory().get("/"))

    assert mirror.captured_queries == []
    assert len(primary.captured_queries) == 1
    assert len(later.captured_queries) == 1


def test_reads_outside_reading_replica_go_to_the_primary(cast, replica):
    with _queries(REPLICA) as mirror:
        Unit.objects.get(pk=cast.cell.pk)

    assert mirror.captured_queries == []


def test_a_task_reads_the_replica_until_it_writes(cast, replica):
    with reading_replica(), _queries(REPLICA) as mirror, _queries("default") as primary:
        Unit.objects.get(pk=cast.cell.pk)
        services.grant_role(cast.users["unrelated_staff"], unit=cast.cell, role=Role.COMMITTEE, by=SYSTEM)
        Unit.objects.get(pk=cast.commune.pk)

    assert [query["sql"].count("org_unit") > 0 for query in mirror.captured_queries] == [True]
    assert any(str(cast.commune.pk) in query["sql"] and 'FROM "org_unit"' in query["sql"]
               for query in primary.captured_queries)


def test_without_a_replica_everything_reads_the_primary(cast):
    with reading_replica():
        alias = read_alias()

    assert alias == "default"
    assert REPLICA not in connections.settings


def test_the_replica_url_adds_an_alias_that_is_the_test_database_in_a_test_run(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.example.org:5432/soisua")

    loaded = runpy.run_path(SETTINGS)

    assert loaded["DATABASES"]["replica"]["HOST"] == "replica.example.org"
    assert loaded["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert loaded["DATABASE_ROUTERS"] == ["soisua.core.routers.ReplicaRouter"]


def test_a_decorated_view_serves_two_threads_at_once():
    """gunicorn's threads run one decorated view at the same time: each call keeps its own state, so neither
    fails on leaving it (bench/load.py found the dashboard failing so at 16 users)."""
    import threading

    inside, second_left = threading.Event(), threading.Event()
    answers: dict[str, object] = {}

    @reading_replica()
    def page(name: str, wait: bool) -> str:
        if wait:
            inside.set()
            second_left.wait(5)
        return f"{name} read"

    def call(name: str, wait: bool) -> None:
        if not wait:
            inside.wait(5)
        try:
            answers[name] = page(name, wait)
        except Exception as error:  # the failure is what the test reports
            answers[name] = error
        finally:
            if not wait:
                second_left.set()

    threads = [threading.Thread(target=call, args=("first", True)),
               threading.Thread(target=call, args=("second", False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert answers == {"first": "first read", "second": "second read"}
