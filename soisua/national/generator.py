"""A national-scale organisation for benchmarks and sizing.

The root and the provinces are created through org.services; communes, cells, members, their memberships,
status rows and secretary posts are loaded in bulk (COPY on PostgreSQL, bulk_create elsewhere) with the same
paths, depths, provinces and name keys the services compute. So are the members' shortcomings from the last
review and their correction plans, as they stand on REFERENCE_DAY, the cells' meetings of MEETINGS_YEAR with their
rolls, with `--reviews` that year-end review's cycle and reviews, and the subtree counters of every unit for all of
them (corrections, reviews, meetings and attendance), equal to what `rebuild_rollups` computes. Each app shapes its
rows (`<app>/bulk.py`); this module draws the organisation and puts the parts together. Each chunk of members is
one transaction, so memory stays bounded by the chunk size, whatever the total.
"""

import datetime
import itertools
import random
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from soisua.audit import services as audit
from soisua.core.actors import SYSTEM
from soisua.corrections import bulk as corrections_bulk
from soisua.counters import bulk as counters_bulk
from soisua.counters.models import Counter
from soisua.meetings import bulk as meetings_bulk
from soisua.meetings.models import Attendance, CellPlan, Meeting
from soisua.org import bulk as org_bulk
from soisua.org import services
from soisua.org.enums import MemberStatus
from soisua.org.models import CellMembership, Member, MemberStatusChange, Post, Unit, UnitKind
from soisua.reviews import bulk as reviews_bulk
from soisua.reviews.enums import ReviewRank

from .dates import CONGRESS_DAY, REFERENCE_DAY
from .directives import add_national_plan
from .ids import IdBlock
from .meetings import Figures, Meetings, Roll, add
from .people import People
from .places import INSTITUTION_CELLS, PLACE_FIRST, PLACE_SECOND, PROVINCES
from .reviews import Reviews
from .shortcomings import Shortcomings
from .sizes import Sizes, split
from .writer import BulkWriter, Chunk

