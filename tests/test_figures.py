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

from cosie_analysis.report.export import save_figure, save_table
from cosie_analysis.plotting import plot_phase_comparison, plot_ranking, plot_timeseries
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
    series = [l for l in ax.get_lines() if str(l.get_gid()).startswith("series:")]
    assert [l.get_gid() for l in series] == ["series:GM0321", "series:GM0356", "series:NL00"]
    assert [l.get_label() for l in series] == ["Houten", "Nieuwegein", "Netherlands"]
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
    provenance = {"source_tables": ["47018NED"], "data_sha256": "ab" * 32, "phase_scheme": "measures", "phase_rule": "majority"}
    digests = []
    for run in range(2):
        files = save_figure(_demo_figure(), "demo_nl", source="CBS/Politie, tabel 47018NED", provenance=provenance, published=True,
                            out_dir=tmp_path / f"run{run}")
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
    table = pd.DataFrame({"region": ["Houten", "Nieuwegein"], "estimate": [1.23456, -2.5], "p_value": [0.01234, 0.5],
                          "n": [5, 6], "missing": [np.nan, 1.5]})
    before = table.copy()
    csv, tex, md = save_table(table, "demo", lang="nl", caption="Demo", source="CBS", published=True, out_dir=tmp_path)
    pd.testing.assert_frame_equal(table, before)
    assert csv.read_text().splitlines() == ["region,estimate,p_value,n,missing", "Houten,1.23,0.012,5,",
                                            "Nieuwegein,-2.5,0.5,6,1.5"]
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
        assert hashlib.sha256(path.read_bytes()).hexdigest() == hashlib.sha256(
            (tmp_path / "a" / path.parent.name / path.name).read_bytes()).hexdigest(), path.name
    assert len(first) > len(second)


@pytest.mark.realdata
def test_partial_runs_keep_the_index_complete_and_schemes_apart(real_data_dir, tmp_path, monkeypatch):
    from cosie_analysis.report.build import build_report

    monkeypatch.setenv("COSIE_DATA_DIR", str(real_data_dir))
    build_report(out_dir=tmp_path, names=["corona_timeline", "liveability_nijpels"], progress=False)
    build_report(out_dir=tmp_path, names=["corona_timeline"], langs=["en"], progress=False)
    build_report(out_dir=tmp_path, names=["liveability_nijpels"], langs=["en"], scheme="support", progress=False)
    index = (tmp_path / "index.md").read_text()
    for stem in ("corona_timeline_nl", "corona_timeline_en", "liveability_nijpels_nl", "liveability_nijpels_en",
                 "liveability_nijpels_en__support-majority"):
        assert f"- figure `{stem}`" in index, stem
    assert "scheme `support`" in index and "scheme `measures`" in index
    default = (tmp_path / "figures" / "liveability_nijpels_en.svg").read_text()
    assert '"phase_scheme": "measures"' in default.replace("&quot;", '"'), "the default set was overwritten"
    assert (tmp_path / "tables" / "liveability_nijpels_en__support-majority.csv").is_file()


def test_provisional_values_get_open_symbols():
    data = _series(codes=("GM0321",)).assign(status="definitive")
    data.loc[data["period"].isin(["2022JJ00", "2023JJ00"]), "status"] = "provisional"
    ax = plot_timeseries(data, lang="nl")
    (open_line,) = [l for l in ax.get_lines() if l.get_gid() == "provisional:GM0321"]
    assert len(open_line.get_xdata()) == 2 and open_line.get_markerfacecolor() == "white"
    assert "voorlopig (open symbool)" in ax.get_legend_handles_labels()[1]
