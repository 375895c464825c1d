"""Demo corrections (docs/domain.md, "Corrections"), loaded by soisua.demo after the demo review cycles: the
shortcomings named in the Ea Kmút commune's cycle last year, followed through the year to today, with a
correction plan in every state (a draft, one submitted for approval, one returned, approved with a roadmap of
measures and dated steps, some done with evidence, some overdue, a fix waiting for verification, fixes verified,
one after being reopened), for members and for the cells as collectives, each measure with its supervisor; and
outside the commune, collective plans waiting for the committee above (a cell of the district's military
organisation, and the bloc committee's own plan before the province's standing committee).

Written through the services by the system, each step on its day (core.demo.on_day).
"""

import datetime
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from soisua.core.actors import SYSTEM
from soisua.core.demo import on_day
from soisua.org.enums import PostKind
from soisua.org.models import Member, Post, Unit

from . import services
from .enums import Cause, Source
from .models import CorrectionPlan, Shortcoming

# Where each plan stands today, by cell: the collective's first, then the members' in name order; the demo
# logins' own plans are set apart (LOGIN_STATES), so each of them has something due on the home page.
STATES = {
    "DL-EK-EKM-MTB": ["overdue", "submitted", "claimed", "verified", "returned", "on_track"],
    "DL-EK-EKM-T1": ["submitted", "returned", "draft", "verified", "overdue", "on_track"],
    "DL-EK-EKM-T3": ["claimed", "overdue", "reopened", "on_track", "none"],
    "DL-EK-EKM-YT": ["verified", "planned", "on_track", "draft"],
}
LOGIN_STATES = {"dangvien": "on_track", "dangvien.thon1": "late"}
# Collective plans waiting for the committee above, outside the commune: the military organisation's staff cell
# (a shortcoming noted in its meeting) and the bloc committee (its late report on the province's plan).
WAITING_ABOVE = [
    ("DL-EK-QS-TM", "Việc ghi sổ nghị quyết và biên bản sinh hoạt chi bộ chưa đầy đủ, có tháng chậm",
     "Chưa phân công người ghi biên bản ổn định"),
    ("DL-DUK", "Báo cáo kết quả thực hiện Kế hoạch 72-KH/TU gửi Ban Thường vụ Tỉnh ủy còn chậm so với thời hạn",
     "Chưa phân công cơ quan tham mưu theo dõi, tổng hợp báo cáo của các tổ chức cơ sở đảng"),
]

MEASURES = [
    ("Xây dựng kế hoạch khắc phục, đăng ký với chi ủy", "Bản đăng ký có xác nhận của chi ủy"),
    ("Báo cáo kết quả khắc phục trong buổi sinh hoạt chi bộ", "Biên bản sinh hoạt chi bộ"),
    ("Tự kiểm tra việc thực hiện, báo cáo người giám sát", "Báo cáo của người giám sát"),
]


@dataclass(frozen=True)
class Step:
    due: int  # days from today
    done: int | None = None  # the day it was done, from today (None: not yet)


@dataclass(frozen=True)
class Course:
    """How a plan came to its state: the days (from today) it was made, submitted, decided, and its fix reported,
    reopened and verified; its deadline and roadmap steps."""

    made: int
    deadline: int
    steps: tuple[Step, ...] = ()
    submitted: int | None = None  # None: the day after it was made
    returned: int | None = None
    claimed: int | None = None
    reopened: int | None = None
    claimed_again: int | None = None
    verified: int | None = None


COURSES = {
    "on_track": Course(-336, 45, (Step(-250, -252), Step(-120, -121), Step(4))),
    "overdue": Course(-338, 60, (Step(-250, -251), Step(-40))),
    "late": Course(-335, 60, (Step(-200, -203), Step(-6))),
    "planned": Course(-9, 80, (Step(10), Step(50))),  # approved last week, nothing reported yet
    "claimed": Course(-334, 30, (Step(-250, -250), Step(-10, -12)), claimed=-2),
    "verified": Course(-337, -100, (Step(-300, -302), Step(-150, -152)), claimed=-120, verified=-115),
    "reopened": Course(-333, -60, (Step(-280, -281), Step(-160, -165)), claimed=-140, reopened=-135,
                       claimed_again=-90, verified=-80),
    "submitted": Course(-6, 90, (Step(30), Step(75)), submitted=-3),
    "returned": Course(-25, 90, (Step(30), Step(75)), submitted=-22, returned=-18),
    "draft": Course(-4, 90),
    "remedy": Course(-3, 55, (Step(20), Step(50)), submitted=-1),  # asked by an inspection five days ago
}


def _day(today: datetime.date, offset: int) -> datetime.date:
    return today + datetime.timedelta(days=offset)


