"""Progress of ``bmdsim run``: variant and architecture counters with an ETA on a terminal, plain lines otherwise.

The assessment reports each stage it enters and ``architecture i/n: name`` as it starts each
architecture. The ETA is the mean time of the finished variants times those left (none before the first
has finished).
"""

from __future__ import annotations

import re
import sys
import textwrap
import time
from collections.abc import Callable
from typing import TextIO

PLAIN_EVERY_S = 5.0
"""Least interval between two progress lines when the output is not a terminal [s]."""


class RunProgress:
    """Show how far a run has got. Use as a context manager; ``stage_callback(i, variant)`` per case."""

    def __init__(self, n_cases: int, n_architectures: int, *, quiet: bool = False,
                 stream: TextIO | None = None) -> None:
        self.n_cases, self.n_arch = n_cases, max(1, n_architectures)
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.perf_counter()
        self.case_done_s: list[float] = []
        self._bar = None
        self._task = None
        self._last = ""
        self._last_print_s = -PLAIN_EVERY_S
        self._last_case = -1

    def __enter__(self) -> RunProgress:
        if not self.quiet and self.is_tty:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                 TextColumn("{task.fields[eta]}"), console=Console(file=self.stream),
                                 transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task("starting", total=None, eta="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

    def _eta(self, case: int) -> str:
        if not self.case_done_s:
            return ""
        per_case = self.case_done_s[-1] / len(self.case_done_s)
        left = per_case * (self.n_cases - case) - (time.perf_counter() - self.t0 - self.case_done_s[-1])
        return f"ETA {max(0, round(left))} s"

    def say(self, text: str, case: int = 0) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(self._task, description=text, eta=self._eta(case))
        elif text != self._last:
            elapsed = time.perf_counter() - self.t0
            # plain lines for logs: the first of each variant, then at most one every PLAIN_EVERY_S
            if case != self._last_case or elapsed - self._last_print_s >= PLAIN_EVERY_S:
                eta = self._eta(case)
                line = f"[{elapsed:5.0f} s] {text}" + (f" ({eta})" if eta else "")
                print(_fit(line), file=self.stream, flush=True)
                self._last_print_s, self._last_case = elapsed, case
        self._last = text

    def stage_callback(self, case: int, variant: str | None) -> Callable[[str], None]:
        """The ``progress`` callback for case ``case`` (0-based) of the run.

        The assessment says ``architecture i/n: name`` when it starts an architecture and a stage name
        (``flight``, ``tracking``, ...) when it enters a stage; the line shows both.
        """
        prefix = f"variant {case + 1}/{self.n_cases} {variant}: " if variant else ""
        arch = [""]

        def on_stage(stage: str) -> None:
            if stage.startswith("architecture "):
                arch[0] = stage
                self.say(f"{prefix}{stage}", case)
            else:
                self.say(f"{prefix}{stage}" + (f" ({arch[0]})" if arch[0] else ""), case)

        return on_stage

    def case_finished(self) -> None:
        self.case_done_s.append(time.perf_counter() - self.t0)


def _fit(line: str, width: int = 80, indent: int = 10) -> str:
    """A log line within ``width`` columns: its parenthesized parts move whole to an indented next line."""
    if len(line) <= width:
        return line
    out, cur = [], ""
    for part in re.split(r" (?=\()", line):
        if cur and len(cur) + 1 + len(part) > width:
            out.append(cur)
            cur = " " * indent + part
        else:
            cur = f"{cur} {part}" if cur else part
    out.append(cur)
    return "\n".join(textwrap.fill(x, width=width, subsequent_indent=" " * indent, break_long_words=False)
                     if len(x) > width else x for x in out)
