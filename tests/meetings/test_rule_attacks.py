"""A committee's lower minimum as each attacker tries it: another commune's committee adding one for a cell it does
not lead or ending one it did not set, a minimum above the rules, and a decision number written as markup printed on
every page that cites it."""

import pytest
from django.urls import reverse

from soisua.meetings.models import MeetingRuleException
from soisua.meetings.services.common import MeetingError
from tests.meetings.test_rules import NOVEMBER, _in_november_2026, hold, lower  # noqa: F401 (the clock)

MARKUP = "<script>alert(1)</script>"


def form(cast, **changes) -> dict:
    return {"cell": cast.cell.pk, "decision_number": "12-QĐ/ĐU", "decision_date": "05/03/2026",
            "regular_min_minutes": "60", "combined_min_minutes": "90", "valid_from": "05/03/2026"} | changes


@pytest.mark.parametrize(("who", "commune", "cell"), [("committee", "other_commune", "other_cell"),
                                                       ("parent_staff", "other_commune", "other_cell"),
                                                       ("unrelated_staff", "commune", "cell"),
                                                       ("inspector", "commune", "cell"),
                                                       ("secretary", "commune", "cell")])
def test_nobody_but_the_commune_s_committee_adds_a_lower_minimum_for_its_cells(cast, who, commune, cell):
    url = reverse("meetings:unit_rules", args=[getattr(cast, commune).pk])

    response = cast.client(who).post(url, form(cast, cell=getattr(cast, cell).pk))

    assert response.status_code in (403, 404)
    assert not MeetingRuleException.objects.exists()


def test_a_committee_cannot_name_a_cell_of_another_commune_on_its_own_page(cast):
    response = cast.client("committee").post(reverse("meetings:unit_rules", args=[cast.commune.pk]),
                                             form(cast, cell=cast.other_cell.pk))

    assert response.status_code == 200
    assert not MeetingRuleException.objects.exists()


def test_a_committee_cannot_set_a_minimum_for_the_whole_province(cast):
    response = cast.client("committee").post(reverse("meetings:unit_rules", args=[cast.province.pk]),
                                             form(cast, cell="", max_members="5"))

    assert response.status_code in (403, 404)
    assert not MeetingRuleException.objects.exists()


def test_a_committee_of_another_commune_cannot_end_a_lower_minimum(cast):
    exception = lower(cast)

    response = cast.client("unrelated_staff").post(reverse("meetings:rule_exception.end", args=[exception.pk]),
                                                   {"on": "30/11/2026"})
    member = cast.client("secretary").post(reverse("meetings:rule_exception.end", args=[exception.pk]),
                                           {"on": "30/11/2026"})

    assert (response.status_code, member.status_code) == (404, 404)  # neither reads the commune
    exception.refresh_from_db()
    assert exception.valid_until is None


@pytest.mark.parametrize(("regular", "combined"), [("120", "150"), ("600", "600"), ("0", "90"), ("-5", "90"),
                                                   ("60", "30"), ("99999999999999999999", "90")])
def test_a_minimum_above_the_rules_or_out_of_bounds_is_refused(cast, regular, combined):
    response = cast.client("committee").post(reverse("meetings:unit_rules", args=[cast.commune.pk]),
                                             form(cast, regular_min_minutes=regular, combined_min_minutes=combined))

    assert response.status_code == 200
    assert not MeetingRuleException.objects.exists()


def test_a_decision_number_written_as_markup_is_printed_as_text_everywhere(cast):
    lower(cast, decision_number=MARKUP)
    meeting = hold(cast, NOVEMBER, 30)
    pages = {
        "commune rules": (cast.client("committee"), reverse("meetings:unit_rules", args=[cast.commune.pk])),
        "meeting": (cast.client("secretary"), reverse("meetings:detail", args=[meeting.pk]) + "?step=before"),
        "meetings": (cast.client("secretary"), reverse("meetings:list", args=[cast.cell.pk]) + "?year=2026"),
        "statistics": (cast.client("secretary"), reverse("meetings:statistics", args=[cast.cell.pk]) + "?year=2026"),
    }

    for name, (client, url) in pages.items():
        content = client.get(url).content.decode()
        assert MARKUP not in content, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content, name


def test_the_service_refuses_a_lower_minimum_for_a_cell_under_another_committee(cast):
    with pytest.raises(MeetingError):
        lower(cast, cell=cast.other_cell)

    assert not MeetingRuleException.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "committee", "admin"])
def test_a_cells_rules_page_reads_but_never_sets_and_a_missing_unit_has_none(cast, who):
    url = reverse("meetings:unit_rules", args=[cast.cell.pk])
    assert cast.client(who).get(url).status_code == 200
    assert cast.client(who).post(url, form(cast, cell="", max_members="3")).status_code == 403
    assert not MeetingRuleException.objects.exists()
    assert cast.client(who).get(reverse("meetings:unit_rules", args=[999_999])).status_code == 404
    assert cast.client(who).post(reverse("meetings:rule_exception.end", args=[999_999]),
                                 {"on": "30/11/2026"}).status_code == 404


@pytest.mark.parametrize("size", ["100000000000000000000", "2147483648", "0", "-3"])
def test_a_size_no_cell_can_have_is_refused_with_a_message(cast, size):
    response = cast.client("committee").post(reverse("meetings:unit_rules", args=[cast.commune.pk]),
                                             form(cast, cell="", max_members=size))

    assert response.status_code == 200
    assert not MeetingRuleException.objects.exists()


def test_not_even_an_administrator_opens_the_form_of_a_published_version(cast):
    from soisua.meetings import queries

    published = queries.rules_on(NOVEMBER.date())

    assert cast.client("superuser").get(reverse("meetings:rules.edit", args=[published.pk])).status_code == 403
