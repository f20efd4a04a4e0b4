"""Built-in scenario presets (``scenario/presets/*.yaml``)."""

from __future__ import annotations

from importlib import resources

from bmdsim.scenario.errors import InputError

DEFAULT_PRESET = "northeast-asia-2014"


def preset_names() -> list[str]:
    """Names of the built-in presets, default first."""
    folder = resources.files("bmdsim.scenario") / "presets"
    names = sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    return sorted(names, key=lambda n: n != DEFAULT_PRESET)


def preset_text(name: str) -> str:
    """The YAML text of a preset; an InputError names the known presets."""
    if name not in preset_names():
        raise InputError(f"no preset {name!r} (presets: {', '.join(preset_names())})")
    return (resources.files("bmdsim.scenario") / "presets" / f"{name}.yaml").read_text(encoding="utf-8")
