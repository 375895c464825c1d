"""The access matrix (docs/architecture.md, Access): every URL of the project, requested by each of the cast.

MATRIX lists, for each URL name (or route, for unnamed patterns), how to build a concrete URL from the cast, the
status each cast member must get for GET (and for POST where the view writes), and what a successful response
must contain. A URL pattern missing from MATRIX fails `test_every_url_is_in_the_matrix`: add the new URL here
with its expectations, derived from `soisua/org/access.py` (404 for strangers, 403 for readers who try to write,
a redirect to the login page for anonymous visitors of pages, 401 for anonymous API calls).

POST rows send data the form accepts, so a success status means the write happened: each such row names the
stored state it changes (`effect`), which must have changed after a success and stayed as it was after any other
answer. `Kept(302)` marks a redirect that refuses (the refusal is a message on the next page).

Each request runs inside a savepoint that is rolled back (and the cache emptied), so a write by one cast member
never changes what the next one sees. A row's URL is built once for its GETs and once for its POSTs, so what the
URL builders prepare (a draft plan, a meeting under way…) is made only when missing.

Administrators and superusers run the installation: they read and administer everything, but they are neither a
cell's leadership nor its superior committee (that takes an explicit stand-in, see the test at the end), and they
never read a member's draft or the authors of feedback hidden from the cell.
"""

import datetime
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticToken

from soisua.accounts.models import ApiToken, SetupCode
from soisua.alerts import services as alert_services
from soisua.alerts.models import Alert, Rule
from soisua.core.actors import SYSTEM
from soisua.corrections import services as corrections
from soisua.corrections.models import CorrectionPlan, Measure, ProgressEntry, RoadmapStep, Shortcoming
from soisua.directives import services as directives
from soisua.directives.models import Amendment, Directive, DirectiveFile, ImplementationTask, KeyTask, Receipt, Report
from soisua.documents import services as documents
from soisua.documents.models import ExportJob, ImportConflict, ImportJob, ImportStatus
from soisua.dues import services as dues
from soisua.dues.models import DuesBook, Payment
from soisua.library import services as library
from soisua.library.models import Bookmark, LibraryDocument, SessionDocument, StudyRecord
from soisua.meetings import services as meetings
from soisua.meetings.models import (
    Attendance,
    CalendarFeed,
    CellPlan,
    Contribution,
    Meeting,
    MeetingDocument,
    MeetingRuleException,
    MeetingRules,
    Minutes,
    Motion,
    Topic,
    TopicPlan,
)
from soisua.notifications.models import Notification, Preference
from soisua.org import services
from soisua.org.enums import Role
from soisua.org.models import Member, Post, RoleGrant, StandIn, Unit, UnitKind
from soisua.oversight import services as oversight
from soisua.oversight.models import Finding, Inspection, RemedyRequest
from soisua.quality import services as quality
from soisua.quality.models import Assessment, MemberRating, QualityRubric, RubricChoice
from soisua.reviews import services as reviews
from soisua.reviews.models import ChecklistItem, Cycle, Feedback, Review, ReviewPrompt, RuleSet
from soisua.reviews.queries import form_fields
from soisua.reviews.services import add_review_shortcoming, give_feedback, open_cycle

from .conftest import CAST, Cast, give_authenticator
from .factories import PASSWORD, complete_review, make_member

LOGIN = "login"  # a redirect to the login page, with ?next=


class Kept(int):
    """A POST status after which the stored state must be as it was: a refusal answered with a redirect (or a
    page) that carries the reason as a message."""


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
# Those who see Chi bộ Thôn 1 and its members (everyone else must never be shown the protected member's name).
CELL_READERS = frozenset({"member", "secretary", "parent_staff", "inspector", "committee", "admin", "superuser"})


def expect(member, secretary, sibling, parent_staff, unrelated_staff, inspector, committee, admin, superuser,
           anonymous=LOGIN) -> dict:
    return {"member": member, "secretary": secretary, "sibling": sibling, "parent_staff": parent_staff,
            "unrelated_staff": unrelated_staff, "inspector": inspector, "committee": committee, "admin": admin,
            "superuser": superuser, "anonymous": anonymous}


def everyone(status, anonymous=None) -> dict:
    return dict.fromkeys(CAST, status) | ({"anonymous": anonymous} if anonymous is not None else {})


def succeeds(expectations: dict, status: int = 302) -> dict:
    """The POST twin of a page's expectations: those who get the form (200) see the write succeed (`status`)."""
    return {who: status if code == 200 else code for who, code in expectations.items()}


# Readers of Chi bộ Thôn 1: its members, and the commune's staff, committee and inspector, the province's
# administrator and superusers.
READ_CELL = expect(200, 200, 404, 200, 404, 200, 200, 200, 200)
# Writers of Chi bộ Thôn 1: its secretary, the commune's staff and committee, administrators; the member and the
# inspector only read.
WRITE_CELL = expect(403, 200, 404, 200, 404, 403, 200, 200, 200)
# The commune: those whose grant covers it; the cells' members and secretary do not see it.
READ_COMMUNE = expect(404, 404, 404, 200, 404, 200, 200, 200, 200)
WRITE_COMMUNE = expect(404, 404, 404, 200, 404, 403, 200, 200, 200)
# Structure and roles: staff covering the unit and administrators (not the secretary, nor the elected committee).
ADMINISTER_CELL = expect(403, 403, 404, 200, 404, 403, 403, 200, 200)
ADMINISTER_COMMUNE = expect(404, 404, 404, 200, 404, 403, 403, 200, 200)
# Personal data of a cell member other than oneself: managers and inspectors of the cell.
PERSONAL_OF_COLLEAGUE = expect(403, 200, 404, 200, 404, 200, 200, 200, 200)
# An import job of the cell: those who may write the cell (the uploader is the secretary).
WRITE_IMPORT = expect(404, 200, 404, 200, 404, 404, 200, 200, 200)
LOGGED_IN = everyone(200, anonymous=LOGIN)
# A submitted review of Chi bộ Thôn 1: the cell and everyone covering it.
READ_REVIEW = READ_CELL
# A draft: its author alone; everyone else (administrators and superusers too) is told it does not exist.
AUTHOR_ONLY = expect(200, 404, 404, 404, 404, 404, 404, 404, 404)
# The cell's leadership comments, proposes and returns; readers (administrators too) are refused.
APPRAISE = expect(403, 200, 404, 403, 404, 403, 403, 403, 403)
# The directly superior committee (the commune's committee and its staff) decides and cancels; an administrator
# only while standing in for it.
DECIDE = expect(403, 403, 404, 200, 404, 403, 200, 403, 403)
# The cell's own leadership (its secretary), not the committee above nor administrators.
LEAD_CELL = expect(403, 200, 404, 403, 404, 403, 403, 403, 403)
# The owner of a shortcoming acts on it; others who see it are refused.
OWNER_ACTS = expect(302, 403, 404, 403, 404, 403, 403, 403, 403)
# The cell's leadership acts (a redirect back to the page, with the outcome as a message).
LEAD_CELL_ACTS = succeeds(LEAD_CELL)
OWNER_ONLY = expect(200, 403, 404, 403, 404, 403, 403, 403, 403)
# Supervisors (the secretary) and the superior committee verify; the owner, the inspector and administrators
# may not.
VERIFIER_ACTS = expect(403, 302, 404, 302, 404, 403, 302, 403, 403)
# An approved plan: nobody changes it any more.
NOT_EDITABLE = expect(403, 403, 404, 403, 404, 403, 403, 403, 403)
# Review points go to a review still being written: the superior committee sends them.
SUPERIOR_ON_DRAFT = expect(403, 403, 404, 200, 404, 403, 200, 403, 403)
API_READ_CELL = READ_CELL | {"anonymous": 401}
API_READ_COMMUNE = READ_COMMUNE | {"anonymous": 401}
API_LOGGED_IN = everyone(200, anonymous=401)
# API writes of the cell's leadership (its secretary), answered 200 with what was written.
API_LEAD_CELL = succeeds(LEAD_CELL, 200) | {"anonymous": 401}
# Checking in through the API: those on the roll; the others who read the cell are refused (403).
API_CHECK_IN = expect(200, 200, 404, 403, 404, 403, 403, 403, 403, anonymous=401)
GET_NOT_ALLOWED = everyone(405)
# The commune's review cycle: those who see the commune or a unit inside it (its cells' members, the sibling too).
API_SEE_INSIDE_COMMUNE = expect(200, 200, 200, 200, 404, 200, 200, 200, 200, anonymous=401)
LOGIN_THEN_405 = everyone(405, anonymous=LOGIN)
# Installation settings (rule sets): administrators of a root unit and superusers.
INSTALLATION_ADMIN = expect(403, 403, 403, 403, 403, 403, 403, 200, 200)
# Standing in for the commune's committee: administrators covering it (and superusers); those who merely see the
# commune are refused.
STAND_IN = expect(404, 404, 404, 403, 404, 403, 403, 200, 200)
# Directives of the commune: those who speak for it (its committee and committee staff) draft and issue them;
# those who see it from above only read, administrators included (they act for a committee only standing in).
ISSUE_COMMUNE = expect(404, 404, 404, 200, 404, 403, 200, 403, 403)
# An issued directive of the commune, addressed to its cells: the cells' members read it too.
ADDRESSED = expect(200, 200, 200, 200, 404, 200, 200, 200, 200)
SPEAK_FOR_ISSUER = expect(403, 403, 403, 200, 404, 403, 200, 403, 403)
# An inspection of Chi bộ Thôn 1 by the commune: the inspecting body and the levels covering the cell, and, once the
# cell was told, its leadership; not its plain members (their own case only), not a sibling.
INSPECTION_READERS = expect(404, 200, 404, 200, 404, 200, 200, 200, 200)
# The inspecting body acts (its committee, and its staff member on the team); readers are refused.
INSPECTING_BODY = expect(404, 403, 404, 200, 404, 403, 200, 403, 403)
# The subject's leadership writes the self-report.
SELF_REPORTS = expect(404, 200, 404, 403, 404, 403, 403, 403, 403)


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
    # What a POST sends: valid input (a function of the fixtures when it names rows or carries a file).
    data: dict | Callable[[Fixtures], dict] = field(default_factory=dict)
    # Text every response with status 200 must contain; for those not in `shown_to` it must be absent.
    shows: str | Callable[[Fixtures, str], str] | None = None
    shown_to: frozenset | None = None  # default: everyone who gets 200
    # An extra check of each 200 response (files) as `who` got it; raises AssertionError.
    check: Callable[[HttpResponse, Fixtures, str], None] | None = None
    # Where a POST that succeeds redirects (defaults to any redirect).
    post_redirect: Callable[[Fixtures], str] | None = None
    # The stored state the POST writes, read before and after each request (as `who`): the `done` status must
    # come with a change, every other status (and `Kept`) without one.
    effect: Callable[[Fixtures, str], object] | None = None
    done: int = 302
    # Run before each request: puts back what an earlier request changed outside the database (files).
    reset: Callable[[Fixtures], None] | None = None
    # The POST sends `data` as a JSON body (API operations) rather than as a form.
    json: bool = False


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


def correction_api_url(tail: str) -> Callable[[Fixtures], str]:
    return lambda f: f"/api/shortcomings/{f.shortcoming.pk}{tail}"


def member_url(name: str, who: str = "member") -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[f.cast.members[who].pk])


SITE_HEADER = re.compile(r'<header class="site">.*?</header>', re.S)


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


def file_shows(extract: Callable[[HttpResponse], str], content_type: str, text: Callable[[Fixtures], str],
               shown_to: frozenset | None = None):
    """A file of `content_type` holding `text` (for those in `shown_to`, when given; others must not find it)."""
    def check(response: HttpResponse, fixtures: Fixtures, who: str) -> None:
        assert response.headers["Content-Type"].startswith(content_type)
        assert "attachment" in response.headers.get("Content-Disposition", "")
        if shown_to is None or who in shown_to:
            assert text(fixtures) in extract(response)
        else:
            assert text(fixtures) not in extract(response), f"the file shows {text(fixtures)!r}"

    return check


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CSV = "text/csv"


HELD_ROW_NAME = "Phạm Thị Dung"


def held_row_url(name: str) -> Callable[[Fixtures], str]:
    """A row of the cell's import held because its card number is that of the sibling cell's member."""
    def build(f: Fixtures) -> str:
        sibling = f.cast.members["sibling"]
        values = {"full_name": HELD_ROW_NAME, "card_number": sibling.card_number}
        conflict, _created = ImportConflict.objects.get_or_create(
            job=f.import_job, row=2, defaults={"cell": f.cast.cell, "member": sibling, "committee": f.cast.commune,
                                               "values": values})
        return reverse(name, args=[conflict.pk])

    return build


def top_unit_name(fixtures: Fixtures, who: str) -> str:
    """The dashboard and the tree start from the highest unit each user sees."""
    cast = fixtures.cast
    return {"member": cast.cell, "secretary": cast.cell, "sibling": cast.sibling_cell, "parent_staff": cast.commune,
            "unrelated_staff": cast.other_commune, "inspector": cast.commune, "committee": cast.commune,
            "admin": cast.province, "superuser": cast.province}[who].name


# The member's API token: only its owner lists or revokes it.
TOKEN_NAME = "Bảng tính báo cáo của xã"


def member_token(fixtures: Fixtures):
    from soisua.accounts import services as accounts

    user = fixtures.cast.users["member"]
    if not accounts.tokens_of(user).exists():
        accounts.issue_api_token(user, name=TOKEN_NAME, by=user)
    return accounts.tokens_of(user).get()


# --- what the POST rows write to, and the records some of them need first ------------------------------------

TODAY = "20/11/2026"  # the matrix's clock (MATRIX_NOW), as forms take dates


def value(model, f_pk: Callable[[Fixtures], int], *fields: str) -> Callable[[Fixtures, str], object]:
    """The effect of a POST on some fields of one row."""
    return lambda f, who: model.objects.filter(pk=f_pk(f)).values_list(*fields).first()


def rows(model, **lookups: Callable[[Fixtures], object]) -> Callable[[Fixtures, str], object]:
    """The effect of a POST on a set of rows: their ids (a row added or removed changes it)."""
    return lambda f, who: sorted(model.objects.filter(**{key: get(f) for key, get in lookups.items()})
                                 .values_list("pk", flat=True))


def of_user(model, field_name: str = "user", values: tuple = ("pk",)) -> Callable[[Fixtures, str], object]:
    """The effect of a POST on the requesting user's own rows (tokens, calendar links, notifications)."""
    def read(f: Fixtures, who: str):
        user = f.cast.users[who]
        return [] if user is None else sorted(model.objects.filter(**{field_name: user}).values_list(*values))

    return read


def devices_of(user) -> list:
    """A login's second-factor devices (authenticator, recovery codes), as (kind, id)."""
    if user is None:
        return []
    return sorted(device.persistent_id for device in devices_for_user(user, confirmed=None))


def recovery_codes_of(user) -> list:
    return [] if user is None else sorted(StaticToken.objects.filter(device__user=user).values_list("token",
                                                                                                    flat=True))


def the_user(*fields: str) -> Callable[[Fixtures, str], object]:
    def read(f: Fixtures, who: str):
        user = f.cast.users[who]
        return None if user is None else type(user).objects.filter(pk=user.pk).values_list(*fields).get()

    return read


def moving_target(f: Fixtures) -> Unit:
    """A section committee inside the commune, where the cell may be moved by those who administer both."""
    existing = Unit.objects.filter(code="TN-HA-BP").first()
    return existing or services.create_unit(parent=f.cast.commune, kind=UnitKind.objects.get(code="section"),
                                            code="TN-HA-BP", name="Đảng bộ bộ phận Thôn Đông", by=SYSTEM)


def admin_stand_in(f: Fixtures) -> StandIn:
    """The administrator standing in for the commune's committee (only they may end it)."""
    existing = StandIn.objects.filter(user=f.cast.users["admin"]).first()
    return existing or services.stand_in(f.cast.commune, reason="Đảng ủy xã đang kiện toàn ban thường vụ",
                                         by=f.cast.users["admin"])


def draft_rule_set() -> RuleSet:
    """A draft copy of the shipped rule set: what installation administrators edit and publish."""
    existing = RuleSet.objects.filter(code="2025-ban-nhap").first()
    return existing or reviews.copy_rule_set(shipped_rule_set(), code="2025-ban-nhap", name="Bản nháp 2025", by=SYSTEM)


def shipped_meeting_rules() -> MeetingRules:
    return MeetingRules.objects.get(code="2025")


def draft_meeting_rules() -> MeetingRules:
    """A draft copy of the shipped meeting rules: what installation administrators change and publish."""
    existing = MeetingRules.objects.filter(copied_from__code="2025").order_by("pk").first()
    return existing or meetings.copy_meeting_rules(shipped_meeting_rules(), by=SYSTEM)


