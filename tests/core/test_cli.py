import sys

import pytest

from soisua import cli


def test_cli_help_lists_commands(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["soisua", "--help"])

    cli.main()

    assert "soisua demo" in capsys.readouterr().out


def test_cli_unknown_command_exits_2(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["soisua", "frobnicate"])

    with pytest.raises(SystemExit) as exit_info:
        cli.main()

    assert exit_info.value.code == 2
    assert "unknown command" in capsys.readouterr().err


def test_cli_grant_wraps_management_command(cast, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["soisua", "grant", "member", cast.other_commune.code, "inspector"])
    # A command run from the command line closes its connections when done, which would end the test's transaction.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    cli.main()

    assert cast.other_commune.role_grants.filter(user=cast.users["member"], role="inspector").exists()
