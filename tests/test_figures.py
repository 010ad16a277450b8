"""Figures and tables: axes-level plots return what they drew; exports are byte-stable, with embedded
TrueType fonts, SVG text kept as text, provenance in the metadata, and the source line."""

from __future__ import annotations

import hashlib
import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cosie_analysis.plotting import plot_phase_comparison, plot_ranking, plot_timeseries
from cosie_analysis.report.export import save_figure, save_table
from cosie_analysis.style import format_number, number_formatter, region_style


def _series(codes=("GM0321", "GM0356", "NL00"), years=range(2015, 2024)):
    rows = []
    for i, code in enumerate(codes):
        for y in years:
            rows.append({"region_code": code, "period": f"{y}JJ00", "period_start": pd.Timestamp(f"{y}-01-01"),
                         "period_end": pd.Timestamp(f"{y}-12-31"), "value": float(i + y - 2015)})
    return pd.DataFrame(rows)


def test_format_number_dutch_and_english():
    assert format_number(1234567.891, 2, "nl") == "1.234.567,89"
    assert format_number(1234567.891, 2, "en") == "1,234,567.89"
    assert format_number(-0.5, 1, "nl") == "\u22120,5"
    assert format_number(float("nan")) == "."
    f = number_formatter("nl")
    f.set_locs([0, 2.5, 5.0])
    assert [f(v) for v in (0, 2.5, 5.0)] == ["0,0", "2,5", "5,0"]


def test_plot_timeseries_draws_one_styled_line_per_region():
    data = _series()
    before = data.copy()
    ax = plot_timeseries(data, lang="en", ylabel="offences per 1,000 inhabitants")
    pd.testing.assert_frame_equal(data, before)
    series = [line for line in ax.get_lines() if str(line.get_gid()).startswith("series:")]
    assert [line.get_gid() for line in series] == ["series:GM0321", "series:GM0356", "series:NL00"]
    assert [line.get_label() for line in series] == ["Houten", "Nieuwegein", "Netherlands"]
    assert series[0].get_color() == region_style("GM0321")["color"]
    # yearly values sit in the middle of their year
    x = series[0].get_xdata()
    assert pd.Timestamp(x[0]).strftime("%m-%d") == "07-02"
    assert ax.get_ylabel() == "offences per 1,000 inhabitants"
    spans = [p for p in ax.patches if str(p.get_gid()).startswith("phase:")]
    assert {p.get_gid() for p in spans} == {"phase:before", "phase:during", "phase:after"}
    assert {t.get_text() for t in ax.texts if str(t.get_gid()).startswith("phase_label")} == {
        "before corona", "during corona", "after corona"}


def test_plot_phase_comparison_positions_and_intervals():
    frame = pd.DataFrame({"region_code": ["GM0321"] * 3 + ["NL"] * 3, "phase": ["before", "during", "after"] * 2,
                          "mean": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "mean_ci_lower": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
                          "mean_ci_upper": [1.5, 2.5, 3.5, 4.5, 5.5, 6.5]})
    ax = plot_phase_comparison(frame, lang="nl")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["vóór\ncorona", "tijdens\ncorona", "na\ncorona"]
    handles, names = ax.get_legend_handles_labels()
    assert names == ["Houten", "Nederland"]
    houten = [c for c in ax.containers if c.get_label() == "Houten"][0]
    assert np.allclose(houten.lines[0].get_ydata(), [1, 2, 3])


def test_plot_phase_comparison_draws_no_interval_below_min_n_and_shows_the_values():
    # SYNTHETIC: one region, 8 values before, 2 during, 4 after; the t interval on the two "during"
    # values (1 degree of freedom) reaches below zero and must not be drawn
    years = {"before": [2.0, 2.5, 3.0, 2.2, 2.8, 2.4, 2.6, 2.5], "during": [0.5, 2.5], "after": [2.0, 2.2, 2.4, 2.1]}
    values = pd.DataFrame([{"region_code": "GM0321", "phase": p, "value": v} for p, vs in years.items() for v in vs])
    before = values.copy()
    g = values.groupby("phase", sort=False)["value"]
    frame = pd.DataFrame({"phase": list(years), "n": g.size().to_numpy(), "mean": g.mean().to_numpy()})
    from scipy import stats

    half = stats.t.ppf(0.975, frame["n"] - 1) * g.std().to_numpy() / np.sqrt(frame["n"])
    frame = frame.assign(region_code="GM0321", mean_ci_lower=frame["mean"] - half, mean_ci_upper=frame["mean"] + half)
    assert frame.loc[1, "mean_ci_lower"] < 0  # the interval the figure must leave out
    ax = plot_phase_comparison(frame, values=values, lang="en")
    pd.testing.assert_frame_equal(values, before)
    bars = [c for c in ax.containers if c.get_label() == "Houten"][0].lines[2][0]
    segments = bars.get_segments()
    drawn = [seg for seg in segments if seg.size and np.isfinite(seg).all()]  # NaN: an empty segment
    assert len(drawn) == 2  # before (n = 8) and after (n = 4); not during (n = 2)
    assert min(seg[:, 1].min() for seg in drawn) >= 0
    np.testing.assert_allclose(sorted(seg[0, 1] for seg in drawn), sorted(frame.loc[[0, 2], "mean_ci_lower"]))
    dots = [line for line in ax.get_lines() if line.get_gid() == "values:GM0321"][0]
    np.testing.assert_allclose(dots.get_ydata(), values["value"])
    assert "_values" not in ax.get_legend_handles_labels()[1]
    everything = plot_phase_comparison(frame, min_n=2, lang="en")
    bars = [c for c in everything.containers if c.get_label() == "Houten"][0].lines[2][0]
    assert sum(bool(seg.size) and np.isfinite(seg).all() for seg in bars.get_segments()) == 3


