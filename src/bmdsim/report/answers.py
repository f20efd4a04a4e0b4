"""The answer to a run's question, as tables read from its results folder.

- Defended scenarios: per architecture, expected leakers and the value of cooperation (each architecture
  minus ``national``), with standard errors; with variants, each variant minus the baseline.
- Sensor-only scenarios (no shooter): which radar detects which threat, from when, for how long and in
  which flight phases.

Standard error of a difference: a stored paired value (``<metric>_vs_national_se``) when the run wrote one;
otherwise sqrt(se_a² + se_b²). Architectures and variants share their random draws (common random
numbers), which correlates them positively, so this is an upper bound on the paired error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from bmdsim.report.load import RunFiles, baseline_index
from bmdsim.report.text import Column, fmt_num, fmt_pm, render

SE_NOTE = ("± is one standard error over the Monte Carlo replications; for a difference between architectures "
           "the paired error of the per-replication difference (same draws), otherwise sqrt(se_a² + se_b²), an "
           "upper bound since both sides share their random draws.")


@dataclass(frozen=True)
class Answer:
    """One table: columns, formatted rows and raw rows (for csv/json), a title and notes."""

    title: str
    columns: list[Column]
    rows: list[list[str]]
    raw: list[list[object]]
    notes: tuple[str, ...] = ()

    def render(self, fmt: str = "table", width: int | None = None) -> str:
        body = render(self.columns, self.rows, fmt, raw_rows=self.raw, width=width, title=self.title)
        if fmt == "table" and self.notes:
            from bmdsim.report.escape import strip_control
            from bmdsim.report.text import terminal_width, wrap_paragraph

            body += "\n" + "\n".join(wrap_paragraph(strip_control(n), width or terminal_width())
                                      for n in self.notes)
        elif fmt == "markdown" and self.notes:
            body += "\n\n" + "\n".join(f"- {n}" for n in self.notes)
        return body


def _f(row: dict | pd.Series, key: str) -> float:
    try:
        v = float(row.get(key, math.nan))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return v


def _se_diff(a: float, b: float) -> float:
    return math.sqrt(a * a + b * b) if math.isfinite(a) and math.isfinite(b) else math.nan


def _p_se(p: float, n: float) -> float:
    return math.sqrt(p * (1 - p) / n) if math.isfinite(p) and math.isfinite(n) and n > 1 else math.nan


def run_label(run: RunFiles) -> str:
    """Scenario name with its variant (the run's stored name may already end in ':variant')."""
    if run.variant and not run.name.endswith(f":{run.variant}"):
        return f"{run.name}:{run.variant}"
    return run.name


def run_heading(run: RunFiles) -> str:
    r = run.results
    archs = next(iter(run.architectures.values()), {})
    threats = archs.get("threats", "?")
    return f"{run_label(run)} ({threats} threats, {r.get('replications', '?')} replications, seed {r.get('seed', '?')})"


def cooperation(runs: list[RunFiles]) -> Answer:
    """Per (variant and) architecture: expected leakers and each metric minus ``national``, with errors."""
    with_variant = len(runs) > 1
    cols = [Column("architecture", "architecture", "<"), Column("expected_leakers", "expected leakers"),
            Column("expected_leakers_vs_national", "leakers vs national"),
            Column("p_zero_leakers", "P(zero leakers)"), Column("threats_engageable", "threats engageable"),
            Column("expected_interceptors", "interceptors spent"), Column("expected_cost_usd", "cost $M"),
            Column("expected_cost_usd_vs_national", "cost vs national $M")]
    keep = list(range(len(cols)))
    if with_variant:  # narrower: P(zero leakers) and absolute cost are in summary.csv and the HTML report
        keep = [0, 1, 2, 4, 5, 7]
        cols = [Column("variant", "variant", "<")] + [cols[k] for k in keep]
    rows, raw = [], []
    for run in runs:
        rows_v, raw_v = _cooperation_rows(run)
        rows += [[run.variant or "", *[r[k] for k in keep]] if with_variant else r for r in rows_v]
        raw += [[run.variant, *[r[k] for k in keep]] if with_variant else r for r in raw_v]
    head = runs[0].name.split(":")[0] if with_variant else run_heading(runs[0])
    return Answer(f"Value of cooperation: {head}", cols, rows, raw,
                  ("Negative 'vs national' = fewer leakers (or less cost) than each nation alone.", SE_NOTE))


def _cooperation_rows(run: RunFiles) -> tuple[list[list[str]], list[list[object]]]:
    archs = run.architectures
    base = archs.get("national")
    rows, raw = [], []
    for name, a in archs.items():
        n = _f(a, "replications")
        lk, lk_se = _f(a, "expected_leakers"), _f(a, "expected_leakers_se")
        if base is not None:
            d = lk - _f(base, "expected_leakers")
            d_se = _f(a, "expected_leakers_vs_national_se")
            if not math.isfinite(d_se):
                d_se = 0.0 if name == "national" else _se_diff(lk_se, _f(base, "expected_leakers_se"))
            dc = _f(a, "expected_cost_usd") - _f(base, "expected_cost_usd")
        else:
            d = d_se = dc = math.nan
        p0 = _f(a, "p_zero_leakers")
        rows.append([name, fmt_pm(lk, lk_se), fmt_pm(d, d_se, signed=True), fmt_pm(p0, _p_se(p0, n), 3),
                     fmt_num(a.get("threats_engageable"), 0), fmt_num(a.get("expected_interceptors"), 1),
                     fmt_num(_f(a, "expected_cost_usd") / 1e6, 1), fmt_num(dc / 1e6, 1, signed=True)])
        raw.append([name, lk, d, p0, a.get("threats_engageable"), a.get("expected_interceptors"),
                    a.get("expected_cost_usd"), dc])
    return rows, raw


def variants_vs_baseline(runs: list[RunFiles]) -> Answer:
    """Each variant minus the baseline, per architecture, with standard errors."""
    b = runs[baseline_index(runs)]
    cols = [Column("variant", "variant", "<"), Column("architecture", "architecture", "<"),
            Column("expected_leakers", "expected leakers"),
            Column("expected_leakers_vs_baseline", "leakers vs baseline"),
            Column("expected_interceptors_vs_baseline", "interceptors vs baseline"),
            Column("expected_cost_usd", "cost $M"), Column("expected_cost_usd_vs_baseline", "cost vs baseline $M")]
    rows, raw = [], []
    for run in runs:
        for name, a in run.architectures.items():
            base = b.architectures.get(name, {})
            lk, lk_se = _f(a, "expected_leakers"), _f(a, "expected_leakers_se")
            d = lk - _f(base, "expected_leakers")
            d_se = 0.0 if run is b else _se_diff(lk_se, _f(base, "expected_leakers_se"))
            di = _f(a, "expected_interceptors") - _f(base, "expected_interceptors")
            dc = _f(a, "expected_cost_usd") - _f(base, "expected_cost_usd")
            rows.append([run.variant or "", name, fmt_pm(lk, lk_se), fmt_pm(d, d_se, signed=True),
                         fmt_num(di, 1, signed=True),
                         fmt_num(_f(a, "expected_cost_usd") / 1e6, 1), fmt_num(dc / 1e6, 1, signed=True)])
            raw.append([run.variant, name, lk, d, di, a.get("expected_cost_usd"), dc])
    return Answer(f"Variants minus {b.variant or 'the first'}: {b.name.split(':')[0]}", cols, rows, raw, (SE_NOTE,))


PHASES = ("boost", "midcourse", "terminal")


def phases_covered(first: float, last: float, th: dict | pd.Series) -> list[str]:
    """Flight phases that overlap the detection interval [first, last] (times from scenario start, s)."""
    t0, tb = _f(th, "t_launch_s"), _f(th, "t_burnout_s")
    tr, ti = _f(th, "t_reentry_s"), _f(th, "t_impact_s")
    if not all(math.isfinite(x) for x in (first, last, t0, tb, tr)):
        return []
    ti = ti if math.isfinite(ti) else math.inf
    spans = {"boost": (t0, tb), "midcourse": (tb, tr), "terminal": (tr, ti)}
    return [p for p in PHASES if spans[p][1] > spans[p][0] and first <= spans[p][1] and last >= spans[p][0]]


def detections(run: RunFiles) -> Answer:
    """Radar by threat: first detection after launch, how long, flight phases covered (detected pairs)."""
    sensors = run.table_for("sensors")
    threats = run.table("threats")
    th = (threats.drop_duplicates("threat").set_index("threat") if not threats.empty else pd.DataFrame())
    cols = [Column("sensor", "radar", "<"), Column("nation", "nation", "<"), Column("threat", "threat", "<"),
            Column("first_detection_after_launch_s", "first detection s after launch"),
            Column("detected_duration_s", "detected for s"), Column("phases", "flight phases", "<")]
    rows, raw, seen = [], [], set()
    for _, s in sensors.iterrows() if not sensors.empty else []:
        if int(s.get("detections", 0) or 0) <= 0:
            continue
        j = int(s["threat"])
        t = th.loc[j] if j in th.index else pd.Series(dtype=float)
        first, last = _f(s, "first_detection_s"), _f(s, "last_detection_s")
        after = first - _f(t, "t_launch_s") if "t_launch_s" in t else math.nan
        ph = phases_covered(first, last, t) if "t_burnout_s" in t else []
        label = f"{j}\u00a0{s.get('missile', '')}→{s.get('aim', '')}"
        seen.add(j)
        rows.append([str(s["sensor"]), str(s.get("nation", "")), label, fmt_num(after, 0),
                     fmt_num(_f(s, "detected_duration_s"), 0), ", ".join(ph) or "-"])
        raw.append([s["sensor"], s.get("nation", ""), j, after, _f(s, "detected_duration_s"), ";".join(ph)])
    notes = []
    if not sensors.empty:
        unseen = sorted(set(int(x) for x in sensors["threat"]) - seen)
        if unseen:
            notes.append("Not detected by any radar: threat " + ", ".join(str(x) for x in unseen) + ".")
    notes.append("Phases: boost to burnout, midcourse to re-entry below 100 km, terminal to impact.")
    under = f" (cues shared as under {run.shown_architecture})" if "architecture" in sensors.columns else ""
    return Answer(f"Which radar detects which missile: {run_label(run)}{under}", cols, rows, raw, tuple(notes))


def detections_by_variant(runs: list[RunFiles]) -> Answer:
    """Per threat and variant: earliest detection by any radar, how many radars see it, phases covered,
    and the radars a variant adds over the baseline."""
    b = runs[baseline_index(runs)]

    def seen(run: RunFiles) -> dict[int, pd.DataFrame]:
        s = run.table_for("sensors")
        return {int(j): g for j, g in s[s["detections"] > 0].groupby("threat")} if not s.empty else {}

    base_seen = seen(b)
    cols = [Column("threat", "threat", "<"), Column("variant", "variant", "<"),
            Column("first_detection_after_launch_s", "first detection s after launch"),
            Column("radars", "radars detecting"), Column("phases", "phases covered", "<"),
            Column("added_radars", "radars added vs baseline", "<")]
    rows, raw = [], []
    th = b.table("threats")
    th = th.drop_duplicates("threat").set_index("threat") if not th.empty else pd.DataFrame()
    for j, t in th.iterrows():
        for run in runs:
            g = seen(run).get(int(j))
            first = float(g["first_detection_s"].min()) - _f(t, "t_launch_s") if g is not None else math.nan
            phases: list[str] = []
            radars: list[str] = []
            if g is not None:
                radars = list(g["sensor"].astype(str))
                for _, s in g.iterrows():
                    phases += phases_covered(_f(s, "first_detection_s"), _f(s, "last_detection_s"), t)
            before = set(base_seen[int(j)]["sensor"].astype(str)) if int(j) in base_seen else set()
            added = [r for r in radars if r not in before]
            label = f"{int(j)} {t.get('missile', '')} → {t.get('aim', '')}"
            ph = [p for p in PHASES if p in phases]
            rows.append([label, run.variant or "", fmt_num(first, 0), str(len(radars)), ", ".join(ph) or "-",
                         ", ".join(added) or "-"])
            raw.append([int(j), run.variant, first, len(radars), ";".join(ph), ";".join(added)])
    return Answer(f"Detection by variant: {b.name.split(':')[0]}", cols, rows, raw)


def attribution(run: RunFiles) -> Answer | None:
    """Each sharing link's share of the value of cooperation: the architecture without it ("removed") and
    national with it alone ("added"), paired differences with standard errors."""
    at = run.table("attribution")
    if at.empty or "leakers_delta" not in at.columns:
        return None
    cols = [Column("architecture", "architecture", "<"), Column("link", "link", "<"),
            Column("change", "change", "<"), Column("leakers_delta", "leakers change"),
            Column("interceptors_delta", "interceptors change"), Column("cost_usd_delta", "cost change $M"),
            Column("note", "note", "<")]
    rows, raw, footnotes = [], [], []
    flows = {str(f) for f in at.get("flows", pd.Series(dtype=str))}
    same_flows = len(flows) == 1
    for _, r in at.iterrows():
        link = f"{r['provider']} → {r['receiver']}"
        if not same_flows:
            link += f" ({str(r.get('flows', '')).replace('+', ', ')})"
        note = str(r.get("note") or "")
        note = "" if note == "nan" else note
        marker = "-"
        if note:
            marker = f"[{len(footnotes) + 1}]"
            footnotes.append(f"{marker} {r['architecture']}, {link} {r['change']}: {note}.")
        rows.append([str(r["architecture"]), link, str(r["change"]),
                     fmt_pm(_f(r, "leakers_delta"), _f(r, "leakers_delta_se"), signed=True),
                     fmt_pm(_f(r, "interceptors_delta"), _f(r, "interceptors_delta_se"), 1, signed=True),
                     fmt_num(_f(r, "cost_usd_delta") / 1e6, 1, signed=True), marker])
        raw.append([r["architecture"], link, r["change"], _f(r, "leakers_delta"), _f(r, "interceptors_delta"),
                    _f(r, "cost_usd_delta"), note])
    carried = f"Every link carries {next(iter(flows)).replace('+', ', ')}. " if same_flows and flows else ""
    return Answer(f"Value of each sharing link: {run_label(run)}", cols, rows, raw,
                  (carried + "removed: the architecture without the link minus with it (positive = the link saves "
                   "missiles); added: national plus the link alone minus national (negative = it saves).",
                   "± paired standard error (same raids, tracks and battle draws).", *footnotes))


def answers(runs: list[RunFiles]) -> list[Answer]:
    """The tables that answer a results folder's question."""
    if runs and all(r.is_sensor_only for r in runs):
        return [detections(r) for r in runs] + ([detections_by_variant(runs)] if len(runs) > 1 else [])
    out = [cooperation(runs)]
    link = attribution(runs[baseline_index(runs)])
    if link is not None:
        out.append(link)
    if len(runs) > 1:
        out.append(variants_vs_baseline(runs))
    return out


def render_answers(runs: list[RunFiles], fmt: str = "table", width: int | None = None) -> str:
    """All answers in one format; json gives a list of {title, rows}; csv separates tables by '# title'."""
    import json

    items = answers(runs)
    if fmt == "json":
        return json.dumps([{"title": a.title, "rows": json.loads(a.render("json"))} for a in items], indent=1)
    if fmt == "csv":
        return "\n\n".join(f"# {a.title}\n{a.render('csv')}" for a in items)
    return "\n\n".join(a.render(fmt, width) for a in items)


def tornado_answer(result, limit: int = 30) -> Answer:
    """The sensitivity tornado table (inputs by swing) as an :class:`Answer`, with the break-even column when
    two architectures are compared (``result``: :class:`bmdsim.assessment.sensitivity.SensitivityResult`)."""
    t = result.table
    what = (f"{result.metric}: {result.compare[1]} - {result.compare[0]}" if result.compare
            else f"{result.metric} of {result.architecture}")
    columns = [Column("input", "input", "<"), Column("low", "low"), Column("high", "high"),
               Column("score_low", "at low"), Column("score_high", "at high"), Column("swing", "swing")]
    if result.compare:
        columns.append(Column("break_even", "break-even", "<", prose=True))
    rows, raw = [], []
    for _, r in t.head(limit).iterrows():
        row = [r["input"], f"{r['low']:.4g}", f"{r['high']:.4g}", fmt_num(r["score_low"], 3, signed=True),
               fmt_num(r["score_high"], 3, signed=True), fmt_num(r["swing"], 3)]
        values = [r["input"], r["low"], r["high"], r["score_low"], r["score_high"], r["swing"]]
        if result.compare:
            flips = bool(r["flips"])
            row.append(f"{r['break_even']:.4g} (± {r['bracket'] / 2:.2g})" if flips else str(r["conclusion"]))
            values.append(float(r["break_even"]) if flips else str(r["conclusion"]))
        rows.append(row)
        raw.append(values)
    notes = [f"... {len(t) - limit} more inputs in sensitivity.csv"] if len(t) > limit else []
    notes.append("One input at a time from its low to its high figure, the others nominal; swing = |at high - at "
                 "low|; break-even: the value at which the comparison changes sign, ± half its bracket.")
    return Answer(f"Sensitivity of {what} ({result.replications} replications, seed {result.seed}, common random "
                  "numbers)", columns, rows, raw, tuple(notes))
