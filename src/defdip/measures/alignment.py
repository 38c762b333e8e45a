"""UN General Assembly alignment for every dyad-year: agreement, S-score, kappa, ideal points.

Why: UNGA roll calls are the one behavioural record of foreign-policy positions that covers
every state every year since 1946, so they are the standard yardstick for "does engagement
bring a partner closer?". The measures follow their literature definitions exactly:

* ``un_agree`` — share of the dyad's joint roll calls on which both cast the identical vote
  (yes/abstain/no). Reproduces the simple agreement share of the Voeten data's checks.
* ``un_sscore`` — Signorino & Ritter (1999, "Tau-b or not tau-b", *International Studies
  Quarterly* 43: 115–144), unweighted, votes on the 3-point scale yes=1, abstain=2, no=3:
  ``S = 1 − 2·d/d_max`` with ``d = Σ_k |v_ik − v_jk|`` over the n joint votes and
  ``d_max = 2n`` (each vote can differ by at most 2), i.e. ``S = 1 − mean|v_i − v_j|``.
  This is the usual UNGA implementation (Voeten's ``s3un``): S = 1 for identical records,
  −1 when one always says yes where the other says no; S = 2·agree3 − 1 where agree3 counts
  an abstention against a yes or no as half agreement.
* ``un_kappa`` — Cohen's κ as Häge (2011, "Choice or Circumstance? Adjusting Measures of
  Foreign Policy Similarity for Chance Agreement", *Political Analysis* 19(3): 287–305)
  writes it: ``κ = 1 − D_o / D_e`` with the same absolute-distance metric as S.
  ``D_o = d/n`` is the observed mean distance; ``D_e = Σ_a Σ_b p_i(a)·p_j(b)·|a − b|`` is the
  distance expected if each state voted independently with its own marginal distribution
  p(a) over the dyad's joint votes of that year. S is the same formula with the chance term
  replaced by ``d_max/2`` per vote, which is why S is inflated when nearly everyone votes yes.
  Undefined (null) when D_e = 0 (both states cast one and the same option on every vote).
* ``un_kappa_nominal`` — the textbook nominal Cohen's κ ``(p_o − p_e)/(1 − p_e)`` with p_o =
  ``un_agree`` and ``p_e = Σ_a p_i(a)·p_j(a)``: the chance-corrected ``un_agree``.
* ``idealpoint_dist`` — ``|θ_i − θ_j|`` of the Bailey, Strezhnev & Voeten (2017, *Journal of
  Conflict Resolution* 61(2): 430–456) ideal points. A roll call's year is the calendar year
  of its date; ideal points come per session, and session s is mapped to year s + 1945, the
  year the session opens (September) and holds the bulk of its recorded votes (5,939 of the
  6,203 roll calls fall in that year; the rest are resumed sittings early the next year).

The arithmetic is a matrix product per year: with one-hot matrices Y, A, N (states × roll
calls) for yes/abstain/no, ``Z = [Y; A; N]`` and ``G = Z Zᵀ`` holds, for every pair at once,
the full 3×3 contingency table of their votes. No Python loop over pairs.

The roll calls are one series, 1946-2026 (``defdip.queries.series.roll_call_votes``):
Voeten's to January 2020 and the UN's (DGACM) recorded votes after, no roll call counted twice
(docs/un-votes.md says what changes at the seam; ``resolutions_only`` compares like with like).

**Minimum joint votes.** A dyad-year's agreement, S-score and kappas are NULL when the two
states shared fewer than :data:`MIN_JOINT_VOTES` (10) roll calls that year; ``un_nvotes``
always says how many they shared. Below 10 one vote moves the agreement by more than 0.1 and
its standard error can exceed 0.15: such a year (the January 2020 tail of session 74 in
Voeten's data alone, a state's first or last year in the Assembly, 1951's few roll calls)
says almost nothing about alignment.

The stored table ``un_alignment`` is **directed, both orders**: (i, j) and (j, i) are two rows
with the same values, so a directed dyad-year panel joins on (ccode_1, ccode_2, year) directly.
A state is never paired with itself. A pair has a row in a year when it shared a vote or both
have an ideal point, so ``idealpoint_dist`` runs to the ideal points' last year (2023) even
where no roll calls are loaded (``un_nvotes`` = 0 there).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from defdip.countries import Vocabulary
from defdip.errors import InvalidArgument, NotLoaded
from defdip.queries import alignment as reads
from defdip.queries import everyday, names, series
from defdip.queries.tables import Tables, to_frame
from defdip.store import Store

__all__ = [
    "ALIGNMENT_COLUMNS",
    "MIN_JOINT_VOTES",
    "PARTNERS",
    "alignment",
    "dyad_alignment",
    "load_ideal_points",
    "load_votes",
    "partner_agreement",
    "resolve_ccode",
    "un_alignment",
]

# The named partners for per-state agreement: COW codes (Russia = USSR = 365; China = PRC 710,
# which holds the UN seat from 1971 — earlier China votes are the ROC's, coded 713 by COW).
PARTNERS: dict[str, int] = {"usa": 2, "rus": 365, "chn": 710}

ALIGNMENT_COLUMNS = ("ccode_1", "ccode_2", "year", "un_nvotes", "un_agree", "un_sscore",
                     "un_kappa", "un_kappa_nominal", "idealpoint_dist")

#: Fewer joint roll calls than this in a year, and the dyad-year's agreement, S-score and
#: kappas are NULL (``un_nvotes`` still counts them). See the module docstring.
MIN_JOINT_VOTES = 10
_MEASURES = ("un_agree", "un_sscore", "un_kappa", "un_kappa_nominal")
_VOTE_VALUES = (1, 2, 3)  # yes, abstain, no: the store's coding and the S-score's scale


def _check_votes(votes: pd.DataFrame) -> None:
    missing = {"rcid", "ccode", "vote", "year"} - set(votes.columns)
    if missing:
        raise InvalidArgument(f"votes lack column(s) {sorted(missing)!r}; pass unga_votes joined "
                              "to unga_roll_calls.year (columns rcid, ccode, vote, year).")
    bad = ~votes["vote"].isin(_VOTE_VALUES)
    if bad.any():
        first = votes["vote"][bad].tolist()[0]
        raise InvalidArgument(f"vote {first!r} is not 1 (yes), 2 (abstain) or 3 (no); drop "
                              "absences before computing alignment.")


def _year_pairs(ccode: np.ndarray, rcid: np.ndarray, vote: np.ndarray,
                ideal: pd.Series | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One year's pairs i < j with a joint vote or both with an ideal point in ``ideal``
    (ccode → θ), and their 3×3 vote contingency counts.

    Returns the year's states, the pair indices ``i`` and ``j`` into them, and ``c`` with
    ``c[a, b, p]`` = number of roll calls on which state i of pair p voted a and j voted b.
    """
    placed = ideal.index.to_numpy(dtype=np.int64) if ideal is not None else np.empty(0, np.int64)
    states = np.union1d(ccode, placed)
    s_idx = np.searchsorted(states, ccode)
    _, r_idx = np.unique(rcid, return_inverse=True)
    n_states, n_calls = len(states), (int(r_idx.max()) + 1 if len(r_idx) else 0)
    z = np.zeros((3 * n_states, n_calls), dtype=np.float32)
    z[(vote - 1) * n_states + s_idx, r_idx] = 1.0  # float32 is exact for counts < 2**24
    g = (z @ z.T).reshape(3, n_states, 3, n_states).transpose(0, 2, 1, 3)  # g[a, b, i, j]
    blocks = np.ascontiguousarray(g).reshape(9, n_states * n_states)
    joint = blocks.sum(axis=0).reshape(n_states, n_states) > 0
    if len(placed):
        has = np.isin(states, placed)
        joint |= np.outer(has, has)
    i, j = np.nonzero(np.triu(joint, k=1))
    c = blocks[:, i * n_states + j].astype(np.float64)
    return states, i, j, c.reshape(3, 3, len(i))


