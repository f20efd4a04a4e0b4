"""The public-data catalogs as tables: key figures of every entry, and every figure of one entry with its source.

Each catalog figure carries a source string ending in a status tag: ``[seen]`` (read in the cited text),
``[unverified]`` (a standard reference still to be checked) or ``[estimate]`` (an engineering estimate).
"""

from __future__ import annotations

import difflib
import re
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel

from bmdsim.report.answers import Answer
from bmdsim.report.text import Column, fmt_num

KINDS = ("threats", "radars", "interceptors", "batteries", "sites")
STATUS = re.compile(r"\[(seen|unverified|estimate|derived)\b[^\]]*\]")


def status(source: str) -> str:
    """The status tag of a source string's first cited source (``seen``, ``unverified``, ``estimate``,
    ``derived``) wherever it stands in the string; '' if none (the full source, with every tag, is shown
    beside it)."""
    m = STATUS.search(source or "")
    return m.group(1) if m else ""


def short_source(source: str, limit: int = 70) -> str:
    """The first clause of a source (up to a comma or parenthesis), whole words, with its status tag."""
    text = STATUS.sub("", source or "").strip()
    head = re.split(r",|\(|;", text, maxsplit=1)[0].strip()
    if len(head) > limit:
        words, out = head.split(), ""
        for w in words:
            if len(out) + len(w) + 1 > limit:
                break
            out = f"{out} {w}".strip()
        head = out + " ..."
    tag = status(source)
    return f"{head} [{tag}]" if tag else head


def entries(kind: str) -> dict[str, BaseModel]:
    if kind == "threats":
        from bmdsim.scenario.catalog import load_threat_catalog

        return dict(load_threat_catalog().missiles)
    if kind == "radars":
        from bmdsim.scenario.radar_catalog import load_radar_catalog

        return dict(load_radar_catalog().radars)
    if kind == "interceptors":
        from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog

        return dict(load_interceptor_catalog().interceptors)
    if kind == "batteries":
        from bmdsim.scenario.interceptor_catalog import load_interceptor_catalog

        return {k: _as_namespace(v) for k, v in load_interceptor_catalog().batteries.items()}
    if kind == "sites":
        from bmdsim.scenario.sites import load_site_catalog

        return dict(load_site_catalog().sites)
    raise KeyError(kind)


def _as_namespace(value: Any) -> Any:
    """A battery entry (plain YAML mappings) with attribute access, as the other catalogs' models have."""
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _as_namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_as_namespace(v) for v in value]
    return value


def _is_figure(v: Any) -> bool:
    return hasattr(v, "value") and hasattr(v, "source")


def _reload_text(e: Any) -> str:
    r = getattr(e, "reload", None)
    if r is None:
        return "-"
    if not r.reloadable:
        return "no (first load only)"
    return f"{fmt_num(r.time_per_launcher_s.value / 60, 0)} min"


def suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    """'; did you mean X?' for a close match among ``options``, else ''."""
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def _v(entry: BaseModel, field: str, scale: float = 1.0, digits: int = 0) -> str:
    fig = getattr(entry, field, None)
    return fmt_num(fig.value / scale, digits) if fig is not None else "-"


# kind: (key figure field for the source column, [(column key, header, getter)])
def _columns(kind: str):
    if kind == "threats":
        return "published_max_range_km", [
            ("name", "name", lambda e: e.name), ("country", "country", lambda e: e.country),
            ("kind", "kind", lambda e: e.kind),
            ("max_range_km", "max range km", lambda e: _v(e, "published_max_range_km")),
            ("payload_kg", "payload kg", lambda e: _v(e, "payload_mass_kg")),
            ("stages", "stages", lambda e: str(len(e.stages)) if e.stages else "-")]
    if kind == "radars":
        return "search_reference_range_km", [
            ("name", "name", lambda e: e.name), ("band", "band", lambda e: e.band),
            ("platform", "platform", lambda e: e.platform),
            ("reference_range_km", "detects km",
             lambda e: f"{_v(e, 'search_reference_range_km')} @ {e.reference_rcs_m2.value:g}\u00a0m²"),
            ("max_range_km", "max range km", lambda e: _v(e, "max_range_km")),
            ("sector_half_width_deg", "sector ± deg", lambda e: _v(e, "sector_half_width_deg"))]
    if kind == "interceptors":
        return "max_range_km", [
            ("name", "name", lambda e: e.name), ("country", "country", lambda e: e.country),
            ("kill_vehicle", "intercepts", lambda e: e.kill_vehicle),
            ("altitude_km", "altitude km", lambda e: f"{_v(e, 'min_intercept_altitude_km')}-"
                                                      f"{_v(e, 'max_intercept_altitude_km')}"),
            ("max_range_km", "max range km", lambda e: _v(e, "max_range_km")),
            ("burnout_speed_km_s", "burnout km/s", lambda e: _v(e, "burnout_speed_m_s", 1e3, 1)),
            ("single_shot_pk", "Pk", lambda e: _v(e, "single_shot_pk", 1, 2)),
            ("unit_cost_musd", "unit cost $M", lambda e: _v(e, "unit_cost_usd", 1e6, 1))]
    if kind == "batteries":
        return "launchers", [
            ("name", "name", lambda e: e.name), ("country", "country", lambda e: e.country),
            ("launchers", "launchers", lambda e: _v(e, "launchers")),
            ("rounds_per_launcher", "rounds per launcher",
             lambda e: ", ".join(f"{k} {fmt_num(v.value, 0)}" for k, v in vars(e.rounds_per_launcher).items())),
            ("reload", "reload", _reload_text),
            ("reserve_loads", "reserve loads",
             lambda e: _v(e.reload, "reserve_loads_per_launcher") if getattr(e, "reload", None) else "-")]
    return "lat_deg", [
        ("name", "name", lambda e: e.name), ("country", "country", lambda e: e.country),
        ("kind", "kind", lambda e: e.kind), ("lat_deg", "lat deg", lambda e: _v(e, "lat_deg", 1, 4)),
        ("lon_deg", "lon deg", lambda e: _v(e, "lon_deg", 1, 4))]


