"""Exports: a roster of 100,000 members to Excel and a one-page official document to PDF, each against a floor
measured in the same run.

    .venv/bin/python bench/exports.py [--members 100000] [--pdf-runs 20] [--seed 1]

Uses DATABASE_URL when set (PostgreSQL; bench/run.sh provides a throwaway one), else a fresh SQLite file in a
temporary folder; migrates first. Generates an organisation of --members members in 1 province, 10 communes and
200 cells, with one shortcoming and its correction plan per member on average (`generate_national`), unless the
database already holds one that large, then:

- Roster to Excel: `manage.py export_roster ROOT FILE --personal`, the product's roster export (the same rows and
  writer as the download), against the floor: the same members' fields read with one plain query and written with
  bare openpyxl in write-only mode. PASS under --roster-seconds (15 s) and at most --roster-ratio (2.5×) the floor.
- A page of PDF: a correction plan cut to one page, `rendering.render_pdf` of its document, against the
  floor: bare WeasyPrint rendering the same HTML string. Best and median of --pdf-runs after one warm-up (the
  first rendering loads the fonts). PASS when the median is under --pdf-ms (150 ms) and at most --pdf-ratio (1.3×)
  the floor's.

Exits non-zero on FAIL.
"""

import argparse
import atexit
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROSTER_SECONDS = 15.0
ROSTER_RATIO = 2.5
PDF_MS = 150.0
PDF_RATIO = 1.3


def configure() -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="soisua-bench-exports-"))
    atexit.register(shutil.rmtree, workdir, True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soisua.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_BACKEND"] = "django.tasks.backends.immediate.ImmediateBackend"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("DEBUG", "0")  # as in production: no per-query debug logging
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    return workdir


def ensure_data(members: int, seed: int):
    """The root of an organisation of at least `members` members, generated when the database has none."""
    from django.core.management import call_command

    from soisua.documents.exports import roster_members
    from soisua.org.models import Unit

    root = Unit.objects.filter(parent=None).order_by("-pk").first()
    if root is not None and roster_members(root, personal=False).count() >= members:
        return root, None
    print(f"Generating {members:,} members with their correction plans …", flush=True)
    started = time.perf_counter()
    call_command("generate_national", provinces=1, communes=10, cells=200, members=members, shortcomings=1,
                 meetings=0, seed=seed, append=Unit.objects.exists(), verbosity=0)
    elapsed = time.perf_counter() - started
    return Unit.objects.filter(parent=None).order_by("-pk").first(), elapsed


def roster_product(root, path: Path, *, profile: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds of the export (the CPU time of this process: the database's own work is not in it)."""
    from django.core.management import call_command

    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    call_command("export_roster", root.code, str(path), "--personal", stdout=io.StringIO(), stderr=io.StringIO())
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return time.perf_counter() - started, time.process_time() - cpu


def roster_floor(root, path: Path) -> tuple[float, float, int]:
    """The same members' fields, one plain query, written by openpyxl in write-only mode."""
    from openpyxl import Workbook

    from soisua.documents import exports

    columns = exports.roster_columns(True)
    fields = [column.key for column in columns if column.key not in ("number", "cell", "cell_code",
                                                                      "in_political_system")]
    started, cpu = time.perf_counter(), time.process_time()
    members = (exports.roster_members(root, personal=True)
               .values_list(*fields, "cell__code", "cell__name", "in_political_system"))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(root.code)
    sheet.append([str(column.header) for column in columns])
    count = 0
    for count, values in enumerate(members.iterator(chunk_size=2000), start=1):
        sheet.append([count, *values])
    workbook.save(path)
    return time.perf_counter() - started, time.process_time() - cpu, count


def one_page_plan():
    """A correction plan's document on one page: the first generated plan, its last blocks left out until it fits
    (a generated plan runs to a page or a little more)."""
    from weasyprint import HTML

    from soisua.corrections import exports
    from soisua.corrections.models import CorrectionPlan
    from soisua.documents.rendering import render_html

    def pages(document) -> int:
        return len(HTML(string=render_html(document)).render().pages)

    for plan in CorrectionPlan.objects.order_by("pk")[:50]:
        document = exports.plan_document(plan)
        while pages(document) > 1 and len(document.blocks) > 1:
            document.blocks.pop()
        if pages(document) == 1:
            return plan, document
    raise SystemExit("no correction plan fits on one page")


def pdf_times(document, runs: int) -> tuple[list[float], list[float]]:
    from weasyprint import HTML

    from soisua.documents.rendering import render_html, render_pdf

    html = render_html(document)
    render_pdf(document)  # warm-up: fonts and styles
    HTML(string=html).write_pdf()
    product, floor = [], []
    for _run in range(runs):
        started = time.perf_counter()
        render_pdf(document)
        product.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        HTML(string=html).write_pdf()
        floor.append((time.perf_counter() - started) * 1000)
    return product, floor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--pdf-runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print where the roster export spends its time")
    parser.add_argument("--roster-seconds", type=float, default=ROSTER_SECONDS)
    parser.add_argument("--roster-ratio", type=float, default=ROSTER_RATIO)
    parser.add_argument("--pdf-ms", type=float, default=PDF_MS)
    parser.add_argument("--pdf-ratio", type=float, default=PDF_RATIO)
    args = parser.parse_args()
    workdir = configure()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    call_command("migrate", verbosity=0)
    translation.activate("vi")
    root, generated = ensure_data(args.members, args.seed)
    print(f"database: {connection.vendor}"
          + (f"; generated in {generated:.1f} s" if generated is not None else "; organisation already there"))

    product, product_cpu = roster_product(root, workdir / "roster.xlsx", profile=args.profile)
    floor, floor_cpu, rows = roster_floor(root, workdir / "floor.xlsx")
    ratio = product / floor
    roster_pass = product < args.roster_seconds and ratio <= args.roster_ratio
    print(f"roster to Excel, {rows:,} rows ({(workdir / 'roster.xlsx').stat().st_size / 1e6:.1f} MB), wall (CPU)")
    print(f"  floor (plain query + openpyxl write-only) {floor:6.2f} s ({floor_cpu:5.2f} s)")
    print(f"  export_roster                             {product:6.2f} s ({product_cpu:5.2f} s)  "
          f"({ratio:4.2f}× floor)  {'PASS' if roster_pass else 'FAIL'} "
          f"(under {args.roster_seconds:.0f} s, at most {args.roster_ratio}×)")

    _plan, document = one_page_plan()
    ours, bare = pdf_times(document, args.pdf_runs)
    median, floor_median = statistics.median(ours), statistics.median(bare)
    pdf_ratio = median / floor_median
    pdf_pass = median < args.pdf_ms and pdf_ratio <= args.pdf_ratio
    print(f"a one-page correction plan to PDF, {args.pdf_runs} runs (best / median)")
    print(f"  floor (bare WeasyPrint, same HTML)   {min(bare):7.1f} / {floor_median:7.1f} ms")
    print(f"  render_pdf                           {min(ours):7.1f} / {median:7.1f} ms  ({pdf_ratio:4.2f}× floor)  "
          f"{'PASS' if pdf_pass else 'FAIL'} (under {args.pdf_ms:.0f} ms, at most {args.pdf_ratio}×)")
    return 0 if roster_pass and pdf_pass else 1


if __name__ == "__main__":
    sys.exit(main())
