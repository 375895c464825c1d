"""The progress of a long command: a bar on a terminal, plain lines in a log, nothing when quiet."""

import io

from soisua.core.progress import Progress, duration


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_redraws_one_bar_and_ends_its_line():
    stream = Terminal()

    with Progress("Exporting", 200, stream=stream) as shown:
        for _row in shown.iterate(range(200)):
            pass

    assert stream.getvalue().startswith("\r\033[KExporting [")
    assert stream.getvalue().endswith("200/200 rows (100%), 0.0 s\n")
    assert "#" * 30 in stream.getvalue()


def test_progress_in_a_log_writes_plain_lines_and_no_bar():
    stream = io.StringIO()

    with Progress("Exporting", 4, stream=stream, interval=0) as shown:
        shown.advance(2)
        shown.advance(2)

    assert stream.getvalue().splitlines() == ["Exporting: 2/4 rows (50%), 0.0 s", "Exporting: 4/4 rows (100%), 0.0 s"]


def test_progress_in_a_log_waits_its_interval_between_lines():
    stream = io.StringIO()

    with Progress("Exporting", 1000, stream=stream) as shown:
        shown.advance(1000)

    assert stream.getvalue() == ""


def test_progress_switched_off_writes_nothing_even_on_a_terminal():
    stream = Terminal()

    with Progress("Exporting", 10, stream=stream, mode="none") as shown:
        shown.advance(10)

    assert stream.getvalue() == ""
    assert shown.summary("Exported").startswith("Exported: 10 rows in ")


def test_durations_read_as_seconds_minutes_or_hours():
    assert [duration(4.24), duration(185), duration(3725)] == ["4.2 s", "3 min 05 s", "1 h 02 min"]
