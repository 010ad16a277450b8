"""Palettes: colour-blind-safe default, greyscale that survives print, user mappings."""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from synthetic import yearly_panel

import cosie_analysis as ca
from cosie_analysis.errors import ParameterError
from cosie_analysis.plotting import draw_phases, phase_legend_handles, plot_phase_comparison, plot_timeseries
from cosie_analysis.style import region_style
from cosie_analysis.style.palette import active_palette, get_palette, region_styles

FIVE = ["SY0003", "SY0004", "SY0005", "SY0006", "SY0007"]


def _panel(codes=("GM0321", "GM0356", *FIVE)):
    panel = yearly_panel(seed=3, n_units=len(codes))
    mapping = {f"SY{i + 1:04d}": c for i, c in enumerate(codes)}
    panel["region_code"] = panel["region_code"].map(mapping)
    panel["region_name"] = panel["region_code"].map(lambda c: f"Regio {c} (synthetisch)")
    return panel


def _series(ax):
    return {
        ln.get_gid().removeprefix("series:"): ln for ln in ax.get_lines() if str(ln.get_gid()).startswith("series:")
    }


@pytest.mark.parametrize("palette", ["okabe-ito", "grey"])
def test_five_comparison_regions_are_distinct_and_named(palette):
    panel = _panel()
    before = panel.copy()
    ax = plot_timeseries(panel, palette=palette)
    pd.testing.assert_frame_equal(panel, before)
    lines = _series(ax)
    looks = {(mcolors.to_hex(ln.get_color()), str(ln.get_linestyle()), ln.get_marker()) for ln in lines.values()}
    assert len(looks) == 7, "two pilots and five further regions, each its own colour/line style/marker"
    markers = {lines[c].get_marker() for c in FIVE}
    assert len(markers) == 5
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:2] == ["Regio GM0321 (synthetisch)", "Regio GM0356 (synthetisch)"], "pilots first"
    assert sorted(labels[2:]) == [f"Regio {c} (synthetisch)" for c in FIVE], "legends use region names"


def test_grey_palette_is_grey_and_hatches_the_phases():
    ax = plot_timeseries(_panel(), palette="grey")
    for ln in _series(ax).values():
        r, g, b, _ = mcolors.to_rgba(ln.get_color())
        assert r == g == b, "greyscale lines only"
    spans = {p.get_gid(): p for p in ax.patches if str(p.get_gid()).startswith("phase:")}
    assert spans["phase:during"].get_hatch() and spans["phase:after"].get_hatch()
    assert spans["phase:during"].get_hatch() != spans["phase:after"].get_hatch()
    for patch in spans.values():
        r, g, b, _ = mcolors.to_rgba(patch.get_facecolor())
        assert r == g == b
    handles = phase_legend_handles("nl", palette="grey")
    assert [bool(h.get_hatch()) for h in handles] == [False, True, True]


def test_report_style_sets_the_palette_for_the_block_only():
    assert active_palette().name == "okabe-ito"
    with ca.report_style(palette="grey"):
        assert region_style("GM0321")["color"] == "#000000"
        ax = plot_timeseries(_panel())
        assert mcolors.to_hex(_series(ax)["GM0356"].get_color()) == "#000000"
        fig, ax2 = plt.subplots()
        ax2.plot(pd.to_datetime(["2019-01-01", "2023-12-31"]), [0, 1])
        draw_phases(ax2)
        assert [p.get_hatch() for p in ax2.patches] == [None, "////", "."]
    assert active_palette().name == "okabe-ito"
    assert region_style("GM0321")["color"] == "#0072B2"


def test_user_mapping_overrides_and_keeps_the_rest():
    ax = plot_timeseries(_panel(), palette={"SY0003": "#123456", "houten": {"linestyle": ":"}})
    lines = _series(ax)
    assert mcolors.to_hex(lines["SY0003"].get_color()) == "#123456"
    assert lines["GM0321"].get_linestyle() == ":" and mcolors.to_hex(lines["GM0321"].get_color()) == "#0072b2"
    with pytest.raises(ParameterError, match=r"`palette` must be one of \['grey', 'okabe-ito'\].*got 'sepia'"):
        get_palette("sepia")


def test_more_than_eight_further_regions_become_a_grey_background():
    codes = [f"GM{9000 + i}" for i in range(9)]
    styles = region_styles(["GM0321", *codes])
    assert {styles[c]["color"] for c in codes} == {get_palette().roles["other"]["color"]}
    assert styles["GM0321"] == dict(get_palette().roles["houten"])
    eight = region_styles(codes[:8])
    assert len({(s["color"], s["marker"]) for s in eight.values()}) == 8


def test_phase_comparison_uses_palette_and_names():
    panel = _panel(("GM0321", "SY0003", "SY0004"))
    result = ca.phase_summary(panel, by=("region_code",))
    data = result.plot_data().merge(panel[["region_code", "region_name"]].drop_duplicates(), on="region_code")
    ax = plot_phase_comparison(data, palette="grey")
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["Regio GM0321 (synthetisch)", "Regio SY0003 (synthetisch)", "Regio SY0004 (synthetisch)"]
