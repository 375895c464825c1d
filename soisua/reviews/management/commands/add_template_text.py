from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soisua.core.actors import SYSTEM
from soisua.reviews import services


class Command(BaseCommand):
    help = "Register a known ready-made review text (UTF-8 file): submitted reviews close to it are flagged."

    def add_arguments(self, parser):
        parser.add_argument("title")
        parser.add_argument("file", type=Path)

    def handle(self, *args, title: str, file: Path, **options):
        try:
            template = services.add_template_text(title=title, text=file.read_text(encoding="utf-8"), by=SYSTEM)
        except (OSError, services.RuleSetError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{template.pk} {template.title}")
