"""The access matrix (design.md §4): every URL of the project, requested by every member of the fixed cast.

MATRIX lists, for each URL name (or route, for unnamed patterns), how to build a concrete URL from the cast, the
status each cast member must get for GET (and for POST where the view writes), and what a successful response
must contain. A URL pattern missing from MATRIX fails `test_every_url_is_in_the_matrix`: add the new URL here
with its expectations, derived from `soisua/org/access.py` (404 for strangers, 403 for readers who try to write,
a redirect to the login page for anonymous visitors of pages, 401 for anonymous API calls).

Each request runs inside a savepoint that is rolled back (and the cache emptied), so a write by one cast member
never changes what the next one sees.
"""

import datetime
import io
import json
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from soisua.corrections import services as corrections
from soisua.corrections.models import Shortcoming
from soisua.documents.models import ImportConflict, ImportJob, ImportStatus
from soisua.meetings import services as meetings
from soisua.meetings.models import CalendarFeed, Meeting
from soisua.notifications.models import Notification
from soisua.org import services
from soisua.reviews.models import ChecklistItem, Cycle, Feedback, Review, RuleSet
from soisua.reviews.services import add_review_shortcoming, give_feedback, open_cycle

from .conftest import CAST, Cast
from .factories import complete_review, make_member

LOGIN = "login"  # a redirect to the login page, with ?next=

# The member of the cell whose data the matrix protects, and a cell member whose personal data only the
# cell's managers and inspectors may see.
PROTECTED_NAME = "Trần Thị Bình"
COLLEAGUE_PHONE = "0987 654 321"
NOTIFICATION_TITLE = "Họp chi bộ thường kỳ tháng 12"
IMPORT_FILE_NAME = "danh-sach-thon-1.xlsx"
IMPORT_ERROR = "Ngày sinh 31/02/1990 không có thật"
WITHOUT_LOGIN_NAME = "Đỗ Văn Giang"
CYCLE_TITLE = "Kiểm điểm năm 2026 của xã Hòa An"
REVIEW_TEXT = "Luôn gương mẫu trong công tác chuyên môn của chi bộ"
DRAFT_TEXT = "Bản nháp riêng của đảng viên chưa nộp"
SHORTCOMING_TEXT = "Chưa mạnh dạn phát biểu trong sinh hoạt"
FEEDBACK_TEXT = "Đồng chí cần lắng nghe ý kiến đảng viên trẻ hơn"
CORRECTION_TEXT = "Chậm đóng đảng phí ba tháng liền"
EVIDENCE_MARK = b"bien lai thang 11"
MEETING_TITLE = "Sinh hoạt chi bộ tháng sau"
TOPIC_TITLE = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"


def expect(member, secretary, sibling, parent_staff, unrelated_staff, inspector, anonymous=LOGIN) -> dict:
    return {"member": member, "secretary": secretary, "sibling": sibling, "parent_staff": parent_staff,
            "unrelated_staff": unrelated_staff, "inspector": inspector, "anonymous": anonymous}


def everyone(status, anonymous=None) -> dict:
    return dict.fromkeys(CAST, status) | ({"anonymous": anonymous} if anonymous is not None else {})


# Readers of Chi bộ Thôn 1: its members, the commune's staff and inspector.
READ_CELL = expect(200, 200, 404, 200, 404, 200)
# Writers of Chi bộ Thôn 1: its secretary and the commune's staff; the member and the inspector only read.
WRITE_CELL = expect(403, 200, 404, 200, 404, 403)
# The commune: staff and inspector cover it; the cells' members and secretary do not see it.
READ_COMMUNE = expect(404, 404, 404, 200, 404, 200)
WRITE_COMMUNE = expect(404, 404, 404, 200, 404, 403)
# Structure and roles of the cell: staff covering it (the secretary writes but does not administer).
ADMINISTER_CELL = expect(403, 403, 404, 200, 404, 403)
# Personal data of a cell member other than oneself: managers and inspectors of the cell.
PERSONAL_OF_COLLEAGUE = expect(403, 200, 404, 200, 404, 200)
# An import job of the cell: those who may write the cell (the uploader is the secretary).
WRITE_IMPORT = expect(404, 200, 404, 200, 404, 404)
LOGGED_IN = everyone(200, anonymous=LOGIN)
# A submitted review of Chi bộ Thôn 1: the cell, the commune's staff (its superior committee) and inspector.
READ_REVIEW = READ_CELL
# A draft: its author alone; everyone else is told it does not exist.
AUTHOR_ONLY = expect(200, 404, 404, 404, 404, 404)
# The cell's leadership comments, proposes and returns; readers are refused.
APPRAISE = expect(403, 200, 404, 403, 404, 403)
# The directly superior committee (the commune's staff) decides and cancels.
DECIDE = expect(403, 403, 404, 200, 404, 403)
# The cell's own leadership (its secretary), not the committee above.
LEAD_CELL = expect(403, 200, 404, 403, 404, 403)
# The owner of a shortcoming acts on it; others who see it are refused.
OWNER_ACTS = expect(302, 403, 404, 403, 404, 403)
# The cell's leadership acts (a redirect back to the page, with the outcome as a message).
LEAD_CELL_ACTS = expect(403, 302, 404, 403, 404, 403)
OWNER_ONLY = expect(200, 403, 404, 403, 404, 403)
# Supervisors (the secretary) and the superior committee verify; the owner and the inspector may not.
VERIFIER_ACTS = expect(403, 302, 404, 302, 404, 403)
# An approved plan: nobody changes it any more.
NOT_EDITABLE = expect(403, 403, 404, 403, 404, 403)
# Review points go to a review still being written: the superior committee sends them.
SUPERIOR_ON_DRAFT = expect(403, 403, 404, 200, 404, 403)
API_READ_CELL = READ_CELL | {"anonymous": 401}
API_READ_COMMUNE = READ_COMMUNE | {"anonymous": 401}
API_LOGGED_IN = everyone(200, anonymous=401)
GET_NOT_ALLOWED = everyone(405)
LOGIN_THEN_405 = everyone(405, anonymous=LOGIN)
NOT_ADMIN = everyone(403, anonymous=LOGIN)
# Those who see the commune but hold no administrator grant on it.
STAND_IN = expect(404, 404, 404, 403, 404, 403)


