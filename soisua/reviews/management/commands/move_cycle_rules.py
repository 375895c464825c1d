from django.core.management.base import BaseCommand, CommandError

from soisua.core.actors import SYSTEM
from soisua.reviews import services
from soisua.reviews.models import Cycle, RuleSet


class Command(BaseCommand):
    help = ("Move an open review cycle to another published rule set (closed cycles keep theirs); its reviews go "
            "onto the new set's forms.")

    def add_arguments(self, parser):
        parser.add_argument("cycle", type=int, help="the cycle's number")
        parser.add_argument("rule_set", help="the rule set's code, e.g. 2025.2")

    def handle(self, *args, cycle: int, rule_set: str, **options):
        found = Cycle.objects.filter(pk=cycle).first()
        target = RuleSet.objects.filter(code=rule_set).first()
        if found is None or target is None:
            raise CommandError("No such cycle." if found is None else f"No rule set with the code {rule_set}.")
        try:
            moved = services.move_cycle(found, target, by=SYSTEM)
        except services.RuleSetError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(f"{moved.title}: {target.code}")
