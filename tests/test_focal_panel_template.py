"""The focal panel from its SQL template (``queries.compile.compiled_frame``) is the frame
Ibis gives for the same expression, value for value and dtype for dtype, for a state the
curated record covers (TUR) and states it does not; ``reports.brief.warm`` (run by
``defdip load``) compiles the templates a later brief of any state uses."""

from __future__ import annotations

import pandas as pd
import pytest

from defdip.analysis._common import Focal
from defdip.analysis.effects import _VERBS, _focal_panel, _panel, record_scope
from defdip.panels import create_dyad_years
from defdip.reports.brief import warm
from defdip.service.context import Context
from defdip.store import compiled


@pytest.fixture(scope="module")
def ctx(built_store, tmp_path_factory, monkeypatch_module) -> Context:
    # templates go to a fresh cache folder, so the first call below compiles
    monkeypatch_module.setenv("DEFDIP_HOME", str(tmp_path_factory.mktemp("home")))
    return Context(built_store.path)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _templates() -> list[str]:
    folder = compiled.cache_dir()
    return sorted(p.name for p in folder.rglob("focal_panel-*.json")) if folder.is_dir() \
        else []


def test_warm_compiles_the_templates_every_state_then_uses(ctx) -> None:
    with ctx.reading() as store:
        assert _templates() == []
        made = warm(store)
        assert made[0] == "TUR" and len(made) == 2  # one curated state, one other
        kept = _templates()
        assert len(kept) == 2
        for iso3, ccode in (("TUR", 640), ("PAK", 770), ("NGA", 475), ("GRC", 350)):
            focal = Focal(ccode, iso3, iso3)
            fast = _focal_panel(store, focal, 1990, 2020, _VERBS)
            slow = _panel(create_dyad_years(store, start=1990, end=2020, directed=True),
                          ccode, _VERBS, record_scope(focal)).to_pandas()
            pd.testing.assert_frame_equal(fast, slow, check_exact=True)
            assert len(fast) and set(fast["ccode_1"]) == {ccode}
        # 1990-2020 is another shape than the brief's: two more templates, then reused
        assert len(_templates()) == 4