def test_synthetic_control_paths_say_when_the_pre_fit_is_exact():
    import warnings

    import cosie_analysis as ca
    from cosie_analysis.plotting import plot_synthetic_control

    # SYNTHETIC: 12 units, 4 years before corona: 11 donors > 4 pre-periods, and SY02 (middle level)
    # lies inside the donors' hull, so its fit is exact (SY03, at the edge, is not)
    rng = np.random.default_rng(5)
    data = pd.DataFrame([{"region_code": f"SY{u:02d}", "period": f"{y}JJ00", "value": 10 + u % 5 + rng.normal()}
                         for u in range(12) for y in range(2016, 2024)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        res = ca.synthetic_control(data, treated="SY02")
    assert (res.summary()["test_note"] == "exact_pre_fit").all()
    # the ratio divides by a floor, not by a fit error: no ratio, rank or p-value to misread
    assert res.summary()[["rmspe_ratio", "rank", "p_value"]].isna().all().all()
    notes = [t for t in plot_synthetic_control(res, lang="nl").texts if t.get_gid() == "note:exact_pre_fit"]
    assert len(notes) == 1 and notes[0].get_text().startswith("exacte pre-fit: meer donors (11)")
    assert "perioden vóór corona (4)" in notes[0].get_text()
    gaps = plot_synthetic_control(res, kind="gaps", lang="nl")
    assert not [t for t in gaps.texts if t.get_gid() == "note:exact_pre_fit"]  # the note sits on the paths
    with warnings.catch_warnings():  # same donors, a unit at the edge of their hull: no exact fit, no note
        warnings.simplefilter("ignore", UserWarning)
        res = ca.synthetic_control(data, treated="SY03")
    assert (res.summary()["test_note"] != "exact_pre_fit").all()
    assert not [t for t in plot_synthetic_control(res, lang="en").texts if t.get_gid() == "note:exact_pre_fit"]
    plt.close("all")


def test_plot_ranking_highlights_the_pilots():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"region_code": [f"GM{i:04d}" for i in range(300, 400)], "value": rng.normal(size=100)})
    data.loc[21, "region_code"], data.loc[56, "region_code"] = "GM0321", "GM0356"
    ax = plot_ranking(data, lang="en", xlabel="change")
    gids = {c.get_gid() for c in ax.collections}
    assert {"all_units", "highlight:GM0321", "highlight:GM0356"} <= gids
    rank_houten = int((data["value"] > data.loc[21, "value"]).sum()) + 1
    assert any(t.get_text() == f"Houten: {rank_houten} / 100" for t in ax.texts)


def _demo_figure():
    fig, ax = plt.subplots(layout="constrained")
    plot_timeseries(_series(), lang="nl", ylabel="misdrijven per 1.000 inwoners", ax=ax)
    return fig