def commune_rule_exception(f: Fixtures) -> MeetingRuleException:
    """The commune's lower minimum for Chi bộ Thôn 1: those who manage the commune's subtree end it."""
    existing = MeetingRuleException.objects.filter(committee=f.cast.commune).first()
    return existing or meetings.add_rule_exception(
        f.cast.commune, cell=f.cast.cell, decision_number="12-QĐ/ĐU", decision_date=datetime.date(2026, 3, 5),
        regular_min_minutes=60, combined_min_minutes=90, valid_from=datetime.date(2026, 3, 5), by=SYSTEM)


def thresholds(f: Fixtures) -> dict:
    rule_set = draft_rule_set()
    levels = list(rule_set.levels.order_by("order"))
    return {**{f"level_{level.code}": str(level.min_score) for level in levels}, "quota_percent": "17.5"}


def account_url(f: Fixtures) -> str:
    """The member without a login, now with an address on record where the set-up link goes."""
    services.update_member(f.without_login, email="dovangiang@example.org", by=SYSTEM)
    return reverse("org:members.account", args=[f.without_login.pk])


def setup_code_url(f: Fixtures) -> str:
    """The member without a login, now with one opened with a set-up code and no password chosen yet."""
    if Member.objects.get(pk=f.without_login.pk).user_id is None:
        services.create_account_with_code(f.without_login, username="dovangiang", by=SYSTEM)
    return reverse("org:members.setup_code", args=[f.without_login.pk])


def setup_code_issue(f: Fixtures, who: str):
    """How many set-up codes the member's login has been given (each new one replaces the last)."""
    return SetupCode.objects.filter(user__username="dovangiang").values_list("issue", flat=True).first()


def returned_colleague(f: Fixtures) -> Review:
    """The review of the member without a login, returned by the cell: it can be recorded on paper or excluded."""
    review = Review.objects.get(pk=f.colleague.pk)
    if review.status == "submitted":
        review = reviews.return_review(review, reason="Thiếu phần tự đánh giá", by=f.cast.users["secretary"])
    return review


def proposed_colleague(f: Fixtures) -> Review:
    """The review of the member without a login, with the cell's proposal: the superior committee decides it."""
    review = Review.objects.get(pk=f.colleague.pk)
    if not review.cell_level:
        review = reviews.propose_level(review, level="good", comment="", by=f.cast.users["secretary"])
    return review


def review_form(review_pk: int, text: str) -> dict:
    """The editor's form with the first text box filled in, at the review's current version."""
    review = Review.objects.select_related("form").get(pk=review_pk)
    key = next(key for key, spec in form_fields(review.form).items() if spec["kind"] == "text")
    return {"version": review.version, f"a_{key}": text}


PLANNED_TEXT = "Chưa tham gia đủ các buổi học nghị quyết"


def plan_form_data(f: Fixtures, plan: CorrectionPlan) -> dict:
    """What the plan's one form posts to keep `plan` as it is: its measure and step typed again."""
    day = plan.deadline.strftime("%d/%m/%Y")
    return {"version": plan.version, "shortcomings": [item.pk for item in plan.shortcomings.all()], "deadline": day,
            "measures-TOTAL_FORMS": "1", "measures-INITIAL_FORMS": "0", "measures-0-text": "Tham gia đủ các buổi học",
            "measures-0-supervisor": f.cast.members["secretary"].pk, "measures-0-deadline": day,
            "measures-0-steps-TOTAL_FORMS": "1", "measures-0-steps-INITIAL_FORMS": "0",
            "measures-0-steps-0-what": "Học nghị quyết tháng 12", "measures-0-steps-0-due": day}


def draft_plan(f: Fixtures, *, submit: bool = False) -> CorrectionPlan:
    """A plan the member drafted for another shortcoming, with one measure supervised by the secretary and one
    step; `submit`: sent to the cell for approval."""
    plan = CorrectionPlan.objects.filter(shortcomings__text=PLANNED_TEXT).first()
    if plan is None:
        cell, member = f.cast.cell, f.cast.members["member"]
        shortcoming = corrections.record_shortcoming(unit=cell, member=member, text=PLANNED_TEXT,
                                                     by=f.cast.users["secretary"])
        deadline = timezone.localdate() + datetime.timedelta(days=60)
        plan = corrections.create_plan(unit=cell, member=member, shortcomings=[shortcoming], deadline=deadline,
                                       by=SYSTEM)
        measure = corrections.add_measure(plan, text="Tham gia đủ các buổi học", deadline=deadline,
                                          supervisor=f.cast.members["secretary"], by=SYSTEM)
        corrections.add_step(measure, what="Học nghị quyết tháng 12", due=deadline, by=SYSTEM)
    if submit and plan.status == "draft":
        plan = corrections.submit_plan(plan, by=SYSTEM)
    return plan


def unplanned_shortcoming(f: Fixtures) -> Shortcoming:
    existing = Shortcoming.objects.filter(text="Ngại va chạm khi góp ý đồng chí").first()
    return existing or corrections.record_shortcoming(unit=f.cast.cell, member=f.cast.members["member"],
                                                      text="Ngại va chạm khi góp ý đồng chí",
                                                      by=f.cast.users["secretary"])


def reopened_shortcoming(f: Fixtures) -> str:
    """The member's shortcoming sent back by the secretary, so the member may claim the fix again."""
    shortcoming = Shortcoming.objects.get(pk=f.shortcoming.pk)
    if shortcoming.status == "claimed":
        corrections.reopen_fix(shortcoming, reason="Thiếu biên lai tháng 10", by=f.cast.users["secretary"])
    return reverse("corrections:shortcomings.claim", args=[shortcoming.pk])


ONGOING_TITLE = "Sinh hoạt chi bộ đang diễn ra"


def ongoing_meeting(f: Fixtures, *, roll_marked: bool = False) -> Meeting:
    """A meeting of the cell that started ten minutes ago (check-in is open), its conclusions written and a
    document added but not published yet; `roll_marked`: everyone on the roll marked present."""
    meeting = Meeting.objects.filter(unit=f.cast.cell, title=ONGOING_TITLE).first()
    if meeting is None:
        starts = timezone.now() - datetime.timedelta(minutes=10)
        meeting = meetings.schedule_meeting(f.cast.cell, title=ONGOING_TITLE, starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"],
                                            by=SYSTEM)
        meetings.add_document(meeting, title="Báo cáo tháng", upload=SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n"),
                              by=SYSTEM)
        meetings.save_minutes(meeting, conclusions="Thống nhất kế hoạch tháng", by=SYSTEM)
    if roll_marked:
        for line in meeting.attendance.filter(status="unmarked"):
            meetings.mark_attendance(line, status="present", by=f.cast.users["secretary"])
    return meeting


def meeting_url(name: str, meeting: Callable[[Fixtures], Meeting]) -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[meeting(f).pk])


VOTE_TEXT = "Thông qua nghị quyết tháng"


def open_vote(f: Fixtures) -> Motion:
    """A vote open on the meeting under way, everyone on its roll marked present."""
    meeting = ongoing_meeting(f, roll_marked=True)
    return (Motion.objects.filter(meeting=meeting, text=VOTE_TEXT).first()
            or meetings.open_motion(meeting, text=VOTE_TEXT, kind="resolution", by=SYSTEM))


def motion_state(f: Fixtures, who: str) -> object:
    return list(Motion.objects.filter(meeting=ongoing_meeting(f)).order_by("pk")
                .values_list("status", "votes_for", "votes_against", "votes_abstain"))


def roll_of(meeting: Callable[[Fixtures], Meeting]) -> Callable[[Fixtures, str], object]:
    return lambda f, who: sorted(Attendance.objects.filter(meeting=meeting(f)).values_list("pk", "status"))


def meeting_form(f: Fixtures, **changes) -> dict:
    return {"kind": "regular", "title": MEETING_TITLE, "day": "20/12/2026", "starts": "19:30", "ends": "21:30",
            "place": "Nhà văn hóa thôn", "agenda": "Thời sự", **changes}


QUALITY_TITLE = "Sinh hoạt chi bộ đã tổ chức"
QUALITY_JUDGED = {f"criterion_{code}": "yes" for code in ("excused_runs", "preparation", "conduct", "speakers",
                                                           "principles", "results")}


def held_for_quality(f: Fixtures, *, assessed: bool = False) -> Meeting:
    """A regular meeting of the cell that ended two days ago, everyone on its roll present; `assessed`: the cell's
    assessment recorded by its secretary (the commune's committee confirms it: no liaison was named)."""
    meeting = Meeting.objects.filter(unit=f.cast.cell, title=QUALITY_TITLE).first()
    if meeting is None:
        starts = timezone.now() - datetime.timedelta(days=2)
        meeting = meetings.schedule_meeting(f.cast.cell, title=QUALITY_TITLE, starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"],
                                            by=SYSTEM)
        for line in meeting.attendance.filter(status="unmarked"):
            meetings.mark_attendance(line, status="present", by=f.cast.users["secretary"])
    if assessed and not Assessment.objects.filter(meeting=meeting).exists():
        quality.record_assessment(meeting, judged={code.removeprefix("criterion_"): {"met": True}
                                                   for code in QUALITY_JUDGED}, by=f.cast.users["secretary"])
    return meeting


ROSTER_HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Mã chi bộ"


def units_list() -> SimpleUploadedFile:
    return SimpleUploadedFile("don-vi.csv", "Mã đơn vị,Tên đơn vị,Mã loại,Mã đơn vị cấp trên\n"
                              "TN-HA-9,Chi bộ Thôn 9,cell,TN-HA".encode(), content_type="text/csv")


def payments_file(f: Fixtures) -> SimpleUploadedFile:
    dues_recorded(f)
    return SimpleUploadedFile("payments.csv", "Đảng viên,Tháng,Số tiền,Mã giao dịch,Ngày nộp\n"
                              f"{f.cast.members['member'].card_number},10/2026,30000,GD-1,{TODAY}".encode(),
                              content_type="text/csv")


def exchange_file() -> SimpleUploadedFile:
    """A soisua-exchange file (zip of CSV files) adding one member to Chi bộ Thôn 1."""
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("thong-tin.csv", "Khóa,Mục,Giá trị\nkey,item,value\nformat,,soisua-exchange\nversion,,1\n")
        archive.writestr("dang-vien.csv", "Họ và tên,Mã chi bộ,Số thẻ đảng viên\nfull_name,cell_code,card_number\n"
                                          "Nguyễn Văn Hùng,TN-HA-1,20000001\n")
    return SimpleUploadedFile("trao-doi.zip", content.getvalue())


def roster_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", f"{ROSTER_HEADER}\n1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1"
                              .encode(), content_type="text/csv")


def checked_import(f: Fixtures) -> ImportJob:
    """A roster of the cell uploaded by its secretary and checked without errors: ready to confirm."""
    job = ImportJob.objects.filter(original_name="roster.csv").first()
    return job or documents.start_import(unit=f.cast.cell, upload=roster_file(), by=f.cast.users["secretary"])


def member_export(f: Fixtures) -> ExportJob:
    """The cell's roster as CSV, written in the background for a plain member of the cell: theirs alone."""
    job = ExportJob.objects.filter(kind="documents.roster").first()
    return job or documents.start_export(kind="documents.roster", object_id=f.cast.cell.pk, file_format="csv",
                                         total_rows=2, by=f.cast.users["member"])


def export_on_disk(f: Fixtures) -> None:
    """Each test has its own media folder: the export's file is written again where it is missing."""
    job = ExportJob.objects.get(pk=member_export(f).pk)
    if not job.file.storage.exists(job.file.name):
        job.file.storage.save(job.file.name, ContentFile(PROTECTED_NAME.encode()))


def roster_on_disk(f: Fixtures) -> None:
    """Applying a roster deletes its file (it holds personal data), which no rollback brings back."""
    job = checked_import(f)
    if not job.file.storage.exists(job.file.name):
        job.file.storage.save(job.file.name, roster_file())


def unread_for_everyone(f: Fixtures) -> str:
    for who, user in f.cast.users.items():
        if user is not None:
            Notification.objects.get_or_create(recipient=user, event_key=f"matrix-{who}",
                                               defaults={"kind": "meeting", "title": NOTIFICATION_TITLE})
    return reverse("notifications:read_all")


def unread_of(f: Fixtures, who: str):
    user = f.cast.users[who]
    return None if user is None else Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def under_secretary_anonymity(url: Callable[[Fixtures], str]) -> Callable[[Fixtures], str]:
    """The URL in a cycle whose feedback is anonymous to the person: its authors are named to the cell's leadership
    only (the member gave feedback on the secretary's review)."""
    def build(f: Fixtures) -> str:
        Cycle.objects.filter(pk=f.cycle.pk).update(anonymity="secretary")
        return url(f)

    return build


def bare_meeting(f: Fixtures) -> Meeting:
    """A meeting of the cell in six weeks with nothing recorded yet: it may still be cancelled."""
    meeting = Meeting.objects.filter(unit=f.cast.cell, title="Sinh hoạt chuyên đề quý I").first()
    if meeting is None:
        starts = timezone.now() + datetime.timedelta(days=42)
        meeting = meetings.schedule_meeting(f.cast.cell, title="Sinh hoạt chuyên đề quý I", starts_at=starts,
                                            ends_at=starts + datetime.timedelta(minutes=120), agenda=["Chuyên đề"],
                                            by=SYSTEM)
    return meeting


def cell_plans(f: Fixtures, who: str) -> list:
    return list(CellPlan.objects.filter(unit=f.cast.cell).values_list("year", "meeting_day", "place"))



def dues_recorded(f: Fixtures) -> None:
    """The cell records party dues from September (the meeting's sheet offers the months owed)."""
    if not DuesBook.objects.filter(unit=f.cast.cell).exists():
        dues.start_recording(f.cast.cell, month=datetime.date(2026, 9, 1), by=SYSTEM)


# --- the library: the commune's committee publishes a required resolution to its cells ---------------------------
LIBRARY_TITLE = "Nghị quyết về đột phá phát triển khoa học, công nghệ"
LIBRARY_FILE_MARK = b"nghi quyet 57"
# A document of the commune reaches those who read a unit at or under it, and those who cover it from above.
LIBRARY_READERS = ADDRESSED
# Who publishes at the commune and withdraws its documents: its committee, its staff and administrators covering it.
LIBRARY_PUBLISH = WRITE_COMMUNE
LIBRARY_MANAGE = expect(403, 403, 403, 200, 404, 403, 200, 200, 200)
# The study by cell: those who publish, and the leadership and inspectors of the units under it.
LIBRARY_FOLLOW = expect(403, 200, 403, 200, 404, 200, 200, 200, 200)
# The names in Chi bộ Thôn 1: its leadership and those who cover it.
LIBRARY_NAMES = expect(403, 200, 404, 200, 404, 200, 200, 200, 200)
# Members asked to study it (official and probationary members of the cells under the commune) confirm.
LIBRARY_STUDY = expect(302, 302, 302, 403, 404, 403, 403, 403, 403)


def library_document(f: Fixtures) -> LibraryDocument:
    document = LibraryDocument.objects.filter(title=LIBRARY_TITLE).first()
    if document is None:
        document = library.publish_document(
            f.cast.commune, kind="NQ", number="57-NQ/TW", issuer="Bộ Chính trị", issued_on=datetime.date(2024, 12, 22),
            title=LIBRARY_TITLE, upload=SimpleUploadedFile("57-NQ-TW.pdf", b"%PDF-1.4\n" + LIBRARY_FILE_MARK),
            required=True, study_due=datetime.date(2026, 12, 31), by=SYSTEM)
    return document


def library_url(name: str, *extra) -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[library_document(f).pk, *(
        value(f) if callable(value) else value for value in extra)])


def library_session(f: Fixtures, *, linked: bool) -> Meeting:
    """A thematic session of Chi bộ Thôn 1 (with the commune's resolution linked to it when `linked`)."""
    meeting = Meeting.objects.filter(unit=f.cast.cell, title="Chuyên đề Nghị quyết 57").first()
    if meeting is None:
        starts = timezone.now() + datetime.timedelta(days=20)
        meeting = meetings.schedule_meeting(f.cast.cell, kind="thematic", title="Chuyên đề Nghị quyết 57",
                                            starts_at=starts, ends_at=starts + datetime.timedelta(minutes=120),
                                            by=SYSTEM)
    if linked and not SessionDocument.objects.filter(meeting=meeting).exists():
        library.link_document(meeting, library_document(f), by=SYSTEM)
    return meeting


