"""What the directive pages answer to addresses and forms no page of theirs produces: a number that is not one, a
version that is not one, a receipt of another unit."""

import pytest
from django.urls import reverse

from soisua.directives.models import Directive
from tests.directives.test_directives import draft, issued, receipt_of

# A superscript two: str.isdigit() says it is a digit, int() refuses it.
NOT_A_NUMBER = "\u00b2"


@pytest.mark.parametrize("query", ["receipt", "task", "period"])
def test_a_query_number_that_is_not_one_is_ignored(cast, query):
    directive = issued(cast)
    receipt = receipt_of(directive, cast.cell)
    url = (reverse("directives:create", args=[cast.commune.pk]) if query == "receipt"
           else reverse("directives:report", args=[receipt.pk]))
    client = cast.client("committee" if query == "receipt" else "secretary")

    response = client.get(f"{url}?{query}={NOT_A_NUMBER}")

    assert response.status_code == 200


@pytest.mark.parametrize("version", ["abc", NOT_A_NUMBER])
def test_a_posted_version_that_is_not_a_number_is_refused_as_stale(cast, version):
    directive = draft(cast)
    client = cast.client("committee")

    issuing = client.post(reverse("directives:issue", args=[directive.pk]), {"version": version})
    editing = client.post(reverse("directives:edit", args=[directive.pk]), {
        "kind": "KH", "number": "75", "issuer_symbol": "ĐUX", "issued_on": "20/11/2026", "title": "Tên đã sửa",
        "tasks": "Một\nHai", "report_dates": "31/12/2026", "target_mode": "children", "version": version})

    assert issuing.status_code == 302 and editing.status_code == 200
    stored = Directive.objects.get()
    assert stored.is_draft and stored.title == directive.title


def test_carrying_out_another_units_receipt_is_refused(cast):
    directive = issued(cast)
    sibling_receipt = receipt_of(directive, cast.sibling_cell)

    response = cast.client("committee").get(reverse("directives:create", args=[cast.commune.pk])
                                            + f"?receipt={sibling_receipt.pk}")

    assert response.status_code == 403
