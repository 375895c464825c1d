"""The cells' year of meetings with their marked rolls, and the figures they add to the subtree counters.

When and how cells meet and who came is drawn here; the rows and the counter metrics are shaped by
`soisua.meetings.bulk`.
"""

import datetime
import functools
import random

from soisua.counters.bulk import period
from soisua.meetings import bulk
from soisua.meetings.enums import MeetingKind
from soisua.meetings.models import Attendance, CellPlan, Meeting

from .dates import MEETINGS_YEAR
from .ids import IdBlock
from .sizes import Sizes
from .writer import Chunk

# How cells hold the quarter's thematic session: within a regular meeting (combined), as a separate session, or
# not at all (the quarter shows up in the rule findings). Some months have no meeting either.
COMBINED_CELLS, SEPARATE_THEMATIC_CELLS = 0.70, 0.15
MONTH_SKIPPED = 0.02
# The cell's fixed day: many keep the 3rd (the Party's founding day), the others any day from 1 to 28.
THIRD_OF_THE_MONTH = 0.4
# A roll line's status by one random draw: present below 0.85, late below 0.90, excused below 0.97, else absent
# without reason (85 %, 5 %, 7 %, 3 %).
PRESENT_BELOW, LATE_BELOW, EXCUSED_BELOW = 0.85, 0.90, 0.97
EARLY_ARRIVALS = 15
# Exempt members (miễn sinh hoạt) stay on the roll; most of them are excused.
EXEMPT_EXCUSED = 0.6
EXCUSE_REASONS = ["Đi công tác", "Ốm, đang điều trị", "Việc gia đình", "Đi làm ăn xa", "Trực cơ quan",
                  "Chăm sóc người nhà ốm", "Đi học tập trung", "Đám cưới người thân"]
EXEMPT_REASON = "Được miễn sinh hoạt, sức khỏe yếu"
THEMES = ["Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
          "Phát huy vai trò tiên phong, gương mẫu của đảng viên", "Xây dựng nông thôn mới, đô thị văn minh",
          "Chuyển đổi số ở cơ sở", "Phòng, chống tham nhũng, tiêu cực", "Công tác dân vận ở khu dân cư",
          "Nâng cao chất lượng sinh hoạt chi bộ", "Bảo vệ nền tảng tư tưởng của Đảng"]

# (member id, day they joined the cell, exempt) of each member of a cell.
Roll = list[tuple[int, datetime.date, bool]]
# A unit's figures by (period, metric).
Figures = dict[tuple[str, str], int]


def add(figures: Figures, more: Figures) -> None:
    """Add `more` into `figures`."""
    for key, value in more.items():
        figures[key] = figures.get(key, 0) + value


@functools.cache
def arrivals(starts: datetime.datetime) -> tuple[list[datetime.datetime], list[datetime.datetime]]:
    """Check-in times for a meeting starting at `starts`: EARLY_ARRIVALS up to half an hour before it, and one for
    each minute late (a few hundred distinct starts in a year, so cached)."""
    minute = datetime.timedelta(minutes=1)
    return ([starts - 2 * number * minute for number in range(EARLY_ARRIVALS)],
            [starts + number * minute for number in range(31)])


