"""Metrics of a run as tables: per threat, per engagement, per battery, per raid, per asset, per architecture.

Definitions (means over Monte Carlo replications):

- expected leakers: threats not killed; probability of zero leakers: share of replications with none;
- protection probability of an asset: share of replications in which no threat aimed at it leaks;
- engagement opportunities of a threat: shooters with at least one intercept opportunity;
- warning time: impact minus the first radar detection by any sensor; decision time: impact minus the
  first fire-control-quality track of any nation under the architecture;
- interceptors spent and their cost (catalog unit costs);
- value of cooperation: each metric minus its value under ``national``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bmdsim.assessment.run import RunResult


def _earliest(t: np.ndarray) -> np.ndarray:
    """Earliest finite time over the first axis (inf: none)."""
    return np.min(np.where(np.isfinite(t), t, np.inf), axis=0, initial=np.inf)


def _first_detection(a) -> np.ndarray:
    """First detection of each threat by any radar under an architecture [s] (inf: never)."""
    return _earliest(a.detection.first_detection_s)


def _nan_if_inf(x: float) -> float:
    return float(x) if np.isfinite(x) else np.nan


REENTRY_ALT_M = 100e3
"""Height below which a descending threat is in its terminal (re-entry) phase [m] (the Karman line)."""


def threat_geography(res: RunResult) -> list[dict[str, float]]:
    """Per threat: launch, aim and impact points [deg], apogee [km] and flight-phase times [s].

    Boost ends at burnout; terminal starts when the descending threat passes below ``REENTRY_ALT_M`` (at
    apogee if it never rises above it); midcourse lies between.
    """
    from bmdsim.earth.frames import ecef_to_geodetic

    th, tr = res.scenario.threats, res.trajectories
    lat_i, lon_i, _ = ecef_to_geodetic(tr.r_impact_ecef_m, res.scenario.earth.ellipsoid)
    out = []
    for j in range(th.n):
        alt = tr.alt_m[j] if tr.alt_m.size else np.empty(0)
        after = (tr.t_s >= tr.t_apogee_s[j]) & (alt < REENTRY_ALT_M) if alt.size else np.zeros(0, bool)
        t_reentry = float(tr.t_s[np.argmax(after)]) if after.any() else float(tr.t_impact_s[j])
        if tr.apogee_alt_m[j] < REENTRY_ALT_M:
            t_reentry = float(tr.t_apogee_s[j])

        def r6(x: float) -> float:
            return round(float(x), 6) if np.isfinite(x) else np.nan

        out.append({"launch_lat_deg": r6(np.degrees(th.launch_lat_rad[j])),
                    "launch_lon_deg": r6(np.degrees(th.launch_lon_rad[j])),
                    "aim_lat_deg": r6(np.degrees(th.aim_lat_rad[j])), "aim_lon_deg": r6(np.degrees(th.aim_lon_rad[j])),
                    "impact_lat_deg": r6(np.degrees(lat_i[j])), "impact_lon_deg": r6(np.degrees(lon_i[j])),
                    "apogee_km": round(float(tr.apogee_alt_m[j]) / 1e3, 3), "t_burnout_s": float(tr.t_burnout_s[j]),
                    "t_apogee_s": float(tr.t_apogee_s[j]), "t_reentry_s": t_reentry})
    return out


def threat_table(res: RunResult) -> pd.DataFrame:
    th, tr = res.scenario.threats, res.trajectories
    geo = threat_geography(res)
    rows = []
    for name, a in res.architectures.items():
        o = a.outcome
        t_det = _first_detection(a)
        fcq = _earliest(a.t_fire_control_s)
        for j in range(th.n):
            rows.append({
                "architecture": name, "threat": j, "raid": res.scenario.config.raids[int(th.raid[j])].name,
                "missile": th.missile[j], "aim": th.aim[j], "asset_value": float(th.value[j]),
                "t_launch_s": float(th.t_launch_s[j]), "t_impact_s": float(tr.t_impact_s[j]),
                "t_first_detection_s": float(t_det[j]) if np.isfinite(t_det[j]) else np.nan,
                "t_fire_control_track_s": float(fcq[j]) if np.isfinite(fcq[j]) else np.nan,
                "warning_time_s": float(tr.t_impact_s[j] - t_det[j]) if np.isfinite(t_det[j]) else np.nan,
                "decision_time_s": float(tr.t_impact_s[j] - fcq[j]) if np.isfinite(fcq[j]) else np.nan,
                "engagement_opportunities": int(np.sum(a.windows.looks[:, j] > 0)),
                "p_engaged": float(o.engaged[:, j].mean()), "p_killed": float(o.killed[:, j].mean()),
                "expected_shots": float(o.shots[:, j, :].sum(axis=1).mean()),
                **geo[j],
            })
    return pd.DataFrame(rows)


def engagement_table(res: RunResult) -> pd.DataFrame:
    sh = res.scenario.shooters
    rows = []
    for name, a in res.architectures.items():
        w = a.windows
        for i, shooter in enumerate(sh.battle.name):
            for j in np.flatnonzero(w.looks[i] > 0):
                rows.append({
                    "architecture": name, "shooter": shooter, "nation": sh.battle.nation[i],
                    "interceptor": sh.interceptors[i].name, "threat": int(j), "looks": int(w.looks[i, j]),
                    "t_earliest_launch_s": _nan_if_inf(a.t_earliest_launch_s[i, j]),
                    "t_first_launch_s": float(w.t_launch_s[i, j, 0]),
                    "t_first_intercept_s": float(w.t_intercept_s[i, j, 0]),
                    "expected_shots": float(a.outcome.shots[:, j, i].mean()),
                    **_point_at(res, int(j), float(w.t_intercept_s[i, j, 0]), "intercept"),
                })
    return pd.DataFrame(rows, columns=["architecture", "shooter", "nation", "interceptor", "threat", "looks",
                                       "t_earliest_launch_s", "t_first_launch_s", "t_first_intercept_s",
                                       "expected_shots", "intercept_lat_deg", "intercept_lon_deg",
                                       "intercept_alt_km"])


def _point_at(res: RunResult, j: int, t_s: float, prefix: str) -> dict[str, float]:
    """Geodetic point of threat ``j`` at time ``t_s`` (linear in ECEF between grid points) [deg, km]."""
    from bmdsim.earth.frames import ecef_to_geodetic

    tr = res.trajectories
    r = tr.r_ecef_m[j] if tr.r_ecef_m.size else np.empty((0, 3))
    ok = np.isfinite(r[:, 0])
    if not np.isfinite(t_s) or not ok.any():
        return {f"{prefix}_lat_deg": np.nan, f"{prefix}_lon_deg": np.nan, f"{prefix}_alt_km": np.nan}
    r_t = np.array([np.interp(t_s, tr.t_s[ok], r[ok, k]) for k in range(3)])
    lat, lon, alt = ecef_to_geodetic(r_t, res.scenario.earth.ellipsoid)
    return {f"{prefix}_lat_deg": round(float(np.degrees(lat)), 6),
            f"{prefix}_lon_deg": round(float(np.degrees(lon)), 6), f"{prefix}_alt_km": round(float(alt) / 1e3, 3)}


def trajectory_table(res: RunResult, step_s: float = 10.0) -> pd.DataFrame:
    """The path of every threat for maps: one row per threat and time, every ``step_s`` and at impact."""
    from bmdsim.earth.frames import ecef_to_geodetic

    tr = res.trajectories
    rows = []
    if tr.r_ecef_m.size:
        lat, lon, alt = ecef_to_geodetic(tr.r_ecef_m, res.scenario.earth.ellipsoid)
        stride = max(1, round(step_s / float(np.median(np.diff(tr.t_s))))) if tr.t_s.size > 1 else 1
        for j in range(tr.n):
            idx = np.flatnonzero(np.isfinite(alt[j]))
            if idx.size == 0:
                continue
            keep = np.unique(np.concatenate([idx[::stride], idx[-1:]]))
            for k in keep:
                rows.append({"threat": j, "t_s": float(tr.t_s[k]), "lat_deg": round(float(np.degrees(lat[j, k])), 5),
                             "lon_deg": round(float(np.degrees(lon[j, k])), 5),
                             "alt_km": round(float(alt[j, k]) / 1e3, 3), "phase": int(tr.phase[j, k])})
    return pd.DataFrame(rows, columns=["threat", "t_s", "lat_deg", "lon_deg", "alt_km", "phase"])


def battery_table(res: RunResult) -> pd.DataFrame:
    sh = res.scenario.shooters.battle
    rows = []
    for name, a in res.architectures.items():
        o = a.outcome
        for i, shooter in enumerate(sh.name):
            dry = np.isfinite(o.t_dry_s[:, i])
            spent = o.shots[:, :, i].sum(axis=1)
            rows.append({"architecture": name, "shooter": shooter, "nation": sh.nation[i],
                         "inventory": int(sh.inventory[i]), "expected_spent": float(spent.mean()),
                         "expected_cost_usd": float(spent.mean() * sh.unit_cost_usd[i]),
                         "p_ran_dry": float(dry.mean()),
                         "mean_t_dry_s": float(np.nanmean(o.t_dry_s[dry, i])) if dry.any() else np.nan,
                         **_reload_columns(sh, o, i, spent)})
    return pd.DataFrame(rows, columns=["architecture", "shooter", "nation", "inventory", "expected_spent",
                                       "expected_cost_usd", "p_ran_dry", "mean_t_dry_s", *RELOAD_COLUMNS])


RELOAD_COLUMNS = ("reload_time_s", "reserve", "expected_reloads", "expected_reload_rounds_fired", "p_reloaded")


def _reload_columns(sh, o, i: int, spent: np.ndarray) -> dict:
    """A battery's reload figures: reload time (NaN: none), reserve, and the reloads the battle drew."""
    reloads = sh.reloads[i]
    drawn = o.reloads[:, i] if o.reloads is not None else np.zeros(spent.shape, dtype=np.int64)
    return {"reload_time_s": float(sh.reload_time_s[i]) if reloads else np.nan,
            "reserve": int(sh.reserve[i]) if reloads else 0,
            "expected_reloads": float(drawn.mean()),
            "expected_reload_rounds_fired": float(np.maximum(spent - sh.inventory[i], 0).mean()),
            "p_reloaded": float((drawn > 0).mean())}


