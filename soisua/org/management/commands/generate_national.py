"""A national-scale organisation for benchmarks and sizing (design.md §6).

The root and the provinces are created through org.services; communes, cells, members, their memberships,
status rows and secretary posts are loaded in bulk (COPY on PostgreSQL, bulk_create elsewhere) with the same
paths, depths, provinces and name keys the services compute. So are the members' shortcomings from the last
review and their correction plans, as they stand on REFERENCE_DAY: statuses and `next_due` follow the rules
of corrections.services (next_due is the earliest unfinished roadmap step of an approved plan, else its
deadline; none while unplanned or once verified). And so are the cells' meetings of MEETINGS_YEAR with their
rolls and the attendance counters of every unit (oversight.rollups), equal to what `rebuild_rollups` computes.
Each chunk is one transaction, so memory stays bounded by the chunk size, whatever the total.
"""

import contextlib
import datetime
import functools
import itertools
import random
import secrets
import time
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from soisua.audit import services as audit
from soisua.core.text import text_sort_key
from soisua.corrections.enums import PlanStatus, ShortcomingStatus, Source
from soisua.corrections.models import CorrectionPlan, Measure, RoadmapStep, Shortcoming
from soisua.meetings.enums import AttendanceStatus, MeetingKind
from soisua.meetings.models import Attendance, CellPlan, Meeting
from soisua.org import services
from soisua.org.enums import MemberStatus, PostKind, Sex
from soisua.org.models import CellMembership, Member, MemberStatusChange, Post, Unit, UnitKind
from soisua.oversight.models import Counter

# The country after the July 2025 reform (design.md §6).
NATIONAL = {"provinces": 34, "communes": 3_300, "cells": 270_000, "members": 5_600_000}

PROVINCES = [
    ("Hà Nội", True), ("Huế", True), ("Lai Châu", False), ("Điện Biên", False), ("Sơn La", False),
    ("Lạng Sơn", False), ("Quảng Ninh", False), ("Thanh Hóa", False), ("Nghệ An", False), ("Hà Tĩnh", False),
    ("Cao Bằng", False), ("Tuyên Quang", False), ("Lào Cai", False), ("Thái Nguyên", False), ("Phú Thọ", False),
    ("Bắc Ninh", False), ("Hưng Yên", False), ("Hải Phòng", True), ("Ninh Bình", False), ("Quảng Trị", False),
    ("Đà Nẵng", True), ("Quảng Ngãi", False), ("Gia Lai", False), ("Khánh Hòa", False), ("Lâm Đồng", False),
    ("Đắk Lắk", False), ("Hồ Chí Minh", True), ("Đồng Nai", False), ("Tây Ninh", False), ("Cần Thơ", True),
    ("Vĩnh Long", False), ("Đồng Tháp", False), ("Cà Mau", False), ("An Giang", False),
]
PLACE_FIRST = ["An", "Bình", "Đông", "Hòa", "Hưng", "Long", "Mỹ", "Nam", "Phú", "Phước", "Quảng", "Tân",
               "Thạnh", "Thuận", "Vĩnh", "Xuân", "Đức", "Thanh", "Trung", "Hồng"]
PLACE_SECOND = ["An", "Bình", "Điền", "Hải", "Hòa", "Hưng", "Lâm", "Lộc", "Lợi", "Mỹ", "Phong", "Phú", "Sơn",
                "Thành", "Thịnh", "Tiến", "Trung", "Yên", "Khánh", "Đông"]
# Cells every commune has before its villages and quarters.
INSTITUTION_CELLS = ["Cơ quan Đảng", "Cơ quan Chính quyền", "Công an", "Quân sự", "Trạm Y tế",
                     "Trường Tiểu học", "Trường Trung học cơ sở", "Trường Mầm non", "Hưu trí"]

# Family names with rough national frequencies (percent).
FAMILY_NAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 3), ("Phan", 4.5),
                ("Vũ", 2.5), ("Võ", 2.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
                ("Dương", 1), ("Lý", 0.5)]