# --- directives: the commune's plan to its cells, and a draft of its next one ----------------------------------
DIRECTIVE_TITLE = "Kế hoạch thực hiện Kết luận 21-KL/TW"
DIRECTIVE_DRAFT_TITLE = "Dự thảo hướng dẫn sinh hoạt chuyên đề"
DIRECTIVE_FILE_MARK = b"ke hoach 75"
REPORT_MARK = b"bien ban sinh hoat chuyen de"


def _directive(f: Fixtures, title: str, *, issue: bool) -> Directive:
    directive = Directive.objects.filter(title=title).first()
    if directive is None:
        directive = directives.create_draft(
            f.cast.commune, kind="KH", number="75" if issue else "76", issuer_symbol="ĐUX",
            issued_on=datetime.date(2026, 11, 20), title=title, target_mode="children",
            tasks=["Tổ chức quán triệt", "Sinh hoạt chuyên đề"], report_dates=[datetime.date(2026, 12, 31)],
            by=SYSTEM)
        if issue:
            directives.add_file(directive, upload=SimpleUploadedFile("75-kh.pdf", b"%PDF-1.4\n" + DIRECTIVE_FILE_MARK),
                                by=SYSTEM)
            directive = directives.issue(directive, version=None, by=SYSTEM)
    return directive


def issued_directive(f: Fixtures) -> Directive:
    return _directive(f, DIRECTIVE_TITLE, issue=True)


def draft_directive(f: Fixtures) -> Directive:
    return _directive(f, DIRECTIVE_DRAFT_TITLE, issue=False)


def cell_receipt(f: Fixtures) -> Receipt:
    return Receipt.objects.get(directive=issued_directive(f), unit=f.cast.cell)


def cell_report(f: Fixtures) -> Report:
    receipt = cell_receipt(f)
    report = receipt.reports.first()
    if report is None:
        directive = receipt.directive
        report = directives.file_report(receipt, key_task=directive.tasks.get(number=1),
                                        period=directive.periods.get(), percent=50, status="in_progress",
                                        evidence=SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n" + REPORT_MARK),
                                        by=SYSTEM)
    return report


def cell_task(f: Fixtures) -> ImplementationTask:
    receipt = cell_receipt(f)
    return receipt.tasks.first() or directives.add_task(receipt, key_task=receipt.directive.tasks.get(number=2),
                                                        text="Sinh hoạt chuyên đề quý I", by=SYSTEM)


def directive_form(f: Fixtures) -> dict:
    return {"kind": "KH", "number": "80", "issuer_symbol": "ĐUX", "issued_on": "20/11/2026", "title": "Kế hoạch mới",
            "tasks": "Nhiệm vụ một\nNhiệm vụ hai", "report_dates": "31/12/2026", "target_mode": "children"}


def file_content(mark: bytes) -> Callable[[HttpResponse, Fixtures, str], None]:
    def check(response: HttpResponse, f: Fixtures, who: str) -> None:
        assert mark in body_bytes(response)
    return check



# --- inspections: the commune's committee supervises Chi bộ Thôn 1 ------------------------------------------------
INSPECTION_CONTENT = "Việc thực hiện nghị quyết chuyên đề của chi bộ"
SELF_REPORT_MARK = b"bao cao tu kiem tra"


ALERT_TEXT = "Tháng không sinh hoạt thường kỳ"


def cell_alert(f: Fixtures) -> Alert:
    """The warning that the cell held no regular meeting in the last months (owned by the commune)."""
    alert = Alert.objects.filter(kind="meetings_missing", unit=f.cast.cell).first()
    if alert is None:
        Unit.objects.filter(pk=f.cast.cell.pk).update(active_from=datetime.date(2015, 1, 1))  # it met for years
        alert_services.evaluate(by=SYSTEM, today=datetime.date(2026, 11, 20), checks=["meetings_missing"])
        alert = Alert.objects.get(kind="meetings_missing", unit=f.cast.cell)
    return alert


def current_rule(f: Fixtures) -> Rule:
    return Rule.objects.get(kind="corrections_overdue", current=True)


def inspection_of_cell(f: Fixtures, state: str) -> Inspection:
    """The commune's supervision of the cell: "planned", "notified" (with a self-report and one remedy asked) or
    "concluded"."""
    content = f"{INSPECTION_CONTENT} ({state})"
    inspection = Inspection.objects.filter(content=content).first()
    if inspection is None:
        inspection = oversight.plan_inspection(
            f.cast.commune, year=2026, kind="thematic_supervision", subject_unit=f.cast.cell, content=content,
            period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 12, 15),
            team=[f.cast.users["parent_staff"]], by=SYSTEM)
        if state != "planned":
            oversight.notify_subject(inspection, by=SYSTEM)
            oversight.submit_self_report(inspection, text="Chi bộ tự kiểm tra", by=SYSTEM, upload=SimpleUploadedFile(
                "tu-kiem-tra.pdf", b"%PDF-1.4\n" + SELF_REPORT_MARK))
            oversight.add_remedy(inspection, text="Bổ sung lộ trình", deadline=datetime.date(2027, 3, 31), by=SYSTEM)
        if state == "concluded":
            oversight.conclude(inspection, number="05-KL/ĐUX", date=datetime.date(2026, 11, 20),
                               conclusion="Chi bộ thực hiện còn chậm", by=SYSTEM)
    return Inspection.objects.get(pk=inspection.pk)