def raid_table(res: RunResult) -> pd.DataFrame:
    th = res.scenario.threats
    rows = []
    for name, a in res.architectures.items():
        leak = ~a.outcome.killed
        for r, raid in enumerate(res.scenario.config.raids):
            cols = th.raid == r
            n_leak = leak[:, cols].sum(axis=1)
            rows.append({"architecture": name, "raid": raid.name, "threats": int(cols.sum()),
                         "expected_leakers": float(n_leak.mean()),
                         "p_zero_leakers": float((n_leak == 0).mean())})
    return pd.DataFrame(rows)


def asset_table(res: RunResult) -> pd.DataFrame:
    """Protection probability, warning time and decision time per defended asset (city or base)."""
    th, tr = res.scenario.threats, res.trajectories
    rows = []
    for name, a in res.architectures.items():
        leak = ~a.outcome.killed
        t_det = _first_detection(a)
        fcq = _earliest(a.t_fire_control_s)
        for asset in sorted(set(th.aim)):
            cols = np.array([x == asset for x in th.aim])
            # over the threats that were detected (tracked); NaN: none was. A threat never seen has no
            # warning time at all, which the threats table shows as NaN, not as minus infinity.
            warn = (tr.t_impact_s[cols] - t_det[cols])
            dec = (tr.t_impact_s[cols] - fcq[cols])
            rows.append({"architecture": name, "asset": asset, "threats": int(cols.sum()),
                         "protection_probability": float((leak[:, cols].sum(axis=1) == 0).mean()),
                         "threats_without_warning": int(np.sum(~np.isfinite(warn))),
                         "min_warning_time_s": _nan_if_inf(np.min(warn[np.isfinite(warn)], initial=np.inf)),
                         "threats_without_fire_control_track": int(np.sum(~np.isfinite(dec))),
                         "min_decision_time_s": _nan_if_inf(np.min(dec[np.isfinite(dec)], initial=np.inf))})
    return pd.DataFrame(rows)