# The tables of the meetings and the counters: about four rows in five at national scale. Their foreign keys point
# at rows this generator reserved the ids of and wrote in the same transaction; checking each at commit (three per
# roll line) made the whole load 1.7 times slower, so a superuser loads them without (BulkWriter.unchecked_keys).
UNCHECKED_KEYS = (CellPlan, Meeting, Attendance, Counter)


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int, chunk: int, shortcomings: int, meeting_months: int,
                 report: Callable[[str], None], directives: bool = False, reviews: bool = False):
        self.sizes = sizes
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - reproducible invented data, not secrets
        self.people = People(self.rng)
        self.shortcomings = Shortcomings(self.rng, sizes, shortcomings)
        # Meetings draw from their own stream: the organisation of a seed is the same with or without them.
        self.meetings = Meetings(random.Random(f"meetings {seed}"), sizes, meeting_months,  # noqa: S311
                                 timezone.get_current_timezone())
        self.meeting_months = meeting_months
        self.directives = directives
        self.directive_reports = 0
        # The review is drawn from its own stream too, and its cycle opened once the root exists.
        self.with_reviews = reviews
        self.reviews: Reviews | None = None
        self.chunk_size = chunk
        self.report = report
        self.writer = BulkWriter(
            [*org_bulk.TABLES, *corrections_bulk.TABLES, *meetings_bulk.TABLES, *reviews_bulk.TABLES,
             *counters_bulk.TABLES],
            now=timezone.now(), unchecked=UNCHECKED_KEYS,
            columns={Attendance: meetings_bulk.ATTENDANCE_COLUMNS, Counter: counters_bulk.COUNTER_COLUMNS})
        self.ids = {model: IdBlock(model, count) for model, count in [
            (Unit, sizes.communes + sizes.cells), (Member, sizes.members), (CellMembership, sizes.members),
            (MemberStatusChange, sizes.members), (Post, sizes.cells),
            (Counter, sizes.cells * (meeting_months // 3 + 4))]}
        self.kinds = {kind.code: kind for kind in UnitKind.objects.filter(code__in=["central", "province",
                                                                                   "commune", "cell"])}
        self.total_rows = 0
        self.members_done = 0
        # Figures of the provinces and the root by (unit, period, metric), written once every commune is done.
        self.upper_figures: dict[tuple[int, str, str], int] = {}
        self.started = time.monotonic()

    @property
    def shortcomings_done(self) -> int:
        return self.shortcomings.done

    @property
    def meetings_done(self) -> int:
        return self.meetings.meetings_done

    @property
    def lines_done(self) -> int:
        return self.meetings.lines_done

    @property
    def reviews_done(self) -> int:
        return self.reviews.done if self.reviews else 0

    def run(self) -> Unit:
        sizes, rng = self.sizes, self.rng
        root, provinces = self.create_upper_levels()
        communes_per_province = split(sizes.communes, sizes.provinces, rng)
        cells_per_commune = split(sizes.cells, sizes.communes, rng)
        members_per_commune = split(sizes.members, sizes.communes, rng)
        chunk, commune_index = self.writer.chunk(), 0
        if self.with_reviews:
            self.reviews = Reviews(random.Random(f"reviews {self.seed}"), sizes, root)  # noqa: S311
            for province in provinces:
                figures: Figures = {}
                self.reviews.add(chunk, figures, unit={"id": province.pk, "province_id": province.pk})
                self.add_upper_figures(figures, [province.pk, root.pk])
        for province, commune_count in zip(provinces, communes_per_province, strict=True):
            for number in range(commune_count):
                self.add_commune(chunk, province, number, cells_per_commune[commune_index],
                                 members_per_commune[commune_index])
                commune_index += 1
                if len(chunk[Member]) >= self.chunk_size:
                    self.flush(chunk)
                    chunk = self.writer.chunk()
        self.flush(chunk)
        self.flush_upper_figures()
        self.writer.analyze()
        if self.directives:
            targets, acknowledged, reports = add_national_plan(root, random.Random(f"directives {self.seed}"))  # noqa: S311
            self.directive_reports = reports
            self.total_rows += targets + reports
            self.report(f"National plan: {targets:,} units addressed, {acknowledged:,} acknowledged, "
                        f"{reports:,} reports")
        return root

    def create_upper_levels(self) -> tuple[Unit, list[Unit]]:
        """Root and provinces through the services: a handful of rows, audited like any other."""
        with transaction.atomic():
            root = services.create_unit(parent=None, kind=self.kinds["central"], code=self.fresh_code("TW"),
                                        name="Ban Chấp hành Trung ương", by=SYSTEM)
            provinces = []
            for name, is_city in PROVINCES[: self.sizes.provinces]:
                title = f"Thành ủy {name}" if is_city else f"Tỉnh ủy {name}"
                code = f"{root.code}-P{len(provinces) + 1:02d}"
                provinces.append(services.create_unit(parent=root, kind=self.kinds["province"], code=code,
                                                      name=title, place=name, by=SYSTEM))
            audit.record(SYSTEM, "org.unit.generate", root, {"provinces": self.sizes.provinces,
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

    def add_commune(self, chunk: Chunk, province: Unit, number: int, cell_count: int, member_count: int) -> None:
        rng = self.rng
        place = f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
        level = "phường" if rng.random() < 0.25 else "xã"
        commune = org_bulk.unit_row(
            id=self.ids[Unit].take(), kind_id=self.kinds["commune"].pk, parent_id=province.pk,
            parent_path=province.path, number=number, province_id=province.pk,
            code=f"{province.code}-X{number + 1:03d}", name=f"Đảng ủy {level} {place}", place=place)
        chunk[Unit].append(commune)
        village = "Khu phố" if level == "phường" else "Thôn"
        institutions = INSTITUTION_CELLS if cell_count > len(INSTITUTION_CELLS) else []
        commune_figures: Figures = {}
        if self.reviews:
            self.reviews.add(chunk, commune_figures, unit=commune)
        for cell_number, cell_members in enumerate(split(member_count, cell_count, rng)):
            if cell_number < len(institutions):
                label = institutions[cell_number]
                venue = f"Hội trường {label}"
            else:
                label = f"{village} {cell_number + 1 - len(institutions)}"
                venue = f"Nhà văn hóa {label}"
            cell = org_bulk.unit_row(
                id=self.ids[Unit].take(), kind_id=self.kinds["cell"].pk, parent_id=commune["id"],
                parent_path=commune["path"], number=cell_number, province_id=province.pk,
                code=f"{commune['code']}-{cell_number + 1:03d}", name=f"Chi bộ {label}")
            chunk[Unit].append(cell)
            figures: Figures = {}
            if self.reviews:
                self.reviews.add(chunk, figures, unit=cell)
            roll = self.add_members(chunk, cell, cell_members, figures)
            if self.meeting_months:
                # Institutions meet in working hours, villages and quarters in the evening.
                at = datetime.time(14) if cell_number < len(institutions) else datetime.time(19, 30)
                add(figures, self.meetings.add_year(chunk, cell, roll, at=at, venue=venue))
            self.add_counters(chunk, cell["id"], figures)
            add(commune_figures, figures)
        self.add_counters(chunk, commune["id"], commune_figures)
        self.add_upper_figures(commune_figures, [province.pk, province.parent_id])

    def add_members(self, chunk: Chunk, cell: dict, count: int, figures: Figures) -> Roll:
        """The cell's members, each with their shortcomings (and review); returns the cell's roll. What they add
        to the cell's counters goes to `figures`."""
        rng = self.rng
        secretary_id = None
        roll = []
        for index in range(count):
            person = self.people.person()
            member_id = self.ids[Member].take()
            chunk[Member].append(org_bulk.member_row(
                id=member_id, cell_id=cell["id"], province_id=cell["province_id"], full_name=person.full_name,
                status=person.status, sex=person.sex, date_of_birth=person.date_of_birth,
                admission_date=person.admission_date, official_date=person.official_date,
                ethnicity=person.ethnicity, card_number=f"{member_id:010d}"))
            joined = max(person.admission_date, REFERENCE_DAY - datetime.timedelta(days=rng.randint(0, 5000)))
            chunk[CellMembership].append(org_bulk.membership_row(
                id=self.ids[CellMembership].take(), member_id=member_id, cell_id=cell["id"], started_on=joined))
            roll.append((member_id, joined, person.status == MemberStatus.EXEMPT))
            chunk[MemberStatusChange].append(org_bulk.status_row(
                id=self.ids[MemberStatusChange].take(), member_id=member_id, status=person.status,
                effective_on=person.status_since))
            if index == 0:  # the secretary, elected at the last congress
                chunk[Post].append(org_bulk.secretary_row(id=self.ids[Post].take(), member_id=member_id,
                                                          cell_id=cell["id"], started_on=CONGRESS_DAY))
                secretary_id = member_id
            # The secretary supervises the members' plans; the committee above supervises the secretary's.
            self.shortcomings.add(chunk, figures, cell, member_id, None if index == 0 else secretary_id)
            if self.reviews:
                self.reviews.add(chunk, figures, unit=cell, member_id=member_id, status=person.status,
                                 rank=ReviewRank.HEAD if index == 0 else ReviewRank.MEMBER)
        return roll

    def add_upper_figures(self, figures: Figures, unit_ids: list[int]) -> None:
        """Figures of the provinces and the root, written once every commune is done."""
        for (month, metric), value in figures.items():
            for unit_id in unit_ids:
                key = (unit_id, month, metric)
                self.upper_figures[key] = self.upper_figures.get(key, 0) + value

    def add_counters(self, chunk: Chunk, unit_id: int, figures: Figures) -> None:
        chunk[Counter].extend(counters_bulk.counter_rows(
            {(unit_id, month, metric): value for (month, metric), value in figures.items()}, self.ids[Counter].take))

    def flush_upper_figures(self) -> None:
        if not self.upper_figures:
            return
        chunk = self.writer.chunk()
        chunk[Counter].extend(counters_bulk.counter_rows(self.upper_figures, self.ids[Counter].take))
        self.total_rows += self.writer.write_chunk(chunk)

    def flush(self, chunk: Chunk) -> None:
        self.total_rows += self.writer.write_chunk(chunk)
        self.members_done += len(chunk[Member])
        elapsed = time.monotonic() - self.started
        self.report(f"  members {self.members_done:,}/{self.sizes.members:,} "
                    f"({100 * self.members_done / self.sizes.members:.0f} %), "
                    f"{self.total_rows:,} rows, {self.total_rows / max(elapsed, 1e-9):,.0f} rows/s")
