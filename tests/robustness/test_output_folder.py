"""The output folder: whole result sets swapped in atomically, locked for the run, foreign folders refused."""

import json
import os

import pandas as pd
import pytest

from bmdsim.report.files import MARKER, OutputFolderError, ResultFolder, is_result_folder, write_result_set

from .conftest import BASE, assert_one_line_error, run_cli


def _tables(tag: str) -> dict[str, pd.DataFrame]:
    return {"summary": pd.DataFrame({"architecture": ["national"], "expected_leakers": [1.0], "tag": [tag]}),
            "threats": pd.DataFrame({"threat": [0, 1], "tag": [tag, tag]})}


def _write(out, tag, *, variants=(), extra=None, force=False):
    with ResultFolder(out, force=force) as folder:
        stage = folder.stage()
        for v in variants or [None]:
            tables = _tables(tag)
            if extra:
                tables[extra] = _tables(tag)["threats"]
            write_result_set(stage / v if v else stage, tables, scenario_name=tag, resolved_yaml=f"name: {tag}\n",
                             seed=1, replications=1, stage_seconds={})
        if variants:
            (stage / "variants.csv").write_text("variant\n" + "\n".join(variants) + "\n")
        folder.commit(tag)


def test_new_set_replaces_old_set_whole(tmp_path):
    out = tmp_path / "out"
    _write(out, "old", extra="only_old")
    assert (out / "only_old.csv").exists()
    _write(out, "new")
    assert not (out / "only_old.csv").exists()  # files this run does not produce do not linger
    assert json.loads((out / "results.json").read_text())["scenario"] == "new"
    assert json.loads((out / MARKER).read_text())["scenario"] == "new"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.bmdsim-tmp")] == []


def test_variants_replace_a_single_set_and_back(tmp_path):
    out = tmp_path / "out"
    _write(out, "old", variants=["a", "b"])
    assert (out / "a" / "results.json").exists() and (out / "variants.csv").exists()
    _write(out, "new")
    assert not (out / "a").exists() and not (out / "variants.csv").exists()
    _write(out, "again", variants=["c"])
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["c", "variants.csv"]


def test_failure_before_commit_keeps_the_old_set(tmp_path):
    out = tmp_path / "out"
    _write(out, "old")
    with pytest.raises(RuntimeError), ResultFolder(out) as folder:
        write_result_set(folder.stage(), _tables("new"), scenario_name="new", resolved_yaml="", seed=1,
                         replications=1, stage_seconds={})
        raise RuntimeError("killed mid-write")
    assert json.loads((out / "results.json").read_text())["scenario"] == "old"
    assert not any(p.name.startswith(".out.bmdsim-tmp") for p in tmp_path.iterdir())


def test_orphans_of_a_killed_run_are_cleaned_and_an_aside_set_restored(tmp_path):
    out = tmp_path / "out"
    _write(out, "old")
    orphan = tmp_path / ".out.bmdsim-tmp-abc123"
    orphan.mkdir()
    (orphan / "results.json").write_text("{}")
    # a two-rename swap killed between its renames: the old set is aside, no folder in place
    os.rename(out, tmp_path / ".out.bmdsim-old-xyz")
    with ResultFolder(out):
        pass
    assert not orphan.exists()
    assert json.loads((out / "results.json").read_text())["scenario"] == "old"


def test_foreign_folder_is_refused_unless_forced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.csv").write_text("my own numbers\n")
    with pytest.raises(OutputFolderError, match=r"not bmdsim results.*--force"):
        _write(out, "new")
    assert (out / "summary.csv").read_text() == "my own numbers\n"
    _write(out, "new", force=True)
    assert is_result_folder(out) and "my own" not in (out / "summary.csv").read_text()


def test_result_folders_of_earlier_versions_are_recognised(tmp_path):
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    (legacy / "results.json").write_text(json.dumps({"bmdsim_version": "0.0.1"}))
    assert is_result_folder(legacy)
    (legacy / "results.json").write_text("[1, 2")
    assert not is_result_folder(legacy)


def test_second_run_into_a_locked_folder_fails_at_once(tmp_path):
    out = tmp_path / "out"
    expected = rf"in use by another bmdsim run \(pid {os.getpid()}\)"
    with ResultFolder(out), pytest.raises(OutputFolderError, match=expected):
        ResultFolder(out).open()
    with ResultFolder(out):  # released
        pass
    assert not (tmp_path / ".out.bmdsim-lock").exists()  # and the lock file removed


def test_current_folder_and_home_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputFolderError, match="current folder"):
        ResultFolder(".").open()
    with pytest.raises(OutputFolderError, match="cannot be an output folder"):
        ResultFolder(os.path.expanduser("~")).open()


def test_cli_refuses_foreign_and_locked_folders_before_any_work(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(BASE)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.csv").write_text("my own numbers\n")
    status, _, err = run_cli(capsys, "run", scenario, "--out", out, "--quiet", "--replications", "2")
    assert_one_line_error(status, err, "--out", "--force")
    assert (out / "summary.csv").read_text() == "my own numbers\n"
    locked = tmp_path / "locked"
    with ResultFolder(locked):
        status, _, err = run_cli(capsys, "run", scenario, "--out", locked, "--quiet", "--replications", "2")
    assert_one_line_error(status, err, "--out", "in use by another bmdsim run")


def test_a_symlinked_output_folder_keeps_its_link(tmp_path):
    real = tmp_path / "real"
    _write(real, "old")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    _write(link, "new")
    assert link.is_symlink() and json.loads((link / "results.json").read_text())["scenario"] == "new"
    assert not any(p.name.startswith(".real.bmdsim-") for p in tmp_path.iterdir())
