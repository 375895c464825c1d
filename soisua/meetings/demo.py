"""Demo meetings: the Ea Kmút commune's topic library and plan, and the school cell's year of meetings with
attendance, speakers and minutes, so a first visit shows figures and findings (soisua.demo loads it after org.demo)."""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from soisua.core.actors import SYSTEM
from soisua.core.demo import at
from soisua.org.models import Member, Unit

from . import services, voting
from .enums import AttendanceStatus, ContributionKind, MeetingKind, VoteChoice, VoteKind

TOPICS = [
    ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", ["học và làm theo Bác"],
     "Liên hệ việc học và làm theo Bác với nhiệm vụ dạy học của từng đảng viên.",
     "Chỉ thị 05-CT/TW; Kết luận 01-KL/TW"),
    ("Tự soi, tự sửa: nhận diện biểu hiện suy thoái", ["tự soi, tự sửa"],
     "Mỗi đảng viên đối chiếu với 27 biểu hiện suy thoái, nêu khuyết điểm và cách sửa.",
     "Nghị quyết Trung ương 4 khóa XII"),
    ("Những điều đảng viên không được làm", ["những điều đảng viên không được làm"],
     "Ôn lại 19 điều đảng viên không được làm và các tình huống thường gặp ở cơ sở.", "Quy định 37-QĐ/TW"),
    ("Nâng cao chất lượng dạy và học", ["chuyên môn"],
     "Gắn sinh hoạt chuyên đề với chất lượng giảng dạy của nhà trường.", ""),
]


def load_demo_meetings(today: datetime.date) -> None:
    commune = Unit.objects.get(code="DL-EK-EKM")
    school = Unit.objects.get(code="DL-EK-EKM-MTB")
    rng = random.Random(2026)  # noqa: S311 - reproducible demo attendance, not secrets
    topics = [services.save_topic(commune, title=title, tags=tags, summary=summary, materials=materials, by=SYSTEM)
              for title, tags, summary, materials in TOPICS]
    services.save_topic_plan(commune, today.year, topics=topics, publish=True,
                             note="Mỗi chi bộ chọn ít nhất một chuyên đề mỗi quý.", by=SYSTEM)
    # The commune's lower minimum for its smallest cells (Hướng dẫn 42-HD/BTCTW leaves it to the committee); the
    # school cell is larger, so its short February meeting stays short.
    services.add_rule_exception(commune, max_members=5, decision_number="12-QĐ/ĐU",
                                decision_date=datetime.date(today.year, 1, 5), regular_min_minutes=60,
                                combined_min_minutes=90, valid_from=datetime.date(today.year, 1, 5), by=SYSTEM)
    plan = services.save_cell_plan(school, today.year, meeting_day=3, meeting_time=datetime.time(16, 30),
                                   place="Phòng họp nhà trường",
                                   topics={1: [topics[0]], 2: [topics[3]], 3: [topics[1]], 4: [topics[2]]},
                                   by=SYSTEM)
    members = list(Member.objects.filter(cell=school).order_by("sort_key"))
    secretary = next((m for m in members if m.full_name == "Đào Thị Mỹ Xoan"), members[0])
    now = timezone.now()
    for month in range(1, 13):
        if month == 5:  # a month without a regular meeting: the rules show it
            continue
        starts = plan.day_in(month)
        length = 75 if month == 2 else 120  # February's was too short
        thematic = {3: topics[0], 9: topics[1]}.get(month)  # the other quarters show as missing
        meeting = services.schedule_meeting(
            school, kind=MeetingKind.COMBINED if thematic else MeetingKind.REGULAR, topic=thematic,
            introductory_paper=thematic.summary if thematic else "",
            title=(f"Sinh hoạt chi bộ tháng {month:02d}/{today.year}"
                   + (f" và chuyên đề “{thematic.title}”" if thematic else "")), starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=length), place=plan.place, chair=secretary,
            minute_taker=members[1], agenda=["Thông tin thời sự", "Kiểm điểm nhiệm vụ tháng", "Nhiệm vụ tháng tới"],
            by=SYSTEM)
        if starts + datetime.timedelta(minutes=length) > now:  # not held yet
            continue
        _send_documents(meeting, month, today.year, late=month == 7)  # July's went out the day before
        with at(starts + datetime.timedelta(minutes=length - 30)):  # the roll, speakers and vote, during it
            _hold(meeting, rng, secretary, vote=month == 12 or plan.day_in(month + 1) > now)
        with at(starts + datetime.timedelta(minutes=length + 15)):
            services.approve_minutes(meeting, by=SYSTEM)