def inspection_url(name: str, state: str, *args) -> Callable[[Fixtures], str]:
    return lambda f: reverse(name, args=[inspection_of_cell(f, state).pk, *args])


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
    "org:units.edit": Case(unit_url("org:units.edit"), ADMINISTER_CELL, post=succeeds(ADMINISTER_CELL),
                           shows='value="TN-HA-1"',
                           data=lambda f: {"kind": f.cast.cell.kind_id, "code": "TN-HA-1", "name": "Chi bộ Thôn Một",
                                           "version": Unit.objects.get(pk=f.cast.cell.pk).version},
                           effect=value(Unit, lambda f: f.cast.cell.pk, "name")),
    "org:units.create": Case(unit_url("org:units.create", "commune"), ADMINISTER_COMMUNE,
                             post=succeeds(ADMINISTER_COMMUNE), shows='name="code"',
                             data=lambda f: {"kind": UnitKind.objects.get(code="cell").pk, "code": "TN-HA-4",
                                             "name": "Chi bộ Thôn 4"},
                             effect=rows(Unit, parent=lambda f: f.cast.commune)),
    # Moving takes administering the unit's parent and the new parent (here a section committee of the commune).
    "org:units.move": Case(lambda f: moving_target(f) and reverse("org:units.move", args=[f.cast.cell.pk]),
                           ADMINISTER_CELL, post=succeeds(ADMINISTER_CELL), shows='name="new_parent"',
                           data=lambda f: {"new_parent": moving_target(f).pk},
                           effect=value(Unit, lambda f: f.cast.cell.pk, "parent_id", "path")),
    # The unit's trail names who exported personal data: its leadership, the levels above and inspectors.
    "org:units.history": [
        Case(unit_url("org:units.history"), expect(403, 200, 404, 200, 404, 200, 200, 200, 200),
             shows="Chi bộ Thôn 1"),
        Case(unit_url("org:units.history", "commune"), READ_COMMUNE, shows="Đảng ủy xã Hòa An"),
    ],
    # Granting the sibling cell's member the inspector's role on the cell (who may grant what to whom, escalation
    # included, is tested role by role in tests/org/test_escalation_matrix.py).
    "org:units.grants": Case(unit_url("org:units.grants"), ADMINISTER_CELL, post=succeeds(ADMINISTER_CELL),
                             shows=">secretary<", data={"username": "sibling", "role": Role.INSPECTOR},
                             effect=rows(RoleGrant, unit=lambda f: f.cast.cell)),
    "org:units.grants.revoke": Case(
        lambda f: reverse("org:units.grants.revoke", args=[f.cast.cell.pk, f.secretary_grant_id]),
        LOGIN_THEN_405, post=succeeds(ADMINISTER_CELL),
        post_redirect=lambda f: reverse("org:units.grants", args=[f.cast.cell.pk]),
        effect=rows(RoleGrant, unit=lambda f: f.cast.cell)),
    # A lost phone: those who administer the cell reset its secretary's second factor (never their own).
    "org:units.grants.reset_two_factor": Case(
        lambda f: give_authenticator(f.cast.users["secretary"]) and reverse(
            "org:units.grants.reset_two_factor", args=[f.cast.cell.pk, f.secretary_grant_id]),
        LOGIN_THEN_405, post=succeeds(ADMINISTER_CELL),
        post_redirect=lambda f: reverse("org:units.grants", args=[f.cast.cell.pk]),
        effect=lambda f, who: devices_of(f.cast.users["secretary"])),
    # Standing in for a committee is an administrator's power (and a superuser's), with a reason.
    "org:units.stand_in": Case(unit_url("org:units.stand_in", "commune"), STAND_IN, post=succeeds(STAND_IN),
                               data={"reason": "Ban thường vụ xã vắng mặt cả tuần"},
                               effect=rows(StandIn, unit=lambda f: f.cast.commune)),
    # Only the administrator standing in ends the stand-in; for another administrator it does not exist.
    "org:units.stand_in.end": Case(
        lambda f: reverse("org:units.stand_in.end", args=[f.cast.commune.pk, admin_stand_in(f).pk]),
        LOGIN_THEN_405, post=STAND_IN | {"admin": 302, "superuser": 404},
        effect=lambda f, who: StandIn.objects.filter(ends_at__gt=timezone.now()).count()),
    "org:members.create": Case(unit_url("org:members.create"), WRITE_CELL, post=succeeds(WRITE_CELL),
                               shows='name="full_name"', data={"full_name": "Vũ Thị Hạnh", "status": "official"},
                               effect=rows(Member, cell=lambda f: f.cast.cell)),
    "org:members.search": [
        Case(lambda f: reverse("org:members.search") + "?q=tran+thi", LOGGED_IN, shows=PROTECTED_NAME,
             shown_to=CELL_READERS),
        Case(lambda f: reverse("org:members.search") + f"?q=tran+thi&unit={f.cast.cell.pk}", READ_CELL,
             shows=PROTECTED_NAME),
    ],
    "org:members.detail": [
        Case(member_url("org:members.detail"), READ_CELL, shows="0912345678"),
        # A colleague's page: everyone in the cell reads it, personal data only for managers and inspectors.
        Case(member_url("org:members.detail", "secretary"), READ_CELL, shows=COLLEAGUE_PHONE,
             shown_to=CELL_READERS - {"member"}),
    ],
    "org:members.edit": Case(member_url("org:members.edit"), WRITE_CELL, post=succeeds(WRITE_CELL),
                             shows=f'value="{PROTECTED_NAME}"',
                             data=lambda f: {"full_name": PROTECTED_NAME, "phone": "0912 000 111",
                                             "citizen_id": "001190000001",
                                             "card_number": f.cast.members["member"].card_number,
                                             "version": Member.objects.get(pk=f.cast.members["member"].pk).version},
                             effect=value(Member, lambda f: f.cast.members["member"].pk, "phone")),
    # The secretary writes only their own cell: the sibling cell is not among the choices, and the form refuses.
    "org:members.transfer": Case(member_url("org:members.transfer"), WRITE_CELL,
                                 post=succeeds(WRITE_CELL) | {"secretary": 200}, shows='name="to_cell"',
                                 data=lambda f: {"to_cell": f.cast.sibling_cell.pk, "on": TODAY,
                                                 "reason": "Chuyển nơi cư trú"},
                                 effect=value(Member, lambda f: f.cast.members["member"].pk, "cell_id")),
    "org:members.status": Case(member_url("org:members.status"), WRITE_CELL, post=succeeds(WRITE_CELL),
                               shows='name="status"', data={"status": "exempt", "on": TODAY, "reason": "Tuổi cao"},
                               effect=value(Member, lambda f: f.cast.members["member"].pk, "status")),
    "org:members.post": Case(member_url("org:members.post"), WRITE_CELL, post=succeeds(WRITE_CELL),
                             shows='name="kind"', data={"kind": "group_leader", "started_on": TODAY},
                             effect=rows(Post, member=lambda f: f.cast.members["member"])),
    "org:members.post_end": Case(
        lambda f: reverse("org:members.post_end", args=[f.cast.members["secretary"].pk,
                                                        f.cast.members["secretary"].posts.get().pk]),
        # The secretary's post comes with the secretary role: ending it takes the power to remove that role, which
        # the elected committee and the secretary herself do not have (the refusal comes back as a message).
        LOGIN_THEN_405, post=succeeds(WRITE_CELL) | {"secretary": Kept(302), "committee": Kept(302)},
        post_redirect=lambda f: reverse("org:members.detail", args=[f.cast.members["secretary"].pk]),
        effect=lambda f, who: list(Post.objects.filter(member=f.cast.members["secretary"])
                                   .values_list("ended_on", flat=True))),
    "org:members.account": Case(account_url, WRITE_CELL, post=succeeds(WRITE_CELL), shows=WITHOUT_LOGIN_NAME,
                                data={"username": "dovangiang"},
                                effect=value(Member, lambda f: f.without_login.pk, "user_id")),
    # A new set-up code: the same power as opening the login; the code is shown on the answer itself.
    "org:members.setup_code": Case(setup_code_url, LOGIN_THEN_405, post=succeeds(WRITE_CELL, 200), done=200,
                                   effect=setup_code_issue),
    # A member's trail: the member themself, and those who see the cell's personal data; never a colleague.
    "org:members.history": [
        Case(member_url("org:members.history", "secretary"), PERSONAL_OF_COLLEAGUE, shows="Lê Văn Cường"),
        Case(member_url("org:members.history"), READ_CELL, shows=PROTECTED_NAME),
    ],
    # --- reviews: rule sets are readable by every login; only installation administrators (the province's
    # administrator, superusers) copy, edit or publish them ---------------------------------------------------
    "reviews:rules.list": Case(lambda f: reverse("reviews:rules.list"), LOGGED_IN, shows="366-QĐ/TW"),
    "reviews:rules.detail": Case(lambda f: reverse("reviews:rules.detail", args=[shipped_rule_set().pk]), LOGGED_IN,
                                 shows="CT-1"),
    "reviews:rules.changes": Case(lambda f: reverse("reviews:rules.changes", args=[
        RuleSet.objects.get(code="2025.2").pk]), LOGGED_IN, shows="CT-2"),
    "reviews:rules.copy": Case(lambda f: reverse("reviews:rules.copy", args=[shipped_rule_set().pk]),
                               INSTALLATION_ADMIN, post=succeeds(INSTALLATION_ADMIN),
                               data={"code": "copy", "name": "Bản sao"}, effect=rows(RuleSet)),
    "reviews:rules.publish": Case(lambda f: reverse("reviews:rules.publish", args=[draft_rule_set().pk]),
                                  LOGIN_THEN_405, post=succeeds(INSTALLATION_ADMIN),
                                  effect=lambda f, who: draft_rule_set().status),
    "reviews:rules.thresholds": Case(lambda f: reverse("reviews:rules.thresholds", args=[draft_rule_set().pk]),
                                     INSTALLATION_ADMIN, post=succeeds(INSTALLATION_ADMIN), data=thresholds,
                                     effect=lambda f, who: draft_rule_set().quota_percent),
    "reviews:rules.item_edit": Case(
        lambda f: reverse("reviews:rules.item_edit", args=[
            ChecklistItem.objects.filter(checklist__rule_set=draft_rule_set()).order_by("pk").first().pk]),
        INSTALLATION_ADMIN, post=succeeds(INSTALLATION_ADMIN),
        data={"text": "Khác", "check": "same", "against_title": "Toàn văn", "against_publisher": "Báo Nhân Dân"},
        effect=lambda f, who: ChecklistItem.objects.filter(checklist__rule_set=draft_rule_set()).order_by("pk")
        .values_list("text", "verified").first()),
    # --- reviews: cycles are seen by everyone inside the unit that opened them; its committee, staff and
    # administrators open, remind and close them
    "reviews:cycles.list": Case(unit_url("reviews:cycles.list"), READ_CELL, shows=CYCLE_TITLE),
    "reviews:cycles.create": Case(unit_url("reviews:cycles.create", "commune"), WRITE_COMMUNE,
                                  post=succeeds(WRITE_COMMUNE), shows='name="self_review_due"',
                                  data=lambda f: {"title": "Kiểm điểm quý IV", "kind": "quarter",
                                                  "period_start": "01/10/2026", "period_end": "31/12/2026",
                                                  "self_review_due": "10/12/2026", "appraisal_due": "20/12/2026",
                                                  "decision_due": "31/12/2026", "rule_set": shipped_rule_set().pk,
                                                  "anonymity": "named", "enforce_order": "on"},
                                  effect=rows(Cycle)),
    "reviews:cycles.detail": Case(lambda f: reverse("reviews:cycles.detail", args=[f.cycle.pk]),
                                  expect(200, 200, 200, 200, 404, 200, 200, 200, 200), shows=CYCLE_TITLE),
    # Reminders go to the member whose review is still a draft.
    "reviews:cycles.remind": Case(lambda f: reverse("reviews:cycles.remind", args=[f.cycle.pk, f.cast.cell.pk]),
                                  LOGIN_THEN_405, post=succeeds(WRITE_CELL),
                                  effect=lambda f, who: Notification.objects.filter(
                                      recipient=f.cast.users["member"]).count()),
    "reviews:cycles.close": Case(lambda f: reverse("reviews:cycles.close", args=[f.cycle.pk]), LOGIN_THEN_405,
                                 post=expect(403, 403, 403, 302, 404, 403, 302, 302, 302),
                                 effect=value(Cycle, lambda f: f.cycle.pk, "status")),
    # --- reviews: a draft is its author's alone; a submitted review is read by the cell, the superior committee
    # and the inspectors above; the cell's leadership appraises, the superior committee decides
    "reviews:cycles.unit": Case(lambda f: reverse("reviews:cycles.unit", args=[f.cycle.pk, f.cast.cell.pk]),
                                READ_CELL, shows="Lê Văn Cường"),
    # The review points a committee sent down, followed by that committee (and those managing reviews above it).
    "reviews:cycles.prompts": Case(lambda f: reverse("reviews:cycles.prompts", args=[f.cycle.pk, f.cast.commune.pk]),
                                   WRITE_COMMUNE, shows=CYCLE_TITLE),
    # Feedback on the superior committee comes from the members of the cell below it, nobody else.
    "reviews:cycles.superior_feedback": Case(
        lambda f: reverse("reviews:cycles.superior_feedback", args=[f.cycle.pk, f.cast.cell.pk]),
        expect(200, 200, 404, 404, 404, 404, 404, 404, 404), post=expect(302, 302, 404, 404, 404, 404, 404, 404, 404),
        shows='name="text"', data={"kind": "suggestion", "text": "Đảng ủy xã nên về dự sinh hoạt thường xuyên hơn"},
        effect=rows(Feedback, superior=lambda f: f.cast.commune)),
    "reviews:reviews.mine": Case(lambda f: reverse("reviews:reviews.mine"), LOGGED_IN, shows=CYCLE_TITLE,
                                 shown_to=frozenset({"member", "secretary", "sibling"})),
    "reviews:reviews.detail": [
        Case(review_url("reviews:reviews.detail"), READ_REVIEW, shows=REVIEW_TEXT),
        Case(review_url("reviews:reviews.detail", "draft"), AUTHOR_ONLY, shows=DRAFT_TEXT),
        # Feedback anonymous to the person: its author is named to the cell's leadership only, never to the levels
        # above, administrators or superusers.
        Case(under_secretary_anonymity(review_url("reviews:reviews.detail")), READ_REVIEW, shows=PROTECTED_NAME,
             shown_to=frozenset({"secretary"})),
    ],
    "reviews:reviews.document": [
        Case(lambda f: reverse("reviews:reviews.document", args=[f.submitted.pk, "docx"]), READ_REVIEW,
             check=file_shows(office_text, DOCX, lambda f: REVIEW_TEXT)),
        Case(lambda f: reverse("reviews:reviews.document", args=[f.draft.pk, "pdf"]), AUTHOR_ONLY,
             check=file_shows(pdf_text, PDF, lambda f: "BẢN KIỂM ĐIỂM CÁ NHÂN")),
        Case(under_secretary_anonymity(lambda f: reverse("reviews:reviews.document", args=[f.submitted.pk, "docx"])),
             READ_REVIEW, check=file_shows(office_text, DOCX, lambda f: PROTECTED_NAME,
                                           shown_to=frozenset({"secretary"}))),
    ],
    "reviews:cycles.summary": Case(lambda f: reverse("reviews:cycles.summary", args=[f.cycle.pk, f.cast.cell.pk,
                                                                                     "xlsx"]),
                                   WRITE_CELL, check=file_shows(office_text, XLSX, lambda f: "Lê Văn Cường")),
    "reviews:cycles.results": Case(lambda f: reverse("reviews:cycles.results", args=[f.cycle.pk, "xlsx"]),
                                   expect(403, 403, 403, 200, 404, 403, 200, 200, 200),
                                   check=file_shows(office_text, XLSX, lambda f: "Chi bộ Thôn 1")),
    "reviews:reviews.edit": Case(review_url("reviews:reviews.edit", "draft"), AUTHOR_ONLY,
                                 post=succeeds(AUTHOR_ONLY), shows=DRAFT_TEXT,
                                 data=lambda f: review_form(f.draft.pk, "Bản nháp đã sửa"),
                                 effect=value(Review, lambda f: f.draft.pk, "answers", "version")),
    "reviews:reviews.autosave": Case(review_url("reviews:reviews.autosave", "draft"), LOGIN_THEN_405,
                                     post=AUTHOR_ONLY, done=200,
                                     data=lambda f: review_form(f.draft.pk, "Bản nháp tự lưu"),
                                     effect=value(Review, lambda f: f.draft.pk, "answers", "version")),
    "reviews:reviews.submit": Case(review_url("reviews:reviews.submit", "draft"), LOGIN_THEN_405,
                                   post=succeeds(AUTHOR_ONLY),
                                   effect=value(Review, lambda f: f.draft.pk, "status")),
    "reviews:shortcomings.create": Case(review_url("reviews:shortcomings.create", "draft"), AUTHOR_ONLY,
                                        post=succeeds(AUTHOR_ONLY), shows='name="cause"',
                                        data={"text": "Còn nể nang khi góp ý", "cause": "subjective"},
                                        effect=rows(Shortcoming, review=lambda f: f.draft)),
    "reviews:shortcomings.edit": Case(lambda f: reverse("reviews:shortcomings.edit", args=[
        f.draft.shortcomings.get().pk]), AUTHOR_ONLY, post=succeeds(AUTHOR_ONLY), shows=SHORTCOMING_TEXT,
        data={"text": "Chưa mạnh dạn phát biểu, góp ý trong sinh hoạt", "cause": "subjective"},
        effect=lambda f, who: list(f.draft.shortcomings.values_list("text", flat=True))),
    "reviews:shortcomings.remove": Case(lambda f: reverse("reviews:shortcomings.remove", args=[
        f.draft.shortcomings.get().pk]), LOGIN_THEN_405, post=succeeds(AUTHOR_ONLY),
        effect=rows(Shortcoming, review=lambda f: f.draft)),
    "reviews:reviews.return": Case(review_url("reviews:reviews.return", "colleague"), APPRAISE,
                                   post=succeeds(APPRAISE), shows='name="reason"',
                                   data={"reason": "Cần bổ sung phần tự đánh giá"},
                                   effect=value(Review, lambda f: f.colleague.pk, "status")),
    # A member without a login: the cell's own leadership records the paper review or excludes it (once the cell
    # returned it; a submitted review is no longer the cell's to record).
    "reviews:reviews.on_paper": [
        Case(lambda f: reverse("reviews:reviews.on_paper", args=[returned_colleague(f).pk]), LEAD_CELL,
             post=succeeds(LEAD_CELL), data={"paper_on": "18/11/2026"}, shows=WITHOUT_LOGIN_NAME,
             effect=value(Review, lambda f: f.colleague.pk, "status", "paper_on")),
        Case(review_url("reviews:reviews.on_paper", "colleague"), LEAD_CELL, post=LEAD_CELL,
             data={"paper_on": "18/11/2026"}, shows=WITHOUT_LOGIN_NAME,
             effect=value(Review, lambda f: f.colleague.pk, "status", "paper_on")),
    ],
    "reviews:reviews.exclude": Case(lambda f: reverse("reviews:reviews.exclude", args=[returned_colleague(f).pk]),
                                    LEAD_CELL, post=succeeds(LEAD_CELL), data={"reason": "Đi làm ăn xa"},
                                    shows=WITHOUT_LOGIN_NAME,
                                    effect=value(Review, lambda f: f.colleague.pk, "status")),
    "reviews:reviews.propose": Case(review_url("reviews:reviews.propose", "colleague"), APPRAISE,
                                    post=succeeds(APPRAISE), shows='name="level"',
                                    data={"level": "good", "comment": "Hoàn thành tốt nhiệm vụ"},
                                    effect=value(Review, lambda f: f.colleague.pk, "cell_level")),
    "reviews:reviews.decide": Case(lambda f: reverse("reviews:reviews.decide", args=[proposed_colleague(f).pk]),
                                   DECIDE, post=succeeds(DECIDE), shows='name="override_reason"',
                                   data={"level": "good", "override_reason": "Chi bộ đã giải trình"},
                                   effect=value(Review, lambda f: f.colleague.pk, "decided_level")),
    "reviews:reviews.cancel": Case(review_url("reviews:reviews.cancel", "colleague"), DECIDE, post=succeeds(DECIDE),
                                   shows='name="reason"', data={"reason": "Chi bộ đánh giá chưa đúng quy trình"},
                                   effect=value(Review, lambda f: f.colleague.pk, "status")),
    "reviews:prompts.create": Case(review_url("reviews:prompts.create", "draft"), SUPERIOR_ON_DRAFT,
                                   post=succeeds(SUPERIOR_ON_DRAFT), shows='name="text"',
                                   data={"text": "Làm rõ việc chậm đóng đảng phí"},
                                   effect=rows(ReviewPrompt, review=lambda f: f.draft)),
    "reviews:feedback.create": Case(review_url("reviews:feedback.create"), LOGIN_THEN_405,
                                    post=expect(302, 403, 404, 403, 404, 403, 403, 403, 403),
                                    data={"kind": "suggestion", "text": "Góp ý thêm"},
                                    effect=rows(Feedback, review=lambda f: f.submitted)),
    "reviews:feedback.respond": Case(lambda f: reverse("reviews:feedback.respond", args=[f.feedback.pk]),
                                     APPRAISE, post=succeeds(APPRAISE), shows=FEEDBACK_TEXT,
                                     data={"response": "accept", "text": "Tôi sẽ lắng nghe nhiều hơn"},
                                     effect=value(Feedback, lambda f: f.feedback.pk, "response")),
    # --- corrections: a member's shortcoming is seen by its owner, the cell's leadership, its supervisors and the
    # levels above; the owner reports, supervisors and committees verify, never the owner
    "corrections:mine": Case(lambda f: reverse("corrections:mine"), LOGGED_IN, shows=CORRECTION_TEXT,
                             shown_to=frozenset({"member", "secretary"})),
    "corrections:units.board": Case(unit_url("corrections:units.board"),
                                    expect(403, 200, 404, 200, 404, 200, 200, 200, 200), shows=CORRECTION_TEXT),
    "corrections:shortcomings.create": Case(unit_url("corrections:shortcomings.create"), LEAD_CELL,
                                            post=succeeds(LEAD_CELL), shows='name="severity"',
                                            data=lambda f: {"member": f.cast.members["member"].pk,
                                                            "text": "Đi họp muộn nhiều lần", "cause": "subjective",
                                                            "severity": "minor",
                                                            "responsibility_kind": "individual",
                                                            "source": "meeting"},
                                            effect=rows(Shortcoming, unit=lambda f: f.cast.cell)),
    "corrections:shortcomings.detail": Case(correction_url("corrections:shortcomings.detail"), READ_CELL,
                                            shows=CORRECTION_TEXT),
    "corrections:shortcomings.progress": Case(correction_url("corrections:shortcomings.progress"), LOGIN_THEN_405,
                                              post=OWNER_ACTS, data={"note": "Đã làm"},
                                              effect=rows(ProgressEntry, shortcoming=lambda f: f.shortcoming)),
    "corrections:shortcomings.claim": Case(reopened_shortcoming, LOGIN_THEN_405, post=OWNER_ACTS,
                                           data={"note": "Đã nộp bù"},
                                           effect=value(Shortcoming, lambda f: f.shortcoming.pk, "status")),
    "corrections:shortcomings.verify": Case(correction_url("corrections:shortcomings.verify"), LOGIN_THEN_405,
                                            post=VERIFIER_ACTS,
                                            effect=value(Shortcoming, lambda f: f.shortcoming.pk, "status")),
    "corrections:shortcomings.reopen": Case(correction_url("corrections:shortcomings.reopen"), LOGIN_THEN_405,
                                            post=VERIFIER_ACTS, data={"note": "Chưa đủ"},
                                            effect=value(Shortcoming, lambda f: f.shortcoming.pk, "status")),
    "corrections:shortcomings.comment": Case(correction_url("corrections:shortcomings.comment"), LOGIN_THEN_405,
                                             post=VERIFIER_ACTS, data={"note": "Cố gắng"},
                                             effect=rows(ProgressEntry, shortcoming=lambda f: f.shortcoming)),
    "corrections:evidence.download": Case(
        lambda f: reverse("corrections:evidence.download", args=[f.shortcoming.progress.get(kind="update").pk]),
        READ_CELL, check=lambda response, f, who: _assert_evidence(response)),
    "corrections:plans.create": Case(lambda f: reverse("corrections:plans.create", args=[
        unplanned_shortcoming(f).pk]), OWNER_ONLY, post=succeeds(OWNER_ONLY), shows='name="deadline"',
        data=lambda f: {"shortcomings": [unplanned_shortcoming(f).pk], "deadline": "20/01/2027"},
        effect=rows(CorrectionPlan, member=lambda f: f.cast.members["member"])),
    "corrections:plans.detail": [
        Case(lambda f: reverse("corrections:plans.detail", args=[f.shortcoming.plans.get().pk]), READ_CELL,
             post=NOT_EDITABLE, shows="Nộp biên lai", data={"text": "Thêm biện pháp"},
             effect=rows(Measure, plan=lambda f: f.shortcoming.plans.get())),
        # A draft: its owner adds measures.
        Case(lambda f: reverse("corrections:plans.detail", args=[draft_plan(f).pk]), READ_CELL,
             post=succeeds(OWNER_ONLY), shows="Tham gia đủ các buổi học",
             data=lambda f: {"text": "Tự học thêm qua ứng dụng", "supervisor": f.cast.members["secretary"].pk,
                             "deadline": "10/01/2027"},
             effect=rows(Measure, plan=draft_plan)),
    ],
    # The plan on one page: its owner rewrites a draft, measures and steps together.
    "corrections:plans.edit": Case(lambda f: reverse("corrections:plans.edit", args=[draft_plan(f).pk]), OWNER_ONLY,
                                   post=succeeds(OWNER_ONLY), shows='name="measures-0-text"',
                                   data=lambda f: plan_form_data(f, draft_plan(f)),
                                   effect=value(CorrectionPlan, lambda f: draft_plan(f).pk, "version")),
    "corrections:plans.document": [
        Case(lambda f: reverse("corrections:plans.document", args=[f.shortcoming.plans.get().pk, "docx"]),
             READ_CELL, check=file_shows(office_text, DOCX, lambda f: CORRECTION_TEXT)),
        Case(lambda f: reverse("corrections:plans.document", args=[f.shortcoming.plans.get().pk, "pdf"]),
             READ_CELL, check=file_shows(pdf_text, PDF, lambda f: CORRECTION_TEXT)),
    ],
    # The unit's open corrections as a spreadsheet: those who see its board (its leadership and the levels above).
    "corrections:units.export": Case(lambda f: reverse("corrections:units.export", args=[f.cast.cell.pk, "xlsx"]),
                                   expect(403, 200, 404, 200, 404, 200, 200, 200, 200),
                                   check=file_shows(office_text, XLSX, lambda f: CORRECTION_TEXT)),
    "corrections:plans.submit": [
        Case(lambda f: reverse("corrections:plans.submit", args=[f.shortcoming.plans.get().pk]), LOGIN_THEN_405,
             post=NOT_EDITABLE, effect=value(CorrectionPlan, lambda f: f.shortcoming.plans.get().pk, "status")),
        Case(lambda f: reverse("corrections:plans.submit", args=[draft_plan(f).pk]), LOGIN_THEN_405,
             post=OWNER_ACTS, effect=value(CorrectionPlan, lambda f: draft_plan(f).pk, "status")),
    ],
    # The cell's leadership approves a member's plan (the committee above approves the collective's).
    "corrections:plans.decide": [
        Case(lambda f: reverse("corrections:plans.decide", args=[f.shortcoming.plans.get().pk]), LOGIN_THEN_405,
             post=NOT_EDITABLE, data={"decision": "approve"},
             effect=value(CorrectionPlan, lambda f: f.shortcoming.plans.get().pk, "status")),
        Case(lambda f: reverse("corrections:plans.decide", args=[draft_plan(f, submit=True).pk]), LOGIN_THEN_405,
             post=LEAD_CELL_ACTS, data={"decision": "approve"},
             effect=value(CorrectionPlan, lambda f: draft_plan(f).pk, "status")),
    ],
    "corrections:steps.create": [
        Case(lambda f: reverse("corrections:steps.create", args=[f.shortcoming.plans.get().measures.get().pk]),
             LOGIN_THEN_405, post=NOT_EDITABLE, data={"what": "Nộp thêm", "due": "10/01/2027"},
             effect=rows(RoadmapStep, measure__plan=lambda f: f.shortcoming.plans.get())),
        Case(lambda f: reverse("corrections:steps.create", args=[draft_plan(f).measures.get().pk]),
             LOGIN_THEN_405, post=OWNER_ACTS, data={"what": "Học nghị quyết tháng 1", "due": "10/01/2027"},
             effect=rows(RoadmapStep, measure__plan=draft_plan)),
    ],
    # --- meetings: the cell and the levels above read them; the cell's leadership runs them
    "meetings:list": Case(unit_url("meetings:list"), READ_CELL, shows=MEETING_TITLE),
    "meetings:create": Case(unit_url("meetings:create"), LEAD_CELL, post=succeeds(LEAD_CELL), shows='name="agenda"',
                            data=meeting_form(None, title="Sinh hoạt chi bộ tháng 1", day="05/01/2027"),
                            effect=rows(Meeting, unit=lambda f: f.cast.cell)),
    # Its step "during" names the people on the roll.
    "meetings:detail": Case(lambda f: reverse("meetings:detail", args=[f.meeting.pk]) + "?step=during", READ_CELL,
                            shows=PROTECTED_NAME),
    "meetings:check_in_screen": Case(lambda f: reverse("meetings:check_in_screen", args=[f.meeting.pk]),
                                     LEAD_CELL, shows='id="check-in-code"'),
    # Checking in to the meeting under way with the code on the screen: those on its roll are marked; the others
    # who read the cell are told they are not on it.
    "meetings:check_in": Case(meeting_url("meetings:check_in", ongoing_meeting), READ_CELL,
                              post=succeeds(READ_CELL) | dict.fromkeys(CELL_READERS - {"member", "secretary"},
                                                                       Kept(200)),
                              shows=ONGOING_TITLE,
                              data=lambda f: {"code": meetings.check_in_code(ongoing_meeting(f))},
                              effect=roll_of(ongoing_meeting)),
    # Votes: whoever reads the cell follows them; the cell's leadership (or the chair) opens and closes them; those
    # on the roll vote (the others who read the cell are refused).
    "meetings:votes": Case(meeting_url("meetings:votes", ongoing_meeting), READ_CELL, post=LEAD_CELL_ACTS,
                           shows=ONGOING_TITLE, data={"text": "Thông qua kế hoạch quý", "kind": "resolution"},
                           effect=motion_state),
    "meetings:motion.vote": Case(lambda f: reverse("meetings:motion.vote", args=[open_vote(f).pk]), LOGIN_THEN_405,
                                 post=expect(302, 302, 404, 403, 404, 403, 403, 403, 403), data={"choice": "for"},
                                 effect=motion_state),
    "meetings:motion.close": Case(lambda f: reverse("meetings:motion.close", args=[open_vote(f).pk]),
                                  LOGIN_THEN_405, post=LEAD_CELL_ACTS, effect=motion_state),
    "meetings:mine": Case(lambda f: reverse("meetings:mine"), LOGGED_IN, shows=MEETING_TITLE,
                          shown_to=frozenset({"member", "secretary"})),
    "meetings:feed.create": Case(lambda f: reverse("meetings:feed.create"), LOGIN_THEN_405,
                                 post=everyone(302, anonymous=LOGIN),
                                 effect=of_user(CalendarFeed, values=("token",))),
    # The calendar link is its own key (a calendar application cannot log in); it shows the owner's meetings.
    "meetings:feed": Case(lambda f: reverse("meetings:feed", args=[f.meeting_extras["feed"].token]), everyone(200),
                          shows=MEETING_TITLE),
    "meetings:plan": Case(unit_url("meetings:plan"), READ_CELL, post=succeeds(LEAD_CELL), shows=TOPIC_TITLE,
                          data={"meeting_day": "5", "meeting_time": "19:00", "place": "Hội trường thôn"},
                          effect=cell_plans),
    # The year's regular meetings from the cell's plan (this month's is missing).
    "meetings:plan.generate": Case(unit_url("meetings:plan.generate"), LOGIN_THEN_405, post=LEAD_CELL_ACTS,
                                   effect=rows(Meeting, unit=lambda f: f.cast.cell)),
    "meetings:topics": Case(unit_url("meetings:topics", "commune"), READ_COMMUNE, post=succeeds(WRITE_COMMUNE),
                            shows=TOPIC_TITLE, data={"title": "Chuyển đổi số trong sinh hoạt chi bộ"},
                            effect=rows(Topic, unit=lambda f: f.cast.commune)),
    "meetings:topic_plan": Case(unit_url("meetings:topic_plan", "commune"), READ_COMMUNE,
                                post=succeeds(WRITE_COMMUNE), shows=TOPIC_TITLE,
                                data=lambda f: {"topics": [Topic.objects.get(title=TOPIC_TITLE).pk],
                                                "note": "Ưu tiên quý I", "publish": "on"},
                                effect=lambda f, who: list(TopicPlan.objects.filter(unit=f.cast.commune)
                                                           .values_list("note", flat=True))),
    # The world's meeting is still to come, and statistics count only meetings that have begun: the page names the
    # cell, not yet its members.
    "meetings:statistics": Case(unit_url("meetings:statistics"), READ_CELL, shows="Chi bộ Thôn 1"),
    "meetings:attendance_export": Case(lambda f: reverse("meetings:attendance_export", args=[f.cast.cell.pk, "xlsx"]),
                                       READ_CELL, check=file_shows(office_text, XLSX, lambda f: "Chi bộ Thôn 1")),
    # --- meetings: the rule versions are the installation administrators'; a committee's lower minimum for its
    # small cells is read by whoever reads the committee and set or ended by those who manage its subtree -------
    "meetings:rules": Case(lambda f: reverse("meetings:rules"), INSTALLATION_ADMIN, shows="42-HD/BTCTW"),
    "meetings:rules.copy": Case(lambda f: reverse("meetings:rules.copy", args=[shipped_meeting_rules().pk]),
                                LOGIN_THEN_405, post=succeeds(INSTALLATION_ADMIN), effect=rows(MeetingRules)),
    "meetings:rules.edit": Case(lambda f: reverse("meetings:rules.edit", args=[draft_meeting_rules().pk]),
                                INSTALLATION_ADMIN, post=succeeds(INSTALLATION_ADMIN),
                                data=lambda f: {"code": "2027", "name": "Quy định 2027", "in_force_from": "01/01/2027",
                                                "regular_min_minutes": "95", "combined_min_minutes": "120",
                                                "documents_days_before": "2", "thematic_per_quarter": "1"},
                                effect=lambda f, who: MeetingRules.objects.filter(pk=draft_meeting_rules().pk)
                                .values_list("code", "regular_min_minutes").first()),
    "meetings:rules.publish": Case(lambda f: reverse("meetings:rules.publish", args=[draft_meeting_rules().pk]),
                                   LOGIN_THEN_405, post=succeeds(INSTALLATION_ADMIN),
                                   effect=lambda f, who: draft_meeting_rules().status),
    "meetings:unit_rules": Case(unit_url("meetings:unit_rules", "commune"), READ_COMMUNE,
                                post=succeeds(WRITE_COMMUNE), shows="42-HD/BTCTW",
                                data=lambda f: {"cell": f.cast.cell.pk, "decision_number": "12-QĐ/ĐU",
                                                "decision_date": "05/03/2026", "regular_min_minutes": "60",
                                                "combined_min_minutes": "90", "valid_from": "05/03/2026"},
                                effect=rows(MeetingRuleException, committee=lambda f: f.cast.commune)),
    "meetings:rule_exception.end": Case(lambda f: reverse("meetings:rule_exception.end",
                                                          args=[commune_rule_exception(f).pk]),
                                        LOGIN_THEN_405, post=succeeds(WRITE_COMMUNE), data={"on": "30/11/2026"},
                                        effect=lambda f, who: MeetingRuleException.objects.filter(
                                            pk=commune_rule_exception(f).pk).values_list("valid_until").first()),
    "meetings:edit": Case(lambda f: reverse("meetings:edit", args=[f.meeting.pk]), LEAD_CELL,
                          post=succeeds(LEAD_CELL), shows=MEETING_TITLE,
                          data=lambda f: meeting_form(f, title="Sinh hoạt chi bộ tháng 12", day=timezone.localtime(
                              f.meeting.starts_at).strftime("%d/%m/%Y")),
                          effect=value(Meeting, lambda f: f.meeting.pk, "title")),
    "meetings:cancel": Case(meeting_url("meetings:cancel", bare_meeting), LOGIN_THEN_405, post=LEAD_CELL_ACTS,
                            effect=rows(Meeting, unit=lambda f: f.cast.cell)),
    # Closing the roll of the meeting under way: whoever is not marked is absent without reason.
    "meetings:roll.close": Case(meeting_url("meetings:roll.close", ongoing_meeting), LOGIN_THEN_405,
                                post=LEAD_CELL_ACTS, effect=roll_of(ongoing_meeting)),
    # Everyone not yet marked on the roll of the meeting under way is present.
    "meetings:roll.present": Case(meeting_url("meetings:roll.present", ongoing_meeting), LOGIN_THEN_405,
                                  post=LEAD_CELL_ACTS, effect=roll_of(ongoing_meeting)),
    "meetings:speakers.add": Case(lambda f: reverse("meetings:speakers.add", args=[f.meeting.pk]), LOGIN_THEN_405,
                                  post=LEAD_CELL_ACTS,
                                  data=lambda f: {"member": f.cast.members["member"].pk, "kind": "opinion",
                                                  "note": "Ý kiến"},
                                  effect=rows(Contribution, meeting=lambda f: f.meeting)),
    "meetings:speakers.remove": Case(lambda f: reverse("meetings:speakers.remove", args=[
        f.meeting_extras["contribution"].pk]), LOGIN_THEN_405, post=LEAD_CELL_ACTS,
        effect=rows(Contribution, meeting=lambda f: f.meeting)),
    "meetings:documents.add": Case(lambda f: reverse("meetings:documents.add", args=[f.meeting.pk]),
                                   LOGIN_THEN_405, post=LEAD_CELL_ACTS,
                                   data=lambda f: {"title": "Báo cáo chi bộ",
                                                   "file": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n")},
                                   effect=rows(MeetingDocument, meeting=lambda f: f.meeting)),
    "meetings:documents.publish": Case(meeting_url("meetings:documents.publish", ongoing_meeting), LOGIN_THEN_405,
                                       post=LEAD_CELL_ACTS,
                                       effect=lambda f, who: Meeting.objects.filter(pk=ongoing_meeting(f).pk)
                                       .values_list("documents_published_at", flat=True).get()),
    "meetings:documents.download": Case(lambda f: reverse("meetings:documents.download", args=[
        f.meeting_extras["document"].pk]), READ_CELL),
    "meetings:minutes.edit": Case(lambda f: reverse("meetings:minutes.edit", args=[f.meeting.pk]), LEAD_CELL,
                                  post=LEAD_CELL_ACTS,
                                  data=lambda f: {"conclusions": "Kết luận mới",
                                                  "version": Minutes.objects.get(meeting=f.meeting).version},
                                  effect=value(Minutes, lambda f: Minutes.objects.get(meeting=f.meeting).pk,
                                               "conclusions")),
    "meetings:minutes": [
        Case(lambda f: reverse("meetings:minutes", args=[f.meeting.pk, "docx"]), READ_CELL,
             check=file_shows(office_text, DOCX, lambda f: PROTECTED_NAME)),
        Case(lambda f: reverse("meetings:minutes", args=[f.meeting.pk, "pdf"]), READ_CELL,
             check=file_shows(pdf_text, PDF, lambda f: PROTECTED_NAME)),
    ],
    # Approving the minutes of the meeting under way, its roll marked.
    "meetings:minutes.approve": Case(
        meeting_url("meetings:minutes.approve", lambda f: ongoing_meeting(f, roll_marked=True)), LOGIN_THEN_405,
        post=LEAD_CELL_ACTS, effect=lambda f, who: Minutes.objects.filter(meeting=ongoing_meeting(f))
        .values_list("status", flat=True).get()),
    "meetings:attendance.mark": Case(lambda f: reverse("meetings:attendance.mark", args=[
        f.meeting.attendance.get(member=f.cast.members["member"]).pk]), LOGIN_THEN_405,
        post=LEAD_CELL_ACTS, data={"status": "excused", "reason": "Ốm"},
        effect=lambda f, who: f.meeting.attendance.filter(member=f.cast.members["member"])
        .values_list("status", flat=True).get()),
    # --- accounts --------------------------------------------------------------------------------------------
    "accounts:login": Case(lambda f: reverse("accounts:login"), everyone(302, anonymous=200),
                           shows='name="password"'),
    "accounts:logout": Case(lambda f: reverse("accounts:logout"), GET_NOT_ALLOWED,
                            post=everyone(302, anonymous=Kept(302)),
                            post_redirect=lambda f: reverse("accounts:login"),
                            effect=lambda f, who: Session.objects.count()),
    "accounts:password_change": Case(lambda f: reverse("accounts:password_change"), LOGGED_IN,
                                     post=succeeds(LOGGED_IN), shows='name="old_password"',
                                     data={"old_password": PASSWORD, "new_password1": "Mật-khẩu-mới-2026!",
                                           "new_password2": "Mật-khẩu-mới-2026!"},
                                     post_redirect=lambda f: reverse("accounts:password_change_done"),
                                     effect=the_user("password")),
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
    # A new token is shown on the page that made it.
    # Activating a login with its set-up code: public; the second step needs a code proven in the session.
    "accounts:activate": Case(lambda f: reverse("accounts:activate"), everyone(200), shows='name="code"'),
    "accounts:activate.password": Case(lambda f: reverse("accounts:activate.password"), everyone(302)),
    "accounts:tokens": Case(lambda f: member_token(f) and reverse("accounts:tokens"), LOGGED_IN, post=LOGGED_IN,
                            done=200, data={"name": "Kịch bản thống kê", "days": "30"}, shows=TOKEN_NAME,
                            shown_to=frozenset({"member"}), effect=of_user(ApiToken)),
    "accounts:tokens.revoke": Case(lambda f: reverse("accounts:tokens.revoke", args=[member_token(f).pk]),
                                   LOGIN_THEN_405, post=expect(302, 404, 404, 404, 404, 404, 404, 404, 404),
                                   post_redirect=lambda f: reverse("accounts:tokens"),
                                   effect=lambda f, who: ApiToken.objects.count()),
    # Two-factor login and sessions: each login manages its own. The cast's sessions have entered their code (the
    # logins that need one hold an authenticator), so the code page sends them on and the set-up page offers to
    # replace it.
    "accounts:security": Case(lambda f: reverse("accounts:security"), LOGGED_IN,
                              shows=f'action="{reverse("accounts:log_out_everywhere")}"'),
    "accounts:log_out_everywhere": Case(lambda f: reverse("accounts:log_out_everywhere"), LOGIN_THEN_405,
                                        post=everyone(302, anonymous=LOGIN),
                                        post_redirect=lambda f: reverse("accounts:security"),
                                        effect=the_user("session_generation")),
    "accounts:two_factor.setup": Case(lambda f: reverse("accounts:two_factor.setup"), LOGGED_IN, shows='name="code"'),
    "accounts:two_factor.verify": Case(lambda f: reverse("accounts:two_factor.verify"), everyone(302, anonymous=LOGIN)),
    # New recovery codes for a login with an authenticator (shown once, on the answer); without one, refused.
    "accounts:two_factor.recovery_codes": Case(
        lambda f: reverse("accounts:two_factor.recovery_codes"), LOGIN_THEN_405, done=200,
        post=expect(Kept(302), Kept(302), Kept(302), 200, 200, 200, 200, 200, 200),
        effect=lambda f, who: recovery_codes_of(f.cast.users[who])),
    # Turning it off takes a current code: a wrong one changes nothing, for everyone.
    "accounts:two_factor.off": Case(lambda f: reverse("accounts:two_factor.off"), LOGIN_THEN_405,
                                    post=everyone(Kept(302), anonymous=LOGIN), data={"code": "000000"},
                                    effect=lambda f, who: devices_of(f.cast.users[who])),
    # The language is remembered on the account (an anonymous visitor's lives in a cookie only).
    "set_language": Case(lambda f: reverse("set_language"), GET_NOT_ALLOWED, post=everyone(302, anonymous=Kept(302)),
                         data={"language": "en", "next": "/units/"}, post_redirect=lambda f: "/units/",
                         effect=the_user("language")),
    # --- inbox: each user sees only their own notifications ------------------------------------------------------
    "notifications:inbox": Case(lambda f: reverse("notifications:inbox"), LOGGED_IN, shows=NOTIFICATION_TITLE,
                                shown_to=frozenset({"member"})),
    "notifications:open": Case(lambda f: reverse("notifications:open", args=[f.notification.pk]), LOGIN_THEN_405,
                               post=expect(302, 404, 404, 404, 404, 404, 404, 404, 404),
                               post_redirect=lambda f: f.notification.url,
                               effect=value(Notification, lambda f: f.notification.pk, "read_at")),
    "notifications:read_all": Case(unread_for_everyone, LOGIN_THEN_405, post=everyone(302, anonymous=LOGIN),
                                   post_redirect=lambda f: reverse("notifications:inbox"), effect=unread_of),
    # Each person's own choices: nobody reaches another's.
    "notifications:preferences": Case(lambda f: reverse("notifications:preferences"), LOGGED_IN,
                                      post=everyone(302, anonymous=LOGIN), data={"meetings.scheduled": "off"},
                                      shows='name="meetings.scheduled"',
                                      effect=lambda f, who: sorted(Preference.objects.values_list(
                                          "user__username", "kind", "delivery"))),
    # --- documents: exports are readable by whoever reads the unit; profile sheets need personal-data rights --
    "documents:roster": [
        Case(lambda f: reverse("documents:roster", args=[f.cast.cell.pk, "xlsx"]), READ_CELL,
             check=file_shows(office_text, XLSX, lambda f: PROTECTED_NAME)),
        Case(lambda f: reverse("documents:roster", args=[f.cast.cell.pk, "csv"]), READ_CELL,
             check=file_shows(lambda response: body_bytes(response).decode("utf-8-sig"), CSV,
                              lambda f: PROTECTED_NAME)),
        Case(lambda f: reverse("documents:roster", args=[f.cast.cell.pk, "pdf"]), READ_CELL,
             check=file_shows(pdf_text, PDF, lambda f: PROTECTED_NAME)),
        Case(lambda f: reverse("documents:roster", args=[f.cast.cell.pk, "docx"]), READ_CELL,
             check=file_shows(office_text, DOCX, lambda f: PROTECTED_NAME)),
    ],
    "documents:profile": [
        Case(lambda f: reverse("documents:profile", args=[f.cast.members["secretary"].pk, "pdf"]),
             PERSONAL_OF_COLLEAGUE, check=file_shows(pdf_text, PDF, lambda f: "Lê Văn Cường")),
        Case(lambda f: reverse("documents:profile", args=[f.cast.members["secretary"].pk, "docx"]),
             PERSONAL_OF_COLLEAGUE, check=file_shows(office_text, DOCX, lambda f: "Lê Văn Cường")),
    ],
    # --- documents: an export written in the background is its requester's alone; the file is downloaded only
    # while they may still read what it lists ------------------------------------------------------------------
    "documents:exports.detail": Case(lambda f: reverse("documents:exports.detail", args=[member_export(f).pk]),
                                     AUTHOR_ONLY, shows="Chi bộ Thôn 1"),
    "documents:exports.progress": Case(lambda f: reverse("documents:exports.progress", args=[member_export(f).pk]),
                                       AUTHOR_ONLY, shows="export-progress"),
    "documents:exports.file": Case(lambda f: reverse("documents:exports.file", args=[member_export(f).pk]),
                                   AUTHOR_ONLY, reset=export_on_disk,
                                   check=file_shows(lambda response: body_bytes(response).decode("utf-8-sig"), CSV,
                                                    lambda f: PROTECTED_NAME)),
    # --- documents: roster imports need write access to the unit; a job is shown only to those who may write
    # its unit (and its uploader), so the unit's mere readers are strangers to it (404) ---------------------------
    "documents:imports.create": Case(unit_url("documents:imports.create"), WRITE_CELL, post=succeeds(WRITE_CELL),
                                     shows='type="file"', data=lambda f: {"file": roster_file()},
                                     effect=rows(ImportJob, unit=lambda f: f.cast.cell)),
    "documents:imports.detail": Case(lambda f: reverse("documents:imports.detail", args=[f.import_job.pk]),
                                     WRITE_IMPORT, shows=IMPORT_FILE_NAME),
    # Importing sub-units from a list is for those who administer the unit, as adding one is. Uploading checks the
    # list and shows it (a page, nothing created); the signed confirmation is tested in tests/documents.
    "documents:units.import": Case(unit_url("documents:units.import", "commune"), ADMINISTER_COMMUNE,
                                   post=ADMINISTER_COMMUNE, shows='type="file"',
                                   data=lambda f: {"file": units_list()},
                                   effect=rows(Unit, parent=lambda f: f.cast.commune)),
    # The data exchange of a subtree lists members' personal data: those who see it there download it and open the
    # page; importing (a check shown as a page, nothing written until the signed confirmation, tested in
    # tests/documents) is for those who administer the unit, as importing units is.
    "documents:exchange": Case(unit_url("documents:exchange", "commune"), READ_COMMUNE, post=ADMINISTER_COMMUNE,
                               shows="soisua-exchange", data=lambda f: {"file": exchange_file()},
                               effect=rows(Member, cell=lambda f: f.cast.cell)),
    "documents:exchange.download": Case(lambda f: reverse("documents:exchange.download",
                                                          args=[f.cast.commune.pk, "xlsx"]),
                                        READ_COMMUNE, check=file_shows(office_text, XLSX, lambda f: PROTECTED_NAME)),
    # The first-run set-up answers only those who administer the installation; once set up it sends them on,
    # creating nothing.
    "setup": Case(lambda f: reverse("setup"), INSTALLATION_ADMIN | {"admin": 302, "superuser": 302},
                  post=INSTALLATION_ADMIN | {"admin": Kept(302), "superuser": Kept(302)},
                  data=lambda f: {"name": "Ban Chấp hành Trung ương", "code": "TW",
                                  "kind": UnitKind.objects.get(code="central").pk},
                  effect=rows(Unit)),
    # Confirming a checked roster applies it: the new member joins the cell.
    "documents:imports.confirm": Case(lambda f: reverse("documents:imports.confirm", args=[checked_import(f).pk]),
                                      LOGIN_THEN_405, post=succeeds(WRITE_IMPORT),
                                      post_redirect=lambda f: reverse("documents:imports.detail",
                                                                      args=[checked_import(f).pk]),
                                      effect=rows(Member, cell=lambda f: f.cast.cell), reset=roster_on_disk),
    "documents:imports.progress": Case(lambda f: reverse("documents:imports.progress", args=[f.import_job.pk]),
                                       WRITE_IMPORT, shows=IMPORT_ERROR),
    # --- documents: a held roster row shows two members' records: those who see the personal data of both cells
    # read it, those who write both decide; the importer (the cell's secretary) is a stranger to it ------------
    "documents:conflicts.detail": Case(held_row_url("documents:conflicts.detail"),
                                       expect(404, 404, 404, 200, 404, 200, 200, 200, 200), shows=HELD_ROW_NAME),
    "documents:conflicts.decide": Case(held_row_url("documents:conflicts.decide"), LOGIN_THEN_405,
                                       post=expect(404, 404, 404, 302, 404, 403, 302, 302, 302),
                                       data={"decision": "Đã chuyển sinh hoạt"},
                                       effect=lambda f, who: list(ImportConflict.objects.values_list("resolved_at"))),
    # --- API (session authentication here; the same rules apply to tokens) ------------------------------------
    "api:openapi-json": Case(lambda f: "/api/openapi.json", everyone(200), shows="/api/units/{unit_id}/members"),
    "api:openapi-view": Case(lambda f: "/api/docs", everyone(200), shows="openapi.json"),
    "api:api-root": Case(lambda f: "/api/", everyone(404)),
    # Any other address under /api/: the API's own not-found answer, for everyone.
    "^api/": Case(lambda f: "/api/khong-co/", everyone(404)),
    "api:review_detail": [
        Case(lambda f: f"/api/reviews/{f.submitted.pk}", READ_REVIEW | {"anonymous": 401}, shows='"form": "2A"'),
        Case(lambda f: f"/api/reviews/{f.draft.pk}", AUTHOR_ONLY | {"anonymous": 401}, shows='"status": "draft"'),
    ],
    "api:review_feedback": [
        Case(lambda f: f"/api/reviews/{f.submitted.pk}/feedback", READ_REVIEW | {"anonymous": 401},
             shows=FEEDBACK_TEXT),
        Case(under_secretary_anonymity(lambda f: f"/api/reviews/{f.submitted.pk}/feedback"),
             READ_REVIEW | {"anonymous": 401}, shows=PROTECTED_NAME, shown_to=frozenset({"secretary"})),
    ],
    # The fixtures' reviews cite nothing: the list is empty, for whoever may read the review.
    "api:review_citations": [
        Case(lambda f: f"/api/reviews/{f.submitted.pk}/citations", READ_REVIEW | {"anonymous": 401}, shows="[]"),
        Case(lambda f: f"/api/reviews/{f.draft.pk}/citations", AUTHOR_ONLY | {"anonymous": 401}, shows="[]"),
    ],
    "api:unit_detail": Case(lambda f: f"/api/units/{f.cast.cell.pk}", API_READ_CELL, shows='"code": "TN-HA-1"'),
    "api:unit_children": Case(lambda f: f"/api/units/{f.cast.commune.pk}/children", API_READ_COMMUNE,
                              shows='"code": "TN-HA-2"'),
    "api:unit_members": Case(lambda f: f"/api/units/{f.cast.cell.pk}/members", API_READ_CELL,
                             shows=PROTECTED_NAME),
    "api:member_search": Case(lambda f: "/api/members/search?q=tran%20thi", API_LOGGED_IN, shows=PROTECTED_NAME,
                              shown_to=CELL_READERS),
    "api:member_detail": [
        Case(member_url("api:member_detail"), API_READ_CELL, shows='"phone": "0912345678"'),
        Case(member_url("api:member_detail", "secretary"), API_READ_CELL, shows=COLLEAGUE_PHONE,
             shown_to=CELL_READERS - {"member"}),
    ],
    "api:unit_list": Case(lambda f: "/api/units", API_LOGGED_IN, shows='"code": "TN-HA-1"', shown_to=CELL_READERS),
    "api:meeting_list": Case(lambda f: "/api/meetings", API_LOGGED_IN, shows=MEETING_TITLE, shown_to=CELL_READERS),
    "api:meeting_detail": Case(lambda f: f"/api/meetings/{f.meeting.pk}", API_READ_CELL, shows=MEETING_TITLE),
    "api:meeting_roll": Case(lambda f: f"/api/meetings/{f.meeting.pk}/roll", API_READ_CELL, shows=PROTECTED_NAME),
    "api:meeting_speakers": Case(lambda f: f"/api/meetings/{f.meeting.pk}/speakers", API_READ_CELL,
                                 shows=PROTECTED_NAME),
    "api:meeting_minutes": Case(lambda f: f"/api/meetings/{f.meeting.pk}/minutes", API_READ_CELL,
                                shows='"conclusions": "Kết luận"'),
    "api:meeting_motions": Case(lambda f: f"/api/meetings/{open_vote(f).meeting_id}/motions", API_READ_CELL,
                                shows=VOTE_TEXT),
    # The same path as the speakers' list: its POST records one (the member was marked present).
    "api:speaker_add": Case(lambda f: f"/api/meetings/{f.meeting.pk}/speakers", API_READ_CELL, post=API_LEAD_CELL,
                            json=True, done=200,
                            data=lambda f: {"member_id": f.cast.members["member"].pk, "note": "Ý kiến thêm"},
                            effect=rows(Contribution, meeting=lambda f: f.meeting)),
    "api:meeting_check_in": Case(lambda f: f"/api/meetings/{ongoing_meeting(f).pk}/check-in", GET_NOT_ALLOWED,
                                 post=API_CHECK_IN, json=True, done=200,
                                 data=lambda f: {"code": meetings.check_in_code(ongoing_meeting(f))},
                                 effect=roll_of(ongoing_meeting)),
    "api:roll_mark": Case(lambda f: f"/api/meetings/{ongoing_meeting(f).pk}/roll/{f.cast.members['member'].pk}",
                          GET_NOT_ALLOWED, post=API_LEAD_CELL, json=True, done=200,
                          data={"status": "excused", "reason": "Đi công tác"}, effect=roll_of(ongoing_meeting)),
    "api:library_documents": Case(lambda f: (library_document(f), "/api/library/documents?q=nghi%20quyet")[1],
                                  API_LOGGED_IN, shows=LIBRARY_TITLE,
                                  shown_to=frozenset(CAST) - {"unrelated_staff", "anonymous"}),
    "api:cell_dues": Case(lambda f: (dues_recorded(f), f"/api/units/{f.cast.cell.pk}/dues")[1],
                          expect(403, 200, 404, 200, 404, 200, 200, 200, 200, anonymous=401), shows=PROTECTED_NAME),
    # Reviews: cycles the reader sees inside (the commune's, to its cells' members and the sibling cell's too), the
    # reviews each may read (a draft to its writer only), ratings, and feedback from a fellow member of the cell.
    "api:cycle_list": Case(lambda f: "/api/cycles", API_LOGGED_IN, shows=CYCLE_TITLE,
                           shown_to=CELL_READERS | {"sibling"}),
    "api:cycle_detail": Case(lambda f: f"/api/cycles/{f.cycle.pk}", API_SEE_INSIDE_COMMUNE, shows=CYCLE_TITLE),
    "api:cycle_reviews": [
        Case(lambda f: f"/api/cycles/{f.cycle.pk}/reviews", API_SEE_INSIDE_COMMUNE,
             shows=lambda f, who: f'"member_id": {f.cast.members["secretary"].pk},', shown_to=CELL_READERS),
        Case(lambda f: f"/api/cycles/{f.cycle.pk}/reviews", API_SEE_INSIDE_COMMUNE,
             shows=lambda f, who: f'"member_id": {f.cast.members["member"].pk},', shown_to=frozenset({"member"})),
    ],
    "api:review_rating": [
        Case(lambda f: f"/api/reviews/{f.submitted.pk}/rating", READ_REVIEW | {"anonymous": 401},
             shows='"cell_comment"'),
        Case(lambda f: f"/api/reviews/{f.draft.pk}/rating", AUTHOR_ONLY | {"anonymous": 401}, shows='"cell_comment"'),
    ],
    # The same path as the feedback's list: its POST gives feedback (the member, on the secretary's review).
    "api:review_feedback_give": Case(lambda f: f"/api/reviews/{f.submitted.pk}/feedback",
                                     READ_REVIEW | {"anonymous": 401}, shows=FEEDBACK_TEXT,
                                     post=expect(200, 403, 404, 403, 404, 403, 403, 403, 403, anonymous=401),
                                     json=True, done=200, data={"kind": "suggestion", "text": "Cần chủ động hơn"},
                                     effect=rows(Feedback, review=lambda f: f.submitted)),
    # Corrections: the member's shortcoming to those who see it; one named in a draft review to its writer only.
    "api:shortcoming_list": [
        Case(lambda f: "/api/shortcomings", API_LOGGED_IN, shows=CORRECTION_TEXT, shown_to=CELL_READERS),
        Case(lambda f: "/api/shortcomings", API_LOGGED_IN, shows=SHORTCOMING_TEXT, shown_to=frozenset({"member"})),
    ],
    "api:shortcoming_detail": Case(correction_api_url(""), API_READ_CELL, shows=CORRECTION_TEXT),
    "api:shortcoming_progress": Case(correction_api_url("/progress"), API_READ_CELL, shows="Biên lai tháng 11"),
    # The same path as the timeline: its POST reports progress, the owner's act.
    "api:shortcoming_progress_post": Case(correction_api_url("/progress"), API_READ_CELL,
                                          post=OWNER_ACTS | {"member": 200, "anonymous": 401}, json=True, done=200,
                                          data={"note": "Đã nộp thêm biên lai"},
                                          effect=rows(ProgressEntry, shortcoming=lambda f: f.shortcoming)),
    # Directives: the commune's plan to its cells and its draft; the cell's report; the cell acknowledges.
    "api:directive_list": Case(lambda f: (issued_directive(f), "/api/directives")[1], API_LOGGED_IN,
                               shows=DIRECTIVE_TITLE, shown_to=CELL_READERS | {"sibling"}),
    "api:directive_detail": [
        Case(lambda f: f"/api/directives/{issued_directive(f).pk}", ADDRESSED | {"anonymous": 401},
             shows=DIRECTIVE_TITLE),
        Case(lambda f: f"/api/directives/{draft_directive(f).pk}", API_READ_COMMUNE, shows=DIRECTIVE_DRAFT_TITLE),
    ],
    "api:directive_reports": Case(lambda f: (cell_report(f), f"/api/directives/{issued_directive(f).pk}/reports")[1],
                                  ADDRESSED | {"anonymous": 401}, shows='"percent": 50', shown_to=CELL_READERS),
    "api:directive_acknowledge": Case(lambda f: f"/api/directives/{issued_directive(f).pk}/acknowledge",
                                      GET_NOT_ALLOWED, post=API_LEAD_CELL, json=True, done=200,
                                      data=lambda f: {"unit": f.cast.cell.pk},
                                      effect=value(Receipt, lambda f: cell_receipt(f).pk, "acknowledged_at")),
    # Early warnings: the cell's warning owned by the commune; those who speak for the commune acknowledge it.
    "api:alert_list": Case(lambda f: (cell_alert(f), "/api/alerts")[1], API_LOGGED_IN,
                           shows=lambda f, who: f'"id": {cell_alert(f).pk}, "kind": "meetings_missing"',
                           shown_to=CELL_READERS - {"member"}),
    "api:alert_detail": Case(lambda f: f"/api/alerts/{cell_alert(f).pk}",
                             expect(404, 200, 404, 200, 404, 200, 200, 200, 200, anonymous=401),
                             shows='"kind": "meetings_missing"'),
    "api:alert_acknowledge": Case(lambda f: f"/api/alerts/{cell_alert(f).pk}/acknowledge", GET_NOT_ALLOWED,
                                  post=expect(404, 403, 404, 200, 404, 403, 200, 403, 403, anonymous=401), json=True,
                                  done=200, data={"note": "Đã chỉ đạo chi bộ"},
                                  effect=lambda f, who: Alert.objects.filter(pk=cell_alert(f).pk).values_list(
                                      "status", flat=True).get()),
    # A unit's dashboard: those who lead it or cover it; its plain members are refused.
    "api:unit_dashboard": [
        Case(lambda f: f"/api/units/{f.cast.commune.pk}/dashboard", API_READ_COMMUNE,
             shows=lambda f, who: f'"unit_id": {f.cast.commune.pk}, "year"'),
        Case(lambda f: f"/api/units/{f.cast.cell.pk}/dashboard",
             expect(403, 200, 404, 200, 404, 200, 200, 200, 200, anonymous=401),
             shows=lambda f, who: f'"unit_id": {f.cast.cell.pk}, "year"'),
    ],
    # --- directives ------------------------------------------------------------------------------------------
    # Addressed to the reader's cell, or issued by the unit the reader speaks for.
    "directives:mine": Case(lambda f: (issued_directive(f), reverse("directives:mine"))[1], LOGGED_IN,
                            shows=DIRECTIVE_TITLE,
                            shown_to=frozenset({"member", "secretary", "sibling", "committee", "parent_staff"})),
    "directives:unit": [
        Case(lambda f: reverse("directives:unit", args=[issued_directive(f).issuer_id]), READ_COMMUNE,
             shows=DIRECTIVE_TITLE),
        Case(lambda f: (issued_directive(f), reverse("directives:unit", args=[f.cast.cell.pk]))[1], READ_CELL,
             shows=DIRECTIVE_TITLE),
    ],
    "directives:create": Case(unit_url("directives:create", "commune"), ISSUE_COMMUNE,
                              post=succeeds(ISSUE_COMMUNE), data=directive_form, shows='name="tasks"',
                              effect=rows(Directive, title=lambda f: "Kế hoạch mới")),
    "directives:detail": [
        Case(lambda f: reverse("directives:detail", args=[issued_directive(f).pk]), ADDRESSED,
             shows=DIRECTIVE_TITLE),
        Case(lambda f: reverse("directives:detail", args=[draft_directive(f).pk]), READ_COMMUNE,
             shows=DIRECTIVE_DRAFT_TITLE),
    ],
    "directives:edit": Case(lambda f: reverse("directives:edit", args=[draft_directive(f).pk]), ISSUE_COMMUNE,
                            post=succeeds(ISSUE_COMMUNE), shows=DIRECTIVE_DRAFT_TITLE,
                            data=lambda f: directive_form(f) | {"title": DIRECTIVE_DRAFT_TITLE, "summary": "Đã sửa",
                                                                "version": draft_directive(f).version},
                            effect=value(Directive, lambda f: draft_directive(f).pk, "summary")),
    "directives:issue": Case(lambda f: reverse("directives:issue", args=[draft_directive(f).pk]), LOGIN_THEN_405,
                             post=succeeds(ISSUE_COMMUNE),
                             effect=value(Directive, lambda f: draft_directive(f).pk, "status")),
    "directives:amend": Case(lambda f: reverse("directives:amend", args=[issued_directive(f).pk]),
                             SPEAK_FOR_ISSUER, post=succeeds(SPEAK_FOR_ISSUER), shows=DIRECTIVE_TITLE,
                             data={"title": DIRECTIVE_TITLE, "basis": "Quy định 296-QĐ/TW",
                                   "reason": "Bổ sung căn cứ"},
                             effect=rows(Amendment, directive__title=lambda f: DIRECTIVE_TITLE)),
    "directives:files.add": Case(lambda f: reverse("directives:files.add", args=[draft_directive(f).pk]),
                                 LOGIN_THEN_405, post=succeeds(ISSUE_COMMUNE),
                                 data=lambda f: {"file": SimpleUploadedFile("phu-luc.pdf", b"%PDF-1.4\n")},
                                 effect=rows(DirectiveFile, directive=draft_directive)),
    "directives:files.download": Case(lambda f: reverse("directives:files.download", args=[
        issued_directive(f).files.get().pk]), ADDRESSED, check=file_content(DIRECTIVE_FILE_MARK)),
    "directives:key_tasks.edit": Case(lambda f: reverse("directives:key_tasks.edit", args=[
        draft_directive(f).tasks.get(number=1).pk]), ISSUE_COMMUNE, post=succeeds(ISSUE_COMMUNE),
        data={"measure": "100 % chi bộ quán triệt"}, shows='name="measure"',
        effect=value(KeyTask, lambda f: draft_directive(f).tasks.get(number=1).pk, "measure")),
    "directives:progress": [
        Case(lambda f: reverse("directives:progress", args=[issued_directive(f).pk, f.cast.commune.pk]),
             READ_COMMUNE, shows=lambda f, who: f.cast.sibling_cell.name),
        Case(lambda f: reverse("directives:progress", args=[issued_directive(f).pk, f.cast.cell.pk]),
             expect(404, 200, 404, 200, 404, 200, 200, 200, 200), shows=lambda f, who: f.cast.cell.name),
    ],
    "directives:remind": Case(lambda f: reverse("directives:remind", args=[issued_directive(f).pk,
                                                                           f.cast.commune.pk]),
                              LOGIN_THEN_405, post=expect(404, 404, 404, 302, 404, 403, 302, 403, 403),
                              effect=rows(Notification, kind=lambda f: "directives.reminder")),
    "directives:document": [
        Case(lambda f: reverse("directives:document", args=[issued_directive(f).pk, "docx"]), ADDRESSED,
             check=file_shows(office_text, DOCX, lambda f: DIRECTIVE_TITLE)),
        Case(lambda f: reverse("directives:document", args=[issued_directive(f).pk, "pdf"]), ADDRESSED,
             check=file_shows(pdf_text, PDF, lambda f: "75-KH/ĐUX")),
    ],
    "directives:receipts.document": Case(lambda f: reverse("directives:receipts.document", args=[
        cell_receipt(f).pk, "docx"]), READ_CELL, check=file_shows(office_text, DOCX, lambda f: DIRECTIVE_TITLE)),
    "directives:progress.export": Case(lambda f: reverse("directives:progress.export", args=[
        issued_directive(f).pk, f.cast.commune.pk, "xlsx"]), READ_COMMUNE,
        check=file_shows(office_text, XLSX, lambda f: f.cast.sibling_cell.name)),
    "directives:receipt": Case(lambda f: reverse("directives:receipt", args=[cell_receipt(f).pk]), READ_CELL,
                               shows=DIRECTIVE_TITLE),
    "directives:acknowledge": Case(lambda f: reverse("directives:acknowledge", args=[cell_receipt(f).pk]),
                                   LOGIN_THEN_405, post=LEAD_CELL_ACTS,
                                   effect=value(Receipt, lambda f: cell_receipt(f).pk, "acknowledged_at")),
    "directives:tasks.add": Case(lambda f: reverse("directives:tasks.add", args=[cell_receipt(f).pk]), LEAD_CELL,
                                 post=LEAD_CELL_ACTS, shows='name="key_task"',
                                 data=lambda f: {"key_task": issued_directive(f).tasks.get(number=1).pk,
                                                 "text": "Quán triệt tại hội nghị chi bộ"},
                                 effect=rows(ImplementationTask, text=lambda f: "Quán triệt tại hội nghị chi bộ")),
    "directives:report": Case(lambda f: reverse("directives:report", args=[cell_receipt(f).pk]), LEAD_CELL,
                              post=LEAD_CELL_ACTS, shows='name="percent"',
                              data=lambda f: {"key_task": issued_directive(f).tasks.get(number=2).pk,
                                              "period": issued_directive(f).periods.get().pk,
                                              "status": "in_progress", "percent": "30"},
                              effect=rows(Report, receipt=cell_receipt)),
    "directives:tasks.remove": Case(lambda f: reverse("directives:tasks.remove", args=[cell_task(f).pk]),
                                    LOGIN_THEN_405, post=LEAD_CELL_ACTS,
                                    effect=rows(ImplementationTask, receipt=cell_receipt)),
    "directives:reports.evidence": Case(lambda f: reverse("directives:reports.evidence", args=[
        cell_report(f).pk]), READ_CELL, check=file_content(REPORT_MARK)),
    # --- early warnings -----------------------------------------------------------------------------------------
    # A unit's warnings: those who follow its subtree (like its dashboard).
    "alerts:unit": [
        Case(lambda f: (cell_alert(f), reverse("alerts:unit", args=[f.cast.commune.pk]))[1], READ_COMMUNE,
             shows=lambda f, who: f.cast.cell.name),
        Case(lambda f: (cell_alert(f), reverse("alerts:unit", args=[f.cast.cell.pk]))[1],
             expect(403, 200, 404, 200, 404, 200, 200, 200, 200), shows=lambda f, who: f"/alerts/{cell_alert(f).pk}/"),
    ],
    "alerts:unit.export": Case(lambda f: (cell_alert(f), reverse("alerts:unit.export", args=[f.cast.commune.pk,
                                                                                                     "xlsx"]))[1],
                               READ_COMMUNE),
    # A warning about the cell owned by the commune: seen by the cell's leadership and those covering it,
    # acknowledged by those who speak for the commune.
    "alerts:detail": Case(lambda f: reverse("alerts:detail", args=[cell_alert(f).pk]),
                          expect(404, 200, 404, 200, 404, 200, 200, 200, 200),
                          post=expect(404, 403, 404, 302, 404, 403, 302, 403, 403), shows=ALERT_TEXT,
                          data=lambda f: {"note": "Đã chỉ đạo chi bộ", "version": cell_alert(f).version},
                          effect=lambda f, who: Alert.objects.filter(pk=cell_alert(f).pk).values_list(
                              "status", flat=True).get()),
    "alerts:rules": Case(lambda f: reverse("alerts:rules"), LOGGED_IN, shows="Quy tắc cảnh báo sớm"),
    "alerts:rules.edit": Case(lambda f: reverse("alerts:rules.edit", args=[current_rule(f).pk]), LOGGED_IN,
                              post=expect(403, 403, 403, 403, 403, 403, 403, 302, 302),
                              data=lambda f: {"enabled": "on", "threshold": "2", "period": "30", "receiver": "cell",
                                              "version": current_rule(f).version},
                              effect=lambda f, who: sorted(Rule.objects.filter(kind="corrections_overdue")
                                                           .values_list("pk", flat=True))),
    # --- inspection and supervision ----------------------------------------------------------------------------
    "oversight:unit": [
        Case(lambda f: (inspection_of_cell(f, "notified"), reverse("oversight:unit", args=[f.cast.commune.pk]))[1],
             READ_COMMUNE, shows=lambda f, who: f.cast.cell.name),
        Case(lambda f: (inspection_of_cell(f, "notified"), reverse("oversight:unit", args=[f.cast.cell.pk]))[1],
             READ_CELL, shows=lambda f, who: f'href="/oversight/{inspection_of_cell(f, "notified").pk}/"',
             shown_to=CELL_READERS - {"member"}),
    ],
    # A unit's dashboard: those who lead it or cover it; its plain members read the unit, not its dashboard.
    "oversight:dashboard": [
        Case(unit_url("oversight:dashboard", "commune"), READ_COMMUNE, shows=lambda f, who: f.cast.cell.name),
        Case(unit_url("oversight:dashboard"), expect(403, 200, 404, 200, 404, 200, 200, 200, 200),
             shows="Bảng theo dõi"),
    ],
    # Its tables as a workbook: the same readers.
    "oversight:dashboard.export": [
        Case(lambda f: reverse("oversight:dashboard.export", args=[f.cast.commune.pk, "xlsx"]), READ_COMMUNE,
             check=file_shows(office_text, XLSX, lambda f: f.cast.sibling_cell.name)),
        Case(lambda f: reverse("oversight:dashboard.export", args=[f.cast.cell.pk, "xlsx"]),
             expect(403, 200, 404, 200, 404, 200, 200, 200, 200)),
    ],
    "oversight:create": Case(unit_url("oversight:create", "commune"), ISSUE_COMMUNE, post=succeeds(ISSUE_COMMUNE),
                             shows='name="content"',
                             data=lambda f: {"year": "2026", "kind": "regular_supervision",
                                             "subject_unit": f.cast.sibling_cell.pk, "content": "Giám sát mới",
                                             "period_start": "01/12/2026", "period_end": "31/12/2026"},
                             effect=rows(Inspection, content=lambda f: "Giám sát mới")),
    "oversight:detail": [
        Case(inspection_url("oversight:detail", "notified"), INSPECTION_READERS, shows=INSPECTION_CONTENT),
        # Before the subject is told, the cell does not see it.
        Case(inspection_url("oversight:detail", "planned"), INSPECTION_READERS | {"secretary": 404},
             shows=INSPECTION_CONTENT),
    ],
    "oversight:notify": Case(inspection_url("oversight:notify", "planned"), LOGIN_THEN_405,
                             post=expect(404, 404, 404, 302, 404, 403, 302, 403, 403),
                             effect=value(Inspection, lambda f: inspection_of_cell(f, "planned").pk, "status")),
    "oversight:self_report": Case(inspection_url("oversight:self_report", "notified"), SELF_REPORTS,
                                  post=succeeds(SELF_REPORTS), shows='name="text"',
                                  data={"text": "Báo cáo bổ sung của chi bộ"},
                                  effect=value(Inspection, lambda f: inspection_of_cell(f, "notified").pk,
                                               "self_report")),
    "oversight:self_report.file": Case(inspection_url("oversight:self_report.file", "notified"), INSPECTION_READERS,
                                       check=file_content(SELF_REPORT_MARK)),
    "oversight:findings.add": Case(inspection_url("oversight:findings.add", "notified"), INSPECTING_BODY,
                                   post=succeeds(INSPECTING_BODY), shows='name="text"',
                                   data={"text": "Sổ nghị quyết ghi chưa đủ"},
                                   effect=rows(Finding, text=lambda f: "Sổ nghị quyết ghi chưa đủ")),
    "oversight:remedies.add": Case(inspection_url("oversight:remedies.add", "notified"), INSPECTING_BODY,
                                   post=succeeds(INSPECTING_BODY), shows='name="deadline"',
                                   data={"text": "Ghi đủ sổ nghị quyết", "deadline": "31/01/2027"},
                                   effect=rows(RemedyRequest, text=lambda f: "Ghi đủ sổ nghị quyết")),
    "oversight:remedies.remove": Case(lambda f: reverse("oversight:remedies.remove", args=[
        inspection_of_cell(f, "notified").remedies.get().pk]), LOGIN_THEN_405, post=succeeds(INSPECTING_BODY),
        effect=rows(RemedyRequest, inspection=lambda f: inspection_of_cell(f, "notified"))),
    "oversight:conclude": Case(inspection_url("oversight:conclude", "notified"), INSPECTING_BODY,
                               post=succeeds(INSPECTING_BODY), shows='name="number"',
                               data={"number": "07-KL/ĐUX", "date": "20/11/2026", "conclusion": "Đạt yêu cầu"},
                               effect=value(Inspection, lambda f: inspection_of_cell(f, "notified").pk, "status")),
    "oversight:conclusion": [
        Case(inspection_url("oversight:conclusion", "concluded", "docx"), INSPECTION_READERS,
             check=file_shows(office_text, DOCX, lambda f: "05-KL/ĐUX")),
        Case(inspection_url("oversight:conclusion", "concluded", "pdf"), INSPECTION_READERS,
             check=file_shows(pdf_text, PDF, lambda f: "05-KL/ĐUX")),
    ],
    # --- the library: documents published by the commune's committee to its cells, and their study
    "library:list": Case(lambda f: (library_document(f), reverse("library:list"))[1], LOGGED_IN, shows=LIBRARY_TITLE,
                         shown_to=frozenset(CAST) - {"unrelated_staff", "anonymous"}),
    "library:saved": Case(lambda f: reverse("library:saved"), LOGGED_IN),
    "library:publish": Case(unit_url("library:publish", "commune"), LIBRARY_PUBLISH, post=succeeds(LIBRARY_PUBLISH),
                            shows='name="title"', data=lambda f: {
                                "kind": "HD", "number": "12-HD/BTCTW", "issuer": "Ban Tổ chức Trung ương",
                                "issued_on": "06/07/2018", "title": "Hướng dẫn sinh hoạt chi bộ",
                                "upload": SimpleUploadedFile("hd12.pdf", b"%PDF-1.4\n")},
                            effect=rows(LibraryDocument, title=lambda f: "Hướng dẫn sinh hoạt chi bộ")),
    "library:detail": Case(library_url("library:detail"), LIBRARY_READERS, shows=LIBRARY_TITLE),
    "library:file": Case(library_url("library:file"), LIBRARY_READERS, check=file_content(LIBRARY_FILE_MARK)),
    "library:bookmark": Case(library_url("library:bookmark"), LOGIN_THEN_405, post=succeeds(LIBRARY_READERS),
                             data={"saved": "1"}, effect=of_user(Bookmark)),
    "library:study": Case(library_url("library:study"), LOGIN_THEN_405, post=LIBRARY_STUDY,
                          effect=lambda f, who: sorted(StudyRecord.objects.values_list("member_id", flat=True))),
    "library:withdraw": Case(library_url("library:withdraw"), LIBRARY_MANAGE, post=succeeds(LIBRARY_MANAGE),
                             shows='name="reason"', data={"reason": "Đã có văn bản thay thế", "version": "1"},
                             effect=value(LibraryDocument, lambda f: library_document(f).pk, "withdrawn_at")),
    "library:progress": Case(library_url("library:progress"), LIBRARY_FOLLOW, shows="Chi bộ Thôn 1"),
    "library:cell": Case(library_url("library:cell", lambda f: f.cast.cell.pk), LIBRARY_NAMES, shows=PROTECTED_NAME),
    "library:cell.export": Case(library_url("library:cell.export", lambda f: f.cast.cell.pk, "xlsx"), LIBRARY_NAMES,
                                check=file_shows(office_text, XLSX, lambda f: PROTECTED_NAME)),
    "library:link": Case(lambda f: reverse("library:link", args=[library_session(f, linked=False).pk]),
                         LOGIN_THEN_405, post=LEAD_CELL_ACTS, data=lambda f: {"document": library_document(f).pk},
                         effect=rows(SessionDocument, meeting=lambda f: library_session(f, linked=False))),
    "library:unlink": Case(lambda f: reverse("library:unlink", args=[library_session(f, linked=True).pk,
                                                                    library_document(f).pk]),
                           LOGIN_THEN_405, post=LEAD_CELL_ACTS,
                           effect=rows(SessionDocument, meeting=lambda f: library_session(f, linked=True))),
    # --- party dues: the cell's leadership records them; the levels above read the cell's list; a member reads
    # their own
    "dues:cell": Case(lambda f: (dues_recorded(f), reverse("dues:cell", args=[f.cast.cell.pk]))[1],
                      expect(403, 200, 404, 200, 404, 200, 200, 200, 200), shows=PROTECTED_NAME),
    "dues:start": Case(unit_url("dues:start"), LEAD_CELL, post=succeeds(LEAD_CELL), shows='name="month"',
                       data={"month": "09/2026"}, effect=lambda f, who: list(DuesBook.objects.filter(
                           unit=f.cast.cell).values_list("starts_on"))),
    "dues:member": Case(member_url("dues:member"), READ_CELL, shows=PROTECTED_NAME),
    "dues:pay": Case(member_url("dues:pay"), LEAD_CELL, post=succeeds(LEAD_CELL), shows='name="amount"',
                     data={"month": "10/2026", "amount": "30000", "collected_on": "20/11/2026"},
                     effect=rows(Payment, member=lambda f: f.cast.members["member"])),
    # Importing payments: for the cells below a committee, its committee and staff (not its inspector, nor the
    # administrators). Uploading checks the file and shows the preview (a page, nothing recorded); the signed
    # confirmation is tested in tests/dues.
    "dues:import": Case(unit_url("dues:import", "commune"), expect(404, 404, 404, 200, 404, 403, 200, 403, 403),
                        post=expect(404, 404, 404, 200, 404, 403, 200, 403, 403), shows='type="file"',
                        data=lambda f: {"file": payments_file(f)},
                        effect=rows(Payment, member=lambda f: f.cast.members["member"])),
    "dues:meeting": Case(lambda f: (dues_recorded(f), reverse("dues:meeting", args=[f.meeting.pk]))[1], LEAD_CELL,
                         post=succeeds(LEAD_CELL), shows=PROTECTED_NAME,
                         data=lambda f: {f"months-{f.cast.members['member'].pk}": ["2026-12-01"],
                                         f"amount-{f.cast.members['member'].pk}": "30000"},
                         effect=rows(Payment, member=lambda f: f.cast.members["member"])),
    # --- meeting quality: the cell's leadership assesses, the superior committee confirms (no liaison named),
    # those present rate; those managing the commune choose the criteria version its cells follow
    "quality:meeting": Case(meeting_url("quality:meeting", held_for_quality), READ_CELL, post=LEAD_CELL_ACTS,
                            shows='id="ratings-title"', data=QUALITY_JUDGED,
                            effect=rows(Assessment, meeting=held_for_quality)),
    "quality:confirm": Case(meeting_url("quality:confirm", lambda f: held_for_quality(f, assessed=True)),
                            LOGIN_THEN_405, post=expect(403, 403, 404, 302, 404, 403, 302, 403, 403),
                            effect=lambda f, who: Assessment.objects.filter(meeting=held_for_quality(f))
                            .values_list("status", flat=True).first()),
    "quality:rate": Case(meeting_url("quality:rate", held_for_quality), LOGIN_THEN_405,
                         post=expect(302, 302, 404, 403, 404, 403, 403, 403, 403), data={"level": "fair"},
                         effect=lambda f, who: MemberRating.objects.filter(meeting=held_for_quality(f)).count()),
    "quality:unit": Case(unit_url("quality:unit", "commune"), READ_COMMUNE,
                         post=expect(404, 404, 404, 302, 404, 403, 302, 302, 302),
                         data=lambda f: {"rubric": QualityRubric.objects.get(code="diem-100-phu-tho").pk},
                         effect=rows(RubricChoice, committee=lambda f: f.cast.commune)),
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
    return build_fixtures(cast)


def build_fixtures(cast: Cast) -> Fixtures:
    """The matrix's world on the cast (also crawled by tests/test_vietnamese_pages.py)."""
    colleague = cast.members["secretary"]
    services.update_member(colleague, phone=COLLEAGUE_PHONE, by=SYSTEM)
    notification = Notification.objects.create(recipient=cast.users["member"], kind="meeting",
                                               event_key="matrix", title=NOTIFICATION_TITLE,
                                               url=reverse("org:units.detail", args=[cast.cell.pk]))
    import_job = ImportJob.objects.create(unit=cast.cell, created_by=cast.users["secretary"],
                                          file="imports/matrix.xlsx", original_name=IMPORT_FILE_NAME,
                                          file_format="xlsx", status=ImportStatus.INVALID, total_rows=2,
                                          error_count=1, errors=[{"row": 3, "column": "date_of_birth",
                                                                  "code": "bad_date", "message": IMPORT_ERROR}])
    without_login = make_member(cast.cell, WITHOUT_LOGIN_NAME)
    grant_id = cast.users["secretary"].role_grants.get(unit=cast.cell, post=None).pk
    cycle = open_cycle(cast.commune, title=CYCLE_TITLE, kind="year", period_start=datetime.date(2026, 1, 1),
                       period_end=datetime.date(2026, 12, 31), self_review_due=datetime.date(2026, 12, 10),
                       appraisal_due=datetime.date(2026, 12, 20), decision_due=datetime.date(2026, 12, 31), by=SYSTEM)
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
                                   deadline=datetime.date.today() + datetime.timedelta(days=90), by=SYSTEM)
    measure = corrections.add_measure(plan, text="Đóng đúng hạn", supervisor=cast.members["secretary"],
                                      deadline=plan.deadline, by=SYSTEM)
    corrections.add_step(measure, what="Nộp biên lai", due=plan.deadline, by=SYSTEM)
    corrections.submit_plan(plan, by=SYSTEM)
    corrections.decide_plan(plan, approve=True, by=secretary)
    corrections.post_progress(shortcoming, note="Biên lai tháng 11", by=cast.users["member"],
                              evidence=SimpleUploadedFile("bien-lai.pdf", b"%PDF-1.4\n" + EVIDENCE_MARK))
    corrections.claim_fix(shortcoming, note="Đã nộp đủ", by=cast.users["member"])
    starts = timezone.now() + datetime.timedelta(days=30)
    meeting = meetings.schedule_meeting(cast.cell, title=MEETING_TITLE, starts_at=starts,
                                        ends_at=starts + datetime.timedelta(minutes=120), agenda=["Thời sự"], by=SYSTEM)
    topic = meetings.save_topic(cast.commune, title=TOPIC_TITLE, tags=["học và làm theo Bác"], by=SYSTEM)
    meetings.save_topic_plan(cast.commune, starts.year, topics=[topic], publish=True, by=SYSTEM)
    meetings.save_cell_plan(cast.cell, starts.year, meeting_day=3, meeting_time=datetime.time(19, 30),
                            topics={4: [topic]}, by=SYSTEM)
    document = meetings.add_document(meeting, title="Dự thảo nghị quyết",
                                     upload=SimpleUploadedFile("nq.pdf", b"%PDF-1.4\n"), by=SYSTEM)
    meetings.publish_documents(meeting, by=SYSTEM)
    meetings.mark_attendance(meeting.attendance.get(member=cast.members["member"]), status="present", by=SYSTEM)
    contribution = meetings.add_contribution(meeting, member=cast.members["member"], note="Ý kiến", by=SYSTEM)
    meetings.save_minutes(meeting, conclusions="Kết luận", by=SYSTEM)
    feed = CalendarFeed.objects.create(user=cast.users["member"])
    return Fixtures(cast, notification, import_job, without_login, grant_id, cycle, draft, submitted,
                    colleague_review, feedback, shortcoming, meeting,
                    {"document": document, "contribution": contribution, "feed": feed})


