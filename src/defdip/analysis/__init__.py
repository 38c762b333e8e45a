"""defdip.analysis: what defence engagement does, where it meets tension, where it is heading.

Every function takes a :class:`defdip.store.Store` and a focal state and returns plain data
(DataFrames, or dataclasses with ``to_dict()``) for reports and ``--json``. The cores work on
DataFrames (``estimate_effects``, ``attgt_event_study``, ``chow_test``, ``screen_transfers``,
``forecast_series``) so they can be tested on simulated data with known answers.
"""

from defdip.analysis.breakpoints import (
    BreakpointReport,
    ChowResult,
    breakpoint_tests,
    chow_test,
    load_breakpoints,
)
from defdip.analysis.effects import EffectsResult, effects, estimate_effects
from defdip.analysis.event_study import EventStudyResult, attgt_event_study, event_study
from defdip.analysis.regions import REGIONS, RegionCase, region_case, region_members
from defdip.analysis.screening import load_embargoes, screen, screen_transfers
from defdip.analysis.tension import TensionResult, tension_monitor
from defdip.analysis.trends import TrendsResult, forecast_series, trends

__all__ = [
    "REGIONS",
    "BreakpointReport",
    "ChowResult",
    "EffectsResult",
    "EventStudyResult",
    "RegionCase",
    "TensionResult",
    "TrendsResult",
    "attgt_event_study",
    "breakpoint_tests",
    "chow_test",
    "effects",
    "estimate_effects",
    "event_study",
    "forecast_series",
    "load_breakpoints",
    "load_embargoes",
    "region_case",
    "region_members",
    "screen",
    "screen_transfers",
    "tension_monitor",
    "trends",
]
