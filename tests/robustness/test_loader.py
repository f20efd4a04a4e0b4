"""Hostile scenario files: each is refused in under a second with one line naming the file (and line)."""

import os
import time

import pytest

from bmdsim.scenario.errors import InputError
from bmdsim.scenario.loader import MAX_DEPTH, MAX_SCENARIO_BYTES, load_yaml, read_scenario_text
from bmdsim.scenario.schema import parse_scenario

from .conftest import BASE, assert_one_line_error, run_cli


def _alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": 9 levels of 9 aliases each, 9**9 values from ~500 bytes."""
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(levels - 1):
        prev, cur = chr(97 + i), chr(98 + i)
        text += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    return text


def _merge_bomb() -> str:
    text = "a0: &a0 {x: 1, y: 2}\n"
    for i in range(1, 40):
        text += f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}]}}\n"
    return text


HOSTILE = {
    "alias bomb": (_alias_bomb(), "aliases"),
    "merge-key bomb": (_merge_bomb(), "aliases"),
    "deep flow lists": ("a: " + "[" * 5000 + "]" * 5000, "nested"),
    "deep block mappings": ("a:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1200)), "nested"),
    "a million-byte list": ("a: [" + ",".join(["1"] * 400_000) + "]\n", "more than 50,000 values"),
    "duplicate key": (BASE + "name: again\n", "duplicate key 'name'"),
    "python tag": ('!!python/object/apply:os.system ["echo hi"]\n', "constructor"),
    "tabs": ("a:\n\t- 1\n", "not valid YAML"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_yaml_is_refused_fast_in_one_line(name):
    text, needle = HOSTILE[name]
    t0 = time.perf_counter()
    with pytest.raises(InputError) as exc:
        parse_scenario(text, "bad.yaml")
    assert time.perf_counter() - t0 < 1.0
    msg = str(exc.value)
    assert "\n" not in msg and len(msg) < 400, msg
    assert msg.startswith("bad.yaml"), msg
    assert needle in msg, msg


def test_duplicate_key_names_both_lines():
    expected = r"bad.yaml:12: not valid YAML: duplicate key 'name' \(first given on line 1\)"
    with pytest.raises(InputError, match=expected):
        parse_scenario(BASE + "name: again\n", "bad.yaml")


def test_depth_bound_leaves_room_for_real_scenarios():
    nested = "a: " + "[" * (MAX_DEPTH - 2) + "1" + "]" * (MAX_DEPTH - 2)
    data, _ = load_yaml(nested, "x.yaml")
    assert isinstance(data, dict)


def test_shared_alias_of_a_small_block_is_fine(tmp_path):
    text = BASE.replace("sensors:\n  - {name: r1", "sensors:\n  - &r {name: r1").replace(
        "shooters:", "  - {<<: *r, name: r2}\nshooters:")
    cfg, _ = parse_scenario(text, "x.yaml")
    assert [s.name for s in cfg.sensors] == ["r1", "r2"]


def test_size_limit(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text(BASE + "#" * MAX_SCENARIO_BYTES)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="byte limit"):
        read_scenario_text(big)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_fifo_without_writer_is_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    t0 = time.perf_counter()
    status, _, err = run_cli(capsys, "run", fifo, "--out", tmp_path / "out", "--quiet")
    assert time.perf_counter() - t0 < 1.0
    assert_one_line_error(status, err, "pipe.yaml", "not a regular file")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_is_refused_at_once(capsys, tmp_path):
    t0 = time.perf_counter()
    status, _, err = run_cli(capsys, "run", "/dev/zero", "--out", tmp_path / "out", "--quiet")
    assert time.perf_counter() - t0 < 1.0
    assert_one_line_error(status, err, "/dev/zero", "not a regular file")


def test_folder_and_binary_files(tmp_path, capsys):
    status, _, err = run_cli(capsys, "run", tmp_path, "--quiet", "--out", tmp_path / "o")
    assert_one_line_error(status, err, "is a folder")
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"name: \xff\xfe\n")
    status, _, err = run_cli(capsys, "run", binary, "--quiet", "--out", tmp_path / "o")
    assert_one_line_error(status, err, "bin.yaml", "not UTF-8")


def test_not_valid_yaml_is_not_said_twice():
    with pytest.raises(InputError) as exc:
        parse_scenario("name: t\n  bad: [indent", "bad.yaml")
    assert str(exc.value).count("not valid YAML") == 1
