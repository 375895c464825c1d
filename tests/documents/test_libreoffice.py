"""The Word and Excel files the product writes, opened by LibreOffice (docs/testing.md).

Every kind of file a download offers is built from the demo organisation through the same builders and writers the
downloads use, then converted to PDF by LibreOffice in one `soffice` run for the whole module: each must convert,
have pages and read back its Vietnamese text. The review form and the minutes must also come out on as many pages
from LibreOffice as from the product's own PDF, so a paper printed from the Word file matches the PDF.

Without LibreOffice the module is skipped, except where SOISUA_REQUIRE_LIBREOFFICE=1 (scripts/test.sh): there a
missing `soffice` fails it.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone, translation

from soisua.accounts.models import User
from soisua.alerts import exports as alert_exports
from soisua.alerts import policy as alert_policy
from soisua.alerts import queries as alert_queries
from soisua.corrections import exports as correction_exports
from soisua.corrections.models import CorrectionPlan
from soisua.demo.loader import load_demo
from soisua.directives import exports as directive_exports
from soisua.directives.models import Directive, Receipt
from soisua.documents import exports as document_exports
from soisua.documents import writers
from soisua.documents.rendering import PARTY_HEADING, PartyDocument, render_docx, render_pdf
from soisua.meetings import exports as meeting_exports
from soisua.meetings.models import Meeting
from soisua.org.models import Member, Unit
from soisua.oversight import dashboard
from soisua.oversight import exports as oversight_exports
from soisua.oversight.models import Inspection
from soisua.reviews import exports as review_exports
from soisua.reviews.models import Review
from tests.conftest import DEFAULT_NOW
from tests.factories import PASSWORD
from tests.files import pdf_text, run_tool

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
REQUIRED = os.environ.get("SOISUA_REQUIRE_LIBREOFFICE") == "1"
# A cold start of LibreOffice takes a few seconds; converting the whole module's files takes well under a minute.
CONVERT_TIMEOUT = 180
# The files are built once, by the module's fixture; the marker has the test database set up for it.
pytestmark = pytest.mark.django_db


@dataclass
class File:
    name: str  # without extension
    extension: str  # docx or xlsx
    expected: list[str]  # Vietnamese text the PDF must hold
    own_pdf: bytes = b""  # the product's own PDF of a document, for the page-count comparison


@dataclass
class Converted:
    folder: Path
    files: dict[str, File] = field(default_factory=dict)
    output: str = ""

    def pdf(self, name: str) -> Path:
        return self.folder / "pdf" / f"{name}.pdf"


def pages(pdf: bytes | Path) -> int:
    info = run_tool("pdfinfo", str(pdf)) if isinstance(pdf, Path) else run_tool("pdfinfo", "-", input=pdf)
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def page_starts(pdf: Path) -> list[str]:
    """The first words of every page, its page number left out."""
    starts = []
    for number in range(1, pages(pdf) + 1):
        words = run_tool("pdftotext", "-f", str(number), "-l", str(number), "-enc", "UTF-8", str(pdf), "-").split()
        starts.append(" ".join(words[1:7] if words[:1] == [str(number)] else words[:6]))
    return starts


def _document(files: dict[str, File], name: str, document: PartyDocument, *, folder: Path, own_pdf=False,
              expected: tuple[str, ...] = ()) -> None:
    (folder / f"{name}.docx").write_bytes(render_docx(document))
    files[name] = File(name, "docx", [PARTY_HEADING, document.title.upper(), *expected])
    if own_pdf:  # kept beside LibreOffice's, to compare the pages when they differ
        files[name].own_pdf = render_pdf(document)
        (folder / f"{name}-ours.pdf").write_bytes(files[name].own_pdf)


def _workbook(files: dict[str, File], name: str, sheets: list[writers.Sheet], *, folder: Path,
              expected: tuple[str, ...] = ()) -> None:
    sheets = [writers.Sheet(sheet.name, sheet.columns, list(sheet.rows)) for sheet in sheets]
    with (folder / f"{name}.xlsx").open("wb") as output:
        writers.write_xlsx_sheets(sheets, output)
    headers = [str(column.header) for column in sheets[0].columns[:2]]
    files[name] = File(name, "xlsx", [*headers, *expected])


def _first_text(rows: list, index: int) -> str:
    return next(str(row[index]) for row in rows if row[index])


def _longest_review() -> Review:
    """The demo's most fully written member self-review."""
    reviews = Review.objects.filter(member__isnull=False, status="submitted").exclude(decided_level="")
    return max(reviews.select_related("member"), key=lambda review: len(str(review.answers)))


