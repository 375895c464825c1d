"""The directives part of the JSON API: directives, their key tasks and reports, and acknowledgement, with the
pages' rules."""

from soisua.audit.models import AuditEntry
from soisua.directives import policy
from soisua.directives.models import Directive, Receipt
from tests.directives.test_directives import ISSUED_ON, draft, issued, receipt_of, report
from tests.reviews.test_api import get, post

READERS = ("member", "secretary", "sibling", "parent_staff", "unrelated_staff", "inspector", "committee", "admin",
           "superuser")


def world(cast) -> dict[str, Directive]:
    """The commune's issued plan and its draft, and a plan of the other commune."""
    return {"issued": issued(cast), "draft": draft(cast, number="76"),
            "other": draft(cast, cast.other_commune, number="12", issuer_symbol="ĐUHB",
                           by=cast.users["unrelated_staff"])}


def ids(body) -> set[int]:
    return {row["id"] for row in body["items"]}


def test_each_reader_lists_the_directives_they_may_see(cast):
    rows = world(cast)
    everything = list(Directive.objects.select_related("issuer"))

    for name in READERS:
        status, body = get(cast.users[name], "/directives")
        assert status == 200
        assert ids(body) == {row.pk for row in everything if policy.can_see_directive(cast.users[name], row)}, name
    _status, member = get(cast.users["member"], "/directives")
    assert ids(member) == {rows["issued"].pk}  # addressed to the member's cell; the draft is the commune's


def test_directives_filtered_by_unit_and_date_of_issue(cast):
    rows = world(cast)
    admin = cast.users["admin"]

    _status, cell = get(admin, f"/directives?unit={cast.cell.pk}")
    _status, other = get(admin, f"/directives?unit={cast.other_commune.pk}")
    _status, on_the_day = get(admin, f"/directives?from={ISSUED_ON}&to={ISSUED_ON}")
    _status, later = get(admin, "/directives?from=2026-12-01")
    hidden, _body = get(cast.users["member"], f"/directives?unit={cast.other_commune.pk}")

    assert ids(cell) == {rows["issued"].pk}  # addressed to the cell
    assert ids(other) == {rows["other"].pk}
    assert ids(on_the_day) == {row.pk for row in rows.values()}
    assert ids(later) == set()
    assert hidden == 404


def test_a_directive_with_its_number_and_key_tasks(cast):
    rows = world(cast)

    status, body = get(cast.users["member"], f"/directives/{rows['issued'].pk}")
    draft_seen, _body = get(cast.users["member"], f"/directives/{rows['draft'].pk}")
    stranger, _body = get(cast.users["unrelated_staff"], f"/directives/{rows['issued'].pk}")

    assert status == 200
    assert body["symbol"] == "75-KH/ĐUX"
    assert body["issuer_name"] == "Đảng ủy xã Hòa An"
    assert len(body["tasks"]) == 13 and body["tasks"][0]["number"] == 1
    assert body["tasks"][0]["text"].startswith("Nhiệm vụ trọng tâm số 1")
    assert [row["due_on"] for row in body["periods"]] == ["2026-12-31"]
    assert (draft_seen, stranger) == (404, 404)


def test_reports_are_shown_to_their_unit_and_the_levels_above_never_a_sibling(cast):
    rows = world(cast)
    mine = report(cast, rows["issued"], cast.cell, 1, 40)
    theirs = report(cast, rows["issued"], cast.sibling_cell, 2, 70, by="parent_staff")
    path = f"/directives/{rows['issued'].pk}/reports"

    _status, secretary = get(cast.users["secretary"], path)
    _status, sibling = get(cast.users["sibling"], path)
    _status, committee = get(cast.users["committee"], path)
    _status, filtered = get(cast.users["committee"], f"{path}?unit={cast.sibling_cell.pk}")
    stranger, _body = get(cast.users["unrelated_staff"], path)

    assert ids(secretary) == {mine.pk}
    assert secretary["items"][0]["percent"] == 40 and secretary["items"][0]["key_task_number"] == 1
    assert ids(sibling) == {theirs.pk}
    assert ids(committee) == {mine.pk, theirs.pk}
    assert ids(filtered) == {theirs.pk}
    assert stranger == 404


def test_acknowledging_through_the_api_as_on_the_page(cast):
    rows = world(cast)
    path = f"/directives/{rows['issued'].pk}/acknowledge"

    status, body = post(cast.users["secretary"], path, {"unit": cast.cell.pk})
    again, refusal = post(cast.users["secretary"], path, {"unit": cast.cell.pk})

    assert status == 200
    assert body["unit_id"] == cast.cell.pk and body["acknowledged_at"] is not None
    assert receipt_of(rows["issued"], cast.cell).acknowledged_by == cast.users["secretary"]
    assert AuditEntry.objects.filter(action="directives.receipt.acknowledge").count() == 1
    assert again == 422 and refusal["code"] == "acknowledged"


def test_acknowledging_is_refused_to_who_the_page_refuses(cast):
    rows = world(cast)
    path = f"/directives/{rows['issued'].pk}/acknowledge"

    member, _refusal = post(cast.users["member"], path, {"unit": cast.cell.pk})
    sibling_unit, _refusal = post(cast.users["secretary"], path, {"unit": cast.sibling_cell.pk})
    stranger, _refusal = post(cast.users["unrelated_staff"], path, {"unit": cast.cell.pk})
    not_addressed, _refusal = post(cast.users["committee"], path, {"unit": cast.commune.pk})
    a_draft, _refusal = post(cast.users["committee"], f"/directives/{rows['draft'].pk}/acknowledge",
                             {"unit": cast.cell.pk})

    assert member == 403  # a member reads the receipt; those who speak for the cell acknowledge it
    assert sibling_unit == 404
    assert stranger == 404
    assert not_addressed == 404
    assert a_draft == 404
    assert not Receipt.objects.filter(acknowledged_at__isnull=False).exists()


def test_acknowledging_with_a_bad_body_is_refused(cast):
    rows = world(cast)
    path = f"/directives/{rows['issued'].pk}/acknowledge"

    unknown, _body = post(cast.users["secretary"], path, {"unit": cast.cell.pk, "note": "Đã nhận"})
    wrong_type, _body = post(cast.users["secretary"], path, {"unit": "Chi bộ Thôn 1"})
    missing, _body = post(cast.users["secretary"], path, {})

    assert (unknown, wrong_type, missing) == (422, 422, 422)
    assert not Receipt.objects.filter(acknowledged_at__isnull=False).exists()
