"""Attribution of the value of cooperation to each sharing link.

For every architecture that shares anything, and for each of its agreements (a provider → receiver link
with the flows it carries), two counterfactuals are run on the same raids, tracks and battle draws
(common random numbers):

- **removed**: the architecture without that one agreement (what the architecture loses without it);
- **added**: ``national`` plus that one agreement alone (what the link gives by itself).

With finite inventories a link can *raise* leakers: earlier tracks let batteries fire at early threats
and run dry before later ones arrive. Such rows carry a ``note`` saying so (and whether a battery ran
dry), since the invariant "more sharing never hurts" holds only with unlimited stocks (tested).

Each metric's change is a mean over replications of paired differences, so its standard error is the
standard deviation of the per-replication difference over the square root of the replications. A link
whose removal changes nothing explains why two architectures can give identical numbers: in the
default preset the Japan-ROK links that ``trilateral`` adds to ``bilateral`` carry no track that either
nation's fire control needs earlier than it already has.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from bmdsim.assessment.run import ArchitectureResult, Pipeline, RunResult, national_of
from bmdsim.network.agreements import Architecture


def _metrics(a: ArchitectureResult, unit_cost_usd: np.ndarray) -> dict[str, np.ndarray]:
    """Per-replication metrics of one architecture, shape (r,) each."""
    o = a.outcome
    return {"leakers": o.leakers.astype(float), "zero_leakers": (o.leakers == 0).astype(float),
            "interceptors": o.shots.sum(axis=(1, 2)).astype(float), "cost_usd": o.cost_usd(unit_cost_usd)}


def _row(arch: str, ag, change: str, base: dict, other: dict, engageable: tuple[int, int],
         dry: tuple[float, float]) -> dict:
    row = {"architecture": arch, "provider": ag.provider, "receiver": ag.receiver, "latency_s": ag.latency_s,
           "flows": "+".join(sorted(ag.flows)), "change": change,
           "threats_engageable_delta": engageable[1] - engageable[0]}
    for key in base:
        diff = other[key] - base[key]
        row[f"{key}_delta"] = float(diff.mean())
        row[f"{key}_delta_se"] = float(diff.std(ddof=1) / np.sqrt(diff.size)) if diff.size > 1 else 0.0
    # with the link: "removed" rows compare without - with, "added" rows with - without
    gain = -row["leakers_delta"] if change == "added" else row["leakers_delta"]
    row["note"] = ""
    if gain < -3.0 * row["leakers_delta_se"]:
        row["note"] = ("the link raises leakers: " + (
            "finite inventories, spent on other threats first (a battery runs dry in "
            f"{max(dry):.0%} of replications)" if max(dry) > 0 else
            "the weapon choice changes with the earlier tracks (see engagements)"))
    return row


def _p_dry(a: ArchitectureResult) -> float:
    """Share of replications in which some battery ran dry."""
    return float(np.isfinite(a.outcome.t_dry_s).any(axis=1).mean()) if a.outcome.t_dry_s.size else 0.0


def attribution_table(res: RunResult, pipeline: Pipeline) -> pd.DataFrame:
    """Per architecture and agreement: each metric's change when it is removed, and when added alone.

    ``removed`` rows give (architecture without the link) minus (architecture); ``added`` rows give
    (national plus the link) minus national. Columns ``*_delta`` and ``*_delta_se`` [per metric: leakers,
    zero_leakers (probability), interceptors, cost_usd].
    """
    sc = res.scenario
    unit = sc.shooters.battle.unit_cost_usd
    reps = res.replications
    national = national_of(sc)
    nat = res.architectures.get(national.name) or pipeline.assess(national, reps, None)
    fallback = (nat.fire_control, nat.discrimination)
    m_nat = _metrics(nat, unit)
    eng_nat = int((nat.windows.looks > 0).any(axis=0).sum())
    rows = []
    for name, a in res.architectures.items():
        if not a.architecture.agreements:
            continue
        m_a = _metrics(a, unit)
        eng_a = int((a.windows.looks > 0).any(axis=0).sum())
        for i, ag in enumerate(a.architecture.agreements):
            without = dataclasses.replace(a.architecture, name=f"{name}-minus-{i}",
                                          agreements=a.architecture.agreements[:i] + a.architecture.agreements[i + 1:])
            r_minus = pipeline.assess(without, reps, fallback if without.agreements else None)
            rows.append(_row(name, ag, "removed", m_a, _metrics(r_minus, unit),
                             (eng_a, int((r_minus.windows.looks > 0).any(axis=0).sum())),
                             (_p_dry(a), _p_dry(r_minus))))
            alone = Architecture(name=f"national-plus-{i}", nations=national.nations, agreements=(ag,))
            r_plus = pipeline.assess(alone, reps, fallback)
            rows.append(_row(name, ag, "added", m_nat, _metrics(r_plus, unit),
                             (eng_nat, int((r_plus.windows.looks > 0).any(axis=0).sum())),
                             (_p_dry(nat), _p_dry(r_plus))))
    cols = ["architecture", "provider", "receiver", "latency_s", "flows", "change", "threats_engageable_delta"]
    for key in ("leakers", "zero_leakers", "interceptors", "cost_usd"):
        cols += [f"{key}_delta", f"{key}_delta_se"]
    return pd.DataFrame(rows, columns=[*cols, "note"])
