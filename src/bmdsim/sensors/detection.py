"""Single-look probability of detection from the signal-to-noise ratio, for Swerling target models.

What it models
--------------
A square-law detector compares one look's echo power with a threshold set for a false-alarm probability
``Pfa``; with the noise power normalized to one, the threshold is ``T = -ln(Pfa)``. The target's radar
cross section (RCS) fluctuates from look to look as one of Swerling's models, and ``snr`` is the *mean*
single-look SNR (linear) the radar range equation gives:

* Swerling 0 (steady target, "Swerling 5"): ``Pd = Q1(sqrt(2 snr), sqrt(2 T))`` (Marcum Q), computed as
  the survival function of a noncentral chi-square with 2 degrees of freedom.
* Swerling 1 (exponentially distributed RCS, many equal scatterers): ``Pd = Pfa ** (1 / (1 + snr))``.
* Swerling 3 (chi-square RCS with 4 degrees of freedom, one dominant scatterer):
  ``Pd = (1 + 2 snr T / (2 + snr)**2) exp(-2 T / (2 + snr))``.

For a single look the Swerling 2 and 4 cases equal 1 and 3 ([Richards05] sec. 6.2.4).

Validity: one look (no pulse integration beyond what the reference SNR already contains), independent
fluctuations between looks, thermal noise only (no clutter, no jamming).

Sanity anchors: Pd = 0.9 at Pfa = 1e-6 needs 13.2 dB for a steady target and 21.1 dB for Swerling 1
([Skolnik01] Figs. 2.6 and 2.23): fluctuation costs about 8 dB at high Pd.

References
----------
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (McGraw-Hill, 2001), sec. 2.5 and
   2.8, Figs. 2.6 (steady target) and 2.23 (fluctuating targets).
.. [Richards05] M. A. Richards, *Fundamentals of Radar Signal Processing* (McGraw-Hill, 2005), sec. 6.2,
   eqs. (6.99) (Swerling 1, N = 1) and Table 6.1 (Swerling 3, N = 1).
.. [Albersheim81] W. J. Albersheim, "A closed-form approximation to Robertson's detection characteristics",
   Proc. IEEE 69(7):839 (1981).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]
SwerlingCase = Literal[0, 1, 3]


def db_to_linear(x_db: ArrayLike) -> F64:
    """Power ratio from decibels: ``10 ** (x_db / 10)``."""
    return np.power(10.0, np.asarray(x_db, dtype=float) / 10.0)


def linear_to_db(x: ArrayLike) -> F64:
    """Decibels from a power ratio: ``10 log10(x)``."""
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.asarray(x, dtype=float))


def _check_pfa(pfa: float) -> float:
    if not 0.0 < pfa < 1.0:
        raise ValueError(f"pfa must be in (0, 1), got {pfa}")
    return float(pfa)


def pd_swerling0(snr_db: ArrayLike, pfa: float) -> F64:
    """Single-look Pd of a steady (non-fluctuating) target, Marcum Q [Richards05] eq. (6.40).

    Parameters
    ----------
    snr_db : array_like
        Mean single-look SNR [dB], any shape.
    pfa : float
        Probability of false alarm per detection cell.

    Returns
    -------
    pd : ndarray
        Same shape as ``snr_db``.
    """
    threshold = -np.log(_check_pfa(pfa))
    snr = db_to_linear(snr_db)
    from scipy import stats  # imported here: scipy.stats costs ~0.5 s of start-up, and only Swerling 0 needs it

    return np.asarray(stats.ncx2.sf(2.0 * threshold, 2, 2.0 * snr), dtype=float)


def pd_swerling1(snr_db: ArrayLike, pfa: float) -> F64:
    """Single-look Pd of a Swerling 1 target: ``Pfa ** (1 / (1 + snr))`` [Richards05] eq. (6.99).

    Examples
    --------
    >>> round(float(pd_swerling1(21.14, 1e-6)), 3)
    0.9
    """
    pfa = _check_pfa(pfa)
    snr = db_to_linear(snr_db)
    return np.exp(np.log(pfa) / (1.0 + snr))


def pd_swerling3(snr_db: ArrayLike, pfa: float) -> F64:
    """Single-look Pd of a Swerling 3 target [Richards05] Table 6.1 (N = 1)."""
    threshold = -np.log(_check_pfa(pfa))
    snr = db_to_linear(snr_db)
    return (1.0 + 2.0 * snr * threshold / (2.0 + snr) ** 2) * np.exp(-2.0 * threshold / (2.0 + snr))


def pd(snr_db: ArrayLike, pfa: float, swerling: SwerlingCase = 1) -> F64:
    """Single-look probability of detection for a Swerling case (0, 1 or 3).

    Parameters
    ----------
    snr_db : array_like
        Mean single-look SNR [dB]; ``-inf`` gives ``Pfa``.
    pfa : float
        Probability of false alarm.
    swerling : {0, 1, 3}
        Target fluctuation model.
    """
    if swerling == 0:
        return pd_swerling0(snr_db, pfa)
    if swerling == 1:
        return pd_swerling1(snr_db, pfa)
    if swerling == 3:
        return pd_swerling3(snr_db, pfa)
    raise ValueError(f"swerling must be 0, 1 or 3, got {swerling!r}")


def required_snr_db(pd_target: float, pfa: float, swerling: SwerlingCase = 1) -> float:
    """Single-look SNR [dB] at which ``pd(snr) == pd_target``.

    Swerling 1 inverts in closed form, ``snr = ln(Pfa) / ln(Pd) - 1``; the other cases solve the Pd
    expression with Brent's method to 1e-10 dB.
    """
    pfa = _check_pfa(pfa)
    if not pfa < pd_target < 1.0:
        raise ValueError(f"pd_target must be in (pfa, 1), got {pd_target}")
    if swerling == 1:
        return float(linear_to_db(np.log(pfa) / np.log(pd_target) - 1.0))
    from scipy import optimize

    return float(optimize.brentq(lambda x: float(pd(x, pfa, swerling)) - pd_target, -30.0, 80.0,
                                 xtol=1e-10))


def albersheim_snr_db(pd_target: float, pfa: float, n_looks: int = 1) -> float:
    """Albersheim's approximation of the SNR per look [dB] a steady target needs [Albersheim81].

    ``A = ln(0.62 / Pfa)``, ``B = ln(Pd / (1 - Pd))``,
    ``SNR = -5 log10(N) + (6.2 + 4.54 / sqrt(N + 0.44)) log10(A + 0.12 A B + 1.7 B)``; accurate to about
    0.2 dB for 0.1 <= Pd <= 0.9 and 1e-7 <= Pfa <= 1e-3.
    """
    a = np.log(0.62 / _check_pfa(pfa))
    b = np.log(pd_target / (1.0 - pd_target))
    n = float(n_looks)
    return float(-5.0 * np.log10(n) + (6.2 + 4.54 / np.sqrt(n + 0.44)) * np.log10(a + 0.12 * a * b + 1.7 * b))