@functools.cache
def _report() -> bytes:
    """A short Word document, as a member attaches a report to a roadmap step (one for the whole demo: made once)."""
    from docx import Document

    document = Document()
    document.add_heading("BÁO CÁO KẾT QUẢ KHẮC PHỤC HẠN CHẾ, KHUYẾT ĐIỂM", level=1)
    document.add_paragraph("Kết quả thực hiện bước khắc phục theo kế hoạch đã được chi ủy phê duyệt, có ý kiến "
                           "nhận xét của người giám sát.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def evidence(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _report(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def supervisor_for(unit: Unit, owner: Member | None) -> Member:
    """A post holder of the cell, not the owner: the deputy secretary first, then a committee member, then the
    secretary."""
    order = {PostKind.DEPUTY_SECRETARY: 0, PostKind.COMMITTEE_MEMBER: 1, PostKind.SECRETARY: 2}
    posts = (Post.objects.filter(unit=unit, ended_on__isnull=True, kind__in=list(order)).select_related("member")
             .exclude(member=owner))
    if posts:
        return min(posts, key=lambda post: (order[post.kind], post.member.sort_key)).member
    # A committee without members of its own: the secretary of its first cell.
    return (Post.objects.filter(unit__path__startswith=unit.path, kind=PostKind.SECRETARY, ended_on__isnull=True)
            .select_related("member").order_by("unit__path").first().member)


def follow(shortcomings: list[Shortcoming], state: str, today: datetime.date) -> CorrectionPlan | None:
    """One owner's plan for `shortcomings`, brought to `state` through the services, each step on its day."""
    if state == "none":
        return None
    course = COURSES[state]
    first = shortcomings[0]
    owner, unit = first.member, first.unit
    with on_day(_day(today, course.made)):
        plan = services.create_plan(unit=unit, member=owner, cycle=first.cycle, shortcomings=shortcomings,
                                    deadline=_day(today, course.deadline), by=SYSTEM)
        text, expected = MEASURES[first.pk % len(MEASURES)]
        measure = services.add_measure(plan, text=text, supervisor=supervisor_for(unit, owner),
                                       deadline=_day(today, course.deadline), by=SYSTEM)
        steps = [services.add_step(measure, what=f"{text}: bước {number}", due=_day(today, step.due),
                                   evidence_expected=expected, by=SYSTEM)
                 for number, step in enumerate(course.steps, start=1)]
    if state == "draft":
        return plan
    submitted = course.made + 1 if course.submitted is None else course.submitted
    with on_day(_day(today, submitted)):
        services.submit_plan(plan, by=SYSTEM)
    if state in ("submitted", "remedy"):
        return plan
    if course.returned is not None:
        with on_day(_day(today, course.returned)):
            return services.decide_plan(plan, approve=False, by=SYSTEM,
                                        reason="Các bước còn chung chung: nêu rõ việc làm, thời hạn và minh chứng.")
    with on_day(_day(today, submitted + 2)):
        services.decide_plan(plan, approve=True, by=SYSTEM)
    for step, planned in zip(steps, course.steps, strict=True):
        if planned.done is None:
            continue
        with on_day(_day(today, planned.done)):
            for shortcoming in shortcomings:
                services.post_progress(shortcoming, note=f"Đã thực hiện: {step.what}.", by=SYSTEM,
                                       evidence=evidence(f"bao-cao-buoc-{step.order + 1}.docx"))
            services.complete_step(step, by=SYSTEM)
    _close(shortcomings, course, today)
    return plan


def _close(shortcomings: Iterable[Shortcoming], course: Course, today: datetime.date) -> None:
    """The owner reports the fix; a supervisor reopens it or verifies it."""
    for shortcoming in shortcomings:
        if course.claimed is not None:
            with on_day(_day(today, course.claimed)):
                services.claim_fix(shortcoming, note="Đã hoàn thành các bước trong lộ trình khắc phục.", by=SYSTEM)
        if course.reopened is not None:
            with on_day(_day(today, course.reopened)):
                services.reopen_fix(shortcoming, by=SYSTEM,
                                    reason="Chưa có ý kiến nhận xét của chi ủy về kết quả khắc phục.")
            with on_day(_day(today, course.claimed_again)):
                services.claim_fix(shortcoming, note="Đã bổ sung nhận xét của chi ủy.", by=SYSTEM)
        if course.verified is not None:
            with on_day(_day(today, course.verified)):
                services.verify_fix(shortcoming, note="Chi ủy xác nhận đã khắc phục.", by=SYSTEM)


def load_demo_corrections(today: datetime.date, *, carried: Iterable[Shortcoming]) -> None:
    """Plans for the shortcomings `carried` from last year's cycle (each owner's together), and the military cell's."""
    by_owner: dict[tuple[int, int | None], list[Shortcoming]] = {}
    for shortcoming in (Shortcoming.objects.filter(pk__in=[item.pk for item in carried])
                        .select_related("unit", "member", "member__user", "cycle")
                        .order_by("unit__path", "member__sort_key", "pk")):
        by_owner.setdefault((shortcoming.unit_id, shortcoming.member_id), []).append(shortcoming)
    position: dict[str, int] = {}
    for shortcomings in sorted(by_owner.values(), key=lambda rows: (
            rows[0].unit.path, rows[0].member is not None, rows[0].member.sort_key if rows[0].member else "")):
        code, member = shortcomings[0].unit.code, shortcomings[0].member
        login = member.user.username if member is not None and member.user_id else None
        if login in LOGIN_STATES:
            state = LOGIN_STATES[login]
        else:
            states = STATES.get(code, ["none"])
            state = states[position.get(code, 0) % len(states)]
            position[code] = position.get(code, 0) + 1
        follow(shortcomings, state, today)
    _waiting_above(today)


def _waiting_above(today: datetime.date) -> None:
    for code, text, cause in WAITING_ABOVE:
        unit = Unit.objects.get(code=code)
        with on_day(_day(today, -30)):
            shortcoming = services.record_shortcoming(unit=unit, source=Source.MEETING, cause=Cause.SUBJECTIVE,
                                                      text=text, cause_text=cause, by=SYSTEM)
        follow([shortcoming], "submitted", today)