def test_save_figure_is_byte_stable_and_carries_provenance(tmp_path):
    provenance = {
        "source_tables": ["47018NED"],
        "data_sha256": "ab" * 32,
        "phase_scheme": "measures",
        "phase_rule": "majority",
    }
    digests = []
    for run in range(2):
        files = save_figure(
            _demo_figure(),
            "demo_nl",
            source="CBS/Politie, tabel 47018NED",
            provenance=provenance,
            published=True,
            out_dir=tmp_path / f"run{run}",
        )
        digests.append([hashlib.sha256(p.read_bytes()).hexdigest() for p in files])
        plt.close("all")
    assert digests[0] == digests[1]
    pdf = (tmp_path / "run0" / "demo_nl.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"/Subtype /Type3" not in pdf, "PDF fonts must be embedded TrueType"
    assert b"/CreationDate" not in pdf
    svg = (tmp_path / "run0" / "demo_nl.svg").read_text()
    assert "<text" in svg and "Bron: CBS/Politie, tabel 47018NED" in svg, "SVG text must stay text"
    meta = re.search(r"<dc:description>(.*?)</dc:description>", svg, re.S).group(1)
    assert json.loads(meta.replace("&quot;", '"'))["phase_scheme"] == "measures"
    from PIL import Image

    with Image.open(tmp_path / "run0" / "demo_nl.png") as png:
        assert round(png.info["dpi"][0]) == 300
        assert json.loads(png.info["Description"])["source_tables"] == ["47018NED"]
        assert abs(png.size[0] - 160 / 25.4 * 300) <= 1  # 160 mm at 300 dpi


def test_save_table_rounds_and_localises(tmp_path):
    table = pd.DataFrame(
        {
            "region": ["Houten", "Nieuwegein"],
            "estimate": [1.23456, -2.5],
            "p_value": [0.01234, 0.5],
            "n": [5, 6],
            "missing": [np.nan, 1.5],
        }
    )
    before = table.copy()
    csv, tex, md = save_table(table, "demo", lang="nl", caption="Demo", source="CBS", published=True, out_dir=tmp_path)
    pd.testing.assert_frame_equal(table, before)
    assert csv.read_text().splitlines() == [
        "region,estimate,p_value,n,missing",
        "Houten,1.23,0.012,5,",
        "Nieuwegein,-2.5,0.5,6,1.5",
    ]
    text = md.read_text()
    assert "| Houten     |        1,23 |      0,012 |   5 |           |" in text  # not available: empty, not "."
    assert text.rstrip().endswith("Bron: CBS")
    latex = tex.read_text()
    assert "\\toprule" in latex and "\\bottomrule" in latex and "-2,50" in latex and "p-waarde & " in latex


@pytest.mark.realdata
def test_report_builds_every_figure_and_is_byte_stable(real_data_dir, tmp_path, monkeypatch):
    """The whole report on the real data, in both languages, twice: identical bytes."""
    from cosie_analysis.report.build import build_report
    from cosie_analysis.report.figures import FIGURES

    monkeypatch.setenv("COSIE_DATA_DIR", str(real_data_dir))
    first = build_report(out_dir=tmp_path / "a")
    index = (tmp_path / "a" / "index.md").read_text()
    for name in FIGURES:
        for lang in ("nl", "en"):
            for fmt in ("pdf", "svg", "png"):
                assert (tmp_path / "a" / "figures" / f"{name}_{lang}.{fmt}").is_file()
        assert f"## {name}" in index
    again = ["national_burglary_its", "liveability_nijpels", "corona_timeline"]
    second = build_report(out_dir=tmp_path / "b", names=again)
    for path in second:
        if path.name == "index.md":
            continue
        assert (
            hashlib.sha256(path.read_bytes()).hexdigest()
            == hashlib.sha256((tmp_path / "a" / path.parent.name / path.name).read_bytes()).hexdigest()
        ), path.name
    assert len(first) > len(second)


@pytest.mark.realdata
def test_partial_runs_keep_the_index_complete_and_schemes_apart(real_data_dir, tmp_path, monkeypatch):
    from cosie_analysis.report.build import build_report

    monkeypatch.setenv("COSIE_DATA_DIR", str(real_data_dir))
    build_report(out_dir=tmp_path, names=["corona_timeline", "liveability_nijpels"], progress=False)
    build_report(out_dir=tmp_path, names=["corona_timeline"], langs=["en"], progress=False)
    build_report(out_dir=tmp_path, names=["liveability_nijpels"], langs=["en"], scheme="support", progress=False)
    index = (tmp_path / "index.md").read_text()
    for stem in (
        "corona_timeline_nl",
        "corona_timeline_en",
        "liveability_nijpels_nl",
        "liveability_nijpels_en",
        "liveability_nijpels_en__support-majority",
    ):
        assert f"- figure `{stem}`" in index, stem
    assert "scheme `support`" in index and "scheme `measures`" in index
    default = (tmp_path / "figures" / "liveability_nijpels_en.svg").read_text()
    assert '"phase_scheme": "measures"' in default.replace("&quot;", '"'), "the default set was overwritten"
    assert (tmp_path / "tables" / "liveability_nijpels_en__support-majority.csv").is_file()


def test_provisional_values_get_open_symbols():
    data = _series(codes=("GM0321",)).assign(status="definitive")
    data.loc[data["period"].isin(["2022JJ00", "2023JJ00"]), "status"] = "provisional"
    ax = plot_timeseries(data, lang="nl")
    (open_line,) = [line for line in ax.get_lines() if line.get_gid() == "provisional:GM0321"]
    assert len(open_line.get_xdata()) == 2 and open_line.get_markerfacecolor() == "white"
    assert "voorlopig (open symbool)" in ax.get_legend_handles_labels()[1]
