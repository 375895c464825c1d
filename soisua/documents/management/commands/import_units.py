"""manage.py import_units UNIT_CODE FILE [--confirm]: check a list of units to create below a unit and, with
--confirm, create them (all or none)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soisua.core.actors import SYSTEM
from soisua.documents import services
from soisua.documents.imports import units
from soisua.org.models import Unit

from ._arguments import read_upload, unit_named


def report(out, plan: units.UnitsPlan) -> None:
    """Every problem of a checked list, one per line; else the units to create by kind."""
    headers = {column.key: column.header for column in units.UNITS.columns}
    out.write(f"{len(plan.rows)} rows, {len(plan.units)} units to create, {len(plan.errors)} problems")
    for error in plan.errors:
        out.write(f"row {error.row}\t{headers.get(error.column, error.column)}\t{error.code}\t{error.message}")
    if not plan.errors:
        for label, count in plan.by_kind():
            out.write(f"  {label}: {count}")


class Command(BaseCommand):
    help = ("Check a list of units (.xlsx or .csv: Mã đơn vị, Tên đơn vị, Mã loại, Mã đơn vị cấp trên) to create "
            "below a unit and print every problem; with --confirm, create them (all or none).")

    def add_arguments(self, parser):
        parser.add_argument("unit_code", help="code of the unit the list hangs below")
        parser.add_argument("file", type=Path)
        parser.add_argument("--confirm", action="store_true", help="create the units if nothing is wrong")

    def handle(self, *args, unit_code: str, file: Path, confirm: bool, **options):
        unit = unit_named(unit_code, Unit.objects.select_related("kind"))
        plan = read_upload(file, lambda upload: services.check_units_file(upload, top=units.Top.of(unit)))
        report(self.stdout, plan)
        if not plan.is_valid:
            raise CommandError(f"{len(plan.errors)} problem(s); nothing was created.")
        if not confirm:
            self.stdout.write("Nothing is wrong. Run again with --confirm to create the units.")
            return
        try:
            created = services.import_units(plan.rows, under=unit, by=SYSTEM)
        except services.UnitsImportError as error:
            report(self.stdout, error.plan)
            raise CommandError(error.messages[0]) from None
        self.stdout.write(self.style.SUCCESS(f"Created {len(created)} units below {unit.name} ({unit.code})."))
