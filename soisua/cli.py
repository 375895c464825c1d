"""The `soisua` console command: the management commands users and operators need, under short names.

`soisua`, `soisua help` and `soisua --help` list every short name with what it does (built from COMMANDS, so none
can be left out); `soisua help NAME` shows that command's options. Long commands (import, export, national,
rebuild-rollups) show their progress on stderr and end with a summary line (soisua/core/progress.py).
"""

import os
import sys
from typing import NamedTuple


class Command(NamedTuple):
    name: str
    argv: list[str]  # the management command and the arguments it always takes
    usage: str  # the arguments the user gives
    purpose: str


COMMANDS = [
    Command("demo", ["load_demo"], "", "load the demo organisation (idempotent) and print the logins"),
    Command("serve", ["runserver", "127.0.0.1:8000"], "", "run the development server on 127.0.0.1:8000"),
    Command("migrate", ["migrate"], "", "create or upgrade the database"),
    Command("createsuperuser", ["createsuperuser"], "",
            "create the first login (it sets up the installation on signing in)"),
    Command("setup", ["setup_installation"], "CODE NAME KIND [--units FILE] [--admin USER] [--confirm]",
            "without the demo: create the top unit and the units below it"),
    Command("import-units", ["import_units"], "UNIT FILE [--confirm]",
            "check a list of units to create below a unit; create them with --confirm"),
    Command("import", ["import_roster"], "UNIT FILE [--confirm]", "validate a roster file; apply it with --confirm"),
    Command("export", ["export_roster"], "UNIT FILE.xlsx [--personal]",
            "export a roster (--personal adds personal data)"),
    Command("grant", ["grant_role"], "USER UNIT ROLE", "give a login a role on a unit"),
    Command("reset-two-factor", ["reset_two_factor"], "USER",
            "remove a login's two-factor login (lost phone and codes): set up again at the next login"),
    Command("token", ["issue_api_token"], "USER NAME [--days N] [--scope read_write] [--unit UNIT]",
            "issue an API token (printed once; read only unless --scope)"),
    Command("import-rules", ["import_rule_set"], "FILE [--publish]",
            "add a review rule set from its data file (docs/rules.md), as a draft"),
    Command("move-cycle-rules", ["move_cycle_rules"], "CYCLE CODE",
            "move an open review cycle to another published rule set"),
    Command("national", ["generate_national"], "--scale 0.01", "generate national-scale data for benchmarks"),
    Command("rebuild-rollups", ["rebuild_rollups"], "[PREFIX ...]",
            "recompute the counters behind the dashboards and report any drift"),
    Command("partition", ["partition_by_province"], "[--partitions N]",
            "on PostgreSQL: split the largest tables into partitions by province, moving their rows"),
    Command("verify-audit", ["verify_audit"], "[--anchor DIGEST ...]",
            "check that no audit entry was edited, deleted or inserted (the hash chains and their anchors)"),
    Command("scheduled", ["run_scheduled"], "", "run due periodic jobs (for cron)"),
    Command("worker", ["db_worker"], "", "run the background task worker (production)"),
    Command("backup", ["backup"], "ARCHIVE.tar.gz [--allow-missing]",
            "write the database, the stored files and their checksums to one archive, while the app runs"),
    Command("restore", ["restore"], "ARCHIVE.tar.gz",
            "restore an archive into an empty database and an empty MEDIA_ROOT, then check every table's rows"),
    Command("requeue-tasks", ["requeue_tasks"], "[--worker-id ID | --older-than SECONDS]",
            "put back in the queue the tasks a dead worker left running"),
    Command("check", ["check"], "[--deploy]", "check the installation's configuration"),
]
ALIASES = {command.name: command.argv for command in COMMANDS}


def usage() -> str:
    """Every short name, its arguments and what it does, aligned; then `manage` and `help`."""
    rows = [(f"soisua {command.name} {command.usage}".rstrip(), command.purpose) for command in COMMANDS]
    rows += [("soisua manage COMMAND ...", "any Django management command"),
             ("soisua help [NAME]", "this list, or the options of one command")]
    # Arguments longer than the column go on a line of their own, the purpose below them.
    width = min(max(len(left) for left, _purpose in rows) + 2, 38)
    lines = []
    for left, purpose in rows:
        if len(left) < width:
            lines.append(f"  {left:<{width}}{purpose}")
        else:
            lines += [f"  {left}", f"  {'':<{width}}{purpose}"]
    return "usage: soisua COMMAND [ARGUMENTS]\n\ncommands:\n" + "\n".join(lines)


def manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soisua.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help") or args == ["help"]:
        print(usage())
        return
    command, rest = args[0], args[1:]
    if command == "help":
        if rest[0] not in ALIASES:  # `soisua help NAME`: the management command's own options
            print(f"soisua: unknown command {rest[0]!r}\n\n{usage()}", file=sys.stderr)
            sys.exit(2)
        manage(["soisua", "help", ALIASES[rest[0]][0]])
    elif command == "manage":
        manage(["soisua", *rest])
    elif command in ALIASES:
        manage(["soisua", *ALIASES[command], *rest])
    else:
        print(f"soisua: unknown command {command!r}\n\n{usage()}", file=sys.stderr)
        sys.exit(2)
