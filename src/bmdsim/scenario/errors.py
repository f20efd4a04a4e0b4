"""User-facing input errors: one line naming the file, the line where known, and the field path."""

from __future__ import annotations

import re
from collections.abc import Hashable

import yaml


class InputError(ValueError):
    """Bad user input (a scenario or catalog file); ``str()`` is the one-line message to print."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line: control characters (terminal escapes, newlines) removed, whitespace collapsed,
    cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(_CONTROL.sub(" ", str(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def yaml_line_index(text: str) -> dict[tuple[Hashable, ...], int]:
    """Map each field path in a YAML document, e.g. ``("raids", 0, "count")``, to its 1-based line.

    The text is composed within the bounds of :mod:`bmdsim.scenario.loader` (an empty index if it breaks
    them or is not valid YAML).
    """
    from bmdsim.scenario.loader import MAX_SCENARIO_BYTES, BoundedLoader, line_index

    if len(text) > MAX_SCENARIO_BYTES:
        return {}
    from bmdsim.scenario.loader import _check_events

    try:
        _check_events(text)
        loader = BoundedLoader(text)
    except yaml.YAMLError:
        return {}
    try:
        return line_index(loader.get_single_node())
    except (yaml.YAMLError, RecursionError):
        return {}
    finally:
        loader.dispose()


def locate(lines: dict[tuple[Hashable, ...], int], path: tuple[Hashable, ...]) -> int | None:
    """Line of the longest known prefix of ``path``."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def format_error(file: str, lines: dict[tuple[Hashable, ...], int], path: tuple[Hashable, ...],
                 message: str) -> str:
    """``file:line: a.b[0].c: message`` on one line."""
    dotted = ""
    for p in path:
        dotted += f"[{p}]" if isinstance(p, int) else (f".{p}" if dotted else str(p))
    line = locate(lines, path)
    where = f"{file}:{line}" if line is not None else file
    msg = one_line(message)
    return f"{where}: {dotted}: {msg}" if dotted else f"{where}: {msg}"