def catalog_table(kind: str) -> Answer:
    """Every entry of one catalog with its key figures and the source of the headline figure."""
    key_field, cols = _columns(kind)
    text = ("name", "country", "kind", "band", "platform", "kill_vehicle", "rounds_per_launcher", "reload")
    columns = [Column("key", "key", "<")] + [Column(k, h, "<" if k in text else ">", prose=k in text)
                                             for k, h, _ in cols]
    what = {"threats": "range", "radars": "detection range", "interceptors": "range", "batteries": "launchers",
            "sites": "position"}[kind]
    columns.append(Column("source", f"source of {what}", "<", prose=True))
    rows, raw = [], []
    for key, e in entries(kind).items():
        fig = getattr(e, key_field, None)
        row = [key, *[g(e) for _, _, g in cols], short_source(fig.source) if fig is not None else "-"]
        rows.append(row)
        raw.append([key, *row[1:-1], fig.source if fig is not None else ""])
    return Answer(f"Catalog: {kind} ({len(rows)} entries; bmdsim catalog {kind} KEY shows every figure)",
                  columns, rows, raw, ("Status: [seen] read in the cited text; [unverified] standard reference "
                                       "still to be checked; [estimate] engineering estimate (basis in the note).",))


def entry_table(kind: str, key: str) -> Answer:
    """Every figure of one entry with its value, range, status and full source."""
    e = entries(kind)[key]
    columns = [Column("figure", "figure", "<", prose=True), Column("value", "value"),
               Column("status", "status", "<"), Column("source", "source", "<", prose=True)]
    rows, raw = [], []

    def walk(obj: Any, prefix: str) -> None:
        names = type(obj).model_fields if isinstance(obj, BaseModel) else list(vars(obj))
        for name in names:
            v = getattr(obj, name)
            label = f"{prefix}{name}"
            if isinstance(v, SimpleNamespace) and not _is_figure(v):  # a battery's nested block
                if hasattr(v, "source") and not prefix:
                    rows.append([label, str(getattr(v, "name", getattr(v, "reloadable", ""))),
                                 status(v.source) or "-", STATUS.sub("", v.source).strip()])
                    raw.append([label, getattr(v, "name", getattr(v, "reloadable", None)), status(v.source),
                                v.source])
                walk(v, f"{label}.")
            elif _is_figure(v):
                low, high, note = (getattr(v, a, None) for a in ("low", "high", "note"))
                rng = f" ({low:g}-{high:g})" if low is not None and high is not None else ""
                src = STATUS.sub("", v.source).strip() + (f" Note: {note}" if note else "")
                rows.append([label, f"{v.value:g}{rng}", status(v.source) or "-", src])
                raw.append([label, v.value, status(v.source), v.source])
            elif isinstance(v, list) and v and isinstance(v[0], BaseModel):
                for i, item in enumerate(v):
                    walk(item, f"{label}[{i}].")
            elif isinstance(v, str | int | bool) and not isinstance(v, BaseModel) and not prefix:
                about.append(f"{name}: {', '.join(map(str, v)) if isinstance(v, list) else v}")
            elif isinstance(v, list) and v and isinstance(v[0], str) and not prefix:
                about.append(f"{name}: {', '.join(v)}")

    about: list[str] = []
    walk(e, "")
    notes: tuple[str, ...] = ()
    if kind == "interceptors":
        for label, value, source in derived_envelope(key):
            rows.append([label, value if isinstance(value, str) else fmt_num(value, 0), "derived", source])
            raw.append([label, value, "derived", source])
        notes = ("derived: computed by bmdsim from the figures above (docs/methods/engagement.md), not published.",)
    return Answer(f"Catalog: {kind} / {key}: " + "; ".join(about), columns, rows, raw, notes)


def derived_envelope(key: str) -> list[tuple[str, str | float, str]]:
    """(figure, value, basis) of the flyout model fire control uses for a catalog interceptor: for an arc
    (exo-atmospheric kill vehicle), its kinematic reach at the altitude floor and its ceiling, which bind
    alongside the published envelope."""
    from bmdsim.engagement.interceptors import interceptor_config

    cfg = interceptor_config(key)
    if cfg.flyout == "line":
        return [("flyout model", "line", "straight line from launcher to intercept point with boost, gravity and "
                                         "drag along it: an endo-atmospheric interceptor steers aerodynamically")]
    table = cfg.arc
    j = min(round(cfg.min_alt_m / table.alt_step_m), table.tof_s.shape[0] - 1)
    return [("flyout model", "arc", "boost-plus-coast flight of an equivalent single stage (burnout speed, burn "
                                    "time, launch mass above) on WGS 84 with drag, no Earth rotation"),
            (f"kinematic reach at {j * table.alt_step_m / 1e3:g} km altitude, km",
             round(float(table.reach_m()[j]) / 1e3, 1),
             "largest ground range at that altitude over the arcs; fire control applies both this and the "
             "published maximum range"),
            ("kinematic ceiling, km", round(table.apogee_m / 1e3, 1),
             "highest point of the arcs within 1,500 s of flight; compare the published maximum "
             "intercept altitude")]