def summary_table(res: RunResult) -> pd.DataFrame:
    sh = res.scenario.shooters.battle
    rows = []
    for name, a in res.architectures.items():
        o = a.outcome
        spent = o.shots.sum(axis=(1, 2))
        rows.append({
            "architecture": name, "threats": res.trajectories.n, "replications": res.replications,
            "expected_leakers": float(o.leakers.mean()),
            "expected_leakers_se": (float(o.leakers.std(ddof=1) / np.sqrt(o.leakers.size))
                                    if o.leakers.size > 1 else 0.0),
            "p_zero_leakers": float((o.leakers == 0).mean()),
            "threats_engageable": int(np.sum((a.windows.looks > 0).any(axis=0))),
            "mean_engagement_opportunities": float((a.windows.looks > 0).sum(axis=0).mean()),
            "expected_interceptors": float(spent.mean()),
            "expected_cost_usd": float(o.cost_usd(sh.unit_cost_usd).mean()),
            # launcher reloads drawn from the batteries' reserves (0 when no shooter reloads)
            "expected_reloads": float(o.reloads.sum(axis=1).mean()) if o.reloads is not None else 0.0,
        })
    df = pd.DataFrame(rows)
    if "national" in res.architectures:
        base = df.loc[df["architecture"] == "national"].iloc[0]
        for col in ("expected_leakers", "p_zero_leakers", "threats_engageable", "expected_interceptors",
                    "expected_cost_usd"):
            df[f"{col}_vs_national"] = df[col] - base[col]
        # paired standard error: every architecture fights the same draws (common random numbers)
        nat = res.architectures["national"].outcome.leakers.astype(float)
        df["expected_leakers_vs_national_se"] = [
            float(np.std(a.outcome.leakers - nat, ddof=1) / np.sqrt(nat.size)) if nat.size > 1 else 0.0
            for a in res.architectures.values()]
    return df


