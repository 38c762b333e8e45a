"""The numpy Callaway–Sant'Anna estimator (analysis.attgt) gives the ``differences`` package's
answer: the event study without importing it. ``differences`` 0.3.0 (a test dependency) is
the independent computation every figure is checked against — run the way the event study
ran it before (``_differences_study`` below is that code)."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from defdip.analysis.attgt import attgt
from defdip.errors import InvalidArgument

# the module (defdip.analysis re-exports its function event_study under the same name)
es = importlib.import_module("defdip.analysis.event_study")

TABLE = ["att", "std_error", "ci_low", "ci_high"]


def _differences_study(frame: pd.DataFrame, outcome: str, cohort: pd.Series, unit: str,
                       window: int, alpha: float) -> dict[str, object]:
    """The event table, overall ATT and CI, lead test and post-onset mean as the event study
    computed them with ``differences`` (same sample preparation, same package calls)."""
    from differences import ATTgt
    from differences.models.attgt import aggregate
    from scipy import stats

    work = frame[[unit, "year", outcome]].dropna().copy()
    work = work[work[unit].isin(cohort.index)]
    work["cohort"] = work[unit].map(cohort)
    first_seen = work.groupby(unit)["year"].transform("min")
    work = work[~(work["cohort"].notna() & (work["cohort"] <= first_seen))]
    work.loc[work["cohort"] > work["year"].max(), "cohort"] = np.nan
    data = work.astype({unit: "int64", "year": "int64"}).set_index([unit, "year"]).sort_index()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att = ATTgt(data=data, cohort_column="cohort", base_period="universal")
        att.filter_gt(base_period="universal", relative_period_start=-window,
                      relative_period_end=window)
        att.fit(outcome, control_group="never_treated", cluster_var=None, alpha=alpha,
                progress_bar=False)
        event = att.aggregate("event", alpha=alpha)
        simple = att.aggregate("simple", alpha=alpha).iloc[0].to_numpy()
    inst = att._result_dict["full_sample"]["aggregate_inst"]
    by = {int(e.relative_period): e for e in aggregate.event_agg(
        ntl=inst.ntl, weights=inst.weights, cohort_dummy_flag=inst.cohort_dummy_flag)}
    leads = [by[e] for e in range(-window, -1) if e in by]
    b = np.array([e.ATT for e in leads])
    inf = np.column_stack([np.asarray(e.influence_func).ravel() for e in leads])
    n = inf.shape[0]
    wald = float(n * b @ np.linalg.solve(inf.T @ inf / n, b))
    lags = [by[e] for e in range(0, window + 1) if e in by]
    mean = float(np.mean([e.ATT for e in lags]))
    inf = np.column_stack([np.asarray(e.influence_func).ravel() for e in lags]).mean(axis=1)
    se = float(np.sqrt(inf @ inf / inf.shape[0] / inf.shape[0]))
    z = float(stats.norm.ppf(1 - alpha / 2))
    table = event.iloc[:, :4].set_axis(TABLE, axis=1).astype(float)
    table.index = table.index.astype(int)
    return {"table": table, "overall": (simple[0], simple[2], simple[3]),
            "pretest": (wald, len(leads), float(stats.chi2.sf(wald, len(leads)))),
            "post_mean": (mean, mean - z * se, mean + z * se), "as_rcs": att._as_rcs}


def _assert_same(result: es.EventStudyResult, ref: dict[str, object]) -> None:
    """Every figure to 1e-10 relative (1e-15 absolute near zero); NaN where ref has NaN."""
    ours = result.table.set_index("event_time")[TABLE]
    theirs = ref["table"]
    assert list(ours.index) == list(theirs.index)
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-10, atol=1e-15)
    got = (result.overall_att, *result.overall_ci)
    np.testing.assert_allclose(got, ref["overall"], rtol=1e-10, atol=1e-15)
    assert result.pretest is not None and result.pretest[1] == ref["pretest"][1]
    np.testing.assert_allclose(result.pretest, ref["pretest"], rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(result.post_mean, ref["post_mean"], rtol=1e-10, atol=1e-15)


def _panel(seed: int, balanced: bool, units: int = 90) -> pd.DataFrame:
    """Partner-years 1994–2013 with onsets in 1996 (leads cut by the start), 2000, 2003,
    2007, 2012 (lags cut by the end) or never, a common trend and dynamic effects. Unbalanced:
    partners enter late and leave early (some before their onset: never treated to the
    estimator), years are missing at random, some partners' outcome is missing from the year
    before their onset on (their onset is seen, their treated years are not: never treated
    to the estimator), one partner of its own cohort (2005) is missing its base year, and no
    partner is observed in 2009 (so 2010's base year is 2008)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(units):
        g = float(rng.choice([1996, 2000, 2003, 2007, 2012, np.nan]))
        first, last = (1994, 2013) if balanced else sorted(rng.integers(1994, 2014, 2))
        level = rng.normal() + (0 if np.isnan(g) else (2013 - g) / 10)
        for t in range(int(first), int(last) + 1):
            if not balanced and (rng.random() < 0.15 or t == 2009):
                continue
            effect = 0.0 if np.isnan(g) or t < g else 0.3 + 0.05 * (t - g)
            y = effect + level + 0.02 * (t - 1994) + rng.normal(scale=0.3)
            lost = not balanced and i % 9 == 0 and t >= g - 1
            rows.append((2000 + i, t, np.nan if lost else y, float(t >= g)))
    if not balanced:
        rows += [(9999, t, rng.normal(), float(t >= 2005)) for t in (2001, 2002, 2005, 2006)]
    return pd.DataFrame(rows, columns=["ccode_2", "year", "un_sscore", "exercises_joint"])


@pytest.mark.parametrize("balanced", [True, False], ids=["balanced", "unbalanced"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_panels_match_differences(seed: int, balanced: bool) -> None:
    frame = _panel(seed, balanced)
    cohort, already = es.onset_cohorts(frame, "exercises_joint")
    cohort = cohort.drop(already)
    for window, alpha in [(4, 0.05), (6, 0.1)]:
        result = es.attgt_event_study(frame, outcome="un_sscore", cohort=cohort,
                                      window=window, alpha=alpha)
        ref = _differences_study(frame, "un_sscore", cohort, "ccode_2", window, alpha)
        assert ref["as_rcs"] is (not balanced)  # both estimation paths are exercised
        _assert_same(result, ref)


def test_group_time_cells_match_differences() -> None:
    """Each group-time ATT, and which cells cannot be estimated (the partner of cohort 2005
    without its base year; cells in 2009, a year nobody is observed); partners whose onset
    comes after their last observed outcome count as never treated, as there."""
    from differences import ATTgt

    frame = _panel(3, balanced=False)
    cohort, already = es.onset_cohorts(frame, "exercises_joint")
    work = frame.assign(cohort=frame["ccode_2"].map(cohort.drop(already))).dropna(
        subset=["un_sscore"])
    work = work[~work["ccode_2"].isin(already)]
    late = work.groupby("ccode_2").agg(last=("year", "max"), cohort=("cohort", "first"))
    assert (late["cohort"] > late["last"]).sum() >= 2
    ours = attgt(work, outcome="un_sscore", unit="ccode_2", window=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        att = ATTgt(data=work.set_index(["ccode_2", "year"]).drop(columns="exercises_joint"),
                    cohort_column="cohort", base_period="universal")
        att.filter_gt(base_period="universal", relative_period_start=-5, relative_period_end=5)
        att.fit("un_sscore", control_group="never_treated", cluster_var=None,
                progress_bar=False)
    ntl = att._result_dict["full_sample"]["ATTgt_ntl"]
    assert [(nt.cohort, nt.base_period, nt.time) for nt in ntl] == list(
        zip(ours.cohort, ours.base, ours.time, strict=True))
    theirs = np.array([nt.ATT for nt in ntl], dtype=float)
    assert np.isnan(ours.att).any()
    np.testing.assert_allclose(ours.att, theirs, rtol=1e-10, atol=1e-15)  # NaN alike
    assert not ours.panel


@pytest.mark.parametrize("onset", ["exercise", "agreement"])
def test_turkiye_matches_differences(built_store, monkeypatch, onset: str) -> None:
    """The real Türkiye focal panel, as the brief builds it: the estimator's inputs are
    recorded on the way in and handed to ``differences`` as well."""
    from defdip.analysis.effects import focal_panel
    from defdip.reports.facts import BriefContext
    from defdip.reports.sec_effects import EVENT_START

    seen: list[tuple[pd.DataFrame, dict]] = []
    real = es.attgt_event_study

    def record(frame: pd.DataFrame, **kw: object) -> es.EventStudyResult:
        seen.append((frame, kw))
        return real(frame, **kw)

    monkeypatch.setattr(es, "attgt_event_study", record)
    focal = es.resolve_focal(built_store, "TUR")
    vocab = built_store.vocabulary()
    _first, last = BriefContext(built_store, vocab.resolve("TUR"), vocab).since("un_alignment")
    panel = focal_panel(built_store, focal, EVENT_START, last)
    result = es.event_study_frame(panel, focal, onset=onset, outcome="un_sscore",
                                  start=EVENT_START, end=last)
    (frame, kw), = seen
    ref = _differences_study(frame, "un_sscore", kw["cohort"], "ccode_2", kw["window"], 0.05)
    assert result.n_treated > 10 and result.table["att"].notna().all()
    _assert_same(result, ref)


def test_errors_name_the_problem() -> None:
    frame = pd.DataFrame({"unit": [1, 1, 2, 2], "year": [2000, 2001] * 2,
                          "y": [0.1, 0.2, 0.3, 0.4], "cohort": [2001.0, 2001.0, np.nan, np.nan]})
    with pytest.raises(InvalidArgument, match=r"more than one row per 'unit' and 'year'"):
        attgt(pd.concat([frame, frame.head(1)]), outcome="y")
    with pytest.raises(InvalidArgument, match=r"missing 'y' values; drop those rows first"):
        attgt(frame.assign(y=[0.1, None, 0.3, 0.4]), outcome="y")
    with pytest.raises(InvalidArgument, match=r"no never-treated unit to compare with"):
        attgt(frame.assign(cohort=2001.0), outcome="y")
    with pytest.raises(InvalidArgument, match=r"Every unit of the event-study frame is "
                                              r"observed once"):
        attgt(frame.drop_duplicates("unit"), outcome="y")
    with pytest.raises(InvalidArgument, match=r"'cohort' varies within a unit"):
        attgt(frame.assign(cohort=[2001.0, 2002.0, np.nan, np.nan]), outcome="y")


def test_the_event_study_does_not_import_differences() -> None:
    """The reason for the module: an event study in a fresh process imports none of
    differences, statsmodels, formulaic or polars."""
    code = ("import sys\nimport numpy as np, pandas as pd\n"
            "from defdip.analysis.event_study import attgt_event_study\n"
            "f = pd.DataFrame({'ccode_2': np.repeat([1, 2, 3], 4), 'year': [1, 2, 3, 4] * 3,\n"
            "                  'y': np.arange(12.0) ** 1.5})\n"
            "r = attgt_event_study(f, outcome='y', cohort=pd.Series({1: 3.0, 2: np.nan,"
            " 3: np.nan}), window=2)\n"
            "print(sorted(m for m in ('differences', 'statsmodels', 'formulaic', 'polars')"
            " if m in sys.modules), r.table['event_time'].tolist())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "[-2,", "-1,", "0,", "1]"]