def _pair_measures(c: np.ndarray) -> np.ndarray:
    """Rows: n, agree, S, kappa, nominal kappa for each pair from contingency counts c[a, b, p]."""
    n = c.sum(axis=(0, 1))
    same = c[0, 0] + c[1, 1] + c[2, 2]
    d = c[0, 1] + c[1, 0] + c[1, 2] + c[2, 1] + 2.0 * (c[0, 2] + c[2, 0])
    r = c.sum(axis=1)   # r[a, p]: i's votes a over the pair's joint votes
    k = c.sum(axis=0)   # k[b, p]: j's votes b over the pair's joint votes
    expected = (r[0] * k[1] + r[1] * k[0] + r[1] * k[2] + r[2] * k[1]
                + 2.0 * (r[0] * k[2] + r[2] * k[0]))               # = n² · D_e
    chance_same = r[0] * k[0] + r[1] * k[1] + r[2] * k[2]           # = n² · p_e
    out = np.empty((5, len(n)))
    out[0] = n
    with np.errstate(divide="ignore", invalid="ignore"):
        out[1] = same / n
        out[2] = 1.0 - d / n
        out[3] = np.where(expected > 0, 1.0 - d * n / expected, np.nan)
        nominal_den = n * n - chance_same
        out[4] = np.where(nominal_den > 0, (same * n - chance_same) / nominal_den, np.nan)
    return out