def fire_control_table(res: RunResult) -> pd.DataFrame:
    """Per architecture, nation and threat: when that nation first holds a fire-control-quality track [s]
    (NaN: never), from the tracks released to it under the architecture (network.share)."""
    rows = []
    for name, a in res.architectures.items():
        for k, nation in enumerate(res.nations):
            for j in range(res.trajectories.n):
                t = a.t_fire_control_s[k, j]
                rows.append({"architecture": name, "nation": nation, "threat": j,
                             "t_fire_control_s": float(t) if np.isfinite(t) else np.nan})
    return pd.DataFrame(rows, columns=["architecture", "nation", "threat", "t_fire_control_s"])


def nation_table(res: RunResult) -> pd.DataFrame:
    """What each nation's own fire control knows under each architecture: tracks and decision time."""
    tr = res.trajectories
    rows = []
    for name, a in res.architectures.items():
        for k, nation in enumerate(res.nations):
            fcq = a.t_fire_control_s[k]
            ok = np.isfinite(fcq)
            rows.append({"architecture": name, "nation": nation, "threats": tr.n,
                         "threats_with_fire_control_track": int(ok.sum()),
                         "mean_decision_time_s": float(np.mean(tr.t_impact_s[ok] - fcq[ok])) if ok.any()
                         else np.nan})
    return pd.DataFrame(rows)


