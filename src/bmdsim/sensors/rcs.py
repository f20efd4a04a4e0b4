"""Radar cross section (RCS) of threat objects by flight phase, aspect and band; spent stages as objects.

Two models, chosen per scenario (``rcs: {model: nominal | aspect}``, default ``nominal``):

**nominal** (the published-figure model). A threat object's RCS is a step function of its flight phase:
the burning booster (a large body, about 1 m^2 averaged over aspect, catalog ``booster``) until burnout,
then the object that flies on:

* a separating warhead leaves a small re-entry vehicle (RV), about 0.01 m^2 nose-on at X-band (catalog
  ``reentry_vehicle``);
* a Scud-class missile whose warhead does not separate, or an artillery rocket, keeps its whole burnt-out
  body (catalog ``unseparated_body``);
* a gun-fired shell has the shell RCS throughout.

The figures hold for every radar, band and aspect: the RV's nose-on X-band figure is right for a radar the
RV flies toward, and pessimistic for one that sees it from the side or behind (tens of times larger).

**aspect** (physical optics by shape, aspect and wavelength, :mod:`.scattering`). Each object has a shape:

* before burnout, the missile as a capsule (a cylinder with hemispherical ends) of the first stage's
  diameter and the missile's length (threat catalog ``length_m``, or ``body_length_to_diameter`` times the
  diameter where it is not given);
* after burnout, a separating warhead's RV is a sphere-blunted cone-sphere of the catalog
  ``reentry_diameter_m`` (else the top stage's diameter), the catalog cone half-angle and nose radius
  (radars.yaml ``rcs_shapes``); an unseparated body is a capsule of ``reentry_diameter_m`` and
  ``reentry_length_m`` (else ``length_m``); a shell keeps its catalog figure (its aspect is not modelled);
* a spent stage is a capsule of the top stage's diameter and ``spent_stage_length_to_diameter`` times it.

The RCS of a look is evaluated at that look's *aspect*, the angle between the object's body axis and the
direction from the object to the radar (0 nose-on, pi tail-on), and at the radar's wavelength (catalog
``frequency_ghz``). **Assumption: the body axis lies along the object's velocity relative to the rotating
Earth** (:func:`aspect_angle_rad`). That holds for a booster under thrust and an RV stabilised by the
atmosphere on re-entry; in midcourse a spin-stabilised RV keeps the attitude it had at separation, which
drifts from the velocity by the change in flight-path angle (tens of degrees over a long flight), and a
tumbling stage or RV has no fixed aspect at all. The model gives the *mean* RCS at an aspect; the
Swerling model of :mod:`.detection` still draws the fluctuation about it look by look.

Where the threat catalog says the warhead separates, the spent upper stage (a "tank" of about 1 m^2,
catalog ``spent_stage``) becomes a separate radar object: :func:`plan_spent_stages` makes a flight plan for
it from the burnout states, which :func:`bmdsim.flight.propagate` flies with the stage's own ballistic
coefficient, so it trails the RV once drag acts on re-entry.

Left out, and why: plume and wake returns (no public model), the booster's shape changing at staging (it
keeps its launch length to burnout), RV attitude in midcourse (above), polarization, absorbers and
surface detail (:mod:`.scattering` lists the scattering mechanisms left out), and RCS fluctuation beyond
the Swerling model of :mod:`.detection`.

References
----------
.. [Skolnik01] M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed. (2001), sec. 2.7 (RCS of simple
   and complex objects).
.. [Sessler00] A. M. Sessler et al., *Countermeasures* (UCS / MIT SSP, 2000), RV radar signatures.
.. [Knott04] E. F. Knott, J. F. Shaeffer and M. T. Tuley, *Radar Cross Section*, 2nd ed. (SciTech, 2004).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bmdsim.flight.plan import FlightPlan
from bmdsim.flight.propagator import PHASE_BOOST, Trajectories
from bmdsim.flight.vehicles import Vehicle
from bmdsim.scenario.catalog import load_threat_catalog
from bmdsim.scenario.radar_catalog import rcs_figures_m2, rcs_shape_figures
from bmdsim.sensors.scattering import capsule_rcs_m2, cone_sphere_rcs_m2

F64 = NDArray[np.float64]

RCS_MODELS = ("nominal", "aspect")
"""The RCS models a scenario may choose (``rcs: {model: ...}``); module notes."""
SHAPE_FIGURE, SHAPE_CONE_SPHERE, SHAPE_CAPSULE = 0, 1, 2
"""Shape codes of :class:`ObjectShapes`: the catalog figure (no aspect dependence), a cone-sphere RV, a
capsule (cylinder with hemispherical ends)."""
_MIN_AXIS_SPEED_MPS = 0.5
"""Below this speed the velocity gives no body axis (a missile on its pad): the local vertical is used."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectShapes:
    """Shapes of ``n`` objects for the aspect RCS model (SI units, module notes).

    Attributes
    ----------
    booster_kind, post_kind : ndarray of int8, shape (n,)
        Shape code before and after burnout: ``SHAPE_FIGURE`` (the :class:`ThreatRcs` figure),
        ``SHAPE_CAPSULE`` or (after burnout) ``SHAPE_CONE_SPHERE``.
    booster_radius_m, booster_length_m : ndarray, shape (n,)
        Capsule of the burning missile [m].
    post_radius_m : ndarray, shape (n,)
        Radius of the post-boost body: the RV's base radius or the capsule's radius [m].
    post_length_m : ndarray, shape (n,)
        Capsule length [m] (for an RV, its cone length, for information).
    half_angle_rad, nose_radius_m : ndarray, shape (n,)
        RV cone half-angle [rad] and nose radius [m] (unused for other shapes).
    """

    booster_kind: NDArray[np.int8]
    booster_radius_m: F64
    booster_length_m: F64
    post_kind: NDArray[np.int8]
    post_radius_m: F64
    post_length_m: F64
    half_angle_rad: F64
    nose_radius_m: F64

    def __post_init__(self) -> None:
        names = ("booster_radius_m", "booster_length_m", "post_radius_m", "post_length_m", "half_angle_rad",
                 "nose_radius_m")
        kinds = {k: np.atleast_1d(np.asarray(getattr(self, k), dtype=np.int8)) for k in ("booster_kind",
                                                                                          "post_kind")}
        arrays = {k: np.atleast_1d(np.asarray(getattr(self, k), dtype=float)) for k in names}
        n = kinds["booster_kind"].shape
        for k, v in {**kinds, **arrays}.items():
            if v.shape != n or v.ndim != 1:
                raise ValueError(f"ObjectShapes.{k} must have shape {n}, got {v.shape}")
        for k in ("booster_radius_m", "booster_length_m", "post_radius_m", "post_length_m"):
            if not np.all(np.isfinite(arrays[k]) & (arrays[k] > 0)):
                raise ValueError(f"ObjectShapes.{k} must be > 0 m, got {arrays[k].min()}")
        a, rn = arrays["post_radius_m"], arrays["nose_radius_m"]
        ha = arrays["half_angle_rad"]
        if not np.all((ha > 0) & (ha < np.pi / 2)):
            raise ValueError(f"ObjectShapes.half_angle_rad must be in (0, pi/2) rad, got {ha.min()}..{ha.max()}")
        if not np.all((rn >= 0) & (rn < a)):
            raise ValueError("ObjectShapes.nose_radius_m must be in [0, post_radius_m) m")
        if not (np.isin(kinds["booster_kind"], (SHAPE_FIGURE, SHAPE_CAPSULE)).all()
                and np.isin(kinds["post_kind"], (SHAPE_FIGURE, SHAPE_CONE_SPHERE, SHAPE_CAPSULE)).all()):
            raise ValueError("ObjectShapes: unknown shape code (booster: 0 or 2; post: 0, 1 or 2)")
        for k, v in {**kinds, **arrays}.items():
            object.__setattr__(self, k, v)

    @property
    def n(self) -> int:
        return int(self.booster_kind.shape[0])

    def take(self, rows: ArrayLike) -> ObjectShapes:
        """The objects at ``rows``."""
        idx = np.asarray(rows, dtype=np.intp)
        return ObjectShapes(**{k: getattr(self, k)[idx] for k in self.__slots__})  # type: ignore[arg-type]

    def tobytes(self) -> bytes:
        """Every figure, as bytes (a cache key)."""
        return b"".join(getattr(self, k).tobytes() for k in self.__slots__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreatRcs:
    """RCS of ``n`` objects before and after burnout.

    Attributes
    ----------
    booster_m2 : ndarray, shape (n,)
        RCS while the motor burns [m^2].
    post_boost_m2 : ndarray, shape (n,)
        RCS after burnout (RV, unseparated body, shell or debris) [m^2].
    """

    booster_m2: F64
    post_boost_m2: F64
    shapes: ObjectShapes | None = None
    """Shapes for the aspect model; None for the nominal model (module notes)."""

    def __post_init__(self) -> None:
        b = np.atleast_1d(np.asarray(self.booster_m2, dtype=float))
        p = np.atleast_1d(np.asarray(self.post_boost_m2, dtype=float))
        if b.shape != p.shape or b.ndim != 1:
            raise ValueError(f"ThreatRcs: booster_m2 {b.shape} and post_boost_m2 {p.shape} must have the "
                             "same 1-D shape")
        for name, v in (("booster_m2", b), ("post_boost_m2", p)):
            if not (np.all(np.isfinite(v)) and np.all(v > 0)):
                raise ValueError(f"ThreatRcs.{name} must be > 0 m^2, got {v[~(np.isfinite(v) & (v > 0))][0]}")
        object.__setattr__(self, "booster_m2", b)
        object.__setattr__(self, "post_boost_m2", p)
        if self.shapes is not None and self.shapes.n != b.shape[0]:
            raise ValueError(f"ThreatRcs: shapes hold {self.shapes.n} objects, the figures {b.shape[0]}")

    @property
    def model(self) -> str:
        """``"aspect"`` when the objects have shapes, else ``"nominal"``."""
        return "nominal" if self.shapes is None else "aspect"

    def key(self) -> bytes:
        """Everything that sets the objects' RCS, as bytes: the model, the figures and the shapes."""
        shapes = b"" if self.shapes is None else self.shapes.tobytes()
        return b"|".join((self.model.encode(), self.booster_m2.tobytes(), self.post_boost_m2.tobytes(), shapes))

    @property
    def n(self) -> int:
        return int(self.booster_m2.shape[0])

    @classmethod
    def uniform(cls, n: int, booster_m2: float, post_boost_m2: float) -> ThreatRcs:
        """The same two figures for ``n`` objects."""
        return cls(booster_m2=np.full(n, float(booster_m2)), post_boost_m2=np.full(n, float(post_boost_m2)))

    def take(self, rows: ArrayLike) -> ThreatRcs:
        """The objects at ``rows``."""
        idx = np.asarray(rows, dtype=np.intp)
        return ThreatRcs(booster_m2=self.booster_m2[idx], post_boost_m2=self.post_boost_m2[idx],
                         shapes=None if self.shapes is None else self.shapes.take(idx))


def rcs_at_time(rcs: ThreatRcs, t_s: ArrayLike, t_burnout_s: ArrayLike) -> F64:
    """RCS [m^2] of each object at times ``t_s`` (shape (n, ...)): booster before burnout, then post-boost.

    Parameters
    ----------
    rcs : ThreatRcs
        Figures of the ``n`` objects.
    t_s : array_like, shape (n, ...)
        Scenario times [s].
    t_burnout_s : array_like, shape (n,)
        Scenario time of burnout of each object [s] (launch time for a shell).
    """
    t = np.asarray(t_s, dtype=float)
    extra = (1,) * (t.ndim - 1)
    tb = np.asarray(t_burnout_s, dtype=float).reshape(-1, *extra)
    return np.where(t < tb, rcs.booster_m2.reshape(-1, *extra), rcs.post_boost_m2.reshape(-1, *extra))


def rcs_at_looks(rcs: ThreatRcs, t_s: ArrayLike, t_burnout_s: ArrayLike, *,
                 aspect_rad: ArrayLike | None = None, wavelength_m: float | None = None) -> F64:
    """RCS [m^2] of each object at its looks: :func:`rcs_at_time` (nominal) or by aspect and band.

    Parameters
    ----------
    rcs : ThreatRcs
        Figures (and, for the aspect model, shapes) of the ``n`` objects.
    t_s : array_like, shape (n, ...)
        Look times [s] (NaN for padding).
    t_burnout_s : array_like, shape (n,)
        Burnout time of each object [s].
    aspect_rad : array_like, shape (n, ...), optional
        Aspect of each look (:func:`aspect_angle_rad`) [rad]; required by the aspect model.
    wavelength_m : float, optional
        The radar's wavelength [m]; required by the aspect model.

    Returns
    -------
    ndarray, shape (n, ...)
        The mean RCS of each look [m^2]: finite and positive wherever the time and aspect are.
    """
    if rcs.shapes is None:
        return rcs_at_time(rcs, t_s, t_burnout_s)
    if aspect_rad is None or wavelength_m is None:
        raise ValueError("rcs_at_looks: the aspect RCS model needs aspect_rad and wavelength_m")
    t = np.asarray(t_s, dtype=float)
    extra = (1,) * (t.ndim - 1)
    sh = rcs.shapes

    def col(a: NDArray) -> NDArray:
        return a.reshape(-1, *extra)

    th = np.asarray(aspect_rad, dtype=float)
    lam = float(wavelength_m)
    with np.errstate(invalid="ignore"):  # NaN aspects of padded looks stay NaN
        boost = np.where(col(sh.booster_kind) == SHAPE_CAPSULE,
                         capsule_rcs_m2(col(sh.booster_radius_m), col(sh.booster_length_m), th, lam),
                         col(rcs.booster_m2))
        rv = cone_sphere_rcs_m2(col(sh.post_radius_m), col(sh.half_angle_rad), col(sh.nose_radius_m), th, lam)
        body = capsule_rcs_m2(col(sh.post_radius_m), col(sh.post_length_m), th, lam)
        kind = col(sh.post_kind)
        post = np.where(kind == SHAPE_CONE_SPHERE, rv, np.where(kind == SHAPE_CAPSULE, body, col(rcs.post_boost_m2)))
    tb = col(np.asarray(t_burnout_s, dtype=float))
    return np.where(t < tb, boost, post)


def aspect_angle_rad(v_ecef_mps: ArrayLike, r_ecef_m: ArrayLike, r_site_ecef_m: ArrayLike) -> F64:
    """Aspect of an object seen from a radar [rad]: 0 nose-on, pi tail-on.

    The angle between the body axis, taken along the ECEF velocity (module notes; the local vertical
    below 0.5 m/s), and the direction from the object to the radar.

    Parameters
    ----------
    v_ecef_mps : array_like, shape (..., 3)
        Object velocity in ECEF [m/s].
    r_ecef_m : array_like, shape (..., 3)
        Object position in ECEF [m].
    r_site_ecef_m : array_like, shape (3,) or (..., 3)
        Radar position in ECEF [m].

    Returns
    -------
    ndarray, shape (...)
        Aspect in [0, pi] [rad]; NaN where the position or velocity is NaN.
    """
    v = np.asarray(v_ecef_mps, dtype=float)
    r = np.asarray(r_ecef_m, dtype=float)
    to_radar_ecef = np.asarray(r_site_ecef_m, dtype=float) - r
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.linalg.norm(v, axis=-1, keepdims=True)
        axis_ecef = np.where(speed > _MIN_AXIS_SPEED_MPS, v / speed, r / np.linalg.norm(r, axis=-1, keepdims=True))
        u_ecef = to_radar_ecef / np.linalg.norm(to_radar_ecef, axis=-1, keepdims=True)
        return np.arccos(np.clip(np.einsum("...i,...i->...", axis_ecef, u_ecef), -1.0, 1.0))


def rcs_by_phase(rcs: ThreatRcs, phase: ArrayLike) -> F64:
    """RCS [m^2] on a trajectory grid from the phase array (shape (n, k)); NaN where not in flight."""
    ph = np.asarray(phase)
    out = np.where(ph == PHASE_BOOST, rcs.booster_m2[:, None], rcs.post_boost_m2[:, None])
    return np.where(ph < 0, np.nan, out)


def rcs_class_of(key: str) -> tuple[str, str]:
    """RCS classes ``(before burnout, after burnout)`` of a threat-catalog missile.

    Follows the threat catalog: ``kind`` and ``separating_warhead``.
    """
    catalog = load_threat_catalog()
    if key not in catalog.missiles:
        raise KeyError(f"no missile {key!r} in the catalog (known: {', '.join(sorted(catalog.missiles))})")
    entry = catalog.missiles[key]
    if entry.kind == "shell":
        return "shell", "shell"
    if entry.kind == "ballistic" and entry.separating_warhead:
        return "booster", "reentry_vehicle"
    return "booster", "unseparated_body"


def threat_rcs_from_catalog(missile_keys: Sequence[str], model: str = "nominal") -> ThreatRcs:
    """RCS of the warhead-carrying object of each missile (one row per key) under ``model``.

    ``"nominal"``: the catalog figures by class; ``"aspect"``: the same figures plus each object's shape
    (:func:`object_shapes`), so its RCS follows aspect and band (module notes).
    """
    if model not in RCS_MODELS:
        raise ValueError(f"RCS model must be one of {', '.join(RCS_MODELS)}, got {model!r}")
    figures = rcs_figures_m2()
    classes = [rcs_class_of(k) for k in missile_keys]
    return ThreatRcs(booster_m2=np.array([figures[a] for a, _ in classes]),
                     post_boost_m2=np.array([figures[b] for _, b in classes]),
                     shapes=object_shapes(missile_keys) if model == "aspect" else None)


def _dimensions(key: str) -> dict[str, float | str]:
    """Shape figures of one catalog missile [m, rad] (module notes give the rules and fallbacks)."""
    entry = load_threat_catalog().missiles[key]
    g = rcs_shape_figures()

    def val(fig: object) -> float | None:
        return None if fig is None else float(fig.value)  # type: ignore[attr-defined]

    if entry.kind == "shell":
        return {"booster": "figure", "post": "figure", "d_boost": 1.0, "l_boost": 1.0, "d_post": 1.0, "l_post": 1.0}
    stage_d = [s.diameter_m.value for s in entry.stages]
    d_boost = max(stage_d)
    l_boost = val(entry.length_m) or g["body_length_to_diameter"] * d_boost
    if rcs_class_of(key)[1] == "reentry_vehicle":
        d_rv = val(entry.reentry_diameter_m) or stage_d[-1]
        return {"booster": "capsule", "post": "rv", "d_boost": d_boost, "l_boost": l_boost, "d_post": d_rv,
                "l_post": 0.5 * d_rv / np.tan(g["rv_half_angle_rad"])}
    d_body = val(entry.reentry_diameter_m) or d_boost
    l_body = val(entry.reentry_length_m) or val(entry.length_m) or g["body_length_to_diameter"] * d_body
    return {"booster": "capsule", "post": "capsule", "d_boost": d_boost, "l_boost": l_boost, "d_post": d_body,
            "l_post": l_body}


def object_shapes(missile_keys: Sequence[str]) -> ObjectShapes:
    """Shapes of the warhead-carrying object of each missile, from the threat catalog's dimensions and
    the radar catalog's ``rcs_shapes`` figures (module notes)."""
    g = rcs_shape_figures()
    dims = [_dimensions(k) for k in missile_keys]
    codes = {"figure": SHAPE_FIGURE, "capsule": SHAPE_CAPSULE, "rv": SHAPE_CONE_SPHERE}
    post_r = np.array([0.5 * float(d["d_post"]) for d in dims])
    return ObjectShapes(booster_kind=np.array([codes[str(d["booster"])] for d in dims], dtype=np.int8),
                        booster_radius_m=np.array([0.5 * float(d["d_boost"]) for d in dims]),
                        booster_length_m=np.array([float(d["l_boost"]) for d in dims]),
                        post_kind=np.array([codes[str(d["post"])] for d in dims], dtype=np.int8),
                        post_radius_m=post_r, post_length_m=np.array([float(d["l_post"]) for d in dims]),
                        half_angle_rad=np.full(len(dims), g["rv_half_angle_rad"]),
                        nose_radius_m=g["rv_nose_radius_fraction"] * post_r)


def spent_stage_rcs(missile_keys: Sequence[str], model: str = "nominal") -> ThreatRcs:
    """RCS of the spent top stage each missile leaves (one row per key): the catalog ``spent_stage``
    figure, or (aspect model) a capsule of the top stage's diameter and ``spent_stage_length_to_diameter``
    times it, throughout its flight."""
    if model not in RCS_MODELS:
        raise ValueError(f"RCS model must be one of {', '.join(RCS_MODELS)}, got {model!r}")
    n = len(missile_keys)
    fig = rcs_figures_m2()["spent_stage"]
    if model == "nominal":
        return ThreatRcs.uniform(n, fig, fig)
    g = rcs_shape_figures()
    catalog = load_threat_catalog().missiles
    d = np.array([catalog[k].stages[-1].diameter_m.value for k in missile_keys], dtype=float)
    capsule = np.full(n, SHAPE_CAPSULE, dtype=np.int8)
    shapes = ObjectShapes(booster_kind=capsule, booster_radius_m=0.5 * d,
                          booster_length_m=g["spent_stage_length_to_diameter"] * d, post_kind=capsule,
                          post_radius_m=0.5 * d, post_length_m=g["spent_stage_length_to_diameter"] * d,
                          half_angle_rad=np.full(n, g["rv_half_angle_rad"]), nose_radius_m=np.zeros(n))
    return ThreatRcs(booster_m2=np.full(n, fig), post_boost_m2=np.full(n, fig), shapes=shapes)


def spent_stage_properties(vehicle: Vehicle) -> tuple[float, float]:
    """Mass [kg] and drag area [m^2] of a vehicle's spent top stage: its dry mass and its stage ``Cd A``."""
    if not vehicle.stages:
        raise ValueError(f"Vehicle[{vehicle.name}] has no stage to spend")
    top = vehicle.stages[-1]
    return top.dry_mass_kg, top.drag_area_m2


def plan_spent_stages(traj: Trajectories, rows: ArrayLike, *, mass_kg: ArrayLike, drag_area_m2: ArrayLike,
                      separation_speed_mps: float = 0.0) -> FlightPlan:
    """Flight plans of the spent stages left at burnout by the trajectories at ``rows``.

    Each stage starts from its trajectory's burnout state (ECEF) at the burnout time, slowed by
    ``separation_speed_mps`` along its velocity (the warhead is pushed ahead), and flies unpowered with
    its own mass and drag area to impact. Propagate it with :func:`bmdsim.flight.propagate` on the same
    Earth model; its objects get their own indices (e.g. after the warheads) in the observation.

    Parameters
    ----------
    traj : Trajectories
        Flown threats.
    rows : array_like of int, shape (m,)
        Which trajectories leave a stage (those whose warhead separates).
    mass_kg, drag_area_m2 : array_like, shape (m,) or scalar
        Stage mass [kg] and ``Cd A`` [m^2] (see :func:`spent_stage_properties`).
    separation_speed_mps : float
        Speed removed from the stage along its velocity at separation [m/s], >= 0.
    """
    idx = np.atleast_1d(np.asarray(rows, dtype=np.intp))
    m = idx.size
    if not separation_speed_mps >= 0:
        raise ValueError("plan_spent_stages: separation_speed_mps must be >= 0 m/s, "
                         f"got {separation_speed_mps}")
    mass = np.broadcast_to(np.asarray(mass_kg, dtype=float), (m,)).copy()
    cda = np.broadcast_to(np.asarray(drag_area_m2, dtype=float), (m,)).copy()
    if np.any(mass <= 0) or np.any(cda < 0):
        raise ValueError("plan_spent_stages: mass_kg must be > 0 kg and drag_area_m2 >= 0 m^2")
    r0 = traj.r_burnout_ecef_m[idx]
    v0 = traj.v_burnout_ecef_mps[idx]
    if np.any(~np.isfinite(r0)):
        raise ValueError("plan_spent_stages: a selected trajectory has no burnout state")
    speed = np.linalg.norm(v0, axis=1, keepdims=True)
    v0 = v0 * np.maximum(speed - separation_speed_mps, 0.0) / np.where(speed > 0, speed, 1.0)
    up = r0 / np.linalg.norm(r0, axis=1, keepdims=True)
    horiz = v0 - np.einsum("ij,ij->i", v0, up)[:, None] * up
    norm_h = np.linalg.norm(horiz, axis=1, keepdims=True)
    horiz = np.where(norm_h > 0, horiz / np.where(norm_h > 0, norm_h, 1.0), np.roll(up, 1, axis=1))
    ones = np.ones((m, 1))
    zeros = np.zeros(m)
    return FlightPlan(r0_ecef_m=r0, v0_ecef_mps=v0, t_launch_s=traj.t_burnout_s[idx].copy(),
                      phase_t_end_s=np.full((m, 1), np.inf), phase_thrust_n=0.0 * ones,
                      phase_mdot_kg_s=0.0 * ones, phase_m0_kg=mass[:, None], phase_cda_m2=cda[:, None],
                      t_burnout_s=zeros.copy(), mode=np.zeros(m, dtype=np.int8), u_horiz_ecef=horiz,
                      u_up_ecef=up, pitch_end_rad=zeros.copy(), t_vertical_s=zeros.copy(),
                      t_pitch_end_s=zeros.copy())