@dataclass
class Fixtures:
    """What the matrix's URLs point at, built once per test on top of the cast."""

    cast: Cast
    notification: Notification
    import_job: ImportJob
    without_login: object
    secretary_grant_id: int
    cycle: Cycle
    draft: Review  # the member's own review, still a draft
    submitted: Review  # the secretary's review, submitted, with the member's feedback on it
    colleague: Review  # a submitted review of a member without a login: what the cell appraises
    feedback: Feedback
    shortcoming: Shortcoming  # the member's, fixed to an approved plan supervised by the secretary, claimed
    meeting: Meeting  # next month's regular meeting of Chi bộ Thôn 1 (check-in not open yet)
    meeting_extras: dict  # its published document, a speaker, the member's calendar link


@dataclass(frozen=True)
class Case:
    url: Callable[[Fixtures], str]
    get: dict
    post: dict | None = None
    data: dict = field(default_factory=dict)
    # Text every response with status 200 must contain; for those not in `shown_to` it must be absent.
    shows: str | Callable[[Fixtures, str], str] | None = None
    shown_to: frozenset | None = None  # default: everyone who gets 200
    # An extra check of each 200 response (files); raises AssertionError.
    check: Callable[[HttpResponse, Fixtures], None] | None = None
    # Where a POST that succeeds redirects (defaults to any redirect).
    post_redirect: Callable[[Fixtures], str] | None = None


def unit_url(name: str, unit: str = "cell") -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[getattr(f.cast, unit).pk])


def shipped_rule_set() -> RuleSet:
    return RuleSet.objects.get(code="2025")


def review_url(name: str, which: str = "submitted") -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[getattr(f, which).pk])


def _assert_evidence(response: HttpResponse) -> None:
    assert "bien-lai.pdf" in response.headers["Content-Disposition"]
    assert body_bytes(response).endswith(EVIDENCE_MARK)


def correction_url(name: str) -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[f.shortcoming.pk])


def member_url(name: str, who: str = "member") -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[f.cast.members[who].pk])


def body_bytes(response: HttpResponse) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def body_text(response: HttpResponse) -> str:
    content = body_bytes(response)
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode(errors="replace")


def office_text(response: HttpResponse) -> str:
    """The XML text inside an XLSX or DOCX file (both are ZIP archives)."""
    content = body_bytes(response)
    assert content[:2] == b"PK", "not an Office Open XML file"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))


def pdf_text(response: HttpResponse) -> str:
    content = body_bytes(response)
    assert content[:5] == b"%PDF-", "not a PDF file"
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content,  # noqa: S607
                            capture_output=True, check=True)
    return result.stdout.decode()


def file_shows(extract: Callable[[HttpResponse], str], content_type: str, text: Callable[[Fixtures], str]):
    def check(response: HttpResponse, fixtures: Fixtures) -> None:
        assert response.headers["Content-Type"].startswith(content_type)
        assert "attachment" in response.headers.get("Content-Disposition", "")
        assert text(fixtures) in extract(response)

    return check


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


HELD_ROW_NAME = "Phạm Thị Dung"


def held_row_url(name: str) -> Callable[[Fixtures], str]:
    """A row of the cell's import held because its card number is that of the sibling cell's member."""
    def build(f: Fixtures) -> str:
        sibling = f.cast.members["sibling"]
        values = {"full_name": HELD_ROW_NAME, "card_number": sibling.card_number}
        conflict = ImportConflict.objects.create(job=f.import_job, row=2, cell=f.cast.cell, member=sibling,
                                                 committee=f.cast.commune, values=values)
        return reverse(name, args=[conflict.pk])

    return build


def top_unit_name(fixtures: Fixtures, who: str) -> str:
    """The dashboard and the tree start from the highest unit each user sees."""
    cast = fixtures.cast
    return {"member": cast.cell, "secretary": cast.cell, "sibling": cast.sibling_cell, "parent_staff": cast.commune,
            "unrelated_staff": cast.other_commune, "inspector": cast.commune}[who].name


# The member's API token: only its owner lists or revokes it.
TOKEN_NAME = "Bảng tính báo cáo của xã"


def member_token(fixtures: Fixtures):
    from soisua.accounts import services as accounts

    user = fixtures.cast.users["member"]
    if not accounts.tokens_of(user).exists():
        accounts.issue_api_token(user, name=TOKEN_NAME, by=user)
    return accounts.tokens_of(user).get()


