"""Roster import benchmark: N rows × 10 columns, checked and applied, against the time to merely read the file.

    .venv/bin/python bench/import_roster.py [--rows 100000]

Uses DATABASE_URL when set (PostgreSQL), else a fresh SQLite file in a temporary folder. Migrates first. Each run
creates its own province, commune and cells with new codes and new card numbers, so it can be repeated on the
same database. Target (issue): validation + apply of 100,000 rows in under 60 s.
"""

import argparse
import atexit
import datetime
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
ROWS_PER_CELL = 1000
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý"]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Phương"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Hùng", "Khang", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tuấn", "Việt"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Thảo", "Trang", "Yến"]
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Ngày vào Đảng", "Số thẻ đảng viên", "Số CCCD",
          "Điện thoại", "Mã chi bộ", "Trạng thái"]


def configure() -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="soisua-bench-import-"))
    atexit.register(shutil.rmtree, workdir, True)  # the roster file, uploads and the SQLite database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soisua.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("DEBUG", "0")  # as in production: no per-query debug logging
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import logging

    import django

    django.setup()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    return workdir


def build_units(run: int, cells: int):
    from soisua.core.actors import SYSTEM
    from soisua.org import services
    from soisua.org.models import UnitKind

    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    prefix = f"BENCH{run}"
    province = services.create_unit(parent=None, kind=kinds["province"], code=prefix, name=f"Tỉnh thử {run}",
                                     by=SYSTEM)
    commune = services.create_unit(parent=province, kind=kinds["commune"], code=f"{prefix}-X",
                                   name=f"Đảng ủy xã Thử {run}", by=SYSTEM)
    codes = []
    for number in range(1, cells + 1):
        code = f"{prefix}-X-{number:03d}"
        services.create_unit(parent=commune, kind=kinds["cell"], code=code, name=f"Chi bộ Thôn {number}",
                             by=SYSTEM)
        codes.append(code)
    return commune, codes


def write_roster(path: Path, rows: int, run: int, codes: list[str]) -> None:
    import xlsxwriter

    rng = random.Random(run)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    start = datetime.datetime(1950, 1, 1)
    for index in range(1, rows + 1):
        female = rng.random() < 0.45
        name = " ".join((rng.choice(FAMILY), rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                         rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)))
        born = start + datetime.timedelta(days=rng.randint(0, 365 * 50))
        admitted = born + datetime.timedelta(days=rng.randint(365 * 18, 365 * 30))
        sheet.write_string(index, 0, name)
        sheet.write_datetime(index, 1, born, date_format)
        sheet.write_string(index, 2, "Nữ" if female else "Nam")
        sheet.write_string(index, 3, "Kinh" if rng.random() < 0.85 else rng.choice(["Tày", "Ê Đê", "Mường"]))
        sheet.write_string(index, 4, f"{min(admitted, datetime.datetime(2024, 1, 1)):%d/%m/%Y}")
        sheet.write_string(index, 5, f"{run:04d}{index:08d}")
        sheet.write_string(index, 6, f"{run % 1000:03d}{index:09d}")
        sheet.write_string(index, 7, f"09{rng.randint(0, 99_999_999):08d}")
        sheet.write_string(index, 8, codes[(index - 1) // ROWS_PER_CELL % len(codes)])
        sheet.write_string(index, 9, "Chính thức" if rng.random() < 0.9 else "Dự bị")
    workbook.close()


def read_floor(path: Path) -> float:
    import python_calamine

    started = time.perf_counter()
    with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
        rows = workbook.get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    workdir = configure()

    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from soisua.core.actors import SYSTEM
    from soisua.documents import services
    from soisua.documents.models import ImportStatus
    from soisua.org.models import Unit

    call_command("migrate", verbosity=0)
    run = Unit.objects.filter(depth=1, code__startswith="BENCH").count() + 1
    cells = max(1, -(-args.rows // ROWS_PER_CELL))
    commune, codes = build_units(run, cells)
    path = workdir / "roster.xlsx"
    write_roster(path, args.rows, run, codes)
    size = path.stat().st_size
    settings.ROSTER_IMPORT_MAX_BYTES = max(settings.ROSTER_IMPORT_MAX_BYTES, size + 1)

    floor = read_floor(path)
    started = time.perf_counter()
    with path.open("rb") as handle:
        job = services.start_import(unit=commune, upload=File(handle, name=path.name), by=SYSTEM)
    job.refresh_from_db()
    validated = time.perf_counter() - started
    if job.status != ImportStatus.VALID:
        print(f"validation failed: {job.status} {job.errors[:5]} {job.failure_message}")
        return 1
    started = time.perf_counter()
    job = services.confirm_import(job, by=SYSTEM)
    applied = time.perf_counter() - started
    if job.status != ImportStatus.DONE or job.new_count != args.rows:
        print(f"apply failed: {job.status} new={job.new_count} {job.errors[:5]} {job.failure_message}")
        return 1

    total = validated + applied
    print(f"database: {connection.vendor}; rows: {args.rows:,} × {len(HEADER)} columns; file {size / 1e6:.1f} MB")
    print(f"read the file (floor):       {floor:6.2f} s")
    print(f"upload + validation:         {validated:6.2f} s  ({validated / floor:4.1f}× floor)")
    print(f"apply (re-check + write):    {applied:6.2f} s  ({applied / floor:4.1f}× floor)")
    print(f"validation + apply:          {total:6.2f} s  ({total / floor:4.1f}× floor)")
    scaled = total * 100_000 / args.rows
    verdict = "PASS" if scaled < TARGET_SECONDS else "FAIL"
    print(f"{verdict}: {total:.1f} s against the target of {TARGET_SECONDS:.0f} s for 100,000 rows"
          + ("" if args.rows == 100_000 else f" (scaled to 100,000 rows: {scaled:.1f} s)"))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
