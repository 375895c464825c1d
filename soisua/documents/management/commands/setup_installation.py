"""manage.py setup_installation CODE NAME KIND [--units FILE] [--admin USERNAME] [--confirm]: the first-run set-up
of an installation without units (docs/deploy.md, "Starting without the demo")."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from soisua.core.actors import SYSTEM
from soisua.core.errors import DomainError
from soisua.documents import services
from soisua.documents.imports.units import Top
from soisua.org.models import Unit, UnitKind

from .import_units import report


class Command(BaseCommand):
    help = ("Create the top unit of an installation that has no unit yet and, with --units, the units below it from "
            "a list (.xlsx or .csv: Mã đơn vị, Tên đơn vị, Mã loại, Mã đơn vị cấp trên). Prints every problem; "
            "creates nothing without --confirm, and then all or nothing. --admin gives an existing login the "
            "administrator role on the top unit.")

    def add_arguments(self, parser):
        parser.add_argument("code", help="code of the top unit, e.g. DL")
        parser.add_argument("name", help="name of the top unit, e.g. 'Đảng bộ tỉnh Đắk Lắk'")
        parser.add_argument("kind", help="kind code of the top unit (one that may be the top: central, province)")
        parser.add_argument("--units", type=Path, help="list of the units below the top unit")
        parser.add_argument("--admin", help="user name of a login to make administrator of the top unit")
        parser.add_argument("--abbreviation", default="", help="document abbreviation, e.g. TU")
        parser.add_argument("--place", default="", help="place name on documents")
        parser.add_argument("--confirm", action="store_true", help="create the units if nothing is wrong")

    def handle(self, *args, code, name, kind, units: Path | None, admin, abbreviation, place, confirm, **options):
        top_unit = Unit.objects.filter(parent=None).order_by("path").first()
        if top_unit is not None:
            raise CommandError(f"The installation is already set up: its top unit is {top_unit.name} "
                               f"({top_unit.code}). Import units below a unit with `soisua import-units`.")
        kinds = {item.code: item for item in UnitKind.objects.all()}
        if kind not in kinds or not kinds[kind].may_be_root:
            roots = ", ".join(code for code, item in kinds.items() if item.may_be_root)
            raise CommandError(f"{kind!r} is not a kind that may be the top unit; use one of: {roots}.")
        login = None
        if admin:
            login = get_user_model().objects.filter(username=admin).first()
            if login is None:
                raise CommandError(f"No login named {admin!r}: create it first (soisua createsuperuser).")
        rows = None
        if units is not None:
            rows = self._check(units, top=Top(code=code, name=name, kind=kinds[kind]))
        if not confirm:
            self.stdout.write(f"Nothing is wrong. Run again with --confirm to create {code} {name}"
                              + (f" and {len(rows)} units below it." if rows else "."))
            return
        try:
            root, created = services.set_up_installation(code=code, name=name, kind=kinds[kind], rows=rows,
                                                         admin=login, abbreviation=abbreviation, place=place,
                                                         by=SYSTEM)
        except services.UnitsImportError as error:
            report(self.stdout, error.plan)
            raise CommandError(error.messages[0]) from None
        except DomainError as error:
            raise CommandError(error.messages[0]) from None
        self.stdout.write(self.style.SUCCESS(
            f"Set up: {root.name} ({root.code}) and {len(created)} units below it."
            + (f" {login.username} administers it." if login else "")))

    def _check(self, path: Path, *, top: Top) -> list:
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        with path.open("rb") as handle:
            try:
                plan = services.check_units_file(File(handle, name=path.name), top=top)
            except services.RosterImportError as error:
                raise CommandError(error.messages[0]) from None
        report(self.stdout, plan)
        if not plan.is_valid:
            raise CommandError(f"{len(plan.errors)} problem(s); nothing was created.")
        return plan.rows
