"""Closed-form layered-defense expressions (the analytic truth the Monte Carlo engine is tested against).

Model (Wilkening 1999): each threat is engaged independently in each layer it reaches. In a layer, a
salvo of ``n`` interceptors with single-shot kill probability ``pk`` is fired at the object the layer's
fire-control sensor picked as the warhead (right with probability ``p_discriminate``), and the layer's
systems work with probability ``reliability``; with shoot-look-shoot, up to ``looks`` salvos are fired,
each only if the previous ones failed (perfect kill assessment). A failed system (common mode) lets
every threat through that layer, which is what caps the probability of zero leakers whatever the
number of shots.

References
----------
.. [W99] D. Wilkening, "A Simple Model for Calculating Ballistic Missile Defense Effectiveness",
   Science & Global Security 8(2):183-215 (1999), eqs. 1-6 (salvo, shoot-look-shoot, reliability).
.. [OR82] "Analysis of a Layered Defense Model", Operations Research 30(3):595 (1982).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]


def layer_kill_probability(pk: ArrayLike, salvo: ArrayLike = 1, looks: ArrayLike = 1,
                           p_discriminate: ArrayLike = 1.0, p_kill_assessment: ArrayLike = 1.0) -> F64:
    """Probability that one layer kills a threat, given that the layer works.

    With perfect kill assessment, ``p_discriminate * (1 - (1 - pk)^(salvo * looks))``: the warhead must be
    the object engaged; then the ``salvo * looks`` shots are independent (shoot-look-shoot only saves
    interceptors, not kill chance) [W99]. With kill assessment right with probability ``q``, the next look
    follows a miss only if the miss is seen (``q``), so with ``P = 1 - (1 - pk)^salvo`` per salvo the layer
    kills with ``p_discriminate * P * sum_{i<looks} ((1 - P) q)^i``.
    """
    pk, salvo, looks, pd, q = (np.asarray(x, dtype=float)
                               for x in (pk, salvo, looks, p_discriminate, p_kill_assessment))
    p_salvo = 1.0 - (1.0 - pk) ** salvo
    ratio = (1.0 - p_salvo) * q
    with np.errstate(divide="ignore", invalid="ignore"):
        series = np.where(ratio < 1.0, (1.0 - ratio**looks) / (1.0 - ratio), looks)
    return pd * p_salvo * series


def expected_shots(pk: ArrayLike, salvo: ArrayLike = 1, looks: ArrayLike = 1,
                   p_discriminate: ArrayLike = 1.0) -> F64:
    """Expected interceptors a working layer fires at one threat with shoot-look-shoot.

    The layer's sensor picks the warhead once per threat (probability ``p_discriminate``). If it did, a
    salvo is fired at look i when the i previous salvos missed: ``salvo * sum_{i<looks} q^i`` with
    ``q = (1 - pk)^salvo``; if it picked a decoy, kill assessment sees the warhead "survive" and every
    look is fired: ``salvo * looks``.
    """
    pk, salvo, looks, pd = (np.asarray(x, dtype=float) for x in (pk, salvo, looks, p_discriminate))
    q = (1.0 - pk) ** salvo
    with np.errstate(divide="ignore", invalid="ignore"):
        series = np.where(q < 1.0, (1.0 - q**looks) / (1.0 - q), looks)
    return salvo * (pd * series + (1.0 - pd) * looks)


def expected_shots_imperfect_assessment(pk: float, salvo: int, looks: int, p_discriminate: float,
                                        p_kill_assessment: float) -> float:
    """Expected interceptors a working layer fires at one threat with imperfect kill assessment.

    A two-state chain over the looks: before look i the layer fires at a threat that is alive (``a_i``) or
    already dead but taken for alive (``d_i``). After a salvo at a live warhead: killed with ``P`` and then
    fired at again only if the kill is missed (``1 - q``); missed with ``1 - P`` and fired at again only if
    the miss is seen (``q``). After a salvo at a dead threat, fired at again with ``1 - q``. With the
    wrong object engaged (``1 - p_discriminate``) the warhead is never killed and each miss is seen with
    ``q``. Expected shots: ``salvo * sum_i (a_i + d_i)``.
    """
    p_salvo = 1.0 - (1.0 - pk) ** salvo
    q = p_kill_assessment

    def shots(p: float) -> float:
        a, d, total = 1.0, 0.0, 0.0
        for _ in range(int(looks)):
            total += a + d
            a, d = a * (1.0 - p) * q, a * p * (1.0 - q) + d * (1.0 - q)
        return salvo * total

    return p_discriminate * shots(p_salvo) + (1.0 - p_discriminate) * shots(0.0)


def threat_leak_probability_shared_discrimination(kill_if_discriminated: ArrayLike, layer_reliability: ArrayLike,
                                                  p_discriminate: float) -> F64:
    """Leak probability through independent layers that all rely on one discrimination outcome.

    The complex's warhead is picked once (``p_discriminate``) for every layer [W99, shared discrimination]:
    ``(1 - p_d) + p_d * prod_l (1 - r_l K_l)`` with ``K_l`` the layer's kill probability given the warhead
    was picked; compare :func:`threat_leak_probability` with independent picks per layer.
    """
    k = np.asarray(kill_if_discriminated, dtype=float)
    rel = np.asarray(layer_reliability, dtype=float)
    return (1.0 - p_discriminate) + p_discriminate * np.prod(1.0 - rel * k, axis=-1)


def threat_leak_probability(layer_kill: ArrayLike, layer_reliability: ArrayLike) -> F64:
    """Probability that a threat leaks through independent layers, shape (...) from (..., n_layers)."""
    pk = np.asarray(layer_kill, dtype=float)
    rel = np.asarray(layer_reliability, dtype=float)
    return np.prod(1.0 - rel * pk, axis=-1)


def raid_outcome(n_threats: int, layer_kill: ArrayLike, layer_reliability: ArrayLike) -> tuple[float, float]:
    """Expected leakers and probability of zero leakers of a raid of identical threats.

    Common-mode reliability: each layer works or fails for the whole raid, so with ``L`` layers
    ``P(0 leakers) = sum over the 2^L up/down states of P(state) * (1 - prod_up(1 - K_l))^N`` [W99] eq. 6;
    expected leakers ``N * prod_l (1 - r_l K_l)``.
    """
    kill = np.atleast_1d(np.asarray(layer_kill, dtype=float))
    rel = np.atleast_1d(np.asarray(layer_reliability, dtype=float))
    n_layers = kill.size
    p_zero = 0.0
    for state in range(2**n_layers):
        up = np.array([(state >> i) & 1 for i in range(n_layers)], dtype=bool)
        p_state = float(np.prod(np.where(up, rel, 1.0 - rel)))
        p_threat_killed = 1.0 - float(np.prod(np.where(up, 1.0 - kill, 1.0)))
        p_zero += p_state * p_threat_killed**n_threats
    expected = n_threats * float(threat_leak_probability(kill, rel))
    return expected, p_zero