class Meetings:
    """Draws from `rng`, a stream of its own: the organisation of a seed is the same with or without meetings.
    Meetings are held in the first `months` months of MEETINGS_YEAR."""

    def __init__(self, rng: random.Random, sizes: Sizes, months: int, zone: datetime.tzinfo):
        self.rng, self.months, self.zone = rng, months, zone
        self.ids = {model: IdBlock(model, count) for model, count in [
            (CellPlan, sizes.cells // 20), (Meeting, sizes.cells * months // 20),
            (Attendance, sizes.members * months // 20)]}
        self.meetings_done = 0
        self.lines_done = 0

    def add_year(self, chunk: Chunk, cell: dict, roll: Roll, *, at: datetime.time, venue: str) -> Figures:
        """The cell's plan for MEETINGS_YEAR and its meetings, held on the plan's fixed day, each with a marked roll
        line for every member in the cell on that day. Returns the cell's figures by (period, metric)."""
        rng = self.rng
        day = 3 if rng.random() < THIRD_OF_THE_MONTH else rng.randint(1, 28)
        chunk[CellPlan].append(bulk.cell_plan_row(
            id=self.ids[CellPlan].take(), unit_id=cell["id"], province_id=cell["province_id"], year=MEETINGS_YEAR,
            meeting_day=day, meeting_time=at, place=venue))
        habit = rng.random()
        combined = habit < COMBINED_CELLS
        separate = COMBINED_CELLS <= habit < COMBINED_CELLS + SEPARATE_THEMATIC_CELLS
        figures: Figures = {}
        meeting = {"chunk": chunk, "cell": cell, "roll": roll, "figures": figures, "at": at, "venue": venue}
        for month in range(1, self.months + 1):
            if separate and month % 3 == 2:  # mid-quarter, two weeks away from the regular meeting
                theme = rng.choice(THEMES)
                self.add_meeting(**meeting, kind=MeetingKind.THEMATIC.value, month=month,
                                 day=day + 14 if day <= 14 else day - 14,
                                 title=f"Sinh hoạt chuyên đề quý {(month - 1) // 3 + 1}/{MEETINGS_YEAR}: {theme}")
            if rng.random() < MONTH_SKIPPED:
                continue
            if combined and month % 3 == 0:
                self.add_meeting(**meeting, kind=MeetingKind.COMBINED.value, month=month, day=day,
                                 title=f"Sinh hoạt thường kỳ kết hợp chuyên đề tháng {month:02d}/{MEETINGS_YEAR}")
            else:
                self.add_meeting(**meeting, kind=MeetingKind.REGULAR.value, month=month, day=day,
                                 title=f"Sinh hoạt chi bộ thường kỳ tháng {month:02d}/{MEETINGS_YEAR}")
        return figures

    def add_meeting(self, *, chunk: Chunk, cell: dict, roll: Roll, figures: Figures, at: datetime.time, venue: str,
                    kind: str, month: int, day: int, title: str) -> None:
        rng = self.rng
        held_on = datetime.date(MEETINGS_YEAR, month, day)
        starts = datetime.datetime.combine(held_on, at, tzinfo=self.zone)
        length = rng.choice((120, 150, 180) if kind == MeetingKind.COMBINED else (90, 90, 120, 150))
        # The roll as it stood that day: members who had joined the cell by then.
        present = [(member_id, exempt) for member_id, joined, exempt in roll if joined <= held_on]
        meeting_id = self.ids[Meeting].take()
        chunk[Meeting].append(bulk.meeting_row(
            id=meeting_id, unit_id=cell["id"], province_id=cell["province_id"], kind=kind, title=title,
            starts_at=starts, minutes=length, place=venue, chair_id=present[0][0] if present else None,
            minute_taker_id=present[1][0] if len(present) > 1 else None,
            documents_published_at=starts - datetime.timedelta(days=rng.randint(1, 5), hours=10),
            created_at=starts - datetime.timedelta(days=20)))
        month_of = period(held_on)
        counts = self.add_roll(chunk, meeting_id, cell["province_id"], starts, present)
        for metric, value in bulk.meeting_figures(kind, **counts).items():
            if value:
                figures[month_of, metric] = figures.get((month_of, metric), 0) + value
        self.meetings_done += 1

    def add_roll(self, chunk: Chunk, meeting_id: int, province_id: int, starts: datetime.datetime,
                 members: list[tuple[int, bool]]) -> dict[str, int]:
        """One marked line per member; returns how many are present, late, excused and unexcused, and the minutes
        late. Written for speed: this is the bulk of the rows (about 60 million at national scale), so one random
        draw decides the status and its details."""
        draw_next, take, lines = self.rng.random, self.ids[Attendance].take, chunk[Attendance]
        present_line, late_line, excused_line, unexcused_line = (
            bulk.present_line, bulk.late_line, bulk.excused_line, bulk.unexcused_line)
        early, late = arrivals(starts)
        present = lateness = minutes_late = excused = unexcused = 0
        for member_id, exempt in members:
            draw = draw_next()
            if exempt:
                if draw < EXEMPT_EXCUSED:
                    lines.append(excused_line(take(), meeting_id, member_id, province_id, EXEMPT_REASON))
                    excused += 1
                    continue
                draw = (draw - EXEMPT_EXCUSED) / (1 - EXEMPT_EXCUSED)
            if draw < PRESENT_BELOW:
                lines.append(present_line(take(), meeting_id, member_id, province_id,
                                          early[int(draw * 10_000) % EARLY_ARRIVALS]))
                present += 1
            elif draw < LATE_BELOW:
                minutes = 5 + int(draw * 100_000) % 26
                lines.append(late_line(take(), meeting_id, member_id, province_id, minutes, late[minutes]))
                lateness += 1
                minutes_late += minutes
            elif draw < EXCUSED_BELOW:
                reason = EXCUSE_REASONS[int(draw * 100_000) % len(EXCUSE_REASONS)]
                lines.append(excused_line(take(), meeting_id, member_id, province_id, reason))
                excused += 1
            else:
                lines.append(unexcused_line(take(), meeting_id, member_id, province_id))
                unexcused += 1
        self.lines_done += len(members)
        return {"present": present, "late": lateness, "excused": excused, "unexcused": unexcused,
                "minutes_late": minutes_late}
