"""Progress of a long command (import_roster, export_roster, generate_national, rebuild_rollups).

On a terminal the progress is a bar redrawn on one line of stderr; when stderr is a file or a pipe (cron, a log),
a plain line every `interval` seconds instead, so a log shows the command is alive without filling up; nothing at
all when the command runs quietly (verbosity 0). The result itself, with its summary line, goes to stdout.
"""

import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

BAR_WIDTH = 30
LINE_INTERVAL = 10.0  # seconds between two plain lines
REDRAW_INTERVAL = 0.1  # seconds between two redraws of the bar


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def duration(seconds: float) -> str:
    """'4.2 s', '3 min 05 s', '1 h 02 min'."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """`advance(count)` or `update(done)` as the work goes; `close()` (or leaving the `with` block) at the end.

    `total` may be unknown (None): the bar then shows the count and the time only. `mode` is 'auto' (a bar on
    a terminal, plain lines otherwise), 'bar', 'lines' or 'none'.
    """

    def __init__(self, label: str, total: int | None = None, *, stream: TextIO, mode: str = "auto",
                 interval: float = LINE_INTERVAL, unit: str = "rows"):
        if mode == "auto":
            mode = "bar" if is_terminal(stream) else "lines"
        self.label, self.total, self.stream, self.mode = label, total, stream, mode
        self.interval, self.unit = interval, unit
        self.done = 0
        self.started = time.monotonic()
        self._shown_at = self.started

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def advance(self, count: int = 1) -> None:
        self.update(self.done + count)

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if self.mode == "none":
            return
        now = time.monotonic()
        wait = REDRAW_INTERVAL if self.mode == "bar" else self.interval
        if now - self._shown_at >= wait:
            self._shown_at = now
            self._show()

    def _figures(self) -> str:
        if self.total:
            share = min(self.done / self.total, 1.0)
            return f"{self.done:,}/{self.total:,} {self.unit} ({share:.0%}), {duration(self.elapsed)}"
        return f"{self.done:,} {self.unit}, {duration(self.elapsed)}"

    def _show(self) -> None:
        if self.mode == "bar":
            if self.total:
                filled = round(BAR_WIDTH * min(self.done / self.total, 1.0))
                bar = "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "] "
            else:
                bar = ""
            self._write(f"\r\033[K{self.label} {bar}{self._figures()}")
        else:
            self._write(f"{self.label}: {self._figures()}\n")

    def _write(self, text: str) -> None:
        if hasattr(self.stream, "style_func"):  # a command's stderr (OutputWrapper): no colour, no added newline
            self.stream.write(text, style_func=lambda plain: plain, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()

    def iterate(self, items: Iterable[T]) -> Iterator[T]:
        """`items`, counted as they are taken."""
        for item in items:
            yield item
            self.advance()

    def close(self) -> None:
        """Draw the bar a last time and end its line; plain lines print nothing more."""
        if self.mode == "bar":
            self._show()
            self._write("\n")
        self.mode = "none"

    def summary(self, what: str) -> str:
        """The closing line a command prints on stdout: '<what>: 1,234 rows in 2.1 s (588 rows/s).'"""
        rate = f" ({self.done / self.elapsed:,.0f} {self.unit}/s)" if self.done and self.elapsed >= 0.1 else ""
        return f"{what}: {self.done:,} {self.unit} in {duration(self.elapsed)}{rate}."


def for_command(command, label: str, total: int | None = None, *, verbosity: int = 1, unit: str = "rows") -> Progress:
    """The progress of a management command on its stderr; none at verbosity 0."""
    return Progress(label, total, stream=command.stderr, mode="auto" if verbosity >= 1 else "none", unit=unit)
