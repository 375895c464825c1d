"""Lists cost the same number of queries whatever their length (docs/conventions.md: no N+1).

Each test measures the page once with one row, then asserts the same count with more rows.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.enums import PostKind, Role
from tests.factories import make_member, make_unit

GIVEN_NAMES = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan"]


def fill_cell(cell, count: int) -> None:
    """Members named Nguyễn (the cast has none), each holding a post so every row renders its posts."""
    existing = cell.members.count()
    for number in range(existing, count):
        member = make_member(cell, f"Nguyễn Văn {GIVEN_NAMES[number % len(GIVEN_NAMES)]} {number}")
        kind = PostKind.SECRETARY if number == 0 else PostKind.GROUP_LEADER
        services.assign_post(member, unit=cell, kind=kind, by=SYSTEM)


@pytest.fixture
def secretary_cell(cast):
    """A cell of the cast's commune in which the cast's secretary is also secretary."""
    cell = make_unit(cast.commune, "cell", "Chi bộ Thôn 9")
    services.grant_role(cast.users["secretary"], unit=cell, role=Role.SECRETARY, by=SYSTEM)
    return cell


def count_queries(client, url: str) -> int:
    cache.clear()  # measure the full render, not the cached scope and page parts
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_constant(client, url: str, grow, sizes=(3, 40), django_assert_num_queries=None, expect=None):
    baseline = count_queries(client, url)
    for size in sizes:
        grow(size)
        cache.clear()

        with django_assert_num_queries(baseline):
            response = client.get(url)

        assert response.status_code == 200
        if expect is not None:
            expect(response, size)
    return baseline


def test_unit_page_queries_do_not_grow_with_members(cast, secretary_cell, django_assert_num_queries):
    fill_cell(secretary_cell, 1)
    client = cast.client("secretary")

    def expect(response, size):
        assert response.text.count("/members/") - response.text.count("/members/search") >= size

    baseline = assert_constant(client, f"/units/{secretary_cell.pk}/", lambda size: fill_cell(secretary_cell, size),
                               django_assert_num_queries=django_assert_num_queries, expect=expect)

    # The budget: session, user, scope (2), brief unit (access and cache key), unit, parent (may the viewer move
    # it?), counts, posts, children, members (2), this month's dues figure. Only a page not yet cached pays it.
    assert baseline <= 13


def test_unit_page_warm_costs_only_session_user_and_unit(cast, secretary_cell, django_assert_num_queries):
    fill_cell(secretary_cell, 5)
    client = cast.client("secretary")
    client.get(f"/units/{secretary_cell.pk}/")

    # The session, the user and a brief unit row (access check and content_version); the page is cached.
    with django_assert_num_queries(3):
        response = client.get(f"/units/{secretary_cell.pk}/")

    assert response.text.count("Nguyễn Văn") >= 5


def test_member_search_queries_do_not_grow_with_results(cast, secretary_cell, django_assert_num_queries):
    fill_cell(secretary_cell, 1)
    client = cast.client("secretary")

    def expect(response, size):
        assert response.text.count("Chi bộ Thôn 9") >= size

    assert_constant(client, "/members/search/?q=nguyen+van", lambda size: fill_cell(secretary_cell, size),
                    django_assert_num_queries=django_assert_num_queries, expect=expect)


def test_api_member_list_queries_do_not_grow_with_members(cast, secretary_cell, django_assert_num_queries):
    fill_cell(secretary_cell, 1)
    client = cast.client("secretary")

    def expect(response, size):
        assert response.json()["count"] == size
        assert len(response.json()["items"]) == size

    assert_constant(client, f"/api/units/{secretary_cell.pk}/members", lambda size: fill_cell(secretary_cell, size),
                    django_assert_num_queries=django_assert_num_queries, expect=expect)


def test_tree_children_queries_do_not_grow_with_children(cast, django_assert_num_queries):
    section = make_unit(cast.commune, "section", "Đảng bộ bộ phận Thôn Đông")
    client = cast.client("parent_staff")

    def grow(size):
        while section.children.count() < size:
            child = make_unit(section, "cell", f"Chi bộ Đông {section.children.count() + 1}")
            make_member(child, "Nguyễn Văn An")

    grow(1)

    def expect(response, size):
        assert response.text.count("Chi bộ Đông") == size

    assert_constant(client, f"/units/{section.pk}/children/", grow, sizes=(3,),
                    django_assert_num_queries=django_assert_num_queries, expect=expect)