MATRIX: dict[str, Case | list[Case]] = {
    # --- organisation pages -----------------------------------------------------------------------------------
    "org:dashboard": Case(lambda f: reverse("org:dashboard"), LOGGED_IN, shows=top_unit_name),
    "org:tree": Case(lambda f: reverse("org:tree"), LOGGED_IN, shows=top_unit_name),
    "org:tree.children": Case(unit_url("org:tree.children", "commune"), READ_COMMUNE, shows="Chi bộ Thôn 2"),
    "org:units.detail": [
        Case(unit_url("org:units.detail"), READ_CELL, shows=PROTECTED_NAME),
        Case(unit_url("org:units.detail", "commune"), READ_COMMUNE, shows="Chi bộ Thôn 1"),
    ],
    # The tree's structure is for administrators and committee staff: a cell's secretary may not edit the cell.
    "org:units.edit": Case(unit_url("org:units.edit"), ADMINISTER_CELL, post=ADMINISTER_CELL,
                           shows='value="TN-HA-1"'),
    "org:units.create": Case(unit_url("org:units.create", "commune"), WRITE_COMMUNE, post=WRITE_COMMUNE,
                             shows='name="code"'),
    "org:units.move": Case(unit_url("org:units.move"), ADMINISTER_CELL, post=ADMINISTER_CELL,
                           shows='name="new_parent"'),
    # The unit's trail names who exported personal data: its leadership, the levels above and inspectors.
    "org:units.history": [
        Case(unit_url("org:units.history"), expect(403, 200, 404, 200, 404, 200), shows="Chi bộ Thôn 1"),
        Case(unit_url("org:units.history", "commune"), READ_COMMUNE, shows="Đảng ủy xã Hòa An"),
    ],
    "org:units.grants": Case(unit_url("org:units.grants"), ADMINISTER_CELL, post=ADMINISTER_CELL,
                             shows=">secretary<"),
    "org:units.grants.revoke": Case(
        lambda f: reverse("org:units.grants.revoke", args=[f.cast.cell.pk, f.secretary_grant_id]),
        LOGIN_THEN_405, post=ADMINISTER_CELL | {"parent_staff": 302},
        post_redirect=lambda f: reverse("org:units.grants", args=[f.cast.cell.pk])),
    # Standing in for a committee is an administrator's power; nobody in this cast holds it.
    "org:units.stand_in": Case(unit_url("org:units.stand_in", "commune"), STAND_IN, post=STAND_IN),
    "org:units.stand_in.end": Case(lambda f: reverse("org:units.stand_in.end", args=[f.cast.commune.pk, 1]),
                                   LOGIN_THEN_405, post=STAND_IN),
    "org:members.create": Case(unit_url("org:members.create"), WRITE_CELL, post=WRITE_CELL,
                               shows='name="full_name"'),
    "org:members.search": [
        Case(lambda f: reverse("org:members.search") + "?q=tran+thi", LOGGED_IN, shows=PROTECTED_NAME,
             shown_to=frozenset({"member", "secretary", "parent_staff", "inspector"})),
        Case(lambda f: reverse("org:members.search") + f"?q=tran+thi&unit={f.cast.cell.pk}", READ_CELL,
             shows=PROTECTED_NAME),
    ],
    "org:members.detail": [
        Case(member_url("org:members.detail"), READ_CELL, shows="0912345678"),
        # A colleague's page: everyone in the cell reads it, personal data only for managers and inspectors.
        Case(member_url("org:members.detail", "secretary"), READ_CELL, shows=COLLEAGUE_PHONE,
             shown_to=frozenset({"secretary", "parent_staff", "inspector"})),
    ],
    "org:members.edit": Case(member_url("org:members.edit"), WRITE_CELL, post=WRITE_CELL,
                             shows=f'value="{PROTECTED_NAME}"'),
    "org:members.transfer": Case(member_url("org:members.transfer"), WRITE_CELL, post=WRITE_CELL,
                                 shows='name="to_cell"'),
    "org:members.status": Case(member_url("org:members.status"), WRITE_CELL, post=WRITE_CELL,
                               shows='name="status"'),
    "org:members.post": Case(member_url("org:members.post"), WRITE_CELL, post=WRITE_CELL, shows='name="kind"'),
    "org:members.post_end": Case(
        lambda f: reverse("org:members.post_end", args=[f.cast.members["secretary"].pk,
                                                        f.cast.members["secretary"].posts.get().pk]),
        LOGIN_THEN_405, post=WRITE_CELL | {"secretary": 302, "parent_staff": 302},
        post_redirect=lambda f: reverse("org:members.detail", args=[f.cast.members["secretary"].pk])),
    "org:members.account": Case(lambda f: reverse("org:members.account", args=[f.without_login.pk]), WRITE_CELL,
                                post=WRITE_CELL, shows=WITHOUT_LOGIN_NAME),
    # A member's trail: the member themself, and those who see the cell's personal data; never a colleague.
    "org:members.history": [
        Case(member_url("org:members.history", "secretary"), PERSONAL_OF_COLLEAGUE, shows="Lê Văn Cường"),
        Case(member_url("org:members.history"), READ_CELL, shows=PROTECTED_NAME),
    ],
    # --- reviews: rule sets are readable by every login; only installation administrators (none in the cast)
    # may copy, edit or publish them -------------------------------------------------------------------------
    "reviews:rules.list": Case(lambda f: reverse("reviews:rules.list"), LOGGED_IN, shows="366-QĐ/TW"),
    "reviews:rules.detail": Case(lambda f: reverse("reviews:rules.detail", args=[shipped_rule_set().pk]), LOGGED_IN,
                                 shows="CT-1"),
    "reviews:rules.copy": Case(lambda f: reverse("reviews:rules.copy", args=[shipped_rule_set().pk]), NOT_ADMIN,
                               post=NOT_ADMIN, data={"code": "copy", "name": "Bản sao"}),
    "reviews:rules.publish": Case(lambda f: reverse("reviews:rules.publish", args=[shipped_rule_set().pk]),
                                  LOGIN_THEN_405, post=NOT_ADMIN),
    "reviews:rules.thresholds": Case(lambda f: reverse("reviews:rules.thresholds", args=[shipped_rule_set().pk]),
                                     NOT_ADMIN, post=NOT_ADMIN),
    "reviews:rules.item_edit": Case(
        lambda f: reverse("reviews:rules.item_edit", args=[ChecklistItem.objects.order_by("pk").first().pk]),
        NOT_ADMIN, post=NOT_ADMIN, data={"text": "Khác"}),
    # --- reviews: cycles are seen by everyone inside the unit that opened them; its committee and staff manage
    "reviews:cycles.list": Case(unit_url("reviews:cycles.list"), READ_CELL, shows=CYCLE_TITLE),
    "reviews:cycles.create": Case(unit_url("reviews:cycles.create", "commune"), WRITE_COMMUNE, post=WRITE_COMMUNE,
                                  shows='name="self_review_due"'),
    "reviews:cycles.detail": Case(lambda f: reverse("reviews:cycles.detail", args=[f.cycle.pk]),
                                  expect(200, 200, 200, 200, 404, 200), shows=CYCLE_TITLE),
    "reviews:cycles.remind": Case(lambda f: reverse("reviews:cycles.remind", args=[f.cycle.pk, f.cast.cell.pk]),
                                  LOGIN_THEN_405, post=expect(403, 302, 404, 302, 404, 403)),
    "reviews:cycles.close": Case(lambda f: reverse("reviews:cycles.close", args=[f.cycle.pk]), LOGIN_THEN_405,
                                 post=expect(403, 403, 403, 302, 404, 403)),
    # --- reviews: a draft is its author's alone; a submitted review is read by the cell, the superior committee
    # and the inspectors above; the cell's leadership appraises, the superior committee decides
    "reviews:cycles.unit": Case(lambda f: reverse("reviews:cycles.unit", args=[f.cycle.pk, f.cast.cell.pk]),
                                READ_CELL, shows="Lê Văn Cường"),
    # The review points a committee sent down, followed by that committee (and those managing reviews above it).
    "reviews:cycles.prompts": Case(lambda f: reverse("reviews:cycles.prompts", args=[f.cycle.pk, f.cast.commune.pk]),
                                   WRITE_COMMUNE, shows=CYCLE_TITLE),
    "reviews:cycles.superior_feedback": Case(
        lambda f: reverse("reviews:cycles.superior_feedback", args=[f.cycle.pk, f.cast.cell.pk]),
        expect(200, 200, 404, 404, 404, 404), post=expect(200, 200, 404, 404, 404, 404), shows='name="text"'),
    "reviews:reviews.mine": Case(lambda f: reverse("reviews:reviews.mine"), LOGGED_IN, shows=CYCLE_TITLE,
                                 shown_to=frozenset({"member", "secretary", "sibling"})),
    "reviews:reviews.detail": [
        Case(review_url("reviews:reviews.detail"), READ_REVIEW, shows=REVIEW_TEXT),
        Case(review_url("reviews:reviews.detail", "draft"), AUTHOR_ONLY, shows=DRAFT_TEXT),
    ],
    "reviews:reviews.document": [
        Case(lambda f: reverse("reviews:reviews.document", args=[f.submitted.pk, "docx"]), READ_REVIEW,
             check=file_shows(office_text, DOCX, lambda f: REVIEW_TEXT)),
        Case(lambda f: reverse("reviews:reviews.document", args=[f.draft.pk, "pdf"]), AUTHOR_ONLY,
             check=file_shows(pdf_text, PDF, lambda f: "BẢN KIỂM ĐIỂM CÁ NHÂN")),
    ],
    "reviews:cycles.summary": Case(lambda f: reverse("reviews:cycles.summary", args=[f.cycle.pk, f.cast.cell.pk]),
                                   WRITE_CELL, check=file_shows(office_text, XLSX, lambda f: "Lê Văn Cường")),
    "reviews:cycles.results": Case(lambda f: reverse("reviews:cycles.results", args=[f.cycle.pk]),
                                   expect(403, 403, 403, 200, 404, 403),
                                   check=file_shows(office_text, XLSX, lambda f: "Chi bộ Thôn 1")),
    "reviews:reviews.edit": Case(review_url("reviews:reviews.edit", "draft"), AUTHOR_ONLY, post=AUTHOR_ONLY,
                                 shows=DRAFT_TEXT),
    "reviews:reviews.autosave": Case(review_url("reviews:reviews.autosave", "draft"), LOGIN_THEN_405,
                                     post=expect(200, 404, 404, 404, 404, 404)),
    "reviews:reviews.submit": Case(review_url("reviews:reviews.submit", "draft"), LOGIN_THEN_405,
                                   post=expect(302, 404, 404, 404, 404, 404)),
    "reviews:shortcomings.create": Case(review_url("reviews:shortcomings.create", "draft"), AUTHOR_ONLY,
                                        post=AUTHOR_ONLY, shows='name="cause"'),
    "reviews:shortcomings.edit": Case(lambda f: reverse("reviews:shortcomings.edit", args=[
        f.draft.shortcomings.get().pk]), AUTHOR_ONLY, post=AUTHOR_ONLY, shows=SHORTCOMING_TEXT),
    "reviews:shortcomings.remove": Case(lambda f: reverse("reviews:shortcomings.remove", args=[
        f.draft.shortcomings.get().pk]), LOGIN_THEN_405, post=expect(302, 404, 404, 404, 404, 404)),
    "reviews:reviews.return": Case(review_url("reviews:reviews.return", "colleague"), APPRAISE, post=APPRAISE,
                                   shows='name="reason"'),
    # A member without a login: the cell's own leadership records the paper review or excludes it (this one is
    # already submitted, so the secretary's POST comes back with the refusal).
    "reviews:reviews.on_paper": Case(review_url("reviews:reviews.on_paper", "colleague"), LEAD_CELL, post=LEAD_CELL,
                                     data={"paper_on": "18/11/2026"}, shows=WITHOUT_LOGIN_NAME),
    "reviews:reviews.exclude": Case(review_url("reviews:reviews.exclude", "colleague"), LEAD_CELL, post=LEAD_CELL,
                                    data={"reason": "Đi làm ăn xa"}, shows=WITHOUT_LOGIN_NAME),
    "reviews:reviews.propose": Case(review_url("reviews:reviews.propose", "colleague"), APPRAISE, post=APPRAISE,
                                    shows='name="level"'),
    "reviews:reviews.decide": Case(review_url("reviews:reviews.decide", "colleague"), DECIDE, post=DECIDE,
                                   shows='name="override_reason"'),
    "reviews:reviews.cancel": Case(review_url("reviews:reviews.cancel", "colleague"), DECIDE, post=DECIDE,
                                   shows='name="reason"'),
    "reviews:prompts.create": Case(review_url("reviews:prompts.create", "draft"), SUPERIOR_ON_DRAFT,
                                   post=SUPERIOR_ON_DRAFT, shows='name="text"'),
    "reviews:feedback.create": Case(review_url("reviews:feedback.create"), LOGIN_THEN_405,
                                    post=expect(302, 403, 404, 403, 404, 403),
                                    data={"kind": "suggestion", "text": "Góp ý thêm"}),
    "reviews:feedback.respond": Case(lambda f: reverse("reviews:feedback.respond", args=[f.feedback.pk]),
                                     expect(403, 200, 404, 403, 404, 403), post=expect(403, 200, 404, 403, 404, 403),
                                     shows=FEEDBACK_TEXT),
    # --- corrections: a member's shortcoming is seen by its owner, the cell's leadership, its supervisors and the
    # levels above; the owner reports, supervisors and committees verify, never the owner
    "corrections:mine": Case(lambda f: reverse("corrections:mine"), LOGGED_IN, shows=CORRECTION_TEXT,
                             shown_to=frozenset({"member", "secretary"})),
    "corrections:units.board": Case(unit_url("corrections:units.board"), expect(403, 200, 404, 200, 404, 200),
                                    shows=CORRECTION_TEXT),
    "corrections:shortcomings.create": Case(unit_url("corrections:shortcomings.create"), LEAD_CELL,
                                            post=LEAD_CELL, shows='name="severity"'),
    "corrections:shortcomings.detail": Case(correction_url("corrections:shortcomings.detail"), READ_CELL,
                                            shows=CORRECTION_TEXT),
    "corrections:shortcomings.progress": Case(correction_url("corrections:shortcomings.progress"), LOGIN_THEN_405,
                                              post=OWNER_ACTS, data={"note": "Đã làm"}),
    "corrections:shortcomings.claim": Case(correction_url("corrections:shortcomings.claim"), LOGIN_THEN_405,
                                           post=OWNER_ACTS),
    "corrections:shortcomings.verify": Case(correction_url("corrections:shortcomings.verify"), LOGIN_THEN_405,
                                            post=VERIFIER_ACTS),
    "corrections:shortcomings.reopen": Case(correction_url("corrections:shortcomings.reopen"), LOGIN_THEN_405,
                                            post=VERIFIER_ACTS, data={"note": "Chưa đủ"}),
    "corrections:shortcomings.comment": Case(correction_url("corrections:shortcomings.comment"), LOGIN_THEN_405,
                                             post=VERIFIER_ACTS, data={"note": "Cố gắng"}),
    "corrections:evidence.download": Case(
        lambda f: reverse("corrections:evidence.download", args=[f.shortcoming.progress.get(kind="update").pk]),
        READ_CELL, check=lambda response, f: _assert_evidence(response)),
    "corrections:plans.create": Case(correction_url("corrections:plans.create"), OWNER_ONLY, post=OWNER_ONLY,
                                     shows='name="deadline"'),
    "corrections:plans.detail": Case(lambda f: reverse("corrections:plans.detail", args=[
        f.shortcoming.plans.get().pk]), READ_CELL, post=NOT_EDITABLE, shows="Nộp biên lai"),
    "corrections:plans.document": [
        Case(lambda f: reverse("corrections:plans.document", args=[f.shortcoming.plans.get().pk, "docx"]),
             READ_CELL, check=file_shows(office_text, DOCX, lambda f: CORRECTION_TEXT)),
        Case(lambda f: reverse("corrections:plans.document", args=[f.shortcoming.plans.get().pk, "pdf"]),
             READ_CELL, check=file_shows(pdf_text, PDF, lambda f: CORRECTION_TEXT)),
    ],
    # The unit's open corrections as a spreadsheet: those who see its board (its leadership and the levels above).
    "corrections:units.xlsx": Case(unit_url("corrections:units.xlsx"), expect(403, 200, 404, 200, 404, 200),
                                   check=file_shows(office_text, XLSX, lambda f: CORRECTION_TEXT)),
    "corrections:plans.submit": Case(lambda f: reverse("corrections:plans.submit", args=[
        f.shortcoming.plans.get().pk]), LOGIN_THEN_405, post=NOT_EDITABLE),
    "corrections:plans.decide": Case(lambda f: reverse("corrections:plans.decide", args=[
        f.shortcoming.plans.get().pk]), LOGIN_THEN_405, post=NOT_EDITABLE),
    "corrections:steps.create": Case(lambda f: reverse("corrections:steps.create", args=[
        f.shortcoming.plans.get().measures.get().pk]), LOGIN_THEN_405, post=NOT_EDITABLE),
    # --- meetings: the cell and the levels above read them; the cell's leadership runs them
    "meetings:list": Case(unit_url("meetings:list"), READ_CELL, shows=MEETING_TITLE),
    "meetings:create": Case(unit_url("meetings:create"), LEAD_CELL, post=LEAD_CELL, shows='name="agenda"'),
    "meetings:detail": Case(lambda f: reverse("meetings:detail", args=[f.meeting.pk]), READ_CELL,
                            shows=PROTECTED_NAME),
    "meetings:check_in_screen": Case(lambda f: reverse("meetings:check_in_screen", args=[f.meeting.pk]),
                                     LEAD_CELL, shows='id="check-in-code"'),
    "meetings:check_in": Case(lambda f: reverse("meetings:check_in", args=[f.meeting.pk]), READ_CELL,
                              post=READ_CELL, shows=MEETING_TITLE),
    "meetings:mine": Case(lambda f: reverse("meetings:mine"), LOGGED_IN, shows=MEETING_TITLE,
                          shown_to=frozenset({"member", "secretary"})),
    "meetings:feed.create": Case(lambda f: reverse("meetings:feed.create"), LOGIN_THEN_405,
                                 post=everyone(302, anonymous=LOGIN)),
    # The calendar link is its own key (a calendar application cannot log in); it shows the owner's meetings.
    "meetings:feed": Case(lambda f: reverse("meetings:feed", args=[f.meeting_extras["feed"].token]), everyone(200),
                          shows=MEETING_TITLE),
    "meetings:plan": Case(unit_url("meetings:plan"), READ_CELL, post=LEAD_CELL, shows=TOPIC_TITLE),
    "meetings:plan.generate": Case(unit_url("meetings:plan.generate"), LOGIN_THEN_405, post=LEAD_CELL_ACTS),
    "meetings:topics": Case(unit_url("meetings:topics", "commune"), READ_COMMUNE, post=WRITE_COMMUNE,
                            shows=TOPIC_TITLE),
    "meetings:topic_plan": Case(unit_url("meetings:topic_plan", "commune"), READ_COMMUNE, post=WRITE_COMMUNE,
                                shows=TOPIC_TITLE),
    "meetings:statistics": Case(unit_url("meetings:statistics"), READ_CELL, shows=PROTECTED_NAME),
    "meetings:edit": Case(lambda f: reverse("meetings:edit", args=[f.meeting.pk]), LEAD_CELL, post=LEAD_CELL,
                          shows=MEETING_TITLE),
    "meetings:cancel": Case(lambda f: reverse("meetings:cancel", args=[f.meeting.pk]), LOGIN_THEN_405,
                            post=LEAD_CELL_ACTS),
    "meetings:roll.close": Case(lambda f: reverse("meetings:roll.close", args=[f.meeting.pk]), LOGIN_THEN_405,
                                post=LEAD_CELL_ACTS),
    "meetings:speakers.add": Case(lambda f: reverse("meetings:speakers.add", args=[f.meeting.pk]), LOGIN_THEN_405,
                                  post=LEAD_CELL_ACTS, data={"kind": "opinion", "note": "Ý kiến"}),
    "meetings:speakers.remove": Case(lambda f: reverse("meetings:speakers.remove", args=[
        f.meeting_extras["contribution"].pk]), LOGIN_THEN_405, post=LEAD_CELL_ACTS),
    "meetings:documents.add": Case(lambda f: reverse("meetings:documents.add", args=[f.meeting.pk]),
                                   LOGIN_THEN_405, post=LEAD_CELL_ACTS),
    "meetings:documents.publish": Case(lambda f: reverse("meetings:documents.publish", args=[f.meeting.pk]),
                                       LOGIN_THEN_405, post=LEAD_CELL_ACTS),
    "meetings:documents.download": Case(lambda f: reverse("meetings:documents.download", args=[
        f.meeting_extras["document"].pk]), READ_CELL),
    "meetings:minutes.edit": Case(lambda f: reverse("meetings:minutes.edit", args=[f.meeting.pk]), LEAD_CELL,
                                  post=LEAD_CELL_ACTS, data={"conclusions": "Kết luận mới"}),
    "meetings:minutes.docx": Case(lambda f: reverse("meetings:minutes.docx", args=[f.meeting.pk]), READ_CELL,
                                  check=file_shows(office_text, DOCX, lambda f: PROTECTED_NAME)),
    "meetings:minutes.pdf": Case(lambda f: reverse("meetings:minutes.pdf", args=[f.meeting.pk]), READ_CELL,
                                 check=file_shows(pdf_text, PDF, lambda f: PROTECTED_NAME)),
    "meetings:minutes.approve": Case(lambda f: reverse("meetings:minutes.approve", args=[f.meeting.pk]),
                                     LOGIN_THEN_405, post=LEAD_CELL_ACTS),
    "meetings:attendance.mark": Case(lambda f: reverse("meetings:attendance.mark", args=[
        f.meeting.attendance.get(member=f.cast.members["member"]).pk]), LOGIN_THEN_405,
        post=expect(403, 302, 404, 403, 404, 403), data={"status": "excused", "reason": "Ốm"}),
    # --- accounts --------------------------------------------------------------------------------------------
    "accounts:login": Case(lambda f: reverse("accounts:login"), everyone(302, anonymous=200),
                           shows='name="password"'),
    "accounts:logout": Case(lambda f: reverse("accounts:logout"), GET_NOT_ALLOWED, post=everyone(302),
                            post_redirect=lambda f: reverse("accounts:login")),
    "accounts:password_change": Case(lambda f: reverse("accounts:password_change"), LOGGED_IN, post=LOGGED_IN,
                                     shows='name="old_password"'),
    "accounts:password_change_done": Case(lambda f: reverse("accounts:password_change_done"), LOGGED_IN,
                                          shows=f'href="{reverse("org:dashboard")}"'),
    "accounts:password_reset": Case(lambda f: reverse("accounts:password_reset"), everyone(200),
                                    shows='name="email"'),
    "accounts:password_reset_done": Case(lambda f: reverse("accounts:password_reset_done"), everyone(200),
                                         shows="<h1>"),
    "accounts:password_reset_confirm": Case(
        lambda f: reverse("accounts:password_reset_confirm", args=["MQ", "not-a-token"]), everyone(200),
        shows=f'href="{reverse("accounts:password_reset")}"'),
    "accounts:password_reset_complete": Case(lambda f: reverse("accounts:password_reset_complete"), everyone(200),
                                             shows=f'href="{reverse("accounts:login")}"'),
    "accounts:tokens": Case(lambda f: member_token(f) and reverse("accounts:tokens"), LOGGED_IN, post=LOGGED_IN,
                            data={"name": "Kịch bản thống kê", "days": "30"}, shows=TOKEN_NAME,
                            shown_to=frozenset({"member"})),
    "accounts:tokens.revoke": Case(lambda f: reverse("accounts:tokens.revoke", args=[member_token(f).pk]),
                                   LOGIN_THEN_405, post=expect(302, 404, 404, 404, 404, 404),
                                   post_redirect=lambda f: reverse("accounts:tokens")),
    "set_language": Case(lambda f: reverse("set_language"), GET_NOT_ALLOWED, post=everyone(302),
                         data={"language": "en", "next": "/units/"}, post_redirect=lambda f: "/units/"),
    # --- inbox: each user sees only their own notifications ------------------------------------------------------
    "notifications:inbox": Case(lambda f: reverse("notifications:inbox"), LOGGED_IN, shows=NOTIFICATION_TITLE,
                                shown_to=frozenset({"member"})),
    "notifications:open": Case(lambda f: reverse("notifications:open", args=[f.notification.pk]), LOGIN_THEN_405,
                               post=expect(302, 404, 404, 404, 404, 404),
                               post_redirect=lambda f: f.notification.url),
    "notifications:read_all": Case(lambda f: reverse("notifications:read_all"), LOGIN_THEN_405,
                                   post=everyone(302, anonymous=LOGIN),
                                   post_redirect=lambda f: reverse("notifications:inbox")),
    # --- documents: exports are readable by whoever reads the unit; profile sheets need personal-data rights --
    "documents:roster.xlsx": Case(unit_url("documents:roster.xlsx"), READ_CELL,
                                  check=file_shows(office_text, XLSX, lambda f: PROTECTED_NAME)),
    "documents:roster.pdf": Case(unit_url("documents:roster.pdf"), READ_CELL,
                                 check=file_shows(pdf_text, PDF, lambda f: PROTECTED_NAME)),
    "documents:roster.docx": Case(unit_url("documents:roster.docx"), READ_CELL,
                                  check=file_shows(office_text, DOCX, lambda f: PROTECTED_NAME)),
    "documents:profile.pdf": Case(member_url("documents:profile.pdf", "secretary"), PERSONAL_OF_COLLEAGUE,
                                  check=file_shows(pdf_text, PDF, lambda f: "Lê Văn Cường")),
    "documents:profile.docx": Case(member_url("documents:profile.docx", "secretary"), PERSONAL_OF_COLLEAGUE,
                                   check=file_shows(office_text, DOCX, lambda f: "Lê Văn Cường")),
    # --- documents: roster imports need write access to the unit; a job is shown only to those who may write
    # its unit (and its uploader), so the unit's mere readers are strangers to it (404) ---------------------------
    "documents:imports.create": Case(unit_url("documents:imports.create"), WRITE_CELL, post=WRITE_CELL,
                                     shows='type="file"'),
    "documents:imports.detail": Case(lambda f: reverse("documents:imports.detail", args=[f.import_job.pk]),
                                     WRITE_IMPORT, shows=IMPORT_FILE_NAME),
    "documents:imports.confirm": Case(lambda f: reverse("documents:imports.confirm", args=[f.import_job.pk]),
                                      LOGIN_THEN_405, post=WRITE_IMPORT | {"secretary": 302, "parent_staff": 302},
                                      post_redirect=lambda f: reverse("documents:imports.detail",
                                                                      args=[f.import_job.pk])),
    "documents:imports.progress": Case(lambda f: reverse("documents:imports.progress", args=[f.import_job.pk]),
                                       WRITE_IMPORT, shows=IMPORT_ERROR),
    # --- documents: a held roster row shows two members' records: those who see the personal data of both cells
    # read it, those who write both decide; the importer (the cell's secretary) is a stranger to it ------------
    "documents:conflicts.detail": Case(held_row_url("documents:conflicts.detail"),
                                       expect(404, 404, 404, 200, 404, 200), shows=HELD_ROW_NAME),
    "documents:conflicts.decide": Case(held_row_url("documents:conflicts.decide"), LOGIN_THEN_405,
                                       post=expect(404, 404, 404, 302, 404, 403),
                                       data={"decision": "Đã chuyển sinh hoạt"}),
    # --- API (session authentication here; the same rules apply to tokens) ------------------------------------
    "api:openapi-json": Case(lambda f: "/api/openapi.json", everyone(200), shows="/api/units/{unit_id}/members"),
    "api:openapi-view": Case(lambda f: "/api/docs", everyone(200), shows="openapi.json"),
    "api:api-root": Case(lambda f: "/api/", everyone(404)),
    "api:review_detail": [
        Case(lambda f: f"/api/reviews/{f.submitted.pk}", READ_REVIEW | {"anonymous": 401}, shows='"form": "2B"'),
        Case(lambda f: f"/api/reviews/{f.draft.pk}", AUTHOR_ONLY | {"anonymous": 401}, shows='"status": "draft"'),
    ],
    "api:review_feedback": Case(lambda f: f"/api/reviews/{f.submitted.pk}/feedback",
                                READ_REVIEW | {"anonymous": 401}, shows=FEEDBACK_TEXT),
    "api:unit_detail": Case(lambda f: f"/api/units/{f.cast.cell.pk}", API_READ_CELL, shows='"code": "TN-HA-1"'),
    "api:unit_children": Case(lambda f: f"/api/units/{f.cast.commune.pk}/children", API_READ_COMMUNE,
                              shows='"code": "TN-HA-2"'),
    "api:unit_members": Case(lambda f: f"/api/units/{f.cast.cell.pk}/members", API_READ_CELL,
                             shows=PROTECTED_NAME),
    "api:member_search": Case(lambda f: "/api/members/search?q=tran%20thi", API_LOGGED_IN, shows=PROTECTED_NAME,
                              shown_to=frozenset({"member", "secretary", "parent_staff", "inspector"})),
    "api:member_detail": [
        Case(member_url("api:member_detail"), API_READ_CELL, shows='"phone": "0912345678"'),
        Case(member_url("api:member_detail", "secretary"), API_READ_CELL, shows=COLLEAGUE_PHONE,
             shown_to=frozenset({"secretary", "parent_staff", "inspector"})),
    ],
    # --- infrastructure ------------------------------------------------------------------------------------
    "healthz": Case(lambda f: reverse("healthz"), everyone(200), shows='"status": "ok"'),
}

