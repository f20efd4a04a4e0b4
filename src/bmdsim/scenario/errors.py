"""User-facing input errors: one line naming the file, the line where known, and the field path."""

from __future__ import annotations

from collections.abc import Hashable

import yaml


class InputError(ValueError):
    """Bad user input (a scenario or catalog file); ``str()`` is the one-line message to print."""


def yaml_line_index(text: str) -> dict[tuple[Hashable, ...], int]:
    """Map each field path in a YAML document, e.g. ``("raids", 0, "count")``, to its 1-based line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    index: dict[tuple[Hashable, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Hashable, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                k = key.value
                index[(*path, k)] = key.start_mark.line + 1
                walk(value, (*path, k))
                index[(*path, k)] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return index


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
    msg = " ".join(str(message).split())
    return f"{where}: {dotted}: {msg}" if dotted else f"{where}: {msg}"