def dyad_alignment(votes: pd.DataFrame, ideal_points: pd.DataFrame | None = None, *,
                   min_votes: int = MIN_JOINT_VOTES) -> pd.DataFrame:
    """UN alignment for every directed dyad-year (both orders) from roll-call votes.

    ``votes`` has columns rcid, ccode, vote (1 yes, 2 abstain, 3 no) and year (the roll call's
    calendar year); ``ideal_points`` (optional) has ccode, year, ideal_point. Returns the
    columns of :data:`ALIGNMENT_COLUMNS`, one row per ordered pair with a joint vote or with
    both ideal points in the year; ``idealpoint_dist`` is null where either ideal point is
    missing, the vote measures where the pair shared fewer than ``min_votes`` roll calls.
    """
    _check_votes(votes)
    if min_votes < 1:
        raise InvalidArgument(f"min_votes {min_votes!r} must be at least 1 (default "
                              f"{MIN_JOINT_VOTES}).")
    frame = votes.dropna(subset=["ccode"])
    year = frame["year"].to_numpy().astype(np.int64)
    order = np.argsort(year, kind="stable")
    year = year[order]
    ccode = frame["ccode"].to_numpy().astype(np.int64)[order]
    rcid = pd.factorize(frame["rcid"].to_numpy()[order])[0]
    vote = frame["vote"].to_numpy().astype(np.int64)[order]
    ideal = _ideal_lookup(ideal_points)
    keys: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for when in sorted(set(np.unique(year).tolist()) | set(ideal)):
        lo, hi = np.searchsorted(year, when, "left"), np.searchsorted(year, when, "right")
        points = ideal.get(when)
        states, i, j, c = _year_pairs(ccode[lo:hi], rcid[lo:hi], vote[lo:hi], points)
        theta = (points.reindex(states).to_numpy(dtype=np.float64) if points is not None
                 else np.full(len(states), np.nan))
        measures = _pair_measures(c)
        measures[1:, measures[0] < min_votes] = np.nan
        keys.append(np.stack([states[i], states[j], np.full(len(i), when)]))
        values.append(np.vstack([measures, np.abs(theta[i] - theta[j])]))
    if not keys:
        return _empty_alignment()
    key = np.concatenate(keys, axis=1)
    half = np.concatenate(values, axis=1).T
    m = half.shape[0]
    both = np.empty((2 * m, half.shape[1]))  # one float block: no pandas consolidation copy
    both[:m], both[m:] = half, half
    out = pd.DataFrame(both, columns=list(ALIGNMENT_COLUMNS[3:]), copy=False)
    out.insert(0, "ccode_1", np.concatenate([key[0], key[1]]).astype(np.int64))
    out.insert(1, "ccode_2", np.concatenate([key[1], key[0]]).astype(np.int64))
    out.insert(2, "year", np.concatenate([key[2], key[2]]).astype(np.int64))
    out["un_nvotes"] = out["un_nvotes"].astype(np.int64)
    return out