MIDDLE_NAMES = {Sex.MALE: ["Văn", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Công", "Đình", "Xuân", "Ngọc"],
                Sex.FEMALE: ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Minh", "Hồng", "Kim", "Phương"]}
SECOND_MIDDLE = {Sex.MALE: ["Minh", "Quang", "Anh", "Tuấn"], Sex.FEMALE: ["Thu", "Ngọc", "Hồng", "Thanh"]}
GIVEN_NAMES = {
    Sex.MALE: ["An", "Bình", "Dũng", "Hải", "Hùng", "Long", "Nam", "Quân", "Sơn", "Tuấn", "Xuân", "Cường",
               "Đạt", "Hiếu", "Khoa", "Phong", "Thắng", "Trung", "Việt", "Vinh", "Hòa", "Thành", "Lộc", "Tâm"],
    Sex.FEMALE: ["Chi", "Hà", "Hạnh", "Hoa", "Lan", "Mai", "Phương", "Thảo", "Trang", "Xuân", "Anh", "Dung",
                 "Giang", "Hằng", "Hương", "Linh", "Loan", "Ngân", "Nhung", "Oanh", "Tâm", "Thủy", "Vân", "Yến"],
}
ETHNICITIES = [("Kinh", 86), ("Tày", 2), ("Thái", 2), ("Mường", 2), ("Khmer", 1.5), ("Hoa", 1), ("Nùng", 1.5),
               ("Mông", 1), ("Dao", 1), ("Ê Đê", 0.5), ("Gia Rai", 0.5)]
# Dates are drawn relative to a fixed day so a seed always gives the same data.
REFERENCE_DAY = datetime.date(2025, 7, 1)

# Shortcomings named in the December 2024 reviews, fixed to plans approved in January 2025 (domain.md §5).
SHORTCOMING_TEXTS = [
    "Chưa gương mẫu trong sinh hoạt chi bộ, còn vắng họp không có lý do",
    "Đóng đảng phí chưa đúng hạn",
    "Chưa chủ động nghiên cứu, học tập nghị quyết",
    "Tinh thần tự phê bình và phê bình chưa cao, còn nể nang",
    "Chưa thường xuyên giữ mối liên hệ với chi ủy nơi cư trú",
    "Việc thực hiện nhiệm vụ được giao còn chậm so với kế hoạch",
    "Chưa tích cực tham gia các phong trào của địa phương",
    "Còn ngại va chạm trong đấu tranh với biểu hiện tiêu cực",
]
MEASURE_TEXTS = ["Tham gia đầy đủ sinh hoạt chi bộ, báo cáo chi ủy khi vắng",
                 "Đóng đảng phí trước ngày 5 hằng tháng",
                 "Học tập nghị quyết theo kế hoạch của chi bộ, viết bài thu hoạch",
                 "Chủ động đăng ký và báo cáo kết quả công việc hằng quý"]
SOURCES = [(Source.SELF_REVIEW, 70), (Source.FEEDBACK, 15), (Source.MEETING, 10), (Source.INSPECTION, 5)]
PLANS_MADE = datetime.date(2025, 1, 15)
PLANS_END = datetime.date(2025, 12, 31)
# Shares of members by where their correction plan stands on REFERENCE_DAY. Behind: a step due before that day
# is unfinished, so the member's unverified shortcomings are overdue (about 12 % of all shortcomings).
NO_PLAN, DRAFT_PLAN, BEHIND, VERIFIED = 0.08, 0.07, 0.18, 0.35
REVIEWED_AT = datetime.datetime(2024, 12, 10, 8, 0, tzinfo=datetime.UTC)
PlanShortcoming = CorrectionPlan.shortcomings.through

# Meetings are generated for the last whole year before REFERENCE_DAY, so every meeting has been held and marked.
MEETINGS_YEAR = REFERENCE_DAY.year - 1
# How cells hold the quarter's thematic session: within a regular meeting (combined), as a separate session, or
# not at all (the quarter shows up in the rule findings). Some months have no meeting either.
COMBINED_CELLS, SEPARATE_THEMATIC_CELLS = 0.70, 0.15
MONTH_SKIPPED = 0.02
# The cell's fixed day: many keep the 3rd (the Party's founding day), the others any day from 1 to 28.
THIRD_OF_THE_MONTH = 0.4
# A roll line's status by one random draw: present below 0.85, late below 0.90, excused below 0.97, else absent
# without reason (85 %, 5 %, 7 %, 3 %).
PRESENT_BELOW, LATE_BELOW, EXCUSED_BELOW = 0.85, 0.90, 0.97
PRESENT, LATE, EXCUSED, UNEXCUSED = (status.value for status in (
    AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED))
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


@dataclass(frozen=True, slots=True)
class Sizes:
    provinces: int
    communes: int
    cells: int
    members: int

    @classmethod
    def scaled(cls, scale: float) -> "Sizes":
        return cls(**{level: max(1, round(count * scale)) for level, count in NATIONAL.items()})

    def check(self) -> None:
        if not 1 <= self.provinces <= len(PROVINCES):
            raise CommandError(f"--provinces must be between 1 and {len(PROVINCES)}")
        if not self.provinces <= self.communes <= self.cells <= self.members:
            raise CommandError("Need provinces <= communes <= cells <= members (every unit holds someone).")


def split(total: int, parts: int, rng: random.Random, spread: float = 0.5) -> list[int]:
    """`total` in `parts` uneven positive shares (each at least 1 when total >= parts), summing exactly."""
    base = 1 if total >= parts else 0
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    factor = (total - base * parts) / sum(weights)
    shares = [base + int(weight * factor) for weight in weights]
    for index in range(total - sum(shares)):
        shares[index % parts] += 1
    return shares


class Table:
    """Column order and defaults for one model, so rows can be written as COPY tuples or as instances.

    Rows come as dicts, or as tuples in the order of `columns` when given (the columns left out get NULL)."""

    def __init__(self, model: type[models.Model], now: datetime.datetime, columns: tuple[str, ...] | None = None):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns] if columns else model._meta.concrete_fields
        self.names = [f.attname for f in self.fields]
        self.defaults = [self._default(f, now) for f in self.fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.copy_sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    @staticmethod
    def _default(f: models.Field, now: datetime.datetime):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.has_default():
            return f.get_default()
        return None if f.null else ""

    def as_tuple(self, values: dict) -> tuple:
        return tuple(map(values.get, self.names, self.defaults))

    def instance(self, values: dict | tuple) -> models.Model:
        return self.model(**(values if isinstance(values, dict) else dict(zip(self.names, values, strict=True))))


# Tables of the meetings: about four rows in five at national scale. Their foreign keys point at rows this
# generator reserved the ids of and wrote in the same transaction; checking each at commit (three per roll line)
# made the whole load 1.7 times slower, so a superuser loads them without (Generator.unchecked_keys).
UNCHECKED_KEYS = (CellPlan, Meeting, Attendance, Counter)

# Column order of the rows generated as tuples.
TUPLE_COLUMNS = {
    Attendance: ("id", "meeting_id", "member_id", "province_id", "status", "minutes_late", "reason", "checked_in_at"),
    Counter: ("id", "unit_id", "period", "metric", "slot", "value"),
}


@dataclass
class Chunk:
    units: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    memberships: list[dict] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    shortcomings: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)
    plan_links: list[dict] = field(default_factory=list)
    measures: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    cell_plans: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    # Roll lines and counters are the bulk of the rows: tuples in the table's column order, not dicts.
    attendance: list[tuple] = field(default_factory=list)
    counters: list[tuple] = field(default_factory=list)

    def tables(self) -> list[tuple[type[models.Model], list[dict] | list[tuple]]]:
        # Parents before children; foreign keys are checked at commit, the order only helps readers.
        return [(Unit, self.units), (Member, self.members), (CellMembership, self.memberships),
                (MemberStatusChange, self.statuses), (Post, self.posts), (Shortcoming, self.shortcomings),
                (CorrectionPlan, self.plans), (PlanShortcoming, self.plan_links), (Measure, self.measures),
                (RoadmapStep, self.steps), (CellPlan, self.cell_plans), (Meeting, self.meetings),
                (Attendance, self.attendance), (Counter, self.counters)]

    def rows(self) -> int:
        return sum(len(rows) for _model, rows in self.tables())


class IdBlock:
    """Primary keys reserved `block` at a time, so rows can reference each other before they are written.

    A block of the exact count when it is known (units, members); for rows whose number is drawn as they go
    (shortcomings, plans), blocks of about a twentieth of the expected count: the last leaves a gap of unused ids.
    """

    def __init__(self, model: type[models.Model], block: int):
        self.model, self.block = model, max(block, 1)
        self.next = self.end = 0

    def take(self) -> int:
        if self.next == self.end:
            self.next = reserve_ids(self.model, self.block)
            self.end = self.next + self.block
        value, self.next = self.next, self.next + 1
        return value


def reserve_ids(model: type[models.Model], count: int) -> int:
    """First id of `count` consecutive ids no other writer will get; the sequence moves past them."""
    table = model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, max(count, 1)])
            return cursor.fetchone()[0] - max(count, 1) + 1
        # SQLite AUTOINCREMENT: the next id is above both the highest row and sqlite_sequence.
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table from _meta
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        first = max(highest, row[0] if row else 0) + 1
        if row:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [first + count - 1, table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first + count - 1])
        return first


