"""Engagement stage: layered-defense closed forms, Monte Carlo battle management (flyout and fire
control to come)."""

from bmdsim.engagement.battle import BattleOutcome, Opportunities, ShooterSet, fight
from bmdsim.engagement.layered import (
    expected_shots,
    layer_kill_probability,
    raid_outcome,
    threat_leak_probability,
)

__all__ = ["BattleOutcome", "Opportunities", "ShooterSet", "expected_shots", "fight",
           "layer_kill_probability", "raid_outcome", "threat_leak_probability"]
