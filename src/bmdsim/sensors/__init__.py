"""Sensors: which radars and infrared satellites see each threat, when, and how well.

Public API
----------
Radar types and placement
    :class:`RadarConfig`, :class:`RadarSite`, :func:`radar_from_catalog`, :func:`snr_db`,
    :func:`detection_range_m`, :func:`measurement_sigma`
Detection
    :func:`pd` (Swerling 0/1/3), :func:`required_snr_db`
Line of sight
    :func:`look_geometry`, :func:`is_visible`, :data:`STANDARD_REFRACTION_K`
Threat RCS
    :class:`ThreatRcs`, :func:`threat_rcs_from_catalog` (``model="nominal"`` or ``"aspect"``),
    :class:`ObjectShapes`, :func:`aspect_angle_rad`, :func:`spent_stage_rcs`, :func:`plan_spent_stages`;
    closed forms by shape, aspect and band in :mod:`bmdsim.sensors.scattering`
Infrared early warning
    :class:`InfraredConfig`, :func:`infrared_from_catalog`, :func:`detect_launches`, :class:`InfraredCues`
Measurements (the contract with tracking)
    :func:`observe` -> :class:`Observations` (:class:`Measurements`, :class:`DetectionSummary`),
    :class:`SensorSites`
Coverage
    :func:`coverage` -> :class:`Coverage`
"""

from bmdsim.sensors.coverage import Coverage, coverage
from bmdsim.sensors.detection import pd, required_snr_db
from bmdsim.sensors.infrared import InfraredConfig, InfraredCues, detect_launches, infrared_from_catalog
from bmdsim.sensors.measurements import Measurements, SensorSites
from bmdsim.sensors.observe import DetectionSummary, Observations, observe
from bmdsim.sensors.radar import (
    RadarConfig,
    RadarSite,
    detection_range_m,
    measurement_sigma,
    radar_from_catalog,
    snr_db,
)
from bmdsim.sensors.rcs import (
    RCS_MODELS,
    ObjectShapes,
    ThreatRcs,
    aspect_angle_rad,
    plan_spent_stages,
    spent_stage_rcs,
    threat_rcs_from_catalog,
)
from bmdsim.sensors.visibility import STANDARD_REFRACTION_K, is_visible, look_geometry

__all__ = [
    "RCS_MODELS",
    "STANDARD_REFRACTION_K",
    "Coverage",
    "DetectionSummary",
    "InfraredConfig",
    "InfraredCues",
    "Measurements",
    "ObjectShapes",
    "Observations",
    "RadarConfig",
    "RadarSite",
    "SensorSites",
    "ThreatRcs",
    "aspect_angle_rad",
    "coverage",
    "detect_launches",
    "detection_range_m",
    "infrared_from_catalog",
    "is_visible",
    "look_geometry",
    "measurement_sigma",
    "observe",
    "pd",
    "plan_spent_stages",
    "radar_from_catalog",
    "required_snr_db",
    "snr_db",
    "spent_stage_rcs",
    "threat_rcs_from_catalog",
]
