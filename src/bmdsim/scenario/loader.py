"""Bounded reading of scenario YAML: what any file, however hostile, may cost before it is rejected.

A scenario file is read only if it is a regular file of at most :data:`MAX_SCENARIO_BYTES` (a FIFO or a
device such as ``/dev/zero`` is refused at once, without reading). The YAML is parsed with PyYAML's safe
loader (a scenario never runs code) and three further bounds:

- nesting depth at most :data:`MAX_DEPTH` (PyYAML's composer recurses once per level, so a deeper
  document would otherwise end in a ``RecursionError``);
- at most :data:`MAX_NODES` values once aliases are expanded, counted on the node graph without expanding
  it (a "billion laughs" file of a few hundred bytes expands to billions of values);
- no key twice in one mapping (YAML keeps the last silently, which hides an editing mistake).

Every failure is an :class:`~bmdsim.scenario.errors.InputError` whose message is one line naming the file
and, where known, the line.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Hashable
from pathlib import Path

import yaml

from bmdsim.scenario.errors import InputError, one_line

MAX_SCENARIO_BYTES = 1 << 20
"""Largest scenario file [bytes] (1 MiB: the built-in presets are about 10 kB)."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists (a scenario needs 5)."""
MAX_NODES = 50_000
"""Most YAML values once aliases are expanded (the largest preset has about 1,500)."""

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Bound(yaml.YAMLError):
    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.problem, self.problem_mark, self.context = message, mark, None


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where installed: 20x faster


class BoundedLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader (libyaml's parser where available) with duplicate keys rejected.

    Depth and size are bounded by :func:`_check_events` before anything is composed.
    """

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        if isinstance(node, yaml.MappingNode):
            seen: dict[Hashable, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                if key in seen:
                    raise _Bound(f"duplicate key {one_line(repr(key), 60)} (first given on line "
                                 f"{seen[key].start_mark.line + 1})", key_node.start_mark)
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 reads 1e5 and 1.0e308 as strings (its floats need a dot and a signed exponent); read them
# as the numbers everyone means, as YAML 1.2 does
BoundedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."))


def read_scenario_text(path: str | Path) -> str:
    """The text of a scenario file: a regular file of at most :data:`MAX_SCENARIO_BYTES`, UTF-8."""
    p = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; fstat then refuses it
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{p}: no such scenario file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read the scenario file ({exc.strerror or type(exc).__name__})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{p}: is a folder, not a scenario file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{p}: not a regular file (a pipe or device cannot be a scenario file)")
        if info.st_size > MAX_SCENARIO_BYTES:
            raise InputError(f"{p}: {info.st_size:,} bytes is larger than the {MAX_SCENARIO_BYTES:,}-byte limit "
                             "of a scenario file")
        chunks, size = [], 0
        while size <= MAX_SCENARIO_BYTES:
            chunk = os.read(fd, MAX_SCENARIO_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_SCENARIO_BYTES:
            raise InputError(f"{p}: larger than the {MAX_SCENARIO_BYTES:,}-byte limit of a scenario file")
    except OSError as exc:
        raise InputError(f"{p}: cannot read the scenario file ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start:,})") from None


def _check_events(text: str) -> None:
    """One pass over the parser's events: nesting depth and number of values, before composing anything."""
    loader = BoundedLoader(text)
    depth = events = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Bound(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            events += 1
            if events > 2 * MAX_NODES + 10:
                raise _Bound(f"more than {MAX_NODES:,} values", event.start_mark)
    finally:
        loader.dispose()


def _check_size(root: yaml.Node) -> None:
    """Count the values of the document with aliases expanded, without expanding them (memoised)."""
    sizes: dict[int, int] = {}
    # iterative post-order walk: depth is already bounded, but shared nodes are visited once
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if done:
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_NODES:
                raise _Bound(f"more than {MAX_NODES:,} values once aliases are expanded", node.start_mark)
            sizes[id(node)] = total
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


def line_index(root: yaml.Node | None) -> dict[tuple[Hashable, ...], int]:
    """Map each field path, e.g. ``("raids", 0, "count")``, to its 1-based line (aliased nodes once)."""
    index: dict[tuple[Hashable, ...], int] = {}
    if root is None:
        return index
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[Hashable, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        index.setdefault(path, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    index[(*path, key.value)] = key.start_mark.line + 1
                    stack.append((value, (*path, key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, (*path, i)))
    return index


def load_yaml(text: str, file: str) -> tuple[object, dict[tuple[Hashable, ...], int]]:
    """Parse YAML text within the bounds above: (data, line index). An InputError names file and line."""
    if len(text) > MAX_SCENARIO_BYTES:
        raise InputError(f"{file}: larger than the {MAX_SCENARIO_BYTES:,}-byte limit of a scenario file")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: not text any file could hold
        raise InputError(f"{file}: not valid text (character {exc.start:,})") from None
    try:
        _check_events(text)
        loader = BoundedLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, file) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}
        _check_size(root)
        lines = line_index(root)
        data = loader.construct_document(root)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, file) from None
    except RecursionError:  # a bound above should have caught it; never a traceback
        raise InputError(f"{file}: nested too deep") from None
    finally:
        loader.dispose()
    return data, lines


def _reader_error(exc: yaml.reader.ReaderError, text: str, file: str) -> InputError:
    line = text.count("\n", 0, max(int(exc.position), 0)) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return InputError(f"{file}:{line}: not valid YAML: control character U+{code:04X} is not allowed")


def _yaml_error(exc: yaml.YAMLError, file: str) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{file}:{mark.line + 1}" if mark is not None else file
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    detail = one_line(f"{context}, {problem}" if context and problem else problem or context or "", 200)
    return InputError(f"{where}: not valid YAML{': ' + detail if detail else ''}")
