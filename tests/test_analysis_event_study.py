"""Event study: Callaway–Sant'Anna recovers a known dynamic effect with flat pre-trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from defdip.analysis.event_study import attgt_event_study, onset_cohorts
from defdip.errors import InvalidArgument


def _staggered(seed: int = 3, units: int = 160) -> pd.DataFrame:
    """Onsets in 2000/2004/2008 or never; effect 0.5 + 0.1·e for e ≥ 0, zero before.

    Unit effects are correlated with the cohort (early adopters are more aligned) and there
    is a common trend, so a naive treated-minus-control difference would be biased.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(units):
        g = rng.choice([2000.0, 2004.0, 2008.0, np.nan])
        level = rng.normal() + (0 if np.isnan(g) else (2010 - g) / 5)
        for t in range(1994, 2014):
            e = t - g
            effect = 0.0 if np.isnan(g) or e < 0 else 0.5 + 0.1 * e
            y = level + 0.05 * (t - 1994) + effect + rng.normal(scale=0.15)
            rows.append((640, 1000 + i, t, float(t >= g) if not np.isnan(g) else 0.0, y))
    return pd.DataFrame(rows, columns=["ccode_1", "ccode_2", "year", "exercises_joint",
                                       "un_sscore"])


def test_recovers_dynamic_effect_and_flat_leads() -> None:
    frame = _staggered()
    cohort, already = onset_cohorts(frame, "exercises_joint")
    assert len(already) == 0
    result = attgt_event_study(frame, outcome="un_sscore", cohort=cohort, window=4)
    table = result.table.set_index("event_time")
    for e in range(0, 5):
        truth = 0.5 + 0.1 * e
        assert table.loc[e, "ci_low"] <= truth <= table.loc[e, "ci_high"], (e, table.loc[e])
    assert table.loc[-1, "att"] == 0.0
    assert result.pretrend_ok()
    assert list(table.index) == list(range(-4, 5))
    assert result.n_treated + result.n_never_treated == 160
    assert set(result.cohorts) == {2000, 2004, 2008}


def test_a_pre_trend_is_detected() -> None:
    """Put an anticipation effect two years before onset: the leads must show it."""
    frame = _staggered()
    cohort, _ = onset_cohorts(frame, "exercises_joint")
    g = frame["ccode_2"].map(cohort)
    frame.loc[(frame["year"] - g).isin([-3, -2]), "un_sscore"] += 1.0
    result = attgt_event_study(frame, outcome="un_sscore", cohort=cohort, window=4)
    assert not result.pretrend_ok()


def test_already_treated_units_are_set_aside() -> None:
    frame = pd.DataFrame({"ccode_2": [1, 1, 2, 2, 3, 3], "year": [2000, 2001] * 3,
                          "x": [1, 1, 0, 1, 0, 0]})
    cohort, already = onset_cohorts(frame, "x")
    assert list(already) == [1]
    assert cohort[2] == 2001 and np.isnan(cohort[3])


def test_no_controls_message() -> None:
    frame = _staggered(units=8)
    cohort, _ = onset_cohorts(frame, "exercises_joint")
    with pytest.raises(InvalidArgument, match="needs treated and never-treated partners"):
        attgt_event_study(frame, outcome="un_sscore", cohort=cohort.dropna())


def test_joint_lead_test_and_the_plotted_mean() -> None:
    """The joint Wald test of the plotted leads keeps flat leads and rejects an anticipation
    effect; the summary is the mean of the plotted post-onset estimates (truth: the mean of
    0.5 + 0.1·e over e = 0..4, i.e. 0.7)."""
    frame = _staggered()
    cohort, _ = onset_cohorts(frame, "exercises_joint")
    clean = attgt_event_study(frame, outcome="un_sscore", cohort=cohort, window=4)
    assert clean.pretest is not None and clean.pretest[1] == 3 and clean.pretest[2] > 0.01
    post = clean.table.loc[clean.table["event_time"] >= 0, "att"].mean()
    mean, low, high = clean.post_mean
    assert mean == pytest.approx(post) and low <= 0.7 <= high
    g = frame["ccode_2"].map(cohort)
    frame.loc[(frame["year"] - g).isin([-3, -2]), "un_sscore"] += 1.0
    shifted = attgt_event_study(frame, outcome="un_sscore", cohort=cohort, window=4)
    assert shifted.pretest is not None and shifted.pretest[2] < 0.001
