"""Monte Carlo battle management: which shooter fires at which threat, how often, and what gets through.

Rules (documented choices, each a scenario input):

- **Layers.** Each shooter belongs to a layer (0 = upper tier, e.g. SM-3 and THAAD; 1 = lower tier,
  Patriot; 2 = short-range). A threat is engaged layer by layer; a lower layer fires only at threats
  that survived the layers above.
- **Doctrine.** A shooter fires salvos of ``salvo`` interceptors; with shoot-look-shoot it fires again
  after kill assessment, up to ``max_looks`` salvos and as many as the engagement geometry allows
  (``Opportunities.looks``), until the threat is killed or its inventory is spent.
- **Weapon-target assignment** (a documented greedy rule, not an optimizer): threats are taken wave by
  wave (raids in time order, so inventories deplete causally across a campaign); within a wave by the
  value of the asset they aim at, highest first, then by first engagement time. In each layer, the
  shooter chosen is the one with a working battery and enough interceptors that has the most
  shoot-look-shoot opportunities, then the earliest intercept. Greedy priority assignment is the usual
  rule for sequential layered engagements (Hosein & Athans 1990); a static optimizer (for example
  scipy's linear_sum_assignment) fits a single simultaneous salvo, not a time-ordered layered battle.
- **Common-mode failures.** Each shooter's battery works in a replication with probability
  ``reliability``, and the data network of the architecture with probability ``network_reliability``;
  when the network fails, every shooter falls back to the opportunities it has on its own nation's data
  (``fallback``), as in Wilkening's common-mode reliability model.
- **Discrimination.** In each layer the shooter's fire-control picks the warhead among the threat
  complex's objects with probability ``p_discriminate``; interceptors fired at a decoy are spent all the
  same and cannot kill.

Randomness: one ``numpy.random.Generator`` per case; draws are keyed by (replication, threat, layer,
look, shot), so two architectures run with the same seed see the same kill draws for the same shot
(common random numbers), which makes their difference the value of cooperation, not noise.

Monotonicity of cooperation (tested): with the same draws, if (a) inventories never run out, (b) shooters
of one layer share Pk, salvo, doctrine, reliability and discrimination, and (c) more sharing only adds
opportunities (each shooter's looks never fall), then every threat killed under less sharing is killed
under more sharing, so leakers never increase. Without (a) a remote shooter can spend interceptors an
later threat needed, and without (b) a more capable but farther-sighted choice can differ, so the rule
can then fail: that is a real property of sharing with finite stocks, not a bug.

References
----------
.. [W99] D. Wilkening, Science & Global Security 8(2):183-215 (1999).
.. [HA90] P. A. Hosein and M. Athans, "Preferential defense strategies", MIT LIDS-P-1964 (1990).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass(frozen=True, slots=True, kw_only=True)
class ShooterSet:
    """``s`` shooters (batteries or ships) as arrays.

    Attributes
    ----------
    name, nation : tuple of str
    layer : ndarray of int, shape (s,)
    inventory : ndarray of int, shape (s,)
        Interceptors on hand at the start of the campaign.
    pk, salvo, max_looks, reliability, p_discriminate, unit_cost_usd : ndarray, shape (s,)
    """

    name: tuple[str, ...]
    nation: tuple[str, ...]
    layer: I64
    inventory: I64
    pk: F64
    salvo: I64
    max_looks: I64
    reliability: F64
    p_discriminate: F64
    unit_cost_usd: F64

    def __post_init__(self) -> None:
        s = len(self.name)
        for f in ("layer", "inventory", "pk", "salvo", "max_looks", "reliability", "p_discriminate",
                  "unit_cost_usd"):
            a = getattr(self, f)
            if np.shape(a) != (s,):
                raise ValueError(f"ShooterSet.{f} must have shape ({s},), got {np.shape(a)}")
        if np.any(self.inventory < 0):
            i = int(np.argmax(self.inventory < 0))
            raise ValueError(f"ShooterSet.inventory[{self.name[i]}] must be >= 0, got {self.inventory[i]}")
        for f in ("pk", "reliability", "p_discriminate"):
            a = getattr(self, f)
            if np.any((a < 0) | (a > 1)):
                raise ValueError(f"ShooterSet.{f} must be in [0, 1], got {a}")
        if np.any(self.salvo < 1) or np.any(self.max_looks < 1):
            raise ValueError("ShooterSet.salvo and ShooterSet.max_looks must be >= 1")

    @property
    def n(self) -> int:
        return len(self.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class Opportunities:
    """What the engagement geometry and the track picture allow, per (shooter, threat).

    Attributes
    ----------
    looks : ndarray of int, shape (s, n)
        Shoot-look-shoot opportunities (0: the shooter cannot engage the threat).
    t_intercept_s : ndarray, shape (s, n)
        Earliest intercept time (inf where ``looks == 0``).
    """

    looks: I64
    t_intercept_s: F64


@dataclass(frozen=True, slots=True, kw_only=True)
class BattleOutcome:
    """Monte Carlo outcomes of one architecture, over ``r`` replications and ``n`` threats.

    Attributes
    ----------
    killed : ndarray of bool, shape (r, n)
    kill_layer : ndarray of int, shape (r, n)
        Layer that killed the threat (-1 if it leaked).
    engaged : ndarray of bool, shape (r, n)
        At least one interceptor was fired at the threat.
    shots : ndarray of int, shape (r, n, s)
        Interceptors each shooter fired at each threat.
    inventory_left : ndarray of int, shape (r, s)
    t_dry_s : ndarray, shape (r, s)
        Time of the first intercept at which the shooter's stock fell below one salvo (NaN if never).
    battery_up : ndarray of bool, shape (r, s)
    network_up : ndarray of bool, shape (r,)
    """

    killed: NDArray[np.bool_]
    kill_layer: I64
    engaged: NDArray[np.bool_]
    shots: I64
    inventory_left: I64
    t_dry_s: F64
    battery_up: NDArray[np.bool_]
    network_up: NDArray[np.bool_]

    @property
    def leakers(self) -> I64:
        """Threats that got through, per replication, shape (r,)."""
        return np.sum(~self.killed, axis=1)

    def cost_usd(self, unit_cost_usd: F64) -> F64:
        """Interceptor cost per replication [USD], shape (r,)."""
        return np.einsum("rns,s->r", self.shots, unit_cost_usd)


def engagement_order(priority: F64, wave: I64, opp: Opportunities) -> I64:
    """Threat processing order: wave, then priority (high first), then first engagement time."""
    first = np.min(np.where(opp.looks > 0, opp.t_intercept_s, np.inf), axis=0, initial=np.inf)
    return np.lexsort((first, -np.asarray(priority, dtype=float), np.asarray(wave)))


def fight(shooters: ShooterSet, opp: Opportunities, *, priority: F64, wave: I64 | None = None,
          replications: int, rng: np.random.Generator, network_reliability: float = 1.0,
          fallback: Opportunities | None = None) -> BattleOutcome:
    """Run the layered battle ``replications`` times (vectorized over replications).

    Parameters
    ----------
    shooters : ShooterSet
    opp : Opportunities
        Per (shooter, threat) opportunities under the architecture being assessed.
    priority : ndarray, shape (n,)
        Value of the asset each threat aims at (higher is engaged first).
    wave : ndarray of int, shape (n,), optional
        Raid index of each threat (default all 0).
    replications : int
    rng : numpy.random.Generator
        The case's own stream.
    network_reliability : float
        Probability that the architecture's shared network works in a replication.
    fallback : Opportunities, optional
        Opportunities on national data only, used where the network failed (default: ``opp``).
    """
    s, n = opp.looks.shape
    if s != shooters.n:
        raise ValueError(f"fight: opportunities for {s} shooters, ShooterSet has {shooters.n}")
    if not 0.0 <= network_reliability <= 1.0:
        raise ValueError(f"fight: network_reliability must be in [0, 1], got {network_reliability}")
    wave = np.zeros(n, dtype=np.int64) if wave is None else np.asarray(wave)
    fallback = fallback or opp
    r = int(replications)
    n_layers = int(shooters.layer.max()) + 1 if s else 0
    max_looks = int(max(shooters.max_looks.max(initial=1), 1))
    max_salvo = int(max(shooters.salvo.max(initial=1), 1))
    # draws keyed by (replication, threat, layer, look, shot) and (replication, threat, layer)
    u_kill = rng.random((r, n, max(n_layers, 1), max_looks, max_salvo))
    u_disc = rng.random((r, n, max(n_layers, 1)))
    battery_up = rng.random((r, s)) < shooters.reliability[None, :]
    network_up = rng.random(r) < network_reliability

    killed = np.zeros((r, n), dtype=bool)
    kill_layer = np.full((r, n), -1, dtype=np.int64)
    shots = np.zeros((r, n, s), dtype=np.int64)
    inventory = np.broadcast_to(shooters.inventory, (r, s)).copy()
    t_dry = np.full((r, s), np.nan)
    rows = np.arange(r)
    for j in engagement_order(priority, wave, opp):
        looks_rs = np.where(network_up[:, None], opp.looks[:, j][None, :], fallback.looks[:, j][None, :])
        t_rs = np.where(network_up[:, None], opp.t_intercept_s[:, j][None, :],
                        fallback.t_intercept_s[:, j][None, :])
        for layer in range(n_layers):
            in_layer = shooters.layer == layer
            alive = ~killed[:, j]
            ok = (alive[:, None] & in_layer[None, :] & battery_up & (looks_rs > 0)
                  & (inventory >= shooters.salvo[None, :]))
            if not ok.any():
                continue
            # preference: most looks, then earliest intercept, then index
            score = np.where(ok, np.minimum(looks_rs, shooters.max_looks[None, :]) * 1e7
                             - np.minimum(t_rs, 9e6) / 1e0, -np.inf)
            pick = np.argmax(score, axis=1)
            has = ok[rows, pick]
            n_looks = np.minimum(looks_rs[rows, pick], shooters.max_looks[pick])
            salvo = shooters.salvo[pick]
            discriminated = u_disc[:, j, layer] < shooters.p_discriminate[pick]
            for look in range(max_looks):
                fire = has & ~killed[:, j] & (look < n_looks) & (inventory[rows, pick] >= salvo)
                if not fire.any():
                    break
                hits = (u_kill[:, j, layer, look, :] < shooters.pk[pick][:, None]) & (
                    np.arange(max_salvo)[None, :] < salvo[:, None])
                kill_now = fire & discriminated & hits.any(axis=1)
                fr = rows[fire]
                inventory[fr, pick[fire]] -= salvo[fire]
                shots[fr, j, pick[fire]] += salvo[fire]
                dry = fire & (inventory[rows, pick] < salvo) & np.isnan(t_dry[rows, pick])
                t_dry[rows[dry], pick[dry]] = t_rs[rows[dry], pick[dry]]
                killed[kill_now, j] = True
                kill_layer[kill_now, j] = layer
    return BattleOutcome(killed=killed, kill_layer=kill_layer, engaged=shots.sum(axis=2) > 0, shots=shots,
                         inventory_left=inventory, t_dry_s=t_dry, battery_up=battery_up,
                         network_up=network_up)
