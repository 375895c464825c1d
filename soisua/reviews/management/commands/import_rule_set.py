import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from soisua.core.actors import SYSTEM
from soisua.reviews import services


class Command(BaseCommand):
    help = ("Add a rule set from its data file (JSON, format in docs/rules.md) as a draft, or published with "
            "--publish. A newer regulation is a new rule set; published sets are never edited.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="publish it at once")

    def handle(self, *args, file: Path, publish: bool, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            rule_set = services.import_rule_set(data, publish=publish, by=SYSTEM)
        except services.RuleSetError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(f"{rule_set.code} {rule_set.name} ({rule_set.get_status_display()})")
