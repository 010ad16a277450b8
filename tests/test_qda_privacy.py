"""Privacy of what the coded narratives and the joint display show: counts of stories and the pilot
register's counts of people pass the same disclosure rules as tables, in text, figures and exports.

Every register and project here is generated in the test (SYNTHETIC); some are written without their
synthetic flag, to exercise the path real data take. None is real data.
"""

from __future__ import annotations

import dataclasses
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cosie_analysis.errors import DisclosureError, ParameterError
from cosie_analysis.pilot.register import register_to_observations, synthetic_register
from cosie_analysis.qda.example import write_example_qdpx
from cosie_analysis.qda.read import read_codings
from cosie_analysis.qda.themes import co_occurrence, theme_frequencies
from cosie_analysis.report.disclosure import check_exportable, protect_series, round_to_base
from cosie_analysis.report.joint_display import joint_display, plot_joint_display, protected_themes
from cosie_analysis.words import format_number


@pytest.fixture(scope="module")
def codings(tmp_path_factory):
    return read_codings(write_example_qdpx(tmp_path_factory.mktemp("qda") / "e.qdpx", seed=3, per_phase=40))


@pytest.fixture(scope="module")
def unmarked(codings):
    """The same stories as if they were a real export (not marked synthetic)."""
    return dataclasses.replace(codings, synthetic=False)


def _register_csv(folder, seed=21):
    """A register file as a user would place it: generated, but WITHOUT the synthetic flag."""
    frame = synthetic_register("houten", seed=seed).drop(columns="synthetic")
    path = folder / "raw" / "pilot" / "houten.csv"
    path.parent.mkdir(parents=True)
    frame.to_csv(path, index=False)
    return frame


# --------------------------------------------------------------------------- the joint display's register series


def test_houten_joint_display_draws_protected_register_counts(tmp_path, monkeypatch, codings):
    monkeypatch.setenv("COSIE_DATA_DIR", str(tmp_path))
    frame = _register_csv(tmp_path)
    # independently: job matches per quarter, straight from the register rows
    m = frame[frame["measure"] == "matches"]
    quarters = pd.PeriodIndex(pd.to_datetime(m["period"]), freq="Q").value_counts().sort_index()
    quarters = quarters.reindex(pd.period_range("2018Q1", "2023Q4", freq="Q"), fill_value=0)
    small = quarters.between(1, 9).to_numpy()
    expected = np.where(small, np.nan, round_to_base(quarters.to_numpy()))

    out = joint_display(codings, pilot="houten", lang="en")
    top = out.fig.axes[0]
    (line,) = [x for x in top.get_lines() if x.get_gid() == "series:indicator"]
    drawn = np.asarray(line.get_ydata(), dtype=float)
    np.testing.assert_array_equal(drawn, expected)
    assert small.any() and np.nanmin(drawn) >= 10 and np.all(np.nan_to_num(drawn) % 5 == 0)
    marks = [c for c in top.collections if c.get_gid() == "suppressed"]
    assert len(marks) == 1 and len(marks[0].get_offsets()) == small.sum()
    assert top.get_ylabel() == "job matches per quarter"
    assert out.published is False and out.data is not None and (out.data["frequency"] == "quarter").all()
    assert out.data.attrs["pilot_register"]["person_level"] and not out.data.attrs["pilot_register"]["synthetic"]
    check_exportable(out.data, published=False)  # passes: protected
    with pytest.raises(DisclosureError, match="published=True, but the table holds rows from a pilot register"):
        check_exportable(out.data, published=True)
    from cosie_analysis.report.export import save_figure

    # what the report build does with it: saved as unpublished, with the protected series checked and noted
    with pytest.raises(DisclosureError, match="published=True, but the table holds rows from a pilot register"):
        save_figure(out.fig, "jd_en", data=out.data, published=True, formats=("png",), out_dir=tmp_path / "f")
    (png,) = save_figure(out.fig, "jd_en", source=out.source, data=out.data, published=out.published, lang="en",
                         formats=("png",), out_dir=tmp_path / "f")
    source_line = next(t.get_text() for t in out.fig.texts if t.get_gid() == "source_line")
    assert png.is_file() and "rounded to a multiple of 5" in source_line.replace("\n", " ")
    plt.close(out.fig)


