"""Network standing per country-year: centrality in the engagement graph and a soft-power proxy.

Why: "global standing" in defence diplomacy is relational — a state matters when many
states engage with it, and engage with it heavily. Each year's engagement graph has states
as nodes and an undirected edge per dyad weighted by its :mod:`engagement index
<defdip.measures.engagement_index>`. Per node:

* ``strength`` — weighted degree, the sum of the state's engagement-index weights;
* ``eigenvector`` — weighted eigenvector centrality (leading eigenvector of the weighted
  adjacency, unit length, as networkx's): engagement with well-engaged states counts more;
* ``pagerank`` — weighted PageRank (damping 0.85), robust on disconnected graphs;
* ``rank`` — the state's rank by PageRank in that year (1 = most central).

The soft-power proxy is a *proxy*, not a measure of attraction: ``diplomatic_reach`` is the
number of distinct host states the state has posts in (Lowy Global Diplomacy Index, only
its 66 countries and only the editions' years), ``partners`` the number of distinct states it
engages with, ``instruments_used`` how many of the six instruments it uses with anyone.
``breadth = (partners / year max + instruments_used / 6) / 2`` and
``soft_power_proxy = (diplomatic_reach / year max + breadth) / 2``, null where the reach is
not observed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from defdip.countries import Country, Vocabulary
from defdip.errors import InvalidArgument, NotLoaded
from defdip.measures.engagement_index import INSTRUMENT_GROUPS
from defdip.queries import everyday
from defdip.queries.names import vocabulary
from defdip.queries.tables import Tables, to_frame
from defdip.store import Store

__all__ = ["STANDING_COLUMNS", "diplomatic_reach", "network_standing", "standing"]

STANDING_COLUMNS = ("ccode", "year", "partners", "strength", "eigenvector", "pagerank", "rank",
                    "instruments_used", "breadth", "diplomatic_reach", "soft_power_proxy")


def diplomatic_reach(store: Store) -> pd.DataFrame | None:
    """ccode, year, diplomatic_reach (distinct host states with a post); None without Lowy."""
    tables = Tables.from_store(store)
    if not tables.has("lowy_posts"):
        return None
    posts = tables.table("lowy_posts")
    posts = posts.filter(posts.sender_ccode.notnull() & posts.host_ccode.notnull())
    return to_frame(posts.group_by(ccode=posts.sender_ccode.cast("int64"),
                                   year=posts.year.cast("int64")).aggregate(
        diplomatic_reach=posts.host_ccode.nunique()))


def _leading_eigenvector(adjacency: np.ndarray, tol: float = 1e-12,
                         max_iter: int = 10_000) -> np.ndarray:
    """Unit-length Perron vector of a symmetric non-negative matrix, by power iteration.

    Iterates on ``A + I`` (same eigenvectors, no oscillation on bipartite parts). Defined for
    disconnected graphs too: states outside the dominant component tend to 0.
    """
    shifted = adjacency + np.eye(len(adjacency))
    x = np.full(len(adjacency), 1 / np.sqrt(len(adjacency)))
    for _ in range(max_iter):
        nxt = shifted @ x
        nxt /= np.linalg.norm(nxt)
        if np.abs(nxt - x).max() < tol:
            return nxt
        x = nxt
    return x


def _centralities(edges: pd.DataFrame) -> pd.DataFrame:
    import networkx as nx  # only here: importing it costs what a whole brief section does

    graph = nx.Graph()
    graph.add_weighted_edges_from(edges[["ccode_1", "ccode_2", "engagement_index"]]
                                  .itertuples(index=False, name=None))
    graph.remove_edges_from([(a, b) for a, b, w in graph.edges(data="weight") if not w > 0])
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=["ccode", "strength", "eigenvector", "pagerank"])
    nodes = list(graph)
    strength = dict(graph.degree(weight="weight"))
    pagerank = nx.pagerank(graph, weight="weight")
    eigen = dict(zip(nodes, _leading_eigenvector(
        nx.to_numpy_array(graph, nodelist=nodes, weight="weight")), strict=True))
    return pd.DataFrame({"ccode": nodes, "strength": [strength[n] for n in nodes],
                         "eigenvector": [abs(eigen[n]) for n in nodes],
                         "pagerank": [pagerank[n] for n in nodes]})


def network_standing(index: pd.DataFrame, reach: pd.DataFrame | None = None) -> pd.DataFrame:
    """Standing per country-year from an ``engagement_index`` frame (and optional reach)."""
    used = index[index["engagement_index"] > 0]
    half = used[used["ccode_1"] < used["ccode_2"]]
    frames = []
    for year, edges in half.groupby("year", sort=True):
        cent = _centralities(edges)
        cent.insert(1, "year", int(year))
        frames.append(cent)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in STANDING_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    per_state = used.groupby(["ccode_1", "year"])
    counts = per_state["ccode_2"].nunique().rename("partners")
    flags = pd.DataFrame({
        str(k): (used[list(g)].fillna(0.0) > 0).any(axis=1) for k, g in
        enumerate(INSTRUMENT_GROUPS.values())}).groupby([used["ccode_1"], used["year"]]).any()
    instruments = flags.sum(axis=1).rename("instruments_used")
    extra = pd.concat([counts, instruments], axis=1).reset_index()
    extra = extra.rename(columns={"ccode_1": "ccode"})
    out = out.merge(extra, on=["ccode", "year"], how="left")
    out["rank"] = out.groupby("year")["pagerank"].rank(ascending=False, method="min")
    top_partners = out.groupby("year")["partners"].transform("max")
    out["breadth"] = (out["partners"] / top_partners + out["instruments_used"] / 6.0) / 2.0
    if reach is not None and not reach.empty:
        out = out.merge(reach, on=["ccode", "year"], how="left")
        top = reach.groupby("year")["diplomatic_reach"].max().rename("_top")
        out = out.merge(top, left_on="year", right_index=True, how="left")
        out["soft_power_proxy"] = (out["diplomatic_reach"] / out["_top"] + out["breadth"]) / 2
    else:
        out["diplomatic_reach"] = np.nan
        out["soft_power_proxy"] = np.nan
    out = out.astype({"ccode": "int64", "year": "int64", "partners": "int64",
                      "rank": "int64", "instruments_used": "int64"})
    out["diplomatic_reach"] = out["diplomatic_reach"].astype("Int64")
    return out[list(STANDING_COLUMNS)].sort_values(["year", "rank"]).reset_index(drop=True)


def _country(vocab: Vocabulary, ccode: int) -> Country | None:
    try:
        return vocab.by_ccode(ccode)
    except LookupError:
        return None


def standing(store: Store, year: int, *, top: int | None = None,
             vocab: Vocabulary | None = None) -> pd.DataFrame:
    """Every state's network standing in ``year``, best first (``top`` keeps the first N).

    Reads the stored ``network_standing`` table (``defdip measures build`` writes it); else
    computes the year from the stored ``engagement_index``. Adds ``iso3`` and ``name``.
    """
    if top is not None and top < 1:
        raise InvalidArgument(f"--top {top!r} must be at least 1 (e.g. --top 20).")
    tables = Tables.from_store(store)
    stored = "network_standing" if tables.has("network_standing") else "engagement_index"
    if not tables.has(stored):
        raise NotLoaded("engagement_index")
    table = tables.table(stored)
    if stored == "network_standing":
        frame = to_frame(everyday.standing_year(tables, year=int(year)))
    else:
        frame = network_standing(to_frame(table.filter(table.year == int(year))),
                                 diplomatic_reach(store))
    if frame.empty:
        lo, hi = tables.rows(table.aggregate(lo=table.year.min(), hi=table.year.max()))[0]
        raise InvalidArgument(f"no engagement recorded in year {year!r}; the standing covers "
                              f"{lo}–{hi}.")
    frame = frame.head(top) if top is not None else frame
    names = _names(store, vocab, [int(c) for c in frame["ccode"]])
    frame.insert(1, "iso3", [names.get(int(c), (None, None))[0] for c in frame["ccode"]])
    frame.insert(2, "name", [names.get(int(c), (None, None))[1] for c in frame["ccode"]])
    return frame.reset_index(drop=True)


def _names(store: Store, vocab: Vocabulary | None, ccodes: list[int]
           ) -> dict[int, tuple[str, str]]:
    """ISO3 and name per COW code: from the stored ``country_codes``, else the vocabulary."""
    tables = Tables.from_store(store)
    if vocab is None and tables.has("country_codes"):
        rows = tables.rows(everyday.state_names(tables))
        return {int(c): (iso3, name) for c, iso3, name in rows}
    vocab = vocab if vocab is not None else vocabulary(store)
    found = {c: _country(vocab, c) for c in ccodes}
    return {c: (k.iso3, k.name) for c, k in found.items() if k is not None}
