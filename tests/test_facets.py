"""plot_facets: seaborn small multiples with the phases shaded (synthetic data, labelled as such)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.facets import plot_facets


@pytest.fixture
def synthetic_panel():
    """SYNTHETIC: two indicators x three regions x 9 years, value = 10*indicator + region + year index."""
    years = pd.period_range("2015", "2023", freq="Y")
    regions = [("GM0321", "Houten"), ("GM0356", "Nieuwegein"), ("GM0344", "Utrecht")]
    rows = []
    for a, ind in enumerate(["crime_a_per_1000", "crime_b_per_1000"]):
        for r, (code, name) in enumerate(regions):
            for i, p in enumerate(years):
                rows.append({"indicator": ind, "label_nl": f"Misdrijven: soort {'AB'[a]}, per 1.000 inwoners",
                             "label_en": f"Crime: type {'AB'[a]}, per 1,000 inhabitants", "region_code": code,
                             "region_name": name, "period_start": p.start_time,
                             "period_end": p.end_time.normalize(), "value": 10.0 * a + r + i})
    return pd.DataFrame(rows)


def test_one_panel_per_indicator_one_line_per_region_with_the_values(synthetic_panel):
    before = synthetic_panel.copy()
    grid = plot_facets(synthetic_panel, lang="nl")
    pd.testing.assert_frame_equal(synthetic_panel, before)
    assert sorted(grid.axes_dict) == ["crime_a_per_1000", "crime_b_per_1000"]
    ax = grid.axes_dict["crime_b_per_1000"]
    series = [line for line in ax.get_lines() if len(line.get_ydata()) == 9]
    assert len(series) == 3
    expected = [10.0 + r + np.arange(9) for r in range(3)]
    got = sorted((np.asarray(line.get_ydata(), dtype=float) for line in series), key=lambda y: y[0])
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)
    # the shared words of the titles are said once, on the figure's y-axis
    assert ax.get_title() == "Soort B"
    assert grid.figure._supylabel.get_text() == "Misdrijven per 1.000 inwoners"
    assert [t.get_text() for t in grid.legend.texts] == ["Houten", "Nieuwegein", "Utrecht"]
    assert any(str(p.get_gid()).startswith("phase:during") for p in ax.patches)


def test_english_titles_and_an_unknown_column(synthetic_panel):
    grid = plot_facets(synthetic_panel, lang="en")
    assert grid.axes_dict["crime_a_per_1000"].get_title() == "Type A"
    with pytest.raises(ParameterError, match=r"plot_facets\(\): column\(s\) not found in `data`: `col`='wijk'"):
        plot_facets(synthetic_panel, col="wijk")
    with pytest.raises(ParameterError, match="`lang` must be one of"):
        plot_facets(synthetic_panel, lang="de")