def test_figure_path_refuses_unprotected_register_counts(tmp_path, codings):
    frame = synthetic_register("houten", seed=4).drop(columns="synthetic")
    obs = register_to_observations(frame, source_name="houten.csv")
    monthly = obs[obs["indicator"].str.startswith("pilot_matches")].groupby(
        ["period", "period_start", "period_end", "region_code", "source_table"], as_index=False)["value"].sum()
    monthly.attrs = obs.attrs
    with pytest.raises(DisclosureError) as err:
        plot_joint_display(codings, monthly, pilot="houten", ylabel="x")
    assert str(err.value) == (
        "plot_joint_display(): `indicator` holds counts of people from a pilot register that were not protected. "
        "Rule: a count from 1 to 9 is not drawn and every other count is rounded to a multiple of 5, in figures as "
        "in tables. Pass cosie_analysis.report.disclosure.protect_series(indicator), which also sums months into "
        "quarters or years where they are too small.")
    # a `disclosure` column pasted on does not pass for protection
    faked = monthly.assign(disclosure="shown")
    with pytest.raises(DisclosureError, match="not multiples of 5 of at least 10"):
        plot_joint_display(codings, faked, pilot="houten", ylabel="x")
    plt.close("all")


def test_protect_series_sums_into_coarser_periods_only_when_needed():
    months = pd.period_range("2019-01", "2020-12", freq="M")
    base = pd.DataFrame({"period_start": months.start_time, "period_end": months.end_time.normalize(),
                         "region_code": "PILOT_HOUTEN"})  # SYNTHETIC
    big = base.assign(value=np.arange(24) + 20)
    copy = big.copy(deep=True)
    out = protect_series(big)
    pd.testing.assert_frame_equal(big, copy)
    assert (out["frequency"] == "month").all() and len(out) == 24
    np.testing.assert_array_equal(out["value"], round_to_base(np.arange(24) + 20))
    small = base.assign(value=np.tile([1, 2, 4], 8))  # 7 a quarter: quarters too small, years 28
    out = protect_series(small)
    assert out["period"].tolist() == ["2019JJ00", "2020JJ00"] and out["value"].tolist() == [30.0, 30.0]
    assert out["n_periods"].tolist() == [12, 12] and (out["disclosure"] == "shown").all()
    tiny = base.iloc[:2].assign(value=[1, 2])  # even the year is too small: suppressed, never shown
    out = protect_series(tiny)
    assert out["value"].isna().all() and out["disclosure"].tolist() == ["primary"]
    yearly = pd.DataFrame({"period_start": pd.to_datetime(["2019-01-01"]), "period_end": pd.to_datetime(["2019-12-31"]),
                           "value": [40]})
    assert protect_series(yearly)["frequency"].tolist() == ["year"]  # never split into months
    with pytest.raises(ParameterError, match="`max_suppressed` must lie between 0 and 1"):
        protect_series(big, max_suppressed=2)


# --------------------------------------------------------------------------- describe(), plot() and exports of stories


@pytest.mark.parametrize("which", ["synthetic", "unmarked"])
def test_theme_describe_quotes_only_protected_numbers(which, codings, unmarked):
    data = codings if which == "synthetic" else unmarked
    tf = theme_frequencies(data)
    text = tf.describe("en")
    assert text.startswith("[SYNTHETIC DATA] ") == (which == "synthetic")
    prot = protected_themes(tf)
    for pilot, sentence in zip(("houten", "nieuwegein"), text.split(" stories (")[1:], strict=True):
        theme = re.search(r"'([^']+)'", sentence).group(1)
        rows = prot[(prot["pilot"] == pilot) & (prot["theme"] == theme)].set_index("phase")
        shares = [f"{100 * rows.loc[ph, 'share']:.0f}%" if np.isfinite(rows.loc[ph, "share"]) else "."
                  for ph in ("before", "during", "after")]
        assert f"in {shares[0]} of the stories before corona, {shares[1]} during and {shares[2]} after" in sentence
        diff = 100 * (rows.loc["during", "share"] - rows.loc["before", "share"])
        assert ("+" if diff > 0 else "") + format_number(diff, 0, "en") + " percentage points" in sentence
    totals = prot[prot["phase"] == "total"].drop_duplicates("pilot")["n_sources"].astype(int).tolist()
    assert re.findall(r"(\d+) stories \(", text) == [str(n) for n in totals]
    quoted = set(re.findall(r"(\d+)%", text))  # no unprotected share slips through
    assert quoted and quoted <= {f"{100 * v:.0f}" for v in prot["share"].dropna()}


def test_too_few_stories_say_so_instead_of_a_share(tmp_path):
    few = read_codings(write_example_qdpx(tmp_path / "few.qdpx", seed=1, per_phase=3))
    tf = theme_frequencies(dataclasses.replace(few, synthetic=False))
    assert tf.describe("en") == ("< 10 stories (Houten), each story counted once per theme. Houten: too few stories "
                                 "per phase to show the share of any theme before and during corona. < 10 stories "
                                 "(Nieuwegein), each story counted once per theme. Nieuwegein: too few stories per "
                                 "phase to show the share of any theme before and during corona.")
    co = co_occurrence(dataclasses.replace(few, synthetic=False))
    assert co.describe("en") == ("Houten: no two themes occur together in enough stories to show. Nieuwegein: no two "
                                 "themes occur together in enough stories to show.")


