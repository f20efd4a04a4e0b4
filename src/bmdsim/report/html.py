"""Placeholder: the HTML report (filled in below)."""

from __future__ import annotations

from pathlib import Path


def write_report(folder: str | Path) -> Path:
    path = Path(folder) / "report.html"
    path.write_text("<!doctype html><title>bmdsim</title>", encoding="utf-8")
    return path
