"""Regenerate tests/assessment/data/small_summary.json (the stored end-to-end regression summary).

Usage: python3 scripts/regenerate_regression_summary.py "why the numbers changed"

The explanation is stored in the file's provenance beside the previous ones, so every change of the
stored numbers carries its reason.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

from bmdsim.assessment.build import resolve
from bmdsim.assessment.metrics import summary_table
from bmdsim.assessment.run import run
from bmdsim.scenario.schema import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.assessment.conftest import SMALL  # noqa: E402

COLS = ["architecture", "expected_leakers", "p_zero_leakers", "threats_engageable", "expected_interceptors",
        "expected_cost_usd"]


def main() -> None:
    if len(sys.argv) != 2 or len(sys.argv[1].strip()) < 20:
        raise SystemExit("usage: regenerate_regression_summary.py \"why the numbers changed (a sentence)\"")
    path = ROOT / "tests" / "assessment" / "data" / "small_summary.json"
    old = json.loads(path.read_text())
    cfg, lines = parse_scenario(SMALL, "small.yaml")
    df = summary_table(run(resolve(cfg, file="small.yaml", lines=lines)))
    history = old.get("_history", [old.get("_provenance", "")])
    history.append(f"{datetime.date.today().isoformat()}: {sys.argv[1].strip()}")
    out = {"_provenance": "bmdsim summary of tests/assessment/conftest.py SMALL (seed 7, 200 replications); "
                          "regenerate only with scripts/regenerate_regression_summary.py and a reason",
           "_history": history,
           "summary": [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                       for r in df[COLS].to_dict("records")]}
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(df[COLS].to_string(index=False))


if __name__ == "__main__":
    main()
