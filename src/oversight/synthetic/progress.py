"""Progress of one part of `oversight generate`: a bar on a terminal, plain lines otherwise.

The bar shows done/total, the rate and the time left; redrawn at most a few times a second so that
drawing never costs more than the work. Off a terminal (a log, CI, a pipe) a plain line is written
at each tenth of the way, and always at the end with the time the part took.
"""

from __future__ import annotations

import time
from typing import TextIO

BAR_WIDTH = 30
REDRAW_SECONDS = 0.2


class Progress:
    """Count the units of work of one part and show how far it has gone."""

    def __init__(self, stream: TextIO, part: str, total: int, *, tty: bool | None = None) -> None:
        self.stream, self.part, self.total = stream, part, max(total, 0)
        self.tty = stream.isatty() if tty is None else tty
        self.done = 0
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._next_tenth = 1

    def advance(self, units: int = 1) -> None:
        self.done += units
        if self.tty:
            now = time.monotonic()
            if now - self._drawn_at >= REDRAW_SECONDS:
                self._drawn_at = now
                self.stream.write("\r" + self.line())
                self.stream.flush()
        elif self.total and self.done * 10 >= self._next_tenth * self.total and self._next_tenth < 10:
            self._next_tenth = self.done * 10 // self.total + 1
            self.stream.write(self.line() + "\n")
            self.stream.flush()

    def finish(self) -> float:
        """Write the last line and return the seconds the part took."""
        self.done = max(self.done, self.total)
        seconds = time.monotonic() - self.started
        end = f"{self.part}: {self.done:,} in {seconds:.1f} s"
        self.stream.write(("\r" + end.ljust(BAR_WIDTH + 60) if self.tty else end) + "\n")
        self.stream.flush()
        return seconds

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done / elapsed
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        left = (self.total - self.done) / rate if rate and self.total > self.done else 0.0
        bar = "#" * round(share * BAR_WIDTH)
        return f"{self.part:<12} [{bar:<{BAR_WIDTH}}] {self.done:,}/{self.total:,} {rate:,.0f}/s ETA {_clock(left)}"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"