def url_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """Every URL pattern of the project as {name or route: route}, including the API's."""
    resolver = resolver or get_resolver()
    found = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            found |= url_patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            key = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or route
            found[key] = route
    return found


def cases() -> list:
    params = []
    for name, entry in MATRIX.items():
        entries = entry if isinstance(entry, list) else [entry]
        params += [pytest.param(name, case, id=f"{name}#{index}" if len(entries) > 1 else name)
                   for index, case in enumerate(entries)]
    return params


# The matrix's world is the 2026 review season (its cycle, plans and meetings are dated in 2026): the cast is
# built and every request runs on this clock, whatever the suite's default (this overrides conftest's clock).
MATRIX_NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    with time_machine.travel(MATRIX_NOW, tick=True):
        yield


@pytest.fixture
def fixtures(cast) -> Fixtures:
    colleague = cast.members["secretary"]
    services.update_member(colleague, phone=COLLEAGUE_PHONE)
    notification = Notification.objects.create(recipient=cast.users["member"], kind="meeting",
                                               event_key="matrix", title=NOTIFICATION_TITLE,
                                               url=reverse("org:units.detail", args=[cast.cell.pk]))
    import_job = ImportJob.objects.create(unit=cast.cell, created_by=cast.users["secretary"],
                                          file="imports/matrix.xlsx", original_name=IMPORT_FILE_NAME,
                                          file_format="xlsx", status=ImportStatus.INVALID, total_rows=2,
                                          error_count=1, errors=[{"row": 3, "column": "date_of_birth",
                                                                  "code": "bad_date", "message": IMPORT_ERROR}])
    without_login = make_member(cast.cell, WITHOUT_LOGIN_NAME)
    grant_id = cast.users["secretary"].role_grants.get(unit=cast.cell).pk
    cycle = open_cycle(cast.commune, title=CYCLE_TITLE, kind="year", period_start=datetime.date(2026, 1, 1),
                       period_end=datetime.date(2026, 12, 31), self_review_due=datetime.date(2026, 12, 10),
                       appraisal_due=datetime.date(2026, 12, 20), decision_due=datetime.date(2026, 12, 31))
    secretary = cast.users["secretary"]
    collective = Review.objects.get(cycle=cycle, unit=cast.cell, member=None)
    complete_review(collective, secretary, text=REVIEW_TEXT)
    submitted = complete_review(Review.objects.get(cycle=cycle, member=cast.members["secretary"]), secretary,
                                text=REVIEW_TEXT)
    draft = complete_review(Review.objects.get(cycle=cycle, member=cast.members["member"]), cast.users["member"],
                            text=DRAFT_TEXT, submit=False)
    colleague_review = complete_review(Review.objects.get(cycle=cycle, member=without_login), None,
                                       text=REVIEW_TEXT)
    add_review_shortcoming(draft, text=SHORTCOMING_TEXT, cause="subjective", by=cast.users["member"])
    feedback = give_feedback(review=submitted, from_unit=cast.cell, kind="shortcoming", text=FEEDBACK_TEXT,
                             by=cast.users["member"])
    shortcoming = corrections.record_shortcoming(unit=cast.cell, member=cast.members["member"],
                                                 text=CORRECTION_TEXT, by=secretary)
    plan = corrections.create_plan(unit=cast.cell, member=cast.members["member"], shortcomings=[shortcoming],
                                   deadline=datetime.date.today() + datetime.timedelta(days=90))
    measure = corrections.add_measure(plan, text="Đóng đúng hạn", supervisor=cast.members["secretary"],
                                      deadline=plan.deadline)
    corrections.add_step(measure, what="Nộp biên lai", due=plan.deadline)
    corrections.submit_plan(plan)
    corrections.decide_plan(plan, approve=True, by=secretary)
    corrections.post_progress(shortcoming, note="Biên lai tháng 11", by=cast.users["member"],
                              evidence=SimpleUploadedFile("bien-lai.pdf", b"%PDF-1.4\n" + EVIDENCE_MARK))
    corrections.claim_fix(shortcoming, note="Đã nộp đủ", by=cast.users["member"])
    starts = timezone.now() + datetime.timedelta(days=30)
    meeting = meetings.schedule_meeting(cast.cell, title=MEETING_TITLE, starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"])
    topic = meetings.save_topic(cast.commune, title=TOPIC_TITLE, tags=["học và làm theo Bác"])
    meetings.save_topic_plan(cast.commune, starts.year, topics=[topic], publish=True)
    meetings.save_cell_plan(cast.cell, starts.year, meeting_day=3, meeting_time=datetime.time(19, 30),
                            topics={4: [topic]})
    document = meetings.add_document(meeting, title="Dự thảo nghị quyết",
                                     upload=SimpleUploadedFile("nq.pdf", b"%PDF-1.4\n"))
    meetings.publish_documents(meeting)
    contribution = meetings.add_contribution(meeting, member=cast.members["member"], note="Ý kiến")
    meetings.save_minutes(meeting, conclusions="Kết luận")
    feed = CalendarFeed.objects.create(user=cast.users["member"])
    return Fixtures(cast, notification, import_job, without_login, grant_id, cycle, draft, submitted,
                    colleague_review, feedback, shortcoming, meeting,
                    {"document": document, "contribution": contribution, "feed": feed})


def request_as(fixtures: Fixtures, who: str, method: str, url: str, data: dict) -> HttpResponse:
    client = fixtures.cast.client(who)
    with transaction.atomic():
        response = client.post(url, data) if method == "POST" else client.get(url)
        if response.streaming:  # read files before the rollback: they may be generated lazily
            response._matrix_body = body_bytes(response)
            response.streaming_content = [response._matrix_body]
        transaction.set_rollback(True)
    # Cached scopes are keyed by version numbers that the rollback hands out again.
    cache.clear()
    return response


def problems_with(response: HttpResponse, expected, case: Case, fixtures: Fixtures, who: str,
                  method: str) -> list[str]:
    status = response.status_code
    if expected == LOGIN:
        location = response.headers.get("Location", "")
        if status != 302 or not location.startswith(reverse("accounts:login") + "?next="):
            return [f"expected a redirect to the login page, got {status} {location}".strip()]
        return []
    if status != expected:
        return [f"expected {expected}, got {status}"]
    if status == 302 and case.post_redirect is not None and method == "POST":
        location = response.headers.get("Location", "")
        if location != case.post_redirect(fixtures):
            return [f"redirected to {location!r}, expected {case.post_redirect(fixtures)!r}"]
    text = body_text(response) if not response.headers.get("Content-Disposition") else ""
    shows = case.shows(fixtures, who) if callable(case.shows) else case.shows
    if shows is not None and method == "GET":
        shown_to = case.shown_to if case.shown_to is not None else {
            name for name, code in case.get.items() if code == 200}
        if who in shown_to and status == 200 and shows not in text:
            return [f"response does not contain {shows!r}"]
        if who not in shown_to and shows in text:
            return [f"response shows {shows!r}, which {who} must not see"]
    if status >= 400 and PROTECTED_NAME in text and who not in {"member", "secretary", "parent_staff",
                                                                   "inspector"}:
        return [f"a {status} response discloses {PROTECTED_NAME!r}"]
    if case.check is not None and status == 200 and method == "GET":
        try:
            case.check(response, fixtures)
        except AssertionError as error:
            return [f"file check failed: {error}"]
    return []


def run_case(fixtures: Fixtures, case: Case, method: str, expectations: dict) -> None:
    assert set(expectations) == set(CAST), "every cast member needs an expectation"
    url = case.url(fixtures)
    failures = []
    for who in CAST:
        response = request_as(fixtures, who, method, url, case.data)
        failures += [f"  {who:16} {method} {url}: {problem}"
                     for problem in problems_with(response, expectations[who], case, fixtures, who, method)]
    if failures:
        pytest.fail("access matrix mismatches:\n" + "\n".join(failures), pytrace=False)


@pytest.mark.parametrize(("name", "case"), cases())
def test_get_matches_matrix(fixtures, name, case):
    run_case(fixtures, case, "GET", case.get)


@pytest.mark.parametrize(("name", "case"), [param for param in cases() if param.values[1].post is not None])
def test_post_matches_matrix(fixtures, name, case):
    run_case(fixtures, case, "POST", case.post)


def test_every_url_is_in_the_matrix():
    patterns = url_patterns()

    missing = sorted(set(patterns) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(patterns))

    assert not missing, "URLs without access expectations (add them to MATRIX): " + ", ".join(
        f"{name} ({patterns[name]})" for name in missing)
    assert not stale, "MATRIX entries for URLs that no longer exist: " + ", ".join(stale)


def test_matrix_reaches_the_api_routes():
    patterns = url_patterns()

    assert {"api:unit_members", "api:member_search", "api:member_detail"} <= set(patterns)


# --- "a member of a sibling cell cannot see another cell's member list, by URL, search, export or API" ---------

SIBLING_ROUTES = {
    "unit page": (lambda f: reverse("org:units.detail", args=[f.cast.cell.pk]), 404),
    "search": (lambda f: reverse("org:members.search") + "?q=tran+thi", 200),
    "search within the cell": (lambda f: reverse("org:members.search") + f"?q=tran&unit={f.cast.cell.pk}", 404),
    "roster export": (lambda f: reverse("documents:roster.xlsx", args=[f.cast.cell.pk]), 404),
    "API member list": (lambda f: f"/api/units/{f.cast.cell.pk}/members", 404),
    "API search": (lambda f: "/api/members/search?q=tran%20thi", 200),
    "API member": (lambda f: f"/api/members/{f.cast.members['member'].pk}", 404),
}


@pytest.mark.parametrize("route", list(SIBLING_ROUTES))
def test_sibling_cell_member_cannot_see_cell_members(fixtures, route):
    build_url, expected = SIBLING_ROUTES[route]

    response = fixtures.cast.client("sibling").get(build_url(fixtures))

    assert response.status_code == expected
    text = body_text(response)
    assert PROTECTED_NAME not in text
    assert "Lê Văn Cường" not in text
    assert "0912345678" not in text


def test_sibling_cell_member_still_finds_own_cell(fixtures):
    response = fixtures.cast.client("sibling").get("/api/members/search?q=pham%20thi")

    assert response.status_code == 200
    assert [item["full_name"] for item in response.json()["items"]] == ["Phạm Thị Dung"]
