"""The report's comparison figures: stated donor pools, weights and pool tables, no degenerate
p-values, and the burglary multiverse (real data from the offline mirror)."""

from __future__ import annotations

import numpy as np
import pytest

from cosie_analysis.estimate.pools import WADDEN_ISLANDS

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def context(real_data_dir):
    import os

    from cosie_analysis.report.figures import report_context

    old = os.environ.get("COSIE_DATA_DIR")
    os.environ["COSIE_DATA_DIR"] = str(real_data_dir)
    try:
        yield report_context()
    finally:
        if old is None:
            os.environ.pop("COSIE_DATA_DIR")
        else:
            os.environ["COSIE_DATA_DIR"] = old


def test_synthetic_control_tables_state_the_pool_and_no_degenerate_p(context, use_real_data):
    from cosie_analysis.report.figures import report_figure

    out = report_figure("synthetic_control_burglary", lang="nl", context=context)
    summary = out.tables["synthetic_control_burglary"]
    assert set(summary["method"]) == {"synthetic_control", "synthetic_did"}
    assert summary["pool_rule"].eq("urbanity±1; population×0.5–2; no Wadden islands").all()
    exact = summary["test_note"] == "exact_pre_fit"
    assert summary.loc[exact, "p_value"].isna().all()  # no ratio p-value on an exact pre-period fit
    assert summary.loc[~exact, "p_value"].between(0, 1).all() and summary["p_post"].between(0, 1).all()
    weights = out.tables["synthetic_control_burglary_weights"]
    assert not set(weights["donor"]) & set(WADDEN_ISLANDS)
    sums = weights.groupby(["method", "treated"])["weight"].sum()
    np.testing.assert_allclose(sums, 1.0, atol=1e-6)
    pool = out.tables["synthetic_control_burglary_pool"]
    kept = pool[pool["kept"]]
    assert set(weights["donor"]) <= set(kept["region_code"])
    assert (kept["population"] > 10_000).all()  # no tiny villages
    assert pool.loc[pool["reason"] == "island", "reason_text"].eq("Waddeneiland").all()


def test_multiverse_figure_has_both_pilots(context, use_real_data):
    from cosie_analysis.report.figures import report_figure

    out = report_figure("multiverse_burglary", lang="en", context=context)
    table = out.tables["multiverse_burglary"]
    # yearly data: the three phase schemes split the years alike under each rule, so 40 distinct
    # analyses per town (5 estimators x families/pools x 2 rules x 2 scales), not 120
    assert table.groupby("treated").size().to_dict() == {"GM0321": 40, "GM0356": 40}
    assert set(table["scheme"]) == {"measures = support = lifted"}
    assert len(out.fig.axes) == 4


def test_exact_pre_fit_is_said_on_the_panel(context, use_real_data):
    from cosie_analysis.data.regions import PILOTS
    from cosie_analysis.report.figures import report_figure

    out = report_figure("synthetic_control_burglary", lang="en", context=context)
    summary = out.tables["synthetic_control_burglary"]
    sc = summary[summary["method"] == "synthetic_control"]
    paths = out.fig.axes[0::2]  # left column: observed against synthetic, one row per town
    for ax, town in zip(paths, PILOTS, strict=True):
        exact = (sc.loc[sc["treated"] == town, "test_note"] == "exact_pre_fit").any()
        notes = [t.get_text() for t in ax.texts if t.get_gid() == "note:exact_pre_fit"]
        assert len(notes) == int(exact), town
    assert any(t.get_gid() == "note:exact_pre_fit" for ax in paths for t in ax.texts), "Nieuwegein's fit is exact"


def test_phase_comparison_draws_no_interval_below_zero_nor_on_two_years(context, use_real_data):
    from cosie_analysis.report.figures import report_figure

    out = report_figure("pilot_phase_comparison", lang="nl", context=context)
    table = out.tables["pilot_phase_comparison"]
    assert (table.loc[table["phase"] == "during", "n"] == 2).all()  # why the figure leaves those out
    for ax in out.fig.axes:
        for container in ax.containers:
            segments = [s for s in container.lines[2][0].get_segments() if s.size and np.isfinite(s).all()]
            assert len(segments) == 2  # before and after; not during (two years)
            assert min(s[:, 1].min() for s in segments) >= 0
        assert ax.get_ylim()[0] == 0
        assert sum(str(line.get_gid()).startswith("values:") for line in ax.get_lines()) == len(ax.containers) == 4