def _send_documents(meeting, month: int, year: int, *, late: bool) -> None:
    """The draft resolution, sent out four days before (one when `late`)."""
    with at(meeting.starts_at - datetime.timedelta(days=1 if late else 4)):
        services.add_document(meeting, title=f"Dự thảo nghị quyết chi bộ tháng {month:02d}/{year}",
                              upload=_draft_resolution(meeting, month, year), by=SYSTEM)
        services.publish_documents(meeting, by=SYSTEM)


def _draft_resolution(meeting, month: int, year: int) -> SimpleUploadedFile:
    document = Document()
    document.add_heading(f"DỰ THẢO NGHỊ QUYẾT CHI BỘ THÁNG {month:02d}/{year}", level=1)
    document.add_paragraph(meeting.unit.name)
    for heading, text in (("I. Kết quả thực hiện nhiệm vụ tháng", "Chi bộ lãnh đạo hoàn thành các nhiệm vụ dạy "
                                                                   "học và công tác đảng viên trong tháng."),
                          ("II. Nhiệm vụ tháng tới", "Tiếp tục thực hiện kế hoạch năm học; mỗi đảng viên tự soi, "
                                                     "tự sửa theo kế hoạch cá nhân.")):
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
    stream = io.BytesIO()
    document.save(stream)
    return SimpleUploadedFile(f"du-thao-nghi-quyet-{year}-{month:02d}.docx", stream.getvalue())


def _hold(meeting, rng: random.Random, secretary, *, vote: bool) -> None:
    """Mark the roll (most present, some late or absent), record three speakers, put the resolution to the vote
    when `vote`, and write the minutes with the vote's result."""
    attended = []  # only those present or late speak (services.add_contribution)
    for line in meeting.attendance.select_related("member"):
        roll = rng.random()
        if roll < 0.8 or line.member == secretary:  # she chairs
            services.mark_attendance(line, status=AttendanceStatus.PRESENT, by=SYSTEM)
        elif roll < 0.88:
            services.mark_attendance(line, status=AttendanceStatus.LATE, minutes_late=rng.randint(5, 25),
                                     by=SYSTEM)
        elif roll < 0.96:
            services.mark_attendance(line, status=AttendanceStatus.EXCUSED, reason="Đi công tác", by=SYSTEM)
            continue
        else:
            services.mark_attendance(line, status=AttendanceStatus.UNEXCUSED, by=SYSTEM)
            continue
        attended.append(line.member)
    speakers = [secretary, *rng.sample([member for member in attended if member != secretary][:8], 2)]
    for speaker, kind in zip(speakers, (ContributionKind.REPORT, ContributionKind.OPINION,
                                        ContributionKind.SELF_CRITICISM), strict=True):
        services.add_contribution(meeting, member=speaker, kind=kind, agenda_item=meeting.agenda.last(),
                                  note="Ý kiến về nhiệm vụ tháng tới", by=SYSTEM)
    if vote:  # the latest meeting held shows a vote by phone in its minutes
        motion = _vote_on_the_resolution(meeting)
        counts = {"votes_for": motion.votes_for, "votes_against": motion.votes_against,
                  "votes_abstain": motion.votes_abstain}
    else:  # the others, by a show of hands of the official members present
        counts = {"votes_for": meeting.attendance.filter(status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE),
                                                         member_status__in=voting.OFFICIAL_STATUSES).count()}
    services.save_minutes(meeting, conclusions="Chi bộ thống nhất nhiệm vụ tháng tới.", by=SYSTEM, **counts)


def _vote_on_the_resolution(meeting):
    """The month's resolution put to an open vote: every official member present for it, the last one abstaining;
    probationary members present do not vote (the rule of an ordinary matter)."""
    motion = services.open_motion(meeting, text="Thông qua nghị quyết và nhiệm vụ tháng tới",
                                  kind=VoteKind.RESOLUTION, agenda_item=meeting.agenda.last(), by=SYSTEM)
    voters = list(meeting.attendance.filter(status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE),
                                            member_status__in=voting.OFFICIAL_STATUSES)
                  .select_related("member").order_by("member__sort_key"))
    for number, line in enumerate(voters, start=1):
        services.cast_vote(motion, member=line.member,
                           choice=VoteChoice.ABSTAIN if number == len(voters) else VoteChoice.FOR, by=SYSTEM)
    with at(timezone.now() + datetime.timedelta(minutes=6)):  # the members vote from their phones, then it closes
        return services.close_motion(motion, by=SYSTEM)
