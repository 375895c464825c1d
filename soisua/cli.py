"""The `soisua` console command: the management commands users and operators need, under short names.

    soisua demo                         load the demo organisation (idempotent) and print the logins
    soisua serve                        run the development server on 127.0.0.1:8000
    soisua migrate                      create or upgrade the database
    soisua createsuperuser              create the first login (it sets up the installation on signing in)
    soisua setup CODE NAME KIND [--units FILE] [--admin USER] [--confirm]
                                        without the demo: create the top unit and the units below it
    soisua import-units UNIT FILE [--confirm]
                                        check a list of units to create below a unit; create them with --confirm
    soisua import UNIT FILE [--confirm] validate a roster file; apply it with --confirm
    soisua export UNIT FILE.xlsx        export a roster (--personal adds personal data)
    soisua grant USER UNIT ROLE         give a login a role on a unit
    soisua token USER NAME              issue an API token (printed once)
    soisua import-rules FILE [--publish]
                                        add a review rule set from its data file (docs/rules.md), as a draft
    soisua move-cycle-rules CYCLE CODE  move an open review cycle to another published rule set
    soisua national --scale 0.01        generate national-scale data for benchmarks
    soisua scheduled                    run due periodic jobs (for cron)
    soisua worker                       run the background task worker (production)
    soisua manage ...                   any Django management command
"""

import os
import sys

ALIASES = {
    "demo": ["load_demo"],
    "serve": ["runserver", "127.0.0.1:8000"],
    "migrate": ["migrate"],
    "import": ["import_roster"],
    "setup": ["setup_installation"],
    "import-units": ["import_units"],
    "export": ["export_roster"],
    "grant": ["grant_role"],
    "national": ["generate_national"],
    "token": ["issue_api_token"],
    "import-rules": ["import_rule_set"],
    "move-cycle-rules": ["move_cycle_rules"],
    "scheduled": ["run_scheduled"],
    "worker": ["db_worker"],
    "check": ["check"],
    "createsuperuser": ["createsuperuser"],
}


def manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soisua.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return
    command, rest = args[0], args[1:]
    if command == "manage":
        manage(["soisua", *rest])
    elif command in ALIASES:
        manage(["soisua", *ALIASES[command], *rest])
    else:
        print(f"soisua: unknown command {command!r}\n\n{__doc__.strip()}", file=sys.stderr)
        sys.exit(2)
