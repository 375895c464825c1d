"""Attacks on the numbered papers, the download pipeline and background exports, and the API's tokens, each as the
role that would try it (the cast of tests/conftest.py). What they must not get is asserted; docs/security.md
describes each role."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse

from soisua.accounts import services as accounts
from soisua.audit.models import AuditEntry
from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.corrections.enums import Source
from soisua.directives import services as directives
from soisua.directives.enums import TargetMode
from soisua.documents.models import DocumentNumber, ExportJob
from soisua.meetings import queries as meeting_queries
from soisua.meetings import services as meetings
from soisua.meetings.enums import AttendanceStatus
from soisua.org import services as org
from soisua.org.models import Post, RoleGrant
from soisua.oversight import services as oversight
from tests.conftest import fixed_now
from tests.directives.test_directives import draft, report
from tests.factories import make_member
from tests.files import body, read_table
from tests.oversight.test_inspections import TODAY, under_way

CITIZEN_ID = "001190000001"  # the cast member's, see tests/conftest.py
FORMULAS = ["=HYPERLINK(\"http://x.example\",\"bấm\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1",
            "\r=1+1"]


def roster_url(unit, fmt: str) -> str:
    return reverse("documents:roster", args=[unit.pk, fmt])


# --- exports ------------------------------------------------------------------------------------------------------


@pytest.fixture
def _background(settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1


def test_an_export_past_its_day_is_not_downloaded_even_before_the_periodic_job_deletes_it(cast, _background,
                                                                                         settings):
    client = cast.client("secretary")
    client.get(roster_url(cast.cell, "xlsx"))
    job = ExportJob.objects.get()

    with time_machine.travel(job.expires_at + datetime.timedelta(minutes=1)):
        response = client.get(reverse("documents:exports.file", args=[job.pk]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="documents.roster.export").exists()


def test_a_requester_who_lost_the_right_to_personal_data_does_not_download_it_from_an_old_export(cast, _background):
    client = cast.client("secretary")
    client.get(roster_url(cast.cell, "xlsx"))
    job = ExportJob.objects.get()
    for post in Post.objects.filter(member=cast.members["secretary"], ended_on__isnull=True):
        org.end_post(post, by=SYSTEM)
    for grant in RoleGrant.objects.filter(user=cast.users["secretary"]):
        org.revoke_role(grant, by=SYSTEM)
    assert client.get(reverse("org:units.detail", args=[cast.cell.pk])).status_code == 200

    response = client.get(reverse("documents:exports.file", args=[job.pk]))

    assert response.status_code in (403, 404) or CITIZEN_ID not in {
        str(value) for row in read_table(body(response)) for value in row}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_typed_into_member_names_stay_text_in_spreadsheets(cast, fmt):
    for index, name in enumerate(FORMULAS):
        make_member(cast.cell, name, card_number=f"=9{index}")

    content = body(cast.client("secretary").get(roster_url(cast.cell, fmt)))

    if fmt == "csv":
        text = content.decode("utf-8")
        for name in FORMULAS:
            assert name not in text.replace(f"'{name}", "")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)
                 and cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


@pytest.mark.parametrize("suffix", ["roster.XLSX", "roster.xlsx.pdf", "roster.exe", "roster.", "roster.xlsx/",
                                    "roster.%2e%2e%2fxlsx", "roster.docxx", "roster.xls"])
def test_a_download_route_with_an_odd_format_is_not_found(cast, suffix):
    response = cast.client("secretary").get(f"/documents/units/{cast.cell.pk}/{suffix}")

    assert response.status_code == 404


def test_the_format_converter_refuses_to_build_an_odd_format(cast):
    with pytest.raises(NoReverseMatch):
        reverse("documents:roster", args=[cast.cell.pk, "exe"])


def test_a_unit_name_with_slashes_and_dots_gives_a_plain_file_name(cast):
    cast.cell.name = "../../etc/passwd\r\nX: y"
    cast.cell.save(update_fields=["name"])

    response = cast.client("secretary").get(roster_url(cast.cell, "xlsx"))
    body(response)

    disposition = response["Content-Disposition"]
    assert "/" not in disposition.split("filename", 1)[1] and "\n" not in disposition and ".." not in disposition


# --- numbered papers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("again", ["5-KL/ĐUX", "05-kl/đux", " 005 - KL / ĐUX ", "05-KL/UBKT", "5",
                                   "０５-ＫＬ/ĐUX", "05-КЛ/ĐUX", "05-ᴷᴸ/ĐUX"])
def test_a_typed_conclusion_number_is_not_reused_by_writing_it_otherwise(cast, again):
    oversight.conclude(under_way(cast), number="05-KL/ĐUX", date=TODAY, conclusion="Đạt", by=cast.users["committee"])
    second = under_way(cast)

    with pytest.raises(oversight.InspectionError):
        oversight.conclude(second, number=again, date=TODAY, conclusion="Đạt", by=cast.users["committee"])

    assert DocumentNumber.objects.count() == 1
    second.refresh_from_db()
    assert not second.is_concluded


@pytest.mark.parametrize("number", ["²", "٥", "０５", "5²"])
def test_a_directive_number_in_other_digits_is_refused_not_failed(cast, number):
    directive = draft(cast, number=number) if number else None

    with pytest.raises(directives.DirectiveError):
        directives.issue(directive, version=directive.version, by=cast.users["committee"])

    assert not DocumentNumber.objects.exists()


# --- API tokens ---------------------------------------------------------------------------------------------------


@pytest.fixture
def _generous(settings):
    settings.API_TOKEN_FAILURE_LIMIT = 10**6
    settings.API_TOKEN_RATE_PER_MINUTE = 10**6


@pytest.mark.parametrize("where", ["query", "cookie", "header_without_bearer", "basic"])
def test_a_token_anywhere_but_the_bearer_header_is_not_accepted(cast, _generous, where):
    token = accounts.issue_api_token(cast.users["member"], name="x", scope="read", by=SYSTEM)
    path = f"/api/units/{cast.cell.pk}"
    client = Client()
    if where == "query":
        response = client.get(path, {"token": token, "access_token": token, "bearer": token})
    elif where == "cookie":
        client.cookies["Authorization"] = f"Bearer {token}"
        client.cookies["token"] = token
        response = client.get(path)
    elif where == "header_without_bearer":
        response = client.get(path, headers={"authorization": token})
    else:
        response = client.get(path, headers={"authorization": f"Basic {token}"})

    assert response.status_code == 401


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_read_token_writes_through_no_other_method(cast, _generous, method):
    token = accounts.issue_api_token(cast.users["secretary"], name="x", scope="read", by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})

    response = getattr(client, method)(f"/api/units/{cast.cell.pk}", data="{}", content_type="application/json")
    override = client.get(f"/api/units/{cast.cell.pk}", headers={"x-http-method-override": method.upper()})

    assert response.status_code in (403, 405)
    assert override.status_code == 200


def test_a_token_of_a_deactivated_login_or_after_a_password_change_is_refused(cast, _generous):
    member = cast.users["member"]
    token = accounts.issue_api_token(member, name="x", scope="read", by=SYSTEM)
    other = accounts.issue_api_token(cast.users["sibling"], name="y", scope="read", by=SYSTEM)
    member.set_password("một mật khẩu mới dài 2026")
    member.save()
    sibling = cast.users["sibling"]
    sibling.is_active = False
    sibling.save()

    after_password = Client(headers={"authorization": f"Bearer {token}"}).get(f"/api/units/{cast.cell.pk}")
    deactivated = Client(headers={"authorization": f"Bearer {other}"}).get(f"/api/units/{cast.sibling_cell.pk}")

    assert (after_password.status_code, deactivated.status_code) == (401, 401)


@pytest.mark.parametrize("query", [{"page_size": 10**9}, {"page": 10**9}, {"page": -1}, {"page_size": 0},
                                   {"within": 2**70}, {"within": -5}])
def test_huge_pages_and_ids_are_refused_before_any_query(cast, _generous, query):
    token = accounts.issue_api_token(cast.users["member"], name="x", scope="read", by=SYSTEM)

    response = Client(headers={"authorization": f"Bearer {token}"}).get("/api/units", query)

    assert response.status_code == 422


def test_a_token_limited_to_a_cell_does_not_reach_the_parents_dashboard_or_list_it(cast, _generous):
    token = accounts.issue_api_token(cast.users["parent_staff"], name="x", scope="read", unit_id=cast.cell.pk,
                                     by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})

    dashboard = client.get(f"/api/units/{cast.commune.pk}/dashboard")
    units = client.get("/api/units", {"within": cast.commune.pk})
    members = client.get("/api/members/search", {"q": "Phạm"})

    assert dashboard.status_code == 404
    assert units.status_code == 404 or {item["id"] for item in units.json()["items"]} <= {cast.cell.pk}
    assert members.json()["items"] == []


def test_a_limited_token_acknowledges_no_receipt_of_a_unit_outside_it(cast, _generous):
    directive = draft(cast, issuer=cast.province, issuer_symbol="TU", number="9")
    directive = directives.issue(directive, version=directive.version, by=cast.users["admin"])
    token = accounts.issue_api_token(cast.users["parent_staff"], name="x", scope="read_write", unit_id=cast.cell.pk,
                                     by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})

    response = client.post(f"/api/directives/{directive.pk}/acknowledge", {"unit": cast.commune.pk},
                           content_type="application/json")
    read = client.get(f"/api/directives/{directive.pk}/reports")

    assert response.status_code in (403, 404)
    assert not directive.receipts.filter(acknowledged_at__isnull=False).exists()
    assert read.status_code == 404 or {item["unit"]["id"] if isinstance(item["unit"], dict) else item["unit"]
                                       for item in read.json()["items"]} <= {cast.cell.pk}


def test_a_token_limited_to_a_cell_reads_no_other_units_receipt_of_a_directive_addressed_to_both(cast, _generous):
    directive = draft(cast, number="78", target_mode=TargetMode.UNITS, target_units=[cast.cell, cast.sibling_cell])
    directive = directives.issue(directive, version=directive.version, by=cast.users["committee"])
    report(cast, directive, cast.cell, 1, 40)
    report(cast, directive, cast.sibling_cell, 1, 60, by="committee")
    token = accounts.issue_api_token(cast.users["parent_staff"], name="x", scope="read", unit_id=cast.cell.pk,
                                     by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})

    detail = client.get(f"/api/directives/{directive.pk}")
    reports = client.get(f"/api/directives/{directive.pk}/reports")
    sibling = client.get(f"/api/directives/{directive.pk}/reports", {"unit": cast.sibling_cell.pk})

    assert detail.status_code == 200 and "Thôn 2" not in detail.text
    assert {item["unit_id"] for item in reports.json()["items"]} == {cast.cell.pk}
    assert sibling.status_code == 404 or sibling.json()["items"] == []


# --- a curious member ---------------------------------------------------------------------------------------------


def test_a_member_checks_in_nobody_else_by_naming_them_in_the_body(cast, _generous):
    starts = fixed_now() - datetime.timedelta(minutes=5)
    meeting = meetings.schedule_meeting(cast.cell, title="Sinh hoạt", starts_at=starts,
                                        ends_at=starts + datetime.timedelta(hours=2), by=SYSTEM)
    token = accounts.issue_api_token(cast.users["member"], name="x", scope="read_write", by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})

    response = client.post(f"/api/meetings/{meeting.pk}/check-in",
                           {"code": "000000", "member_id": cast.members["secretary"].pk},
                           content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.member_id"
    assert not meeting.attendance.exclude(status=AttendanceStatus.UNMARKED).exists()


def test_a_member_posts_no_progress_on_anothers_shortcoming_and_reads_no_personal_data(cast, _generous):
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["secretary"],
                                                 source=Source.MEETING, text="Chưa gương mẫu", by=SYSTEM)
    token = accounts.issue_api_token(cast.users["member"], name="x", scope="read_write", by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})

    posted = client.post(f"/api/shortcomings/{shortcoming.pk}/progress", {"note": "Đã sửa", "link": ""},
                         content_type="application/json")
    secretary = client.get(f"/api/members/{cast.members['secretary'].pk}").json()
    sibling = client.get(f"/api/members/{cast.members['sibling'].pk}")

    assert posted.status_code in (403, 404)
    assert not shortcoming.updates.exists() if hasattr(shortcoming, "updates") else True
    assert {secretary[key] for key in ("date_of_birth", "card_number", "citizen_id", "phone", "email")} == {None}
    assert sibling.status_code == 404


def test_a_token_loses_a_role_the_moment_its_owner_does(cast, _generous):
    token = accounts.issue_api_token(cast.users["parent_staff"], name="x", scope="read", by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})
    before = client.get(f"/api/units/{cast.commune.pk}/members")

    org.revoke_role(RoleGrant.objects.get(user=cast.users["parent_staff"]), by=SYSTEM)
    after = client.get(f"/api/units/{cast.commune.pk}")

    assert before.status_code == 200 and after.status_code == 404


@pytest.mark.parametrize("method", ["options", "head"])
def test_a_read_token_acknowledges_nothing_through_options_or_head(cast, _generous, method):
    directive = draft(cast, number="79", target_mode=TargetMode.UNITS, target_units=[cast.cell])
    directive = directives.issue(directive, version=directive.version, by=cast.users["committee"])
    token = accounts.issue_api_token(cast.users["secretary"], name="x", scope="read", by=SYSTEM)
    client = Client(headers={"authorization": f"Bearer {token}"})

    response = getattr(client, method)(f"/api/directives/{directive.pk}/acknowledge?unit={cast.cell.pk}")

    assert response.status_code in (403, 405)
    assert not directive.receipts.filter(acknowledged_at__isnull=False).exists()


def test_following_a_large_download_link_again_while_it_is_written_queues_no_second_export(cast, _background,
                                                                                          settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client = cast.client("secretary")

    first = client.get(roster_url(cast.cell, "xlsx"))
    again = [client.get(roster_url(cast.cell, "xlsx")) for _ in range(3)]
    csv = client.get(roster_url(cast.cell, "csv"))

    [xlsx_job] = ExportJob.objects.filter(file_format="xlsx")
    assert {response["Location"] for response in [first, *again]} == {
        reverse("documents:exports.detail", args=[xlsx_job.pk])}
    assert ExportJob.objects.filter(file_format="csv").count() == 1 and csv.status_code == 302
    assert AuditEntry.objects.filter(action="documents.export.queue").count() == 2


# --- numbers Python calls digits --------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["²", "٣", "１", "9" * 40])
def test_a_unit_in_other_digits_finds_nothing_and_fails_nothing(cast, unit):
    client = cast.client("secretary")

    search = client.get(reverse("org:members.search"), {"q": "Bình", "unit": unit})
    feed = client.post(reverse("meetings:feed.create"), {"unit": unit})

    assert search.status_code in (200, 404)
    assert feed.status_code == 404


@pytest.mark.parametrize("pk", ["²", "9" * 40])
def test_a_topic_in_other_digits_is_no_topic(cast, pk):
    assert meeting_queries.topic_available_to(cast.cell, pk) is None