def weighted(pairs: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    values = [value for value, _weight in pairs]
    cumulative, running = [], 0.0
    for _value, weight in pairs:
        running += weight
        cumulative.append(running)
    return values, cumulative


class NameMaker:
    """Plausible Vietnamese members; name keys are computed once per distinct name by the service helper."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.families = weighted(FAMILY_NAMES)
        self.ethnicities = weighted(ETHNICITIES)
        self.keys: dict[str, dict] = {}

    def name_values(self, full_name: str) -> dict:
        values = self.keys.get(full_name)
        if values is None:
            values = self.keys[full_name] = services.member_values({"full_name": full_name})
        return values

    def person(self) -> dict:
        rng = self.rng
        sex = Sex.FEMALE if rng.random() < 0.38 else Sex.MALE
        family = rng.choices(self.families[0], cum_weights=self.families[1])[0]
        middle = rng.choice(MIDDLE_NAMES[sex])
        if rng.random() < 0.2:
            middle = f"{middle} {rng.choice(SECOND_MIDDLE[sex])}"
        full_name = f"{family} {middle} {rng.choice(GIVEN_NAMES[sex])}"
        born = REFERENCE_DAY - datetime.timedelta(days=rng.randint(20 * 365, 80 * 365))
        admitted = born + datetime.timedelta(days=rng.randint(18 * 365, 40 * 365))
        admitted = min(admitted, REFERENCE_DAY - datetime.timedelta(days=rng.randint(1, 400)))
        return {**self.name_values(full_name), "sex": sex, "date_of_birth": born, "admission_date": admitted,
                "ethnicity": rng.choices(self.ethnicities[0], cum_weights=self.ethnicities[1])[0]}


@functools.cache
def arrivals(starts: datetime.datetime) -> tuple[list[datetime.datetime], list[datetime.datetime]]:
    """Check-in times for a meeting starting at `starts`: EARLY_ARRIVALS up to half an hour before it, and one for
    each minute late (a few hundred distinct starts in a year, so cached)."""
    minute = datetime.timedelta(minutes=1)
    return ([starts - 2 * number * minute for number in range(EARLY_ARRIVALS)],
            [starts + number * minute for number in range(31)])


def member_status(person: dict, rng: random.Random) -> tuple[str, datetime.date]:
    """Status and the day it took effect: probationary in the first year, then official; some exempt."""
    admitted = person["admission_date"]
    if (REFERENCE_DAY - admitted).days < 365:
        return MemberStatus.PROBATIONARY, admitted
    person["official_date"] = admitted + datetime.timedelta(days=365)
    if REFERENCE_DAY.year - person["date_of_birth"].year > 70 and rng.random() < 0.3:
        return MemberStatus.EXEMPT, REFERENCE_DAY - datetime.timedelta(days=rng.randint(30, 3000))
    return MemberStatus.OFFICIAL, person["official_date"]


class Command(BaseCommand):
    help = ("Generate a national-scale organisation (root, provinces, communes, cells, members) for benchmarks. "
            "Deterministic for a given --seed and starting database.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, help="Fraction of the national sizes, e.g. 0.01 "
                            "(34 provinces, 3,300 communes, 270,000 cells, 5.6 million members at 1).")
        for level, count in NATIONAL.items():
            parser.add_argument(f"--{level}", type=int, help=f"Total {level} (national: {count:,}).")
        parser.add_argument("--shortcomings", type=int, default=2, choices=range(5),
                            help="Shortcomings per member on average, with correction plans (default 2; 0: none).")
        parser.add_argument("--meetings", type=int, default=12, choices=range(13),
                            help=f"Months of {MEETINGS_YEAR} with the cells' meetings, their rolls and the "
                                 f"attendance counters (default 12: the whole year; 0: no meetings).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--chunk", type=int, default=20_000, help="Members per transaction (default 20,000).")
        parser.add_argument("--append", "--force", dest="append", action="store_true",
                            help="Add a new national tree even though the database already holds units or members.")

    def handle(self, *args, scale=None, seed=1, chunk=20_000, append=False, verbosity=1, shortcomings=2,
               meetings=12, **options):
        base = Sizes.scaled(scale) if scale else Sizes(**NATIONAL)
        sizes = Sizes(**{level: options.get(level) or getattr(base, level) for level in NATIONAL})
        if scale is None and not any(options.get(level) for level in NATIONAL):
            raise CommandError("Give --scale or the sizes (--provinces, --communes, --cells, --members).")
        sizes.check()
        if not append and (Unit.objects.exists() or Member.objects.exists()):
            raise CommandError("The database already holds an organisation; use --append to add another tree.")
        self.verbosity = verbosity
        generator = Generator(sizes, seed=seed, chunk=max(chunk, 1), shortcomings=shortcomings,
                              meeting_months=meetings, report=self.progress)
        started = time.monotonic()
        root = generator.run()
        elapsed = time.monotonic() - started
        levels = ", ".join(f"{getattr(sizes, level):,} {level[:-1] if getattr(sizes, level) == 1 else level}"
                           for level in NATIONAL)
        levels += (f", {generator.shortcomings_done:,} shortcomings, {generator.meetings_done:,} meetings, "
                   f"{generator.lines_done:,} roll lines")
        self.stdout.write(f"Generated {generator.total_rows:,} rows ({levels}) under unit {root.pk} in "
                          f"{elapsed:.1f} s: {generator.total_rows / elapsed:,.0f} rows/s.")

    def progress(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)
            self.stdout.flush()


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int, chunk: int, shortcomings: int, meeting_months: int, report):
        self.sizes = sizes
        self.rng = random.Random(seed)
        # Meetings draw from their own stream: the organisation of a seed is the same with or without them.
        self.meeting_rng = random.Random(f"meetings {seed}")
        self.meeting_months = meeting_months
        self.zone = timezone.get_current_timezone()
        self.superuser = connection.vendor == "postgresql" and self.is_superuser()
        self.names = NameMaker(self.rng)
        self.chunk_size = chunk
        self.shortcomings_per_member = shortcomings
        self.sources = weighted(SOURCES)
        self.report = report
        self.now = timezone.now()
        self.tables = {model: Table(model, self.now, TUPLE_COLUMNS.get(model)) for model, _rows in Chunk().tables()}
        self.kinds = {kind.code: kind for kind in UnitKind.objects.filter(code__in=["central", "province",
                                                                                   "commune", "cell"])}
        self.total_rows = 0
        self.members_done = 0
        self.shortcomings_done = 0
        self.meetings_done = 0
        self.lines_done = 0
        # Attendance figures of the provinces and the root, written once every commune is done.
        self.upper_figures: dict[tuple[int, str, str], int] = {}
        self.started = time.monotonic()

    @staticmethod
    def is_superuser() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            return cursor.fetchone()[0]

    def run(self) -> Unit:
        sizes, rng = self.sizes, self.rng
        root, provinces = self.create_upper_levels()
        communes_per_province = split(sizes.communes, sizes.provinces, rng)
        cells_per_commune = split(sizes.cells, sizes.communes, rng)
        members_per_commune = split(sizes.members, sizes.communes, rng)
        expected = sizes.members * self.shortcomings_per_member
        self.ids = {model: IdBlock(model, count) for model, count in [
            (Unit, sizes.communes + sizes.cells), (Member, sizes.members), (CellMembership, sizes.members),
            (MemberStatusChange, sizes.members), (Post, sizes.cells), (Shortcoming, expected // 20),
            (PlanShortcoming, expected // 20), (CorrectionPlan, sizes.members // 20),
            (Measure, sizes.members // 20), (RoadmapStep, sizes.members // 8), (CellPlan, sizes.cells // 20),
            (Meeting, sizes.cells * self.meeting_months // 20), (Attendance, sizes.members * self.meeting_months // 20),
            (Counter, sizes.cells * self.meeting_months // 3)]}
        chunk, commune_index = Chunk(), 0
        for province, commune_count in zip(provinces, communes_per_province, strict=True):
            for number in range(commune_count):
                self.add_commune(chunk, province, number, cells_per_commune[commune_index],
                                 members_per_commune[commune_index])
                commune_index += 1
                if len(chunk.members) >= self.chunk_size:
                    self.flush(chunk)
                    chunk = Chunk()
        self.flush(chunk)
        self.flush_upper_figures()
        self.analyze()
        return root

    def create_upper_levels(self) -> tuple[Unit, list[Unit]]:
        """Root and provinces through the services: a handful of rows, audited like any other."""
        with transaction.atomic():
            root = services.create_unit(parent=None, kind=self.kinds["central"], code=self.fresh_code("TW"),
                                        name="Ban Chấp hành Trung ương")
            provinces = []
            for name, is_city in PROVINCES[: self.sizes.provinces]:
                title = f"Thành ủy {name}" if is_city else f"Tỉnh ủy {name}"
                code = f"{root.code}-P{len(provinces) + 1:02d}"
                provinces.append(services.create_unit(parent=root, kind=self.kinds["province"], code=code,
                                                      name=title, place=name))
            audit.record(None, "org.unit.generate", root, {"provinces": self.sizes.provinces,
                                                           "communes": self.sizes.communes,
                                                           "cells": self.sizes.cells,
                                                           "members": self.sizes.members})
        self.total_rows += 1 + len(provinces)
        return root, provinces

    @staticmethod
    def fresh_code(code: str) -> str:
        taken = set(Unit.objects.filter(code__startswith=code).values_list("code", flat=True))
        candidates = itertools.chain([code], (f"{code}{n}" for n in itertools.count(2)))
        return next(candidate for candidate in candidates if candidate not in taken)

    def unit_values(self, *, parent_id: int, parent_path: str, number: int, kind: str, code: str, name: str,
                    province_id: int, place: str = "") -> dict:
        unit_id = self.ids[Unit].take()
        path = parent_path + services.encode_path_step(number)
        return {"id": unit_id, "kind_id": self.kinds[kind].pk, "parent_id": parent_id, "province_id": province_id,
                "path": path, "depth": len(path) // services.PATH_STEP, "code": code, "name": name,
                "sort_key": text_sort_key(name), "place": place}

    def add_commune(self, chunk: Chunk, province: Unit, number: int, cell_count: int, member_count: int) -> None:
        rng = self.rng
        place = f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
        level = "phường" if rng.random() < 0.25 else "xã"
        commune = self.unit_values(parent_id=province.pk, parent_path=province.path, number=number,
                                   kind="commune", code=f"{province.code}-X{number + 1:03d}",
                                   name=f"Đảng ủy {level} {place}", province_id=province.pk, place=place)
        chunk.units.append(commune)
        village = "Khu phố" if level == "phường" else "Thôn"
        institutions = INSTITUTION_CELLS if cell_count > len(INSTITUTION_CELLS) else []
        commune_figures: dict[tuple[str, str], int] = {}
        for cell_number, cell_members in enumerate(split(member_count, cell_count, rng)):
            if cell_number < len(institutions):
                label = institutions[cell_number]
                venue = f"Hội trường {label}"
            else:
                label = f"{village} {cell_number + 1 - len(institutions)}"
                venue = f"Nhà văn hóa {label}"
            cell = self.unit_values(parent_id=commune["id"], parent_path=commune["path"], number=cell_number,
                                    kind="cell", code=f"{commune['code']}-{cell_number + 1:03d}",
                                    name=f"Chi bộ {label}", province_id=province.pk)
            chunk.units.append(cell)
            roll = self.add_members(chunk, cell, cell_members)
            if self.meeting_months:
                # Institutions meet in working hours, villages and quarters in the evening.
                at = datetime.time(14) if cell_number < len(institutions) else datetime.time(19, 30)
                figures = self.add_meetings(chunk, cell, roll, at=at, venue=venue)
                self.add_counters(chunk, cell["id"], figures)
                for key, value in figures.items():
                    commune_figures[key] = commune_figures.get(key, 0) + value
        self.add_counters(chunk, commune["id"], commune_figures)
        for (period, metric), value in commune_figures.items():
            for unit_id in (province.pk, province.parent_id):
                key = (unit_id, period, metric)
                self.upper_figures[key] = self.upper_figures.get(key, 0) + value

    def add_members(self, chunk: Chunk, cell: dict, count: int) -> list[tuple[int, datetime.date, bool]]:
        """The cell's members; returns its roll: (member id, day they joined the cell, exempt) of each."""
        rng = self.rng
        secretary_id = None
        roll = []
        for index in range(count):
            person = self.names.person()
            status, effective_on = member_status(person, rng)
            member_id = self.ids[Member].take()
            chunk.members.append({**person, "id": member_id, "status": status, "cell_id": cell["id"],
                                  "province_id": cell["province_id"], "card_number": f"{member_id:010d}"})
            joined = max(person["admission_date"], REFERENCE_DAY - datetime.timedelta(days=rng.randint(0, 5000)))
            chunk.memberships.append({"id": self.ids[CellMembership].take(), "member_id": member_id,
                                      "cell_id": cell["id"], "started_on": joined})
            roll.append((member_id, joined, status == MemberStatus.EXEMPT))
            chunk.statuses.append({"id": self.ids[MemberStatusChange].take(), "member_id": member_id,
                                   "status": status, "effective_on": effective_on})
            if index == 0:  # the secretary, elected at the last congress
                chunk.posts.append({"id": self.ids[Post].take(), "member_id": member_id, "unit_id": cell["id"],
                                    "kind": PostKind.SECRETARY, "started_on": datetime.date(2025, 8, 1)})
                secretary_id = member_id
            # The secretary supervises the members' plans; the committee above supervises the secretary's.
            self.add_corrections(chunk, cell, member_id, None if index == 0 else secretary_id)
        return roll

    def add_corrections(self, chunk: Chunk, cell: dict, member_id: int, supervisor_id: int | None) -> None:
        """A member's shortcomings from the last review and their correction plan, as they stand on REFERENCE_DAY."""
        rng = self.rng
        count = min(rng.randint(0, 2 * self.shortcomings_per_member), len(SHORTCOMING_TEXTS))
        if not count:
            return
        stage = rng.random()
        approved = stage >= NO_PLAN + DRAFT_PLAN
        behind = approved and stage < NO_PLAN + DRAFT_PLAN + BEHIND
        owner = {"unit_id": cell["id"], "member_id": member_id, "province_id": cell["province_id"]}
        plan, next_due = None, None
        if stage >= NO_PLAN:
            plan, next_due = self.add_plan(chunk, owner, supervisor_id, approved=approved, behind=behind)
        for order, text in enumerate(rng.sample(SHORTCOMING_TEXTS, count)):
            values = {**owner, "id": self.ids[Shortcoming].take(), "text": text, "order": order,
                      "source": rng.choices(self.sources[0], cum_weights=self.sources[1])[0],
                      "created_at": REVIEWED_AT + datetime.timedelta(minutes=rng.randint(0, 30 * 24 * 60))}
            if approved:
                values["fix_by"] = plan["deadline"]
                if rng.random() < VERIFIED:
                    values["status"] = ShortcomingStatus.VERIFIED
                    values["verified_at"] = datetime.datetime.combine(
                        REFERENCE_DAY - datetime.timedelta(days=rng.randint(1, 120)), datetime.time(9),
                        tzinfo=datetime.UTC)
                else:
                    values["status"] = (rng.choice([ShortcomingStatus.PLANNED, ShortcomingStatus.IN_PROGRESS])
                                        if behind else rng.choice([ShortcomingStatus.PLANNED,
                                                                   ShortcomingStatus.IN_PROGRESS,
                                                                   ShortcomingStatus.CLAIMED]))
                    values["next_due"] = next_due
            chunk.shortcomings.append(values)
            if plan is not None:
                chunk.plan_links.append({"id": self.ids[PlanShortcoming].take(), "correctionplan_id": plan["id"],
                                         "shortcoming_id": values["id"]})
        self.shortcomings_done += count

    def add_plan(self, chunk: Chunk, owner: dict, supervisor_id: int | None, *, approved: bool,
                 behind: bool) -> tuple[dict, datetime.date]:
        """A plan with one measure and its roadmap, and the next due date refresh_next_due would give its
        shortcomings. Approved plans have their steps due before REFERENCE_DAY done, except from a random one on
        when the member is behind; the others (draft or submitted) have none done."""
        rng = self.rng
        made = PLANS_MADE + datetime.timedelta(days=rng.randint(0, 20))
        deadline = PLANS_END - datetime.timedelta(days=rng.randint(0, 60))
        status = PlanStatus.APPROVED if approved else rng.choice([PlanStatus.DRAFT, PlanStatus.SUBMITTED])
        first = made + datetime.timedelta(days=rng.randint(20, 100))  # always before REFERENCE_DAY
        count = rng.randint(2, 3)
        dues = [first + (deadline - first) * number // (count - 1) for number in range(count)]
        past = sum(due < REFERENCE_DAY for due in dues)
        undone_from = 0 if not approved else rng.randrange(past) if behind else past
        moment = datetime.datetime.combine(made, datetime.time(10), tzinfo=datetime.UTC)
        plan = {**owner, "id": self.ids[CorrectionPlan].take(), "deadline": deadline, "status": status,
                "created_at": moment, "version": 1 + (status != PlanStatus.DRAFT) + (status == PlanStatus.APPROVED),
                "submitted_at": None if status == PlanStatus.DRAFT else moment + datetime.timedelta(days=2),
                "decided_at": moment + datetime.timedelta(days=7) if status == PlanStatus.APPROVED else None}
        chunk.plans.append(plan)
        measure_id = self.ids[Measure].take()
        chunk.measures.append({"id": measure_id, "plan_id": plan["id"], "text": rng.choice(MEASURE_TEXTS),
                               "supervisor_id": supervisor_id, "deadline": deadline})
        for order, due in enumerate(dues):
            chunk.steps.append({"id": self.ids[RoadmapStep].take(), "measure_id": measure_id, "order": order,
                                "what": "Báo cáo kết quả với chi ủy", "due": due, "evidence_expected": "Báo cáo",
                                "done_on": due - datetime.timedelta(days=3) if order < undone_from else None})
        return plan, dues[undone_from] if undone_from < count else deadline

    def add_meetings(self, chunk: Chunk, cell: dict, roll: list[tuple[int, datetime.date, bool]], *,
                     at: datetime.time, venue: str) -> dict[tuple[str, str], int]:
        """The cell's plan for MEETINGS_YEAR and its meetings in the first `meeting_months` months, held on the
        plan's fixed day, each with a marked roll line for every member in the cell on that day. Returns the
        cell's figures by (period, metric), as the attendance counters count them."""
        rng = self.meeting_rng
        day = 3 if rng.random() < THIRD_OF_THE_MONTH else rng.randint(1, 28)
        chunk.cell_plans.append({"id": self.ids[CellPlan].take(), "unit_id": cell["id"],
                                 "province_id": cell["province_id"], "year": MEETINGS_YEAR, "meeting_day": day,
                                 "meeting_time": at, "place": venue})
        habit = rng.random()
        combined = habit < COMBINED_CELLS
        separate = COMBINED_CELLS <= habit < COMBINED_CELLS + SEPARATE_THEMATIC_CELLS
        figures: dict[tuple[str, str], int] = {}
        meeting = {"chunk": chunk, "cell": cell, "roll": roll, "figures": figures, "at": at, "venue": venue}
        for month in range(1, self.meeting_months + 1):
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

    def add_meeting(self, *, chunk: Chunk, cell: dict, roll: list[tuple[int, datetime.date, bool]],
                    figures: dict[tuple[str, str], int], at: datetime.time, venue: str, kind: str, month: int,
                    day: int, title: str) -> None:
        rng = self.meeting_rng
        held_on = datetime.date(MEETINGS_YEAR, month, day)
        starts = datetime.datetime.combine(held_on, at, tzinfo=self.zone)
        length = rng.choice((120, 150, 180) if kind == MeetingKind.COMBINED else (90, 90, 120, 150))
        # The roll as it stood that day: members who had joined the cell by then.
        present = [(member_id, exempt) for member_id, joined, exempt in roll if joined <= held_on]
        meeting_id = self.ids[Meeting].take()
        chunk.meetings.append({
            "id": meeting_id, "unit_id": cell["id"], "province_id": cell["province_id"], "kind": kind,
            "title": title, "starts_at": starts, "ends_at": starts + datetime.timedelta(minutes=length),
            "place": venue, "chair_id": present[0][0] if present else None,
            "minute_taker_id": present[1][0] if len(present) > 1 else None,
            "documents_published_at": starts - datetime.timedelta(days=rng.randint(1, 5), hours=10),
            "check_in_secret": secrets.token_hex(16), "created_at": starts - datetime.timedelta(days=20)})
        period = f"{MEETINGS_YEAR:04d}-{month:02d}"
        tally = self.add_roll(chunk, meeting_id, cell["province_id"], starts, present)
        for metric, value in ((f"meetings.{kind}", 1), *tally.items()):
            if value:
                figures[period, metric] = figures.get((period, metric), 0) + value
        self.meetings_done += 1

    def add_roll(self, chunk: Chunk, meeting_id: int, province_id: int, starts: datetime.datetime,
                 members: list[tuple[int, bool]]) -> dict[str, int]:
        """One marked line per member; returns the counts by metric. Written for speed: this is the bulk of the
        rows (about 60 million at national scale), so one random draw decides the status and its details."""
        draw_next, take, lines = self.meeting_rng.random, self.ids[Attendance].take, chunk.attendance
        early, late = arrivals(starts)
        present = lateness = minutes_late = excused = unexcused = 0
        for member_id, exempt in members:
            draw = draw_next()
            if exempt:
                if draw < EXEMPT_EXCUSED:
                    lines.append((take(), meeting_id, member_id, province_id, EXCUSED, 0, EXEMPT_REASON, None))
                    excused += 1
                    continue
                draw = (draw - EXEMPT_EXCUSED) / (1 - EXEMPT_EXCUSED)
            if draw < PRESENT_BELOW:
                lines.append((take(), meeting_id, member_id, province_id, PRESENT, 0, "",
                              early[int(draw * 10_000) % EARLY_ARRIVALS]))
                present += 1
            elif draw < LATE_BELOW:
                minutes = 5 + int(draw * 100_000) % 26
                lines.append((take(), meeting_id, member_id, province_id, LATE, minutes, "", late[minutes]))
                lateness += 1
                minutes_late += minutes
            elif draw < EXCUSED_BELOW:
                reason = EXCUSE_REASONS[int(draw * 100_000) % len(EXCUSE_REASONS)]
                lines.append((take(), meeting_id, member_id, province_id, EXCUSED, 0, reason, None))
                excused += 1
            else:
                lines.append((take(), meeting_id, member_id, province_id, UNEXCUSED, 0, "", None))
                unexcused += 1
        self.lines_done += len(members)
        return {f"attendance.{PRESENT}": present, f"attendance.{LATE}": lateness, f"attendance.{EXCUSED}": excused,
                f"attendance.{UNEXCUSED}": unexcused, "attendance.minutes_late": minutes_late}

    def add_counters(self, chunk: Chunk, unit_id: int, figures: dict[tuple[str, str], int]) -> None:
        """The unit's subtree figures as rebuild_rollups writes them: slot 0, no zero rows."""
        take = self.ids[Counter].take
        chunk.counters.extend((take(), unit_id, period, metric, 0, value)
                              for (period, metric), value in sorted(figures.items()) if value)

    def flush_upper_figures(self) -> None:
        if not self.upper_figures:
            return
        chunk = Chunk()
        take = self.ids[Counter].take
        chunk.counters.extend((take(), unit_id, period, metric, 0, value)
                              for (unit_id, period, metric), value in sorted(self.upper_figures.items()) if value)
        with transaction.atomic(), self.unchecked_keys():
            self.write(Counter, chunk.counters)
        self.total_rows += chunk.rows()

    def flush(self, chunk: Chunk) -> None:
        with transaction.atomic():
            tables = [(model, rows) for model, rows in chunk.tables() if rows]
            for model, rows in tables:
                if model not in UNCHECKED_KEYS:
                    self.write(model, rows)
            with self.unchecked_keys():
                for model, rows in tables:
                    if model in UNCHECKED_KEYS:
                        self.write(model, rows)
        self.total_rows += chunk.rows()
        self.members_done += len(chunk.members)
        elapsed = time.monotonic() - self.started
        self.report(f"  members {self.members_done:,}/{self.sizes.members:,} "
                    f"({100 * self.members_done / self.sizes.members:.0f} %), "
                    f"{self.total_rows:,} rows, {self.total_rows / max(elapsed, 1e-9):,.0f} rows/s")

    @contextlib.contextmanager
    def unchecked_keys(self):
        """Rows written inside are not checked against their foreign keys: in the replica role the deferred
        checks are not even queued. Only a superuser may; others keep the checks. The tests check every
        reference of a small generated tree."""
        if not self.superuser:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    def write(self, model: type[models.Model], rows: list[dict] | list[tuple]) -> None:
        table = self.tables[model]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(table.copy_sql) as copy:
                if isinstance(rows[0], tuple):
                    for row in rows:
                        copy.write_row(row)
                else:
                    for row in rows:
                        copy.write_row(table.as_tuple(row))
        else:
            model.objects.bulk_create((table.instance(row) for row in rows), batch_size=2_000)

    def analyze(self) -> None:
        """Fresh planner statistics: a benchmark on tables the planner believes empty measures the wrong plan.

        Outside a transaction, VACUUM too: it sets the visibility map that index-only scans (the capped counts of
        corrections.queries) rely on, which autovacuum would otherwise do a minute later, in the middle of a
        benchmark."""
        if connection.vendor != "postgresql":
            return
        tables = ", ".join(self.tables[model].model._meta.db_table for model in self.tables)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {tables}")