def request_as(fixtures: Fixtures, who: str, method: str, url: str, data: dict,
               effect: Callable[[Fixtures, str], object] | None = None, *,
               json: bool = False) -> tuple[HttpResponse, bool]:
    """The response, and whether the request changed what `effect` reads (False without an effect)."""
    client = fixtures.cast.client(who)
    with transaction.atomic():
        before = effect(fixtures, who) if effect is not None else None
        if method == "POST":
            response = client.post(url, data, content_type="application/json") if json else client.post(url, data)
        else:
            response = client.get(url)
        if response.streaming:  # read files before the rollback: they may be generated lazily
            response._matrix_body = body_bytes(response)
            response.streaming_content = [response._matrix_body]
        changed = effect is not None and effect(fixtures, who) != before
        transaction.set_rollback(True)
    # Cached scopes are keyed by version numbers that the rollback hands out again.
    cache.clear()
    return response, changed


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
    if status == 302 and case.post_redirect is not None and method == "POST" and not isinstance(expected, Kept):
        location = response.headers.get("Location", "")
        if location != case.post_redirect(fixtures):
            return [f"redirected to {location!r}, expected {case.post_redirect(fixtures)!r}"]
    # The site header names whoever is logged in: their own name there is neither a disclosure nor what a page shows.
    text = (SITE_HEADER.sub("", body_text(response), count=1) if not response.headers.get("Content-Disposition")
            else "")
    shows = case.shows(fixtures, who) if callable(case.shows) else case.shows
    if shows is not None and method == "GET":
        shown_to = case.shown_to if case.shown_to is not None else {
            name for name, code in case.get.items() if code == 200}
        if who in shown_to and status == 200 and shows not in text:
            return [f"response does not contain {shows!r}"]
        if who not in shown_to and shows in text:
            return [f"response shows {shows!r}, which {who} must not see"]
    if status >= 400 and PROTECTED_NAME in text and who not in CELL_READERS:
        return [f"a {status} response discloses {PROTECTED_NAME!r}"]
    if case.check is not None and status == 200 and method == "GET":
        try:
            case.check(response, fixtures, who)
        except AssertionError as error:
            return [f"file check failed: {error}"]
    return []


