"""What `load_demo` (the last step of `make demo` before the server starts) prints: the logins, not the demo's
messages as e-mails nor a line per task run."""

import logging

from django.core import mail
from django.core.management import call_command

from soisua.org.demo import LOGINS


def test_load_demo_prints_the_logins_and_no_email_of_the_demo(settings, capsys, monkeypatch):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

    def load_demo(password):  # a message told while the demo loads, and its task's log line
        logging.getLogger("django.tasks").info("Task id=1 path=soisua.notifications.tasks.task_email state=RUNNING")
        mail.send_mail("Đồng chí đã có quyền mới", "Mở soisua", None, ["bithu.xoan@demo.soisua.vn"])
        return LOGINS

    monkeypatch.setattr("soisua.demo.management.commands.load_demo.load_demo", load_demo)

    call_command("load_demo", password="demo-password-1")

    captured = capsys.readouterr()
    assert "bithu.xoan" in captured.out and "kiemtra.eakar" in captured.out
    assert "Subject:" not in captured.out + captured.err
    assert "Task id=" not in captured.out + captured.err
    assert "no e-mail was sent" in captured.out
