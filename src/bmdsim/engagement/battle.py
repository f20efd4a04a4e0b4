"""Monte Carlo battle management: which shooter fires at which threat, how often, and what gets through.

Rules (documented choices, each a scenario input):

- **Layers.** Each shooter belongs to a layer (0 = upper tier, e.g. SM-3 and THAAD; 1 = lower tier,
  Patriot; 2 = short-range). A threat is engaged layer by layer; a lower layer fires only at threats
  that survived the layers above.
- **Doctrine.** A shooter fires salvos of ``salvo`` interceptors; with shoot-look-shoot it fires again
  after kill assessment, up to ``max_looks`` salvos and as many as the engagement geometry allows
  (``Opportunities.looks``), until the threat is killed or it has no rounds on its launchers.
- **Weapon-target assignment** (a documented greedy rule, not an optimizer): threats are taken wave by
  wave (raids in time order, so inventories deplete causally across a campaign); within a wave by the
  value of the asset they aim at, highest first, then by first engagement time. In each layer, the
  shooter chosen is the one with a working battery and enough interceptors that has the highest kill
  probability (its discrimination times ``1 - (1 - pk)^(salvo * looks)`` over its shoot-look-shoot
  opportunities), then the earliest intercept. Greedy priority assignment is the usual
  rule for sequential layered engagements (Hosein & Athans 1990); a static optimizer (for example
  scipy's linear_sum_assignment) fits a single simultaneous salvo, not a time-ordered layered battle.
- **Last chance.** If a threat survives every look of the chosen shooter, another shooter of the same
  layer that can still intercept after that last look plus its kill-assessment time fires one more salvo
  (the one whose window closes latest). This is the "last-chance" rule of layered doctrine: the shot is
  taken at the end of the engagement window rather than the threat let through.
- **Common-mode failures.** Each shooter's battery works in a replication with probability
  ``reliability``, and the data network of the architecture with probability ``network_reliability``;
  when the network fails, every shooter falls back to the opportunities it has on its own nation's data
  (``fallback``), as in Wilkening's common-mode reliability model.
- **Discrimination.** When a threat complex carries decoys or debris (``has_decoys``) a shooter's fire
  control picks the warhead only if the discrimination *source* it relies on (a sensor, or the shooter's
  own phenomenology; :func:`bmdsim.network.share.discrimination_sources`) succeeded. The outcome is drawn
  once per (replication, threat complex, source) and shared by every layer relying on that source, as in
  the shared-discrimination case of Wilkening's layered model [W99]: a decoy that fooled the upper tier's
  sensor fools the lower tier too if it relies on the same sensor. Light decoys are stripped by the
  atmosphere: an intercept below the filtering altitude (``decoys_stripped``) sees the warhead alone.
  Interceptors fired at a decoy are spent all the same and cannot kill.
- **Reload.** A battery's first load (``inventory``) sits on its launchers, ``rounds_per_launcher``
  each. Launchers are emptied one after another (the first load, then the reloads in the order they
  arrive); a launcher emptied at time t draws a full launcher load from the battery's ``reserve`` (what
  is left of it, if less) and is loaded again at t + ``reload_time_s``. A salvo at time t needs
  ``salvo`` rounds on the launchers at t: the first load plus the reloads arrived by t, less every round
  fired by t. A salvo's time is its launch time (its intercept time where the launch time is unknown).
  Threats are taken in priority order within a wave, not in time order, so a salvo may be decided
  after a later one: each battery keeps a log of its salvos (a ledger), the reload times are recomputed
  from that log in time order with the new salvo in it (an earlier salvo empties a launcher earlier, so
  reloads can only come sooner), and the salvo is fired only if no salvo of the log, earlier or later,
  is then left short. The schedule is therefore feasible in time order; the approximation is the
  choice itself: a late, high-priority threat may take the last round that an earlier threat of the
  same wave would have used. A ship's launch cells are not reloaded at sea (interceptor catalog), so its
  first load is its stock; without a reload time (``None`` or ``inf``) or reserve, the battle is the
  count-only rule, unchanged. ``t_dry_s`` is then the first salvo that left the launchers empty,
  though a reload may come later; ``reloads`` counts the launcher loads drawn from the reserve.
- **Kill assessment.** After each salvo the shooter assesses the result, correctly with probability
  ``p_kill_assessment`` (its own fire-control radar). A miss taken for a kill ends the layer's
  engagement of that threat (shoot-look-shoot and the last-chance shot); a kill taken for a miss draws
  the next salvo at a dead threat (interceptors wasted). A lower layer engages whatever still comes at it
  (its own radar sees the re-entry vehicle), so assessment errors stay within a layer.

Randomness: one ``numpy.random.Generator`` per case; draws are keyed by (replication, threat, layer,
look, shot) for kills and assessments and by (replication, threat, source) for discrimination, so two
architectures run with the same seed see the same draws for the same shot (common random numbers), which
makes their difference the value of cooperation, not noise.

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
    kill_assessment_s : ndarray, shape (s,), optional
        Time to assess a kill before the next look [s] (used by the last-chance rule; default 0).
    launchers : ndarray of int, shape (s,), optional
        Launchers of each battery (default: no limit). A launcher that fires a salvo is busy for
        ``launcher_cycle_s`` (firing, then readying the next round); a salvo needs a free launcher.
    launcher_cycle_s : ndarray, shape (s,), optional
        That busy time [s] (default 0).
    reload_time_s : ndarray, shape (s,), optional
        From a launcher's last round fired to the launcher reloaded from the reserve [s] (default, and
        ``inf``: no reload; module notes).
    reserve : ndarray of int, shape (s,), optional
        Reload rounds held beyond the first load ``inventory`` (default 0).
    rounds_per_launcher : ndarray of int, shape (s,), optional
        Rounds one launcher holds: one reload brings this many, and the first load empties launcher by
        launcher in loads of this size (default: the whole first load is one launcher load).
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
    kill_assessment_s: F64 | None = None
    launchers: I64 | None = None
    launcher_cycle_s: F64 | None = None
    reload_time_s: F64 | None = None
    reserve: I64 | None = None
    rounds_per_launcher: I64 | None = None

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
            if np.any((a < 0) | (a > 1)):  # NaN passes: "not set here" (p_discriminate given per threat)
                raise ValueError(f"ShooterSet.{f} must be in [0, 1], got {a}")
        if np.any(self.salvo < 1) or np.any(self.max_looks < 1):
            raise ValueError("ShooterSet.salvo and ShooterSet.max_looks must be >= 1")
        if self.launchers is not None and np.any(np.asarray(self.launchers) < 1):
            i = int(np.argmax(np.asarray(self.launchers) < 1))
            raise ValueError(f"ShooterSet.launchers[{self.name[i]}] must be >= 1, got {self.launchers[i]}")
        for f, low in (("reload_time_s", 0.0), ("reserve", 0), ("rounds_per_launcher", 1)):
            a = getattr(self, f)
            if a is None:
                continue
            if np.shape(a) != (s,):
                raise ValueError(f"ShooterSet.{f} must have shape ({s},), got {np.shape(a)}")
            bad = ~(np.asarray(a) >= low) if f != "reload_time_s" else ~(np.asarray(a) > low)
            if np.any(bad):
                i = int(np.argmax(bad))
                raise ValueError(f"ShooterSet.{f}[{self.name[i]}] must be {'>' if f == 'reload_time_s' else '>='} "
                                 f"{low}{' s' if f == 'reload_time_s' else ''}, got {a[i]}")

    @property
    def reloads(self) -> NDArray[np.bool_]:
        """Whether each shooter reloads: a finite reload time, a reserve and a first load, shape (s,)."""
        if self.reload_time_s is None or self.reserve is None:
            return np.zeros(self.n, dtype=bool)
        return np.isfinite(self.reload_time_s) & (self.reserve > 0) & (self.inventory > 0)

    def load_size(self) -> I64:
        """Rounds per launcher load, shape (s,) (the whole first load where not given)."""
        if self.rounds_per_launcher is None:
            return np.maximum(self.inventory, 1)
        return np.asarray(self.rounds_per_launcher, dtype=np.int64)

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
    t_final_look_s : ndarray, shape (s, n), optional
        Intercept time of the shooter's last shoot-look-shoot look (default: ``t_intercept_s``).
    t_last_chance_s : ndarray, shape (s, n), optional
        Latest intercept the shooter could still make (the close of its window; default:
        ``t_final_look_s``).
    """

    looks: I64
    t_intercept_s: F64
    t_final_look_s: F64 | None = None
    t_last_chance_s: F64 | None = None
    t_launch_looks_s: F64 | None = None
    """(s, n, m) launch time of each shoot-look-shoot look (NaN: unknown, no launcher check)."""
    t_last_chance_launch_s: F64 | None = None
    """(s, n) launch time of the last-chance salvo."""

    def launch_times(self, m: int) -> tuple[F64, F64]:
        s, n = self.looks.shape
        looks = (np.full((s, n, m), np.nan) if self.t_launch_looks_s is None
                 else np.pad(self.t_launch_looks_s, ((0, 0), (0, 0), (0, max(m - self.t_launch_looks_s.shape[2], 0))),
                             constant_values=np.nan)[:, :, :m])
        last = np.full((s, n), np.nan) if self.t_last_chance_launch_s is None else self.t_last_chance_launch_s
        return looks, last

    @property
    def final_look_s(self) -> F64:
        return self.t_intercept_s if self.t_final_look_s is None else self.t_final_look_s

    @property
    def last_chance_s(self) -> F64:
        return self.final_look_s if self.t_last_chance_s is None else self.t_last_chance_s


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
    reloads : ndarray of int, shape (r, s), optional
        Launcher reloads drawn from the reserve (a launcher emptied while reserve was left), whether or not
        they completed before the last threat (default: none).
    reserve_left : ndarray of int, shape (r, s), optional
        Reserve rounds not drawn (default: none held).
    """

    killed: NDArray[np.bool_]
    kill_layer: I64
    engaged: NDArray[np.bool_]
    shots: I64
    inventory_left: I64
    t_dry_s: F64
    battery_up: NDArray[np.bool_]
    network_up: NDArray[np.bool_]
    reloads: I64 | None = None
    reserve_left: I64 | None = None

    @property
    def leakers(self) -> I64:
        """Threats that got through, per replication, shape (r,)."""
        return np.sum(~self.killed, axis=1)

    def cost_usd(self, unit_cost_usd: F64) -> F64:
        """Interceptor cost per replication [USD], shape (r,)."""
        return np.einsum("rns,s->r", self.shots, unit_cost_usd)


@dataclass(frozen=True, slots=True)
class _ThreatView:
    """One threat's opportunities per (replication, shooter), network state applied: shape (r, s)."""

    looks: I64
    t_first: F64
    t_final: F64
    last_chance: F64
    t_launch: F64  # (r, s, m)
    t_launch_last: F64  # (r, s)

    @classmethod
    def of(cls, opp: Opportunities, fallback: Opportunities, network_up: NDArray[np.bool_], j: int,
           m: int) -> _ThreatView:
        def pick(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            up = network_up.reshape((-1,) + (1,) * (a.ndim - 1))
            return np.where(up, a[:, j][None, ...], b[:, j][None, ...])

        la, lla = opp.launch_times(m)
        lb, llb = fallback.launch_times(m)
        return cls(looks=pick(opp.looks, fallback.looks), t_first=pick(opp.t_intercept_s, fallback.t_intercept_s),
                   t_final=pick(opp.final_look_s, fallback.final_look_s),
                   last_chance=pick(opp.last_chance_s, fallback.last_chance_s),
                   t_launch=pick(la, lb), t_launch_last=pick(lla, llb))


def _ready_rounds(shot_t: F64, shot_n: I64, load0: I64, ends: I64, bring: I64, reload_s: F64,
                  t_query: F64) -> tuple[I64, I64, F64]:
    """Rounds on a reloading battery's launchers, from its log of salvos (batch over ``b`` rows).

    Parameters
    ----------
    shot_t, shot_n : ndarray, shape (b, k)
        Time [s] and rounds of each salvo logged (``inf`` and 0: an unused slot), in any order.
    load0 : ndarray of int, shape (b,)
        First load.
    ends, bring : ndarray of int, shape (b, j)
        Rounds fired, in time order, when the launcher load that triggers reload ``j`` is emptied, and the
        rounds that reload brings (0: the reserve is spent).
    reload_s : ndarray, shape (b,)
        Reload time per launcher [s].
    t_query : ndarray, shape (b,)

    Returns
    -------
    at_salvos : ndarray of int, shape (b, k)
        Rounds left just after each salvo's time (sorted by time; a large number for unused slots). All
        non-negative: the logged salvos are feasible.
    at_query : ndarray of int, shape (b,)
        Rounds on the launchers at ``t_query``, after every salvo at or before it.
    arrive : ndarray, shape (b, j)
        When each reload completes [s] (``inf``: never triggered).
    """
    order = np.argsort(shot_t, axis=1, kind="stable")
    t = np.take_along_axis(shot_t, order, axis=1)
    fired = np.cumsum(np.take_along_axis(shot_n, order, axis=1), axis=1)  # (b, k), in time order
    hit = fired[:, :, None] >= ends[:, None, :]  # (b, k, j): load emptied by this salvo or an earlier one
    first = np.argmax(hit, axis=1)
    trigger = np.where(hit.any(axis=1) & (bring > 0), np.take_along_axis(t, first, axis=1), np.inf)
    arrive = trigger + reload_s[:, None]
    got = np.sum(np.where(arrive[:, None, :] <= t[:, :, None], bring[:, None, :], 0), axis=2)
    at_salvos = np.where(np.isfinite(t), load0[:, None] + got - fired, np.iinfo(np.int64).max // 2)
    at_query = (load0 + np.sum(np.where(arrive <= t_query[:, None], bring, 0), axis=1)
                - np.sum(np.where(shot_t <= t_query[:, None], shot_n, 0), axis=1))
    return at_salvos, at_query, arrive


@dataclass(slots=True)
class _Reloads:
    """The reload ledger of the ``q`` shooters that reload (local to :func:`fight`), per replication.

    Each logs its salvos (time, rounds). Its first load empties launcher by launcher in loads of
    ``rounds_per_launcher`` (the last one partial if the load does not divide), then the reloads in the
    order they came; emptying load ``j`` draws reload ``j`` from the reserve (``bring[j]`` rounds, a full
    launcher load while the reserve lasts) and it arrives ``reload_time_s`` later.
    """

    index: I64  # (q,) shooter index
    slot: I64  # (s,) position among the q (-1: does not reload)
    load0: I64  # (q,)
    ends: I64  # (q, j)
    bring: I64  # (q, j)
    reload_s: F64  # (q,)
    shot_t: F64  # (r, q, k)
    shot_n: I64  # (r, q, k)
    n_logged: I64  # (r, q)

    @classmethod
    def of(cls, shooters: ShooterSet, r: int, max_salvos: I64) -> _Reloads | None:
        """The ledger, or None if no shooter reloads; ``max_salvos`` (s,) bounds each shooter's salvos."""
        index = np.flatnonzero(shooters.reloads)
        if index.size == 0:
            return None
        size = shooters.load_size()[index]
        load0 = shooters.inventory[index]
        reserve = np.asarray(shooters.reserve)[index]
        salvo = shooters.salvo[index]
        k = int(np.max(np.minimum(max_salvos[index], (load0 + reserve) // salvo))) + 1  # + the candidate
        most = np.minimum(reserve, k * salvo)  # reserve rounds this battle could draw
        j = int(np.max(-(-most // size) + 1))
        ends = np.full((index.size, j), np.iinfo(np.int64).max // 4, dtype=np.int64)
        bring = np.zeros((index.size, j), dtype=np.int64)
        for a in range(index.size):
            full, part = divmod(int(load0[a]), int(size[a]))
            first = [int(size[a])] * full + ([part] if part else [])
            reloads = np.clip(reserve[a] - size[a] * np.arange(j), 0, size[a])
            loads = np.concatenate([first, reloads])
            ends[a] = np.cumsum(loads)[:j]
            bring[a] = reloads
        slot = np.full(shooters.n, -1, dtype=np.int64)
        slot[index] = np.arange(index.size)
        return cls(index=index, slot=slot, load0=load0, ends=ends, bring=bring,
                   reload_s=np.asarray(shooters.reload_time_s, dtype=float)[index],
                   shot_t=np.full((r, index.size, k), np.inf), shot_n=np.zeros((r, index.size, k), dtype=np.int64),
                   n_logged=np.zeros((r, index.size), dtype=np.int64))

    def check(self, rep: I64, q: I64, t_s: F64, rounds: I64) -> tuple[NDArray[np.bool_], I64]:
        """Whether a salvo of ``rounds`` at ``t_s`` fits in replication ``rep[b]`` of reloading shooter
        ``q[b]`` (every salvo logged stays feasible), and the rounds left at ``t_s`` once it is fired."""
        st = self.shot_t[rep, q].copy()
        sn = self.shot_n[rep, q].copy()
        b = np.arange(rep.size)
        k = np.minimum(self.n_logged[rep, q], st.shape[1] - 1)
        st[b, k] = t_s
        sn[b, k] = rounds
        at_salvos, at_t, _ = _ready_rounds(st, sn, self.load0[q], self.ends[q], self.bring[q], self.reload_s[q], t_s)
        return np.all(at_salvos >= 0, axis=1) & np.isfinite(t_s), at_t

    def log(self, rep: I64, q: I64, t_s: F64, rounds: I64) -> None:
        k = np.minimum(self.n_logged[rep, q], self.shot_t.shape[2] - 1)
        self.shot_t[rep, q, k] = t_s
        self.shot_n[rep, q, k] = rounds
        self.n_logged[rep, q] += 1

    def drawn(self) -> tuple[I64, I64]:
        """Reloads drawn from the reserve and their rounds, each shape (r, q)."""
        r, q, k = self.shot_t.shape
        qq = np.broadcast_to(np.arange(q), (r, q)).ravel()
        _, _, arrive = _ready_rounds(self.shot_t.reshape(r * q, k), self.shot_n.reshape(r * q, k), self.load0[qq],
                                     self.ends[qq], self.bring[qq], self.reload_s[qq], np.zeros(r * q))
        taken = np.isfinite(arrive)
        return (taken.sum(axis=1).reshape(r, q),
                np.sum(np.where(taken, self.bring[qq], 0), axis=1).reshape(r, q))


@dataclass(slots=True)
class _State:
    """The mutable state of one battle (local to :func:`fight`)."""

    killed: NDArray[np.bool_]
    kill_layer: I64
    shots: I64
    inventory: I64
    t_dry: F64
    u_kill: F64
    shooters: ShooterSet
    launch_log: F64  # (r, s, k) launch times of each battery's salvos so far (NaN: unused)
    n_launched: I64  # (r, s)
    reload: _Reloads | None = None

    def has_rounds(self, t_s: F64, need: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """(r, s) whether each shooter could fire a salvo at ``t_s`` (r, s) [s] (a count without reload).

        Only the pairs flagged in ``need`` (r, s) are checked against a reloading shooter's ledger; a
        shooter whose first load alone still holds a salvo needs no ledger (its rounds at any time are at
        least its first load less everything it fired).
        """
        sh = self.shooters
        ok = self.inventory >= sh.salvo[None, :]
        if self.reload is None:
            return ok
        for q, i in enumerate(self.reload.index):
            rep = np.flatnonzero(need[:, i] & ~ok[:, i])
            if rep.size:
                ok[rep, i] = self.reload.check(rep, np.full(rep.size, q), t_s[rep, i],
                                               np.full(rep.size, sh.salvo[i]))[0]
        return ok

    def launcher_free(self, who: I64, t_launch: F64) -> NDArray[np.bool_]:
        """Whether battery ``who[r]`` has a launcher free at ``t_launch[r]`` (NaN time: no check).

        A salvo at t keeps a launcher busy over [t, t + cycle); a new one fits if fewer than ``launchers``
        earlier salvos lie within one cycle of it, which is sufficient for an interval schedule on
        ``launchers`` launchers (conservative).
        """
        sh = self.shooters
        if sh.launchers is None:
            return np.ones(who.shape, dtype=bool)
        rows = np.arange(who.size)
        cycle = (np.zeros(sh.n) if sh.launcher_cycle_s is None else np.asarray(sh.launcher_cycle_s))[who]
        log = self.launch_log[rows, who]  # (r, k)
        with np.errstate(invalid="ignore"):
            busy = np.sum(np.abs(log - t_launch[:, None]) < cycle[:, None], axis=1)
        return ~np.isfinite(t_launch) | (busy < np.asarray(sh.launchers)[who])

    def salvo(self, j: int, layer: int, look: I64 | int, who: I64, fire: NDArray[np.bool_],
              discriminated: NDArray[np.bool_], t_rs: F64, t_launch: F64 | None = None) -> NDArray[np.bool_]:
        """Fire one salvo of shooter ``who[r]`` at threat ``j`` in the replications flagged ``fire``.

        The caller decides whether to fire (a threat believed alive); returns the replications that fired.
        """
        rows = np.arange(fire.size)
        salvo = self.shooters.salvo[who]
        reloading = ready = None
        if self.reload is None:
            fire = fire & (self.inventory[rows, who] >= salvo)
        else:  # a reloading shooter: the rounds on its launchers at the salvo's time, reloads included
            q = self.reload.slot[who]
            t_shot = t_rs[rows, who] if t_launch is None else np.where(np.isfinite(t_launch), t_launch,
                                                                        t_rs[rows, who])
            reloading = fire & (q >= 0)
            fire = fire & (self.inventory[rows, who] >= salvo)
            # after this salvo the first load alone still holds at least the count left: the ledger is
            # needed only where that falls short of a salvo (to fire, or to know the launchers are empty)
            ready = self.inventory[rows, who] - salvo
            ledger = reloading & (ready < salvo)
            if ledger.any():
                ok, ready[ledger] = self.reload.check(rows[ledger], q[ledger], t_shot[ledger], salvo[ledger])
                fire[ledger] = ok
        if t_launch is not None:
            fire &= self.launcher_free(who, t_launch)
        if not fire.any():
            return fire
        if reloading is not None:
            logged = fire & reloading
            self.reload.log(rows[logged], self.reload.slot[who[logged]], t_shot[logged], salvo[logged])
        if t_launch is not None:
            k = np.minimum(self.n_launched[rows[fire], who[fire]], self.launch_log.shape[2] - 1)
            self.launch_log[rows[fire], who[fire], k] = t_launch[fire]
            self.n_launched[rows[fire], who[fire]] += 1
        look_idx = np.broadcast_to(np.asarray(look), fire.shape)
        draws = self.u_kill[rows, j, layer, np.minimum(look_idx, self.u_kill.shape[3] - 1), :]
        hits = (draws < self.shooters.pk[who][:, None]) & (np.arange(draws.shape[1])[None, :] < salvo[:, None])
        kill_now = fire & discriminated & hits.any(axis=1)
        fr = rows[fire]
        self.inventory[fr, who[fire]] -= salvo[fire]
        self.shots[fr, j, who[fire]] += salvo[fire]
        low = self.inventory[rows, who] < salvo
        if reloading is not None:  # launchers empty at the salvo's time (a reload may still come)
            low = np.where(self.reload.slot[who] >= 0, ready < salvo, low)
        dry = fire & low & np.isnan(self.t_dry[rows, who])
        self.t_dry[rows[dry], who[dry]] = t_rs[rows[dry], who[dry]]
        new_kill = kill_now & ~self.killed[:, j]
        self.killed[new_kill, j] = True
        self.kill_layer[new_kill, j] = layer
        return fire


def _choose(ok: NDArray[np.bool_], view: _ThreatView, shooters: ShooterSet, p_disc: F64) -> I64:
    """Each replication's shooter: the highest kill probability, then the earliest intercept, then index.

    Kill probability of shooter i: ``p_disc * (1 - (1 - pk)^(salvo * looks))`` with its usable looks.
    Choosing on it (rather than on the number of looks) means an added shooter is chosen only where it
    raises the layer's kill probability.
    """
    looks = np.minimum(view.looks, shooters.max_looks[None, :])
    p_kill = p_disc * (1.0 - (1.0 - shooters.pk[None, :]) ** (shooters.salvo[None, :] * looks))
    p = np.where(ok, p_kill, -np.inf)
    best = p.max(axis=1, initial=-np.inf)
    cand = ok & (p >= best[:, None] - 1e-12)
    return np.argmax(np.where(cand, -view.t_first, -np.inf), axis=1)


def _when(t_launch_s: F64, t_intercept_s: F64) -> F64:
    """A salvo's time for the reload ledger: its launch time where known, else its intercept time."""
    return np.where(np.isfinite(t_launch_s), t_launch_s, t_intercept_s)


def engagement_order(priority: F64, wave: I64, opp: Opportunities) -> I64:
    """Threat processing order: wave, then priority (high first), then first engagement time."""
    first = np.min(np.where(opp.looks > 0, opp.t_intercept_s, np.inf), axis=0, initial=np.inf)
    return np.lexsort((first, -np.asarray(priority, dtype=float), np.asarray(wave)))


def fight(shooters: ShooterSet, opp: Opportunities, *, priority: F64, wave: I64 | None = None,
          replications: int, rng: np.random.Generator, network_reliability: float = 1.0,
          fallback: Opportunities | None = None, has_decoys: NDArray[np.bool_] | None = None,
          last_chance: bool = True, p_discriminate: F64 | None = None,
          fallback_p_discriminate: F64 | None = None, discrimination_source: I64 | None = None,
          fallback_discrimination_source: I64 | None = None, n_sources: int | None = None,
          decoys_stripped: NDArray[np.bool_] | None = None,
          fallback_decoys_stripped: NDArray[np.bool_] | None = None,
          p_kill_assessment: F64 | None = None) -> BattleOutcome:
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
    has_decoys : ndarray of bool, shape (n,), optional
        Whether each threat complex carries decoys or debris (default: all do).
    last_chance : bool
        Apply the last-chance rule (module notes).
    p_discriminate : ndarray, shape (s, n), optional
        Discrimination probability of the source each shooter relies on against each threat; default
        ``shooters.p_discriminate`` for every threat.
    fallback_p_discriminate : ndarray, shape (s, n), optional
        The same where the network failed (default: ``p_discriminate``).
    discrimination_source : ndarray of int, shape (s, n), optional
        The source each shooter relies on (-1: none, then ``p_discriminate`` is 0); layers relying on the
        same source share its outcome. Default: one source per layer (the shooters of a layer share it).
    fallback_discrimination_source : ndarray of int, shape (s, n), optional
        The same where the network failed (default: ``discrimination_source``).
    n_sources : int, optional
        Number of discrimination sources (keys the draws; keep it the same across architectures for
        common random numbers). Default: one more than the largest source index.
    decoys_stripped : ndarray of bool, shape (s, n), optional
        Whether the shooter's intercept lies below the altitude where the atmosphere strips the
        complex's light decoys (then no discrimination is needed). Default: none.
    fallback_decoys_stripped : ndarray of bool, shape (s, n), optional
        The same where the network failed (default: ``decoys_stripped``).
    p_kill_assessment : ndarray, shape (s,), optional
        Probability each shooter assesses a salvo's result correctly (default 1: perfect).
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
    p_sn = (np.broadcast_to(shooters.p_discriminate[:, None], (s, n)) if p_discriminate is None
            else np.asarray(p_discriminate, dtype=float))
    p_sn_fb = p_sn if fallback_p_discriminate is None else np.asarray(fallback_p_discriminate, dtype=float)
    src = (np.broadcast_to(shooters.layer[:, None], (s, n)) if discrimination_source is None
           else np.asarray(discrimination_source, dtype=np.int64))
    src_fb = src if fallback_discrimination_source is None else np.asarray(fallback_discrimination_source,
                                                                            dtype=np.int64)
    n_src = int(max(src.max(initial=-1), src_fb.max(initial=-1)) + 1) if n_sources is None else int(n_sources)
    # draws keyed by (replication, threat, layer, look, shot), (replication, threat, source) and
    # (replication, threat, layer, look); one more look slot for the last-chance salvo
    u_kill = rng.random((r, n, max(n_layers, 1), max_looks + 1, max_salvo))
    u_disc = rng.random((r, n, max(n_src, 1)))
    battery_up = rng.random((r, s)) < shooters.reliability[None, :]
    network_up = rng.random(r) < network_reliability
    u_assess = rng.random((r, n, max(n_layers, 1), max_looks + 1))

    killed = np.zeros((r, n), dtype=bool)
    kill_layer = np.full((r, n), -1, dtype=np.int64)
    shots = np.zeros((r, n, s), dtype=np.int64)
    inventory = np.broadcast_to(shooters.inventory, (r, s)).copy()
    t_dry = np.full((r, s), np.nan)
    rows = np.arange(r)
    decoys = np.ones(n, dtype=bool) if has_decoys is None else np.asarray(has_decoys, dtype=bool)
    stripped = np.zeros((s, n), dtype=bool) if decoys_stripped is None else np.asarray(decoys_stripped, dtype=bool)
    stripped_fb = stripped if fallback_decoys_stripped is None else np.asarray(fallback_decoys_stripped, dtype=bool)
    p_ka = np.ones(s) if p_kill_assessment is None else np.asarray(p_kill_assessment, dtype=float)
    ka = np.zeros(s) if shooters.kill_assessment_s is None else np.asarray(shooters.kill_assessment_s, float)
    max_salvos = int(np.max(shooters.inventory // np.maximum(shooters.salvo, 1), initial=0)) + 1
    reloads = shooters.reloads
    # salvos a shooter can fire in this battle: its stock (first load, plus reserve if it reloads) and
    # its looks at every threat
    salvos_each = np.minimum((shooters.inventory + np.where(reloads, np.asarray(shooters.reserve), 0))
                             // np.maximum(shooters.salvo, 1), n * (max_looks + 1)) if reloads.any() else None
    if salvos_each is not None:
        max_salvos = max(max_salvos, int(np.max(salvos_each, initial=0)) + 1)
    log_size = max_salvos if shooters.launchers is not None else 1
    state = _State(killed=killed, kill_layer=kill_layer, shots=shots, inventory=inventory, t_dry=t_dry,
                   u_kill=u_kill, shooters=shooters, launch_log=np.full((r, s, log_size), np.nan),
                   n_launched=np.zeros((r, s), dtype=np.int64),
                   reload=_Reloads.of(shooters, r, salvos_each) if salvos_each is not None else None)

    def p_disc_rs(j: int) -> F64:
        """(r, s) probability each shooter's fire control picks the warhead of complex ``j``."""
        p = np.where(network_up[:, None], p_sn[:, j][None, :], p_sn_fb[:, j][None, :])
        strip = np.where(network_up[:, None], stripped[:, j][None, :], stripped_fb[:, j][None, :])
        return np.where(~decoys[j] | strip, 1.0, p)

    def discriminated(j: int, who: I64) -> NDArray[np.bool_]:
        """Whether shooter ``who[r]`` picks the warhead of complex ``j`` (shared per source)."""
        source = np.where(network_up, src[who, j], src_fb[who, j])
        p = np.where(network_up, p_sn[who, j], p_sn_fb[who, j])
        draw = u_disc[rows, j, np.maximum(source, 0)]
        strip = np.where(network_up, stripped[who, j], stripped_fb[who, j])
        return ~decoys[j] | strip | ((source >= 0) & (draw < p))

    for j in engagement_order(priority, wave, opp):
        view = _ThreatView.of(opp, fallback, network_up, j, max_looks)
        for layer in range(n_layers):
            in_layer = shooters.layer == layer
            ok = ~killed[:, j][:, None] & in_layer[None, :] & battery_up & (view.looks > 0)
            ok &= state.has_rounds(_when(view.t_launch[:, :, 0], view.t_first), ok)
            if not ok.any():
                continue
            pick = _choose(ok, view, shooters, p_disc_rs(j))
            has = ok[rows, pick]
            n_looks = np.where(has, np.minimum(view.looks[rows, pick], shooters.max_looks[pick]), 0)
            disc = discriminated(j, pick)
            believed_dead = np.zeros(r, dtype=bool)
            for look in range(max_looks):
                fire = has & (look < n_looks) & ~believed_dead
                fired = state.salvo(j, layer, look, pick, fire, disc, view.t_first, view.t_launch[rows, pick, look])
                correct = u_assess[:, j, layer, look] < p_ka[pick]
                believed_dead |= fired & (killed[:, j] == correct)
            if not last_chance:
                continue
            # last chance: another shooter of the layer whose window closes after the last look + assessment
            t_after = view.t_final[rows, pick] + ka[pick]
            late = ok & (view.last_chance > t_after[:, None]) & (np.arange(s)[None, :] != pick[:, None])
            late &= state.has_rounds(_when(view.t_launch_last, view.last_chance), late)
            if not late.any():
                continue
            other = np.argmax(np.where(late, view.last_chance, -np.inf), axis=1)
            fire = has & late[rows, other] & ~believed_dead
            state.salvo(j, layer, n_looks, other, fire, discriminated(j, other), view.last_chance,
                        view.t_launch_last[rows, other])
    n_reloads = np.zeros((r, s), dtype=np.int64)
    reserve_left = np.broadcast_to(np.zeros(s, np.int64) if shooters.reserve is None
                                   else np.asarray(shooters.reserve, dtype=np.int64), (r, s)).copy()
    if state.reload is not None:
        drawn, rounds = state.reload.drawn()
        idx = state.reload.index
        n_reloads[:, idx] = drawn
        reserve_left[:, idx] -= rounds
        inventory[:, idx] += rounds  # on the launchers at the end, reloads in progress counted as loaded
    return BattleOutcome(killed=killed, kill_layer=kill_layer, engaged=shots.sum(axis=2) > 0, shots=shots,
                         inventory_left=inventory, t_dry_s=t_dry, battery_up=battery_up,
                         network_up=network_up, reloads=n_reloads, reserve_left=reserve_left)
