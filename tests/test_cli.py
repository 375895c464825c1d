"""The `soisua` console command: every short name it lists runs a management command that exists."""

import pytest
from django.core.management import get_commands

from soisua import cli


def test_help_lists_every_short_name_and_each_names_a_real_command(capsys, monkeypatch):
    monkeypatch.setattr(cli.sys, "argv", ["soisua", "--help"])
    cli.main()
    shown = capsys.readouterr().out

    assert [name for name in cli.ALIASES if f"soisua {name}" not in shown and name != "check"] == []
    assert [name for name, argv in cli.ALIASES.items() if argv[0] not in get_commands()] == []


@pytest.mark.parametrize("name", ["import-rules", "move-cycle-rules"])
def test_the_rule_set_commands_have_short_names(name):
    assert cli.ALIASES[name][0] in {"import_rule_set", "move_cycle_rules"}