def succeeded(case: Case, expected) -> bool:
    """Whether the expected answer to a POST is the write having happened."""
    return expected == case.done and not isinstance(expected, Kept)


def effect_problems(case: Case, expected, status: int, changed: bool) -> list[str]:
    if case.effect is None or status != expected:
        return []
    if succeeded(case, expected) and not changed:
        return [f"answered {status} but stored nothing"]
    if not succeeded(case, expected) and changed:
        return [f"answered {status} but changed what the row writes"]
    return []


def run_case(fixtures: Fixtures, case: Case, method: str, expectations: dict) -> list[str]:
    assert set(expectations) == set(CAST), "every cast member needs an expectation"
    url = case.url(fixtures)
    failures = []
    for who in CAST:
        if case.reset is not None:
            case.reset(fixtures)
        data = case.data(fixtures) if callable(case.data) else case.data
        effect = case.effect if method == "POST" else None
        response, changed = request_as(fixtures, who, method, url, data, effect, json=case.json)
        problems = problems_with(response, expectations[who], case, fixtures, who, method)
        if method == "POST":
            problems += effect_problems(case, expectations[who], response.status_code, changed)
        failures += [f"  {who:16} {method} {url}: {problem}" for problem in problems]
    return failures


# GET and POST of a row share one test (and one set of fixtures): building the fixtures is most of the cost.
@pytest.mark.parametrize(("name", "case"), cases())
def test_row_matches_matrix(fixtures, name, case):
    failures = run_case(fixtures, case, "GET", case.get)
    if case.post is not None:
        failures += run_case(fixtures, case, "POST", case.post)

    if failures:
        pytest.fail("access matrix mismatches:\n" + "\n".join(failures), pytrace=False)


