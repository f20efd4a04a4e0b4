"""Read a results folder back: results.json, the tables and the resolved scenario.

A results folder is either one run (``results.json`` beside the tables) or a variant run (``variants.csv``
and one sub-folder per variant, each a run). Everything the terminal answers, the HTML report and the
exports show is read from these files, so any of them can be rebuilt from a folder alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml


class ResultsError(ValueError):
    """A results folder that cannot be read; the message is one line naming the file."""


@dataclass(frozen=True)
class RunFiles:
    """One run's files. Tables are read on first use; a missing table reads as an empty frame."""

    folder: Path
    results: dict
    variant: str | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def name(self) -> str:
        return str(self.results.get("scenario", self.folder.name))

    @property
    def architectures(self) -> dict[str, dict]:
        archs = self.results.get("architectures", {})
        if not isinstance(archs, dict):
            return {}
        return {str(k): v for k, v in archs.items() if isinstance(v, dict)}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._cache:
            pq, csv = self.folder / f"{name}.parquet", self.folder / f"{name}.csv"
            try:
                if pq.exists():
                    self._cache[name] = pd.read_parquet(pq)
                elif csv.exists():
                    self._cache[name] = pd.read_csv(csv)
                else:
                    self._cache[name] = pd.DataFrame()
            except Exception as exc:  # a damaged table: say which file, in one line
                raise ResultsError(f"{pq if pq.exists() else csv}: cannot read table: {exc}") from None
        return self._cache[name]

    @property
    def shown_architecture(self) -> str:
        """The architecture maps and timelines show: the last one run (the most sharing in the presets)."""
        names = list(self.architectures)
        return names[-1] if names else ""

    def table_for(self, name: str, architecture: str | None = None) -> pd.DataFrame:
        """A table's rows for one architecture (the shown one by default) if it has an architecture column."""
        df = self.table(name)
        if df.empty or "architecture" not in df.columns:
            return df
        return df[df["architecture"] == (architecture or self.shown_architecture)]

    def has(self, name: str) -> bool:
        return not self.table(name).empty

    @property
    def scenario(self) -> dict:
        if "scenario" not in self._cache:
            path = self.folder / "scenario.resolved.yaml"
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
            except yaml.YAMLError as exc:
                raise ResultsError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
            self._cache["scenario"] = data if isinstance(data, dict) else {}
        return self._cache["scenario"]

    @property
    def is_sensor_only(self) -> bool:
        """True when the scenario has no enabled shooter: its answer is who detects what, not leakers."""
        shooters = self.scenario.get("shooters") or []
        if shooters:
            return not any(s.get("enabled", True) for s in shooters if isinstance(s, dict))
        return self.table("batteries").empty


def read_results_json(folder: Path) -> dict:
    path = folder / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{folder}: no results.json (not a bmdsim results folder)") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: not valid JSON (line {exc.lineno}): {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{path}: cannot read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("architectures"), dict) or not data["architectures"]:
        raise ResultsError(f"{path}: not a bmdsim results file (expected an object with 'architectures')")
    for name, arch in data["architectures"].items():
        value = arch.get("expected_leakers") if isinstance(arch, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ResultsError(f"{path}: architectures.{name}.expected_leakers: expected a number, got {value!r}")
    return data


def load_folder(folder: str | Path) -> list[RunFiles]:
    """The runs in a results folder: one, or one per variant (in the order of ``variants.csv``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    if (folder / "results.json").exists():
        return [RunFiles(folder, read_results_json(folder))]
    names: list[str] = []
    vcsv = folder / "variants.csv"
    if vcsv.exists():
        try:
            names = list(dict.fromkeys(pd.read_csv(vcsv)["variant"].astype(str)))
        except Exception:  # fall back to the sub-folders
            names = []
    if not names:
        names = sorted(p.name for p in folder.iterdir() if (p / "results.json").exists())
    if not names:
        raise ResultsError(f"{folder}: no results.json and no variant folders (not a bmdsim results folder)")
    return [RunFiles(folder / n, read_results_json(folder / n), variant=n) for n in names]


def baseline_index(runs: list[RunFiles]) -> int:
    """The variant others are compared with: the one named ``baseline``, else the first."""
    for i, r in enumerate(runs):
        if r.variant == "baseline":
            return i
    return 0
