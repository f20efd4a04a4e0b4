"""Imports flow one way down the pipeline (docs/design/architecture.md): no stage imports a later one."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "bmdsim"
DOC = Path(__file__).resolve().parents[1] / "docs" / "design" / "architecture.md"


def _documented_order() -> list[str]:
    """The import order as docs/design/architecture.md states it (its first ``a -> b -> ...`` line)."""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if "->" in line and line.strip().startswith("earth"):
            return [part.strip() for part in line.split("->")]
    raise AssertionError("docs/design/architecture.md states no import order line 'earth -> ...'")


ORDER = _documented_order()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bmdsim."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bmdsim."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("stage", [s for s in ORDER if (SRC / s).is_dir()])
def test_stage_imports_only_earlier_stages(stage):
    rank = {s: i for i, s in enumerate(ORDER)}
    for path in (SRC / stage).rglob("*.py"):
        for dep in _imports(path):
            if dep not in rank or dep == stage:
                continue
            assert rank[dep] < rank[stage], f"{path.relative_to(SRC)} imports the later stage {dep}"


def test_physics_modules_do_not_print_or_open_files():
    for stage in ("earth", "flight"):
        for path in (SRC / stage).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "print(" not in text, path
            assert "open(" not in text, path
