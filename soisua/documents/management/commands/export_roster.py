"""`manage.py export_roster`: the roster spreadsheet for operators and scripts, through the same exports as the web."""

from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from soisua.core import progress
from soisua.core.actors import SYSTEM
from soisua.documents import exports, services, writers
from soisua.org.models import Unit


class Command(BaseCommand):
    help = ("Write the roster of a unit's whole subtree (active members) to an XLSX file that the roster import "
            "accepts. Personal columns only with --personal; that export is recorded in the audit log.")

    def add_arguments(self, parser):
        parser.add_argument("unit_code", help="Code of the unit, e.g. TN-HA.")
        parser.add_argument("output", type=Path, help="Path of the .xlsx file to write.")
        parser.add_argument("--personal", action="store_true",
                            help="Include date of birth, card number, citizen ID, phone and e-mail.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE,
                            choices=[code for code, _name in settings.LANGUAGES], help="Language of the headers.")

    def handle(self, *args, unit_code, output, personal, language, verbosity=1, **options):
        unit = Unit.objects.filter(code=unit_code).select_related("kind").first()
        if unit is None:
            raise CommandError(f"No unit has the code {unit_code!r}.")
        shown = progress.for_command(self, "Exporting", exports.roster_members(unit, personal=False).count(),
                                     verbosity=verbosity)
        with translation.override(language), output.open("wb") as target, shown:
            sheet = exports.roster_sheet(unit, personal=personal)
            writers.write_table(replace(sheet, rows=shown.iterate(sheet.rows)), "xlsx", target)
        services.record_export(SYSTEM, unit, action="documents.roster.export", file_format="xlsx", personal=personal)
        self.stdout.write(self.style.SUCCESS(f"Wrote the roster of {unit.name} to {output}."))
        self.stdout.write(shown.summary("Exported"))