def test_administrator_decides_a_cell_review_only_while_standing_in(fixtures):
    cast = fixtures.cast
    admin = cast.client("admin")
    review = proposed_colleague(fixtures)
    decide = reverse("reviews:reviews.decide", args=[review.pk])
    decision = {"level": "good", "override_reason": "Chi bộ đã giải trình"}

    refused = admin.post(decide, decision)
    level_after_refusal = Review.objects.values_list("decided_level", flat=True).get(pk=review.pk)
    standing_in = admin.post(reverse("org:units.stand_in", args=[cast.commune.pk]),
                             {"reason": "Đảng ủy xã đang kiện toàn ban thường vụ"})
    decided = admin.post(decide, decision)

    assert (refused.status_code, level_after_refusal) == (403, "")
    assert standing_in.status_code == 302
    assert StandIn.objects.filter(user=cast.users["admin"], unit=cast.commune,
                                  reason="Đảng ủy xã đang kiện toàn ban thường vụ").exists()
    assert decided.status_code == 302
    review.refresh_from_db()
    assert (review.decided_level, review.decided_by) == ("good", cast.users["admin"])


def test_every_post_row_that_may_write_names_its_effect():
    """A success status alone proves nothing: every POST row in which someone succeeds says what it stores."""
    blind = [param.id for param in cases() if param.values[1].post is not None and param.values[1].effect is None
             and any(succeeded(param.values[1], expected) for expected in param.values[1].post.values())]

    assert not blind, "POST rows whose success is not checked in the database (add an effect): " + ", ".join(blind)


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
    "roster export": (lambda f: reverse("documents:roster", args=[f.cast.cell.pk, "xlsx"]), 404),
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
