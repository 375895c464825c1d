"""`make demo PORT=…` serves on that port, and the address load_demo prints and the links in e-mails point there
(SITE_URL set in the environment wins). The Makefile is read by make itself, in dry-run mode."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from soisua.org.demo import LOGINS

ROOT = Path(__file__).resolve().parents[1]


def environment(**values) -> dict:
    """This process's environment without a SITE_URL or an enclosing make's flags, plus `values`."""
    inherited = {name: value for name, value in os.environ.items()
                 if name not in {"SITE_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return {**inherited, **values}


def demo_commands(*arguments: str, **env) -> list[str]:
    """The commands `make demo` runs, as make prints them without running them."""
    make = shutil.which("make") or "make"
    result = subprocess.run([make, "--dry-run", "--no-print-directory", "demo", *arguments],  # noqa: S603 (our Makefile)
                            cwd=ROOT, env=environment(**env), capture_output=True, text=True, check=True)
    return result.stdout.splitlines()


def command(commands: list[str], ending: str) -> str:
    return next(line for line in commands if line.endswith(ending))


def test_make_demo_on_another_port_serves_there_and_links_there():
    commands = demo_commands("PORT=8123")

    assert command(commands, "manage.py runserver 127.0.0.1:8123").startswith("SITE_URL='http://127.0.0.1:8123' ")
    assert command(commands, "manage.py load_demo").startswith("SITE_URL='http://127.0.0.1:8123' ")


def test_make_demo_keeps_a_site_url_set_in_the_environment():
    commands = demo_commands("PORT=8123", SITE_URL="https://soisua.example.org")

    assert command(commands, "manage.py runserver 127.0.0.1:8123").startswith("SITE_URL='https://soisua.example.org' ")
    assert command(commands, "manage.py load_demo").startswith("SITE_URL='https://soisua.example.org' ")


def test_the_site_url_of_the_environment_is_the_one_the_settings_use():
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c",
                             "from django.conf import settings; print(settings.SITE_URL)"], cwd=ROOT,
                            env=environment(SITE_URL="http://127.0.0.1:8123"), capture_output=True, text=True,
                            check=True)

    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"


def test_load_demo_prints_the_site_address(settings, capsys, monkeypatch):
    """The organisation itself is tests/org/test_demo.py's; here only what the command prints."""
    settings.SITE_URL = "http://127.0.0.1:8123"
    monkeypatch.setattr("soisua.demo.management.commands.load_demo.load_demo", lambda password: LOGINS)

    call_command("load_demo", password="demo-password-1")

    output = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in output
    assert "127.0.0.1:8000" not in output
