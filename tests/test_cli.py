"""The `soisua` console command: every short name it lists runs a management command that exists."""

import io
import re

import pytest
from django.core.management import call_command, get_commands

from soisua import cli
from soisua.counters import rollups


def test_help_lists_every_short_name_and_each_names_a_real_command(capsys, monkeypatch):
    monkeypatch.setattr(cli.sys, "argv", ["soisua", "--help"])
    cli.main()
    shown = capsys.readouterr().out

    assert [name for name in cli.ALIASES if f"soisua {name}" not in shown] == []
    assert [name for name, argv in cli.ALIASES.items() if argv[0] not in get_commands()] == []


@pytest.mark.parametrize("name", ["import-rules", "move-cycle-rules"])
def test_the_rule_set_commands_have_short_names(name):
    assert cli.ALIASES[name][0] in {"import_rule_set", "move_cycle_rules"}


@pytest.mark.parametrize("argv", [[], ["help"], ["--help"], ["-h"]])
def test_help_lists_every_short_name_with_what_it_does(capsys, monkeypatch, argv):
    monkeypatch.setattr(cli.sys, "argv", ["soisua", *argv])

    cli.main()

    lines = capsys.readouterr().out.splitlines()
    listed = {line.split()[1]: line for line in lines if line.strip().startswith("soisua ")}
    assert set(cli.ALIASES) | {"manage", "help"} == set(listed)
    assert [command.name for command in cli.COMMANDS if command.purpose not in "\n".join(lines)] == []


def test_help_of_one_short_name_shows_its_commands_options(capsys, monkeypatch):
    monkeypatch.setattr(cli.sys, "argv", ["soisua", "help", "export"])

    cli.main()

    shown = capsys.readouterr().out
    assert "export_roster" in shown
    assert "--personal" in shown


def test_help_names_the_token_commands_options_as_the_other_lines_do(capsys, monkeypatch):
    monkeypatch.setattr(cli.sys, "argv", ["soisua", "--help"])

    cli.main()

    line = next(line for line in capsys.readouterr().out.splitlines() if "soisua token" in line)
    assert "--scope read_write" in line and "--unit UNIT" in line and "--days N" in line


def test_help_of_an_unknown_name_exits_2_with_the_list(capsys, monkeypatch):
    monkeypatch.setattr(cli.sys, "argv", ["soisua", "help", "frobnicate"])

    with pytest.raises(SystemExit) as exit_info:
        cli.main()

    assert exit_info.value.code == 2
    assert "soisua rebuild-rollups" in capsys.readouterr().err


# The long commands: a progress bar on a terminal (stderr), a summary line at the end (stdout) -----------------------

ROSTER_HEADER = "STT,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Mã chi bộ"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def roster_file(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([ROSTER_HEADER, "1,Nguyễn Văn Hùng,02/09/1980,Nam,20000001,TN-HA-1",
                               "2,Đỗ Thị Mai,15/03/1988,Nữ,20000002,TN-HA-1"]), encoding="utf-8")
    return path


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait for a worker, as in production: the import command then checks and applies the file itself."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_import_check_ends_with_a_summary_and_draws_its_bar_on_a_terminal(cast, tmp_path, queued_tasks):
    out, err = io.StringIO(), Terminal()

    call_command("import_roster", "TN-HA", str(roster_file(tmp_path)), stdout=out, stderr=err)

    assert re.search(r"^Checked 2 rows in \d+\.\d s\.$", out.getvalue(), re.MULTILINE), out.getvalue()
    assert "Checking [" + "#" * 30 + "] 2/2 rows (100%)" in err.getvalue()


def test_import_with_confirm_ends_with_a_summary_and_prints_no_progress_when_not_on_a_terminal(cast, tmp_path,
                                                                                              queued_tasks):
    out, err = io.StringIO(), io.StringIO()

    call_command("import_roster", "TN-HA", str(roster_file(tmp_path)), "--confirm", stdout=out, stderr=err)

    assert re.search(r"^Imported 2 rows in \d+\.\d s\.$", out.getvalue(), re.MULTILINE), out.getvalue()
    assert err.getvalue() == ""


def test_import_at_verbosity_0_draws_no_bar_even_on_a_terminal(cast, tmp_path, queued_tasks):
    err = Terminal()

    call_command("import_roster", "TN-HA", str(roster_file(tmp_path)), verbosity=0, stdout=io.StringIO(),
                 stderr=err)

    assert err.getvalue() == ""


def test_rebuild_rollups_ends_with_a_summary_and_draws_its_bar_on_a_terminal(db):
    out, err = io.StringIO(), Terminal()

    call_command("rebuild_rollups", stdout=out, stderr=err)

    prefixes = len(rollups.rebuild())  # one per app that registers its figures
    assert re.search(rf"^Rebuilt \d+ counter rows of {prefixes} prefixes in \d+\.\d s; 0 figure\(s\) differed\.$",
                     out.getvalue(), re.MULTILINE), out.getvalue()
    assert f"Rebuilding counters [{'#' * 30}] {prefixes}/{prefixes} prefixes (100%)" in err.getvalue()


def test_generate_national_draws_its_bar_on_a_terminal_and_keeps_its_summary(db):
    out, err = io.StringIO(), Terminal()

    call_command("generate_national", provinces=1, communes=1, cells=2, members=20, meetings=0, shortcomings=0,
                 stdout=out, stderr=err)

    assert "Generating [" + "#" * 30 + "] 20/20 members (100%)" in err.getvalue()
    assert re.search(r"^Generated [\d,]+ rows \(1 province, 1 commune, 2 cells, 20 members, .*\) under unit \d+ "
                     r"in \d+\.\d s", out.getvalue(), re.MULTILINE), out.getvalue()
    assert "members 20/20" not in out.getvalue()  # the chunks' lines are the bar's now


def test_export_ends_with_a_summary_and_draws_its_bar_on_a_terminal(cast, tmp_path):
    out, err = io.StringIO(), Terminal()

    call_command("export_roster", "TN-HA", str(tmp_path / "roster.xlsx"), stdout=out, stderr=err)

    assert re.search(r"^Exported: 3 rows in \d+\.\d s", out.getvalue(), re.MULTILINE), out.getvalue()
    assert "Exporting [" + "#" * 30 + "] 3/3 rows (100%)" in err.getvalue()
