"""Threat vehicle models: staged ballistic missiles, unguided rockets and gun-fired shells.

A vehicle is point-mass (3-DOF). Each stage burns at constant mass flow and constant vacuum specific
impulse, so thrust is ``mdot * Isp * g0`` (the back-pressure loss at low altitude, a few percent for a
short burn, is folded into the catalog's tuned Isp). Drag uses a constant drag area ``Cd * A`` per phase:
the bottom stage's while it burns, the re-entering body's (its ballistic coefficient ``beta = m / (Cd A)``)
after burnout. The re-entry vehicle separates at burnout; when the catalog says the warhead does not
separate (Scud class), the re-entering body is the whole burnt-out missile, which the catalog expresses as
its re-entry mass and ballistic coefficient.

References
----------
.. [Sutton] G. P. Sutton and O. Biblarz, *Rocket Propulsion Elements*, 8th ed. (2010), eq. 2-5 (Isp) and
   eq. 4-7 (the ideal rocket equation), used for the burnout-speed sanity checks.
.. [Zarchan] P. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed. (2012), ch. 2 (ballistic
   coefficient, drag on re-entry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bmdsim.earth.constants import G0_M_S2

Kind = Literal["ballistic", "rocket", "shell"]


def _positive(owner: str, name: str, value: float, *, allow_zero: bool = False, unit: str = "") -> None:
    ok = value >= 0 if allow_zero else value > 0
    if not (ok and np.isfinite(value)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{owner}.{name} must be {bound} {unit}, got {value!r}".replace("  ", " "))


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """One rocket stage burning at constant mass flow.

    Parameters
    ----------
    propellant_mass_kg, dry_mass_kg : float
        Usable propellant and everything else of this stage (structure, engine) [kg].
    burn_time_s : float
        Burn duration [s].
    isp_s : float
        Vacuum specific impulse [s].
    drag_area_m2 : float
        ``Cd * A`` of the stack while this stage is the bottom stage [m^2].
    """

    propellant_mass_kg: float
    dry_mass_kg: float
    burn_time_s: float
    isp_s: float
    drag_area_m2: float

    def __post_init__(self) -> None:
        _positive("Stage", "propellant_mass_kg", self.propellant_mass_kg, unit="kg")
        _positive("Stage", "dry_mass_kg", self.dry_mass_kg, allow_zero=True, unit="kg")
        _positive("Stage", "burn_time_s", self.burn_time_s, unit="s")
        _positive("Stage", "isp_s", self.isp_s, unit="s")
        _positive("Stage", "drag_area_m2", self.drag_area_m2, allow_zero=True, unit="m^2")

    @property
    def mass_flow_kg_s(self) -> float:
        return self.propellant_mass_kg / self.burn_time_s

    @property
    def thrust_n(self) -> float:
        """Vacuum thrust [N] = mdot * Isp * g0."""
        return self.mass_flow_kg_s * self.isp_s * G0_M_S2


@dataclass(frozen=True, slots=True, kw_only=True)
class GlideParams:
    """The quasi-ballistic profile of a vehicle: target apogee and the lift law after burnout.

    See :mod:`bmdsim.flight.dynamics` for the guidance law these parameters feed.

    Parameters
    ----------
    apogee_m : float
        Apogee height the profile is targeted to [m] (the depressed boost is shaped to it).
    lift_to_drag : float
        Largest lift-to-drag ratio of the body after burnout [-], > 0.
    glide_gamma_rad : float
        Flight-path angle the glide holds once the air is dense enough [rad] (0: level flight).
    dive_speed_mps : float
        Speed at which the glide ends and the ballistic terminal dive begins [m/s].
    pitch_over_s : float
        Length of the pitch program after the vertical rise [s]: the missile turns to its (low) thrust
        elevation this fast and holds it to cut-off, which is what keeps a full burn's apogee low.
    """

    apogee_m: float
    lift_to_drag: float
    glide_gamma_rad: float = 0.0
    dive_speed_mps: float
    pitch_over_s: float

    def __post_init__(self) -> None:
        _positive("GlideParams", "apogee_m", self.apogee_m, unit="m")
        _positive("GlideParams", "lift_to_drag", self.lift_to_drag)
        _positive("GlideParams", "dive_speed_mps", self.dive_speed_mps, unit="m/s")
        _positive("GlideParams", "pitch_over_s", self.pitch_over_s, unit="s")
        if not abs(self.glide_gamma_rad) < 0.5 * np.pi:
            raise ValueError(f"GlideParams.glide_gamma_rad must be in (-pi/2, pi/2) rad, got {self.glide_gamma_rad}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Vehicle:
    """A threat vehicle.

    Parameters
    ----------
    name : str
        Catalog key.
    kind : {"ballistic", "rocket", "shell"}
        ``ballistic``: staged missile steered by a pitch program; ``rocket``: unguided, leaves its launcher at
        a set elevation and then flies a gravity turn; ``shell``: fired at ``muzzle_speed_m_s``, no thrust.
    stages : tuple of Stage
        Bottom stage first; empty for a shell.
    payload_mass_kg : float
        Mass above the top stage (the warhead or re-entry vehicle) [kg].
    reentry_mass_kg : float
        Mass of the body that flies on after burnout [kg].
    reentry_drag_area_m2 : float
        ``Cd * A`` of that body [m^2] (``reentry_mass_kg / beta``).
    vertical_rise_s : float
        Ballistic missiles rise vertically this long before pitching over [s].
    muzzle_speed_m_s : float
        Shells only: speed leaving the barrel [m/s].
    max_elevation_deg : float
        Rockets and shells: the launcher's highest elevation [deg].
    glide : GlideParams or None
        Ballistic missiles that can fly the ``quasi-ballistic`` profile: its parameters.
    """

    name: str
    kind: Kind
    stages: tuple[Stage, ...] = ()
    payload_mass_kg: float
    reentry_mass_kg: float
    reentry_drag_area_m2: float
    vertical_rise_s: float = 8.0
    muzzle_speed_m_s: float = 0.0
    max_elevation_deg: float = 65.0
    glide: GlideParams | None = None
    sources: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        owner = f"Vehicle[{self.name}]"
        if self.kind not in ("ballistic", "rocket", "shell"):
            raise ValueError(f"{owner}.kind must be 'ballistic', 'rocket' or 'shell', got {self.kind!r}")
        if self.kind == "shell":
            if self.stages:
                raise ValueError(f"{owner}.stages must be empty for a shell")
            _positive(owner, "muzzle_speed_m_s", self.muzzle_speed_m_s, unit="m/s")
        elif not self.stages:
            raise ValueError(f"{owner}.stages must hold at least one stage for a {self.kind}")
        _positive(owner, "payload_mass_kg", self.payload_mass_kg, unit="kg")
        _positive(owner, "reentry_mass_kg", self.reentry_mass_kg, unit="kg")
        _positive(owner, "reentry_drag_area_m2", self.reentry_drag_area_m2, allow_zero=True, unit="m^2")
        _positive(owner, "vertical_rise_s", self.vertical_rise_s, allow_zero=True, unit="s")
        if not 0 < self.max_elevation_deg <= 90:
            raise ValueError(
                f"{owner}.max_elevation_deg must be in (0, 90] deg, got {self.max_elevation_deg}")
        if self.glide is not None and self.kind != "ballistic":
            raise ValueError(f"{owner}.glide is for ballistic missiles only, not a {self.kind}")
        if self.stages and self.vertical_rise_s >= self.burn_time_s:
            raise ValueError(f"{owner}.vertical_rise_s ({self.vertical_rise_s} s) must be shorter than the "
                             f"total burn time ({self.burn_time_s} s)")

    @property
    def burn_time_s(self) -> float:
        """Total powered flight time [s]."""
        return float(sum(s.burn_time_s for s in self.stages))

    @property
    def launch_mass_kg(self) -> float:
        return float(sum(s.propellant_mass_kg + s.dry_mass_kg for s in self.stages) + self.payload_mass_kg)

    @property
    def ballistic_coefficient_kg_m2(self) -> float:
        """``beta = m / (Cd A)`` of the re-entering body [kg/m^2]; inf without drag area."""
        if self.reentry_drag_area_m2 == 0:
            return float("inf")
        return self.reentry_mass_kg / self.reentry_drag_area_m2

    def ideal_delta_v_m_s(self) -> float:
        """Ideal (vacuum, gravity-free) speed gain of the full burn [m/s]: rocket equation [Sutton] 4-7."""
        if self.kind == "shell":
            return self.muzzle_speed_m_s
        dv = 0.0
        above = self.payload_mass_kg
        for stage in reversed(self.stages):
            m0 = above + stage.dry_mass_kg + stage.propellant_mass_kg
            mf = above + stage.dry_mass_kg
            dv += stage.isp_s * G0_M_S2 * np.log(m0 / mf)
            above = m0
        return float(dv)