def test_co_occurrence_describe_and_plot_show_protected_counts(unmarked):
    co = co_occurrence(unmarked)
    text = co.describe("en")
    prot = co.protected()
    for pilot, a, b, n, total in re.findall(r"(\w+): '([^']+)' and '([^']+)' occur together most often, in (\d+) of "
                                            r"(\d+) stories", text):
        rows = prot[prot["pilot"] == pilot.lower()]
        assert float(n) == rows["n_both"].max() and float(total) == rows["n_sources"].iloc[0]
        assert float(n) % 5 == 0 and float(total) % 5 == 0
        top = rows[rows["n_both"] == rows["n_both"].max()].sort_values(["theme_a", "theme_b"]).iloc[0]
        assert (a, b) == (top["theme_a"], top["theme_b"])
    ax = co.plot(pilot="houten", lang="en")
    shown = [t.get_text() for t in ax.texts]
    raw = co.summary()
    raw = raw[raw["pilot"] == "houten"]
    assert sorted(shown) == sorted("." if np.isnan(v) else f"{v:.0f}" for v in prot.loc[prot["pilot"] == "houten",
                                                                                          "n_both"])
    assert (raw["n_both"].between(1, 9)).any() and "." in shown
    plt.close(ax.figure)


def test_theme_plot_draws_protected_shares(unmarked):
    tf = theme_frequencies(unmarked)
    ax = tf.plot(pilot="houten", lang="en")
    prot = protected_themes(tf)
    prot = prot[(prot["pilot"] == "houten") & (prot["phase"] != "total")]
    for phase in ("before", "during", "after"):
        (line,) = [x for x in ax.get_lines() if x.get_gid() == f"share:{phase}"]
        want = prot[prot["phase"] == phase].set_index("theme")["share"]
        themes = sorted(prot["theme"].unique(), reverse=True)
        drawn = pd.Series(np.asarray(line.get_xdata(), dtype=float),
                          index=[themes[round(float(y))] for y in line.get_ydata()])
        np.testing.assert_allclose(drawn.sort_index(), want.sort_index())
    assert ax.containers == []  # no intervals of the raw counts
    plt.close(ax.figure)


def test_story_count_tables_are_refused_unprotected(unmarked, codings):
    tf = theme_frequencies(unmarked)
    for table in (tf.summary(), tf.changes(), co_occurrence(unmarked).summary()):
        with pytest.raises(DisclosureError, match="Refusing to export an unprotected table of person-level counts"):
            check_exportable(table, published=False)
    check_exportable(protected_themes(tf), published=False)
    check_exportable(co_occurrence(unmarked).protected(), published=False)
    assert "synthetic" not in protected_themes(tf).columns and protected_themes(theme_frequencies(codings))[
        "synthetic"].all()


# --------------------------------------------------------------------------- changes between phases


def test_protected_changes_reveal_no_suppressed_cell_and_equal_a_test_on_the_rounded_counts(unmarked):
    from scipy.stats import fisher_exact

    themes = theme_frequencies(unmarked)
    prot = themes.protected().set_index(["pilot", "theme", "phase"])
    shown = themes.protected_changes()
    assert "synthetic" not in shown.columns  # the unmarked copy takes the path of real stories
    raw = themes.changes()
    assert raw.attrs.get("person_level") is True  # the raw table stays with the analyst
    with pytest.raises(DisclosureError, match="Refusing to export"):
        check_exportable(raw, published=False)
    check_exportable(shown, published=False, count="n")  # the protected one may leave the project
    checked = suppressed = 0
    for r in shown.itertuples(index=False):
        later, earlier = r.contrast.split(" - ")
        k1, n1 = prot.loc[(r.pilot, r.theme, later), ["n_mentioning", "n_sources"]]
        k0, n0 = prot.loc[(r.pilot, r.theme, earlier), ["n_mentioning", "n_sources"]]
        if np.isnan(k1) or np.isnan(k0):  # a suppressed cell: nothing of the contrast is shown
            assert r.disclosure == "secondary"
            assert np.isnan([r.estimate, r.ci_lower, r.ci_upper, r.p_value, r.p_adjusted, r.n]).all()
            suppressed += 1
            continue
        assert r.disclosure == "shown"
        # independently, from the rounded counts that are shown
        assert r.estimate == pytest.approx(k1 / n1 - k0 / n0, abs=1e-12)
        assert r.p_value == pytest.approx(fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue, rel=1e-12)
        assert k1 % 5 == 0 and k0 % 5 == 0 and n1 % 5 == 0 and n0 % 5 == 0
        checked += 1
    assert checked > 0 and suppressed > 0  # the example has both kinds
    # describe() quotes the p-value of the protected test, not of the raw one
    during = shown[(shown["contrast"] == "during - before") & (shown["disclosure"] == "shown")]
    assert during["p_adjusted"].notna().all()