def _largest_meeting() -> Meeting:
    """The demo's meeting with the longest roll and the most speakers, held and minuted."""
    return (Meeting.objects.filter(minutes__isnull=False)
            .annotate(roll=Count("attendance", distinct=True), speakers=Count("contributions", distinct=True))
            .order_by("-roll", "-speakers", "pk").first())


def _build(folder: Path) -> dict[str, File]:
    """One file of every kind a download offers, from the demo, as the downloads build them (in Vietnamese)."""
    files: dict[str, File] = {}
    reader = User.objects.get(username="admin")
    root = Unit.objects.get(depth=1)
    today = timezone.localdate()

    review = _longest_review()
    _document(files, "review", review_exports.review_document(review, reader=reader), folder=folder, own_pdf=True,
              expected=(review.member.full_name,))
    meeting = _largest_meeting()
    _document(files, "minutes", meeting_exports.minutes_document(meeting), folder=folder, own_pdf=True,
              expected=(meeting.unit.name.upper(),))
    plan = CorrectionPlan.objects.order_by("pk").first()
    _document(files, "plan", correction_exports.plan_document(plan), folder=folder)
    directive = Directive.objects.order_by("pk").first()
    _document(files, "directive", directive_exports.directive_document(directive), folder=folder)
    receipt = Receipt.objects.filter(reports__isnull=False).order_by("pk").first()
    _document(files, "report", directive_exports.report_document(receipt), folder=folder,
              expected=(receipt.unit.name.upper(),))
    inspection = Inspection.objects.exclude(conclusion="").order_by("pk").first()
    _document(files, "conclusion", oversight_exports.conclusion_document(inspection), folder=folder)
    cell = Unit.objects.filter(kind__code="cell").annotate(size=Count("members")).order_by("-size", "pk").first()
    member = Member.objects.filter(cell=cell).order_by("pk").first()
    _document(files, "roster", document_exports.roster_document(cell, personal=True), folder=folder,
              expected=(member.full_name,))
    _document(files, "profile", document_exports.member_profile_document(member), folder=folder,
              expected=(member.full_name,))

    rows = list(document_exports.roster_rows(cell, personal=True))
    _workbook(files, "roster-sheet", [writers.Sheet(cell.code, document_exports.roster_columns(True), rows)],
              folder=folder, expected=(member.full_name,))
    rows = list(correction_exports.subtree_rows(root, today=today))
    _workbook(files, "corrections-sheet", [writers.Sheet("", correction_exports.SUBTREE_COLUMNS, rows)],
              folder=folder, expected=(_first_text(rows, 1),))
    cycle = review.cycle
    rows = list(review_exports.unit_summary_rows(cycle, review.unit))
    _workbook(files, "review-summary-sheet", [writers.Sheet("", review_exports.UNIT_SUMMARY_COLUMNS, rows)],
              folder=folder, expected=(_first_text(rows, 1),))
    rows = list(review_exports.cycle_results_rows(cycle, cycle.unit))
    _workbook(files, "review-results-sheet",
              [writers.Sheet(cycle.unit.code, review_exports.cycle_results_columns(cycle.rule_set), rows)],
              folder=folder, expected=(_first_text(rows, 0),))
    alerts = alert_queries.listing(root, status="", check="", within=alert_policy.listed(reader, root))
    rows = list(alert_exports.rows(alerts, reader))
    _workbook(files, "alerts-sheet", [writers.Sheet("Cảnh báo sớm", alert_exports.COLUMNS, rows)], folder=folder,
              expected=(_first_text(rows, 1),))
    board = dashboard.build(root, today, reader=reader)
    sheets = [writers.Sheet(sheet.name, sheet.columns, list(sheet.rows))
              for sheet in oversight_exports.dashboard_sheets(board, [])]
    _workbook(files, "dashboard-sheet", sheets, folder=folder, expected=(_first_text(sheets[0].rows, 0),))
    rows = list(directive_exports.progress_rows(directive, root))
    _workbook(files, "progress-sheet",
              [writers.Sheet(directive.number, directive_exports.progress_columns(directive), rows)],
              folder=folder, expected=(_first_text(rows, 0),))
    return files


