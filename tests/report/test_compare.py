"""`bmdsim compare` on variant-run folders and single runs: differences with standard errors."""

import json

from bmdsim.cli.main import main


def run_cli(capsys, monkeypatch, *args, columns="80"):
    monkeypatch.setenv("COLUMNS", columns)
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_compare_variant_folders_with_standard_errors(capsys, monkeypatch, defended_folder):
    status, out, err = run_cli(capsys, monkeypatch, "compare", str(defended_folder), str(defended_folder))
    assert status == 0, err
    assert "leakers" in out and "±" in out and "more" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    status, out, err = run_cli(capsys, monkeypatch, "compare", str(defended_folder / "baseline"),
                               str(defended_folder / "more"), "--format", "json")
    assert status == 0, err
    rows = json.loads(out)
    cost = [r for r in rows if r["metric"] == "expected_cost_usd"]
    assert cost and all(isinstance(r["b_minus_a"], float) for r in cost)
    assert "e+" not in out