def _ideal_lookup(ideal_points: pd.DataFrame | None) -> dict[int, pd.Series]:
    if ideal_points is None or ideal_points.empty:
        return {}
    frame = ideal_points.dropna(subset=["ccode", "ideal_point"])
    frame = frame.astype({"ccode": np.int64, "year": np.int64})
    return {int(y): g.drop_duplicates("ccode").set_index("ccode")["ideal_point"]
            for y, g in frame.groupby("year")}


def _empty_alignment() -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series(dtype=np.float64) for name in ALIGNMENT_COLUMNS})
    return frame.astype({"ccode_1": np.int64, "ccode_2": np.int64, "year": np.int64,
                         "un_nvotes": np.int64})


def partner_agreement(alignment: pd.DataFrame, partners: Mapping[str, int] | None = None
                      ) -> pd.DataFrame:
    """Per state-year alignment with named partners (default US, Russia, China).

    One row per (ccode, year) in ``alignment``; for each partner ``p`` the columns
    ``nvotes_p``, ``agree_p``, ``sscore_p``, ``kappa_p`` and ``idealpoint_dist_p`` (null
    where the pair shared no vote that year, and for the partner itself).
    """
    chosen = dict(partners or PARTNERS)
    frame = alignment[["ccode_1", "year"]].drop_duplicates()
    frame = frame.rename(columns={"ccode_1": "ccode"}).sort_values(["ccode", "year"])
    renames = {"un_nvotes": "nvotes", "un_agree": "agree", "un_sscore": "sscore",
               "un_kappa": "kappa", "idealpoint_dist": "idealpoint_dist"}
    for suffix, code in chosen.items():
        with_p = alignment.loc[alignment["ccode_2"] == code,
                               ["ccode_1", "year", *renames]]
        with_p = with_p.rename(columns={"ccode_1": "ccode",
                                        **{k: f"{v}_{suffix}" for k, v in renames.items()}})
        frame = frame.merge(with_p, on=["ccode", "year"], how="left")
        frame[f"nvotes_{suffix}"] = frame[f"nvotes_{suffix}"].astype("Int64")
    return frame.reset_index(drop=True)


# ---- store-facing --------------------------------------------------------------------------
def load_votes(store: Store, *, resolutions_only: bool = False) -> pd.DataFrame:
    """rcid, ccode, vote and the roll call's calendar year, for every vote with a COW code, in
    the one roll-call series 1946-2026 (``queries.series.roll_call_votes``; ``rcid`` is its
    ``call_id``): Voeten's roll calls and, where loaded, the DGACM votes after them."""
    if not (store.has("unga_votes") or store.has("dgacm_votes")):
        raise NotLoaded("unga_votes", "unga_votes")
    votes = series.roll_call_votes(Tables.from_store(store), resolutions_only=resolutions_only)
    return votes.select(rcid=votes.call_id, ccode=votes.ccode, vote=votes.vote,
                        year=votes.year).execute()


def load_ideal_points(store: Store) -> pd.DataFrame | None:
    """ccode, year (= session + 1945), ideal_point; None when the source is not loaded.

    Rows the source flags ``unreliable`` (Turkey's session 78, estimated from 2 votes) are left
    out, so their distances are null rather than wrong.
    """
    if not store.has("unga_ideal_points"):
        return None
    return reads.ideal_points(Tables.from_store(store)).execute()