def sensor_table(res: RunResult) -> pd.DataFrame:
    """Per architecture, radar and threat: first visible, first and last detection, detections, duration.

    Detections depend on the architecture through the early-warning cue each radar's nation receives.
    """
    th = res.scenario.threats
    rows = []
    nation = {r.name: r.nation for r in res.scenario.radars}
    for arch, a in res.architectures.items():
        rows += _sensor_rows(arch, a.detection, nation, th)
    return pd.DataFrame(rows)


def _sensor_rows(arch: str, summ, nation: dict, th) -> list[dict]:
    rows = []
    for i, name in enumerate(summ.sensor_name):
        for j in range(summ.threat.size):
            first, last = summ.first_detection_s[i, j], summ.last_detection_s[i, j]
            rows.append({"architecture": arch, "sensor": name, "nation": nation.get(name, ""),
                         "threat": int(summ.threat[j]),
                         "missile": th.missile[j], "aim": th.aim[j],
                         "first_visible_s": float(summ.first_visible_s[i, j]),
                         "first_detection_s": float(first), "last_detection_s": float(last),
                         "detections": int(summ.n_detections[i, j]),
                         "detected_duration_s": float(last - first) if np.isfinite(first) else 0.0})
    return rows


def spent_stage_table(res: RunResult) -> pd.DataFrame:
    """Per architecture, radar and spent upper stage (separate radar objects): first visible, detections.

    ``threat`` is the threat whose warhead the stage carried; the stage is another object for every
    radar (a tank of about 1 m^2 against a warhead of 0.01 m^2: seen farther and earlier).
    """
    th = res.scenario.threats
    nation = {r.name: r.nation for r in res.scenario.radars}
    rows: list[dict] = []
    if res.pipeline is None:
        return pd.DataFrame()
    for arch, a in res.architectures.items():
        got = res.pipeline.spent_stage_detections(a.architecture)
        if got is None:
            continue
        parents, summ = got
        for r in _sensor_rows(arch, summ, nation, th.take(parents)):
            r["threat"] = int(parents[r.pop("threat") - res.trajectories.n])
            r["object"] = "spent stage"
            rows.append(r)
    return pd.DataFrame(rows)


def all_tables(res: RunResult, *, attribution: bool = True) -> dict[str, pd.DataFrame]:
    """Every table of a run; ``attribution`` adds the per-link attribution (it runs counterfactuals).

    Raises ValueError if a float column holds an infinity: times and durations use NaN for "never" or
    "none" (documented per column in docs/guide.md), and nothing else may be non-finite.
    """
    tables = {"summary": summary_table(res), "threats": threat_table(res), "engagements": engagement_table(res),
              "batteries": battery_table(res), "raids": raid_table(res), "assets": asset_table(res),
              "nations": nation_table(res), "fire_control": fire_control_table(res),
              "sensors": sensor_table(res), "trajectories": trajectory_table(res)}
    spent = spent_stage_table(res)
    if len(spent):
        tables["spent_stages"] = spent
    if attribution and res.pipeline is not None and any(a.architecture.agreements
                                                        for a in res.architectures.values()):
        from bmdsim.assessment.attribution import attribution_table

        tables["attribution"] = attribution_table(res, res.pipeline)
    check_finite(tables)
    return tables


def check_finite(tables: dict[str, pd.DataFrame]) -> None:
    """Raise ValueError naming the table and column of any infinity (NaN is allowed: "never"/"none")."""
    for name, df in tables.items():
        for col in df.columns:
            values = df[col]
            if values.dtype.kind == "f" and np.isinf(values.to_numpy()).any():
                raise ValueError(f"table {name}: column {col} holds an infinity; use NaN with a documented "
                                 "meaning")
