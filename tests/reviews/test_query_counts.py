"""Review lists cost the same number of queries whatever their length (docs/conventions.md: no N+1)."""

from django.urls import reverse

from soisua.core.actors import SYSTEM
from soisua.org import services as org_services
from soisua.org.enums import Role
from tests.factories import UserFactory, complete_review, make_member, make_unit
from tests.org.test_query_counts import count_queries
from tests.reviews.test_cycles import open_for


def _cell_with_submitted_reviews(cast, count: int):
    cell = make_unit(cast.commune, "cell", f"Chi bộ Thôn {10 + count}")
    org_services.grant_role(cast.users["secretary"], unit=cell, role=Role.SECRETARY, by=SYSTEM)
    members = []
    for number in range(count):
        user = UserFactory(username=f"dv{count}x{number}")
        members.append(make_member(cell, f"Nguyễn Văn An {number}", user=user))
    kind = "ad_hoc" if count == 1 else "term"  # two open cycles of one unit must differ in kind
    cycle = open_for(cell.parent, title=f"Kiểm điểm {count}", kind=kind, enforce_order=False)
    for member in members:
        complete_review(cycle.reviews.get(member=member), member.user, text="Hoàn thành nhiệm vụ được giao")
    return cycle, cell


def test_cell_reviews_page_queries_do_not_grow_with_the_reviews(cast):
    one = _cell_with_submitted_reviews(cast, 1)
    three = _cell_with_submitted_reviews(cast, 3)
    client = cast.client("secretary")

    counts = [count_queries(client, reverse("reviews:cycles.unit", args=[cycle.pk, cell.pk]))
              for cycle, cell in (one, three)]

    assert counts[0] == counts[1]