def un_alignment(store: Store, *, start: int | None = None, end: int | None = None,
                 resolutions_only: bool = False, min_votes: int = MIN_JOINT_VOTES
                 ) -> pd.DataFrame:
    """:func:`dyad_alignment` over the stored roll calls (years ``start``..``end``, inclusive).

    Without bounds every year the roll calls and ideal points cover: 1946-2026 with
    ``unga_votes_dgacm`` loaded (2026 holds the first half of session 80), else 1946-2020
    (Voeten's copy; its 2020 is the January tail of session 74, one roll call) and the ideal
    points to 2023. ``resolutions_only`` keeps one roll call per adopted resolution
    (``queries.series``), which makes the years before and after 2019 comparable.
    """
    votes = load_votes(store, resolutions_only=resolutions_only)
    ideal = load_ideal_points(store)
    for frame in (votes, ideal):
        if frame is None:
            continue
        keep = pd.Series(True, index=frame.index)
        if start is not None:
            keep &= frame["year"] >= start
        if end is not None:
            keep &= frame["year"] <= end
        frame.drop(index=frame.index[~keep], inplace=True)
    return dyad_alignment(votes, ideal, min_votes=min_votes)


def resolve_ccode(country: str | int, vocab: Vocabulary | None = None,
                  argument: str = "the country argument") -> int:
    """The COW code of a state given by ISO3, COW code or name (the one resolver,
    :func:`defdip.queries.names.resolve_ccode`)."""
    return names.resolve_ccode(country, vocab if vocab is not None else names.vocabulary(),
                               argument)


def alignment(store: Store, country: str | int, *, partners: tuple[str | int, ...] = (
              "USA", "RUS", "CHN"), start: int | None = None, end: int | None = None,
              vocab: Vocabulary | None = None, resolutions_only: bool = False,
              min_votes: int = MIN_JOINT_VOTES) -> pd.DataFrame:
    """A state's UN alignment with each partner per year (long: one row per partner-year).

    Reads the stored ``un_alignment`` table when ``defdip measures build`` has written it
    (all roll calls, the default minimum), else — or for ``resolutions_only`` or another
    ``min_votes`` — computes it from the votes. Columns: partner (ISO3), year, un_nvotes,
    un_agree, un_sscore, un_kappa, un_kappa_nominal (NULL below ``min_votes`` joint votes),
    idealpoint_dist, partner_ccode.
    """
    if start is not None and end is not None and start > end:
        raise InvalidArgument(f"--from {start!r} is after --to {end!r}: pass from <= to "
                              "(e.g. --from 1990 --to 2019).")
    vocab = vocab if vocab is not None else names.vocabulary(store)
    own = resolve_ccode(country, vocab)
    others = {resolve_ccode(p, vocab, "the partner argument"): p for p in partners}
    named = others.pop(own, None)
    if not others:
        why = (f"--partner {named!r} is {country!r} itself; a state's alignment with itself "
               "is always perfect" if named is not None else "no partner was given")
        raise InvalidArgument(f"{why}. Name other states (e.g. --partner USA --partner RUS).")
    stored = not resolutions_only and min_votes == MIN_JOINT_VOTES
    if stored and store.has("un_alignment"):
        frame = to_frame(everyday.stored_alignment(
            Tables.from_store(store), own=own, others=list(others),
            start=start if start is not None else -1, end=end if end is not None else 10**6))
    else:
        frame = un_alignment(store, start=start, end=end, resolutions_only=resolutions_only,
                             min_votes=min_votes)
        frame = frame[(frame["ccode_1"] == own) & frame["ccode_2"].isin(list(others))]
    frame = frame.rename(columns={"ccode_2": "partner_ccode"}).drop(columns="ccode_1")
    frame.insert(1, "partner", frame["partner_ccode"].map(
        lambda c: vocab.by_ccode(int(c)).iso3))
    columns = ["partner", "year", *ALIGNMENT_COLUMNS[3:], "partner_ccode"]
    return frame[columns].sort_values(["partner", "year"]).reset_index(drop=True)
