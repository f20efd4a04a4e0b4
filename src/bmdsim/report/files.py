"""Write a run's results: results.json, the resolved scenario, and every table as Parquet and CSV.

Files are first written into a fresh temporary folder beside the output folder and moved into place
only when all of them are complete, so a failure never leaves a half-written set nor destroys the
results of an earlier run.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from bmdsim import __version__


def _clean(obj: object) -> object:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def scenario_digest(resolved_yaml: str) -> str:
    return hashlib.sha256(resolved_yaml.encode("utf-8")).hexdigest()


def write_results(out_dir: Path, tables: dict[str, pd.DataFrame], *, scenario_name: str, resolved_yaml: str,
                  seed: int, replications: int, stage_seconds: dict[str, float]) -> list[Path]:
    """Write the result files into ``out_dir`` (created if needed); returns the paths written."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".bmdsim-", dir=out_dir.parent))
    try:
        summary = tables["summary"].to_dict(orient="records")
        results = {
            "bmdsim_version": __version__, "scenario": scenario_name,
            "scenario_sha256": scenario_digest(resolved_yaml), "seed": seed, "replications": replications,
            "architectures": {row["architecture"]: row for row in summary},
            "stage_seconds": stage_seconds,
            "tables": sorted(f"{name}.parquet" for name in tables) + sorted(f"{name}.csv" for name in tables),
        }
        (tmp / "results.json").write_text(json.dumps(_clean(results), indent=2) + "\n", encoding="utf-8")
        (tmp / "scenario.resolved.yaml").write_text(resolved_yaml, encoding="utf-8")
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False)
            df.to_csv(tmp / f"{name}.csv", index=False)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for f in sorted(tmp.iterdir()):
            target = out_dir / f.name
            os.replace(f, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