def _convert(folder: Path, files: dict[str, File]) -> str:
    """Every file to PDF in one LibreOffice run, with a profile of its own (a shared one would be locked)."""
    profile = (folder / "profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
               "--outdir", str(folder / "pdf"), *(str(folder / f"{file.name}.{file.extension}")
                                                  for file in files.values())]
    done = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False)  # noqa: S603
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def converted(django_db_setup, django_db_blocker, tmp_path_factory) -> Converted:
    if not SOFFICE:
        if REQUIRED:
            pytest.fail("LibreOffice (soffice) is missing but SOISUA_REQUIRE_LIBREOFFICE=1: "
                        "run `bash scripts/bootstrap.sh test`")
        pytest.skip("LibreOffice (soffice) is not installed; `bash scripts/bootstrap.sh test` installs it")
    folder = tmp_path_factory.mktemp("libreoffice")
    settings = override_settings(MEDIA_ROOT=folder / "media",
                                 PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    result = Converted(folder)
    # The demo is written for the review season (its year of meetings is the current year's): it is loaded there
    # whatever SOISUA_TEST_NOW says, or on 1 January it would hold no meeting yet.
    with (django_db_blocker.unblock(), settings, time_machine.travel(DEFAULT_NOW, tick=True),
          translation.override("vi"), transaction.atomic()):
        cache.clear()
        load_demo(password=PASSWORD, today=timezone.localdate())
        result.files = _build(folder)
        transaction.set_rollback(True)
    cache.clear()
    result.output = _convert(folder, result.files)
    return result


KINDS = ["review", "minutes", "plan", "directive", "report", "conclusion", "roster", "profile", "roster-sheet",
         "corrections-sheet", "review-summary-sheet", "review-results-sheet", "alerts-sheet", "dashboard-sheet",
         "progress-sheet"]


def test_every_kind_of_file_is_built(converted):
    assert sorted(converted.files) == sorted(KINDS)


@pytest.mark.parametrize("name", KINDS)
def test_libreoffice_opens_the_file_and_prints_its_vietnamese_text(converted, name):
    pdf = converted.pdf(name)

    assert pdf.exists(), f"LibreOffice did not convert {name}: {converted.output}"
    text = pdf_text(pdf.read_bytes())
    assert pages(pdf) >= 1
    assert [phrase for phrase in converted.files[name].expected if " ".join(phrase.split()) not in text] == []


@pytest.mark.parametrize("name", ["review", "minutes"])
def test_the_word_file_prints_on_as_many_pages_as_the_pdf(converted, name):
    ours = pages(converted.files[name].own_pdf)

    theirs = pages(converted.pdf(name))

    assert ours > 1, "the comparison needs a document of several pages"
    assert theirs == ours, (f"LibreOffice prints the Word file of {name} on {theirs} pages, our PDF has {ours}: "
                            f"compare {converted.pdf(name)} with {converted.folder / name}-ours.pdf")


@pytest.mark.parametrize("name", ["review", "minutes"])
def test_every_page_of_the_word_file_begins_where_the_pdf_page_does(converted, name):
    ours = converted.folder / f"{name}-ours.pdf"

    theirs = converted.pdf(name)

    assert page_starts(theirs) == page_starts(ours)
