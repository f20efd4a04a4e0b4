"""Engagement stage: interceptor flyout and fire control, the fire-control-radar rule, the Monte Carlo
battle, and the layered-defense closed forms it is tested against.

Entry points: :func:`engage` (who may fire when, on whose data) and :func:`battle` (the Monte Carlo).
"""

from bmdsim.engagement.battle import BattleOutcome, Opportunities, ShooterSet, fight
from bmdsim.engagement.engage import (
    REMOTE_MODES,
    Discrimination,
    FireControlResult,
    ShooterLayout,
    battle,
    engage,
)
from bmdsim.engagement.layered import (
    expected_shots,
    expected_shots_imperfect_assessment,
    layer_kill_probability,
    raid_outcome,
    threat_leak_probability,
    threat_leak_probability_shared_discrimination,
)

__all__ = ["REMOTE_MODES", "BattleOutcome", "Discrimination", "FireControlResult", "Opportunities",
           "ShooterLayout", "ShooterSet", "battle", "engage", "expected_shots",
           "expected_shots_imperfect_assessment", "fight", "layer_kill_probability", "raid_outcome",
           "threat_leak_probability", "threat_leak_probability_shared_discrimination"]
