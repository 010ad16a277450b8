"""The joint display and the export of theme counts: disclosure control, excerpts only on request,
SYNTHETIC watermark, identical bytes for identical inputs (all data here are SYNTHETIC)."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.qda.example import write_example_qdpx
from cosie_analysis.qda.read import read_codings
from cosie_analysis.qda.themes import theme_frequencies
from cosie_analysis.report.disclosure import DisclosureRules
from cosie_analysis.report.joint_display import (
    JointDisplayOutput,
    export_themes,
    plot_joint_display,
    protected_themes,
    qda_joint_display_houten,
    qda_joint_display_nieuwegein,
)


@pytest.fixture(scope="module")
def codings(tmp_path_factory):
    return read_codings(write_example_qdpx(tmp_path_factory.mktemp("qda") / "e.qdpx", seed=2, per_phase=25))


def yearly(values, start=2016, source="test series (SYNTHETIC)"):
    years = np.arange(start, start + len(values))
    return pd.DataFrame({"period": [f"{y}JJ00" for y in years],
                         "period_start": pd.to_datetime([f"{y}-01-01" for y in years]),
                         "period_end": pd.to_datetime([f"{y}-12-31" for y in years]), "value": values,
                         "region_code": "3431", "source_table": source})


def test_protected_theme_counts(codings):
    tf = theme_frequencies(codings)
    before = tf.summary()
    t = protected_themes(tf)
    cells = t[t["phase"] != "total"].merge(before, on=["pilot", "theme", "phase"], suffixes=("", "_true"))
    small = cells["n_mentioning_true"].between(1, 9)
    assert small.any() and cells.loc[small, "n_mentioning"].isna().all()
    assert (cells.loc[small, "disclosure"] == "primary").all()
    shown = cells["n_mentioning"].notna()
    assert (cells.loc[shown, "n_mentioning"] % 5 == 0).all()
    assert np.allclose(cells.loc[shown, "share"], cells.loc[shown, "n_mentioning"] / cells.loc[shown, "n_sources"])
    assert cells.loc[~shown, "share"].isna().all()
    # no group has exactly one suppressed entry (cells and total): differencing recovers nothing
    for _, g in t.groupby(["pilot", "theme"]):
        assert g["n_mentioning"].isna().sum() != 1
    pd.testing.assert_frame_equal(tf.summary(), before)
    loose = protected_themes(tf, rules=DisclosureRules(threshold=1, rounding_base=1))
    assert loose.loc[loose["phase"] != "total", "n_mentioning"].notna().all()


def test_joint_display_draws_every_theme_and_phase(codings):
    fig, table = plot_joint_display(codings, yearly([0.1, 0.2, 0.15, 0.3, 0.25, 0.2, 0.22]), pilot="nieuwegein",
                                    ylabel="test", lang="nl")
    top, bottom = fig.axes
    boxes = [p for p in bottom.patches if str(p.get_gid()).startswith("theme:")]
    n_themes = table["theme"].nunique()
    assert len(boxes) == 3 * n_themes
    dots = [t for t in bottom.texts if t.get_text() == "."]
    assert len(dots) == int(table["share"].isna().sum()) > 0
    labels = {t.get_text() for t in bottom.texts} - {"."}
    assert all(s.endswith("%") and "." not in s for s in labels)  # Dutch: whole percentages, no decimal point
    assert [t.get_text() for t in bottom.get_yticklabels()] == sorted(table["theme"].unique(), reverse=True)
    assert any(t.get_gid() == "synthetic" for t in fig.texts)
    line = next(ln for ln in top.get_lines() if ln.get_gid() == "series:indicator")
    assert np.allclose(line.get_ydata(), [0.1, 0.2, 0.15, 0.3, 0.25, 0.2, 0.22])
    # a box spans the days of its phase's stories
    src = codings.sources
    first = src[(src["pilot"] == "nieuwegein") & (src["phase"] == "during")]["date"].min()
    import matplotlib.dates as mdates

    box = next(p for p in boxes if p.get_gid().endswith(":during"))
    assert box.get_x() == pytest.approx(mdates.date2num(first))


def test_joint_display_is_byte_identical(codings, tmp_path):
    from cosie_analysis.report.export import save_figure
    from cosie_analysis.style import report_style

    digests = []
    for k in range(2):
        with report_style():
            fig, _ = plot_joint_display(codings, yearly([1.0, 2.0, 3.0, 2.0, 1.0, 2.0]), pilot="houten", ylabel="x",
                                        lang="en")
            files = save_figure(fig, "jd", source="test (SYNTHETIC)", lang="en", provenance={}, published=True,
                                out_dir=tmp_path / str(k))
        digests.append([hashlib.sha256(p.read_bytes()).hexdigest() for p in files])
    assert digests[0] == digests[1]


def test_excerpts_are_exported_only_on_request(codings, tmp_path):
    files = export_themes(codings, out_dir=tmp_path / "a")
    assert sorted(p.suffix for p in files) == [".csv", ".md", ".tex"]
    some_excerpt = codings.segments["excerpt"].dropna().iloc[0]
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert some_excerpt not in text and ("SYNTHETI" in text or "synthetic" in text)
    csv = pd.read_csv(tmp_path / "a" / "qda_themes.csv", na_values=".")
    assert set(csv["disclosure"]) <= {"shown", "primary", "secondary"} and csv["synthetic"].all()
    files = export_themes(codings, out_dir=tmp_path / "b", excerpts=True)
    excerpts = [p for p in files if p.name == "qda_themes_excerpts.csv"]
    assert excerpts and some_excerpt in excerpts[0].read_text(encoding="utf-8")
    with pytest.raises(Exception, match="`excerpts` must be True or False"):
        export_themes(codings, out_dir=tmp_path / "c", excerpts="yes")


def test_report_builders_fall_back_to_synthetic_stories(tmp_path, monkeypatch):
    from cosie_analysis.report.figures import ReportContext

    monkeypatch.setenv("COSIE_DATA_DIR", str(tmp_path))  # no own export, no register: the SYNTHETIC examples
    obs = yearly([-0.15, -0.14, -0.13, -0.12, -0.1, -0.08, -0.1], source="LBM3 test").assign(indicator="lbm3_deviation")
    ctx = ReportContext(obs=obs, crosswalk=pd.DataFrame(), data_sha256="0")
    out = qda_joint_display_nieuwegein(ctx, "en")
    assert isinstance(out, JointDisplayOutput) and "SYNTHETIC example project" in out.source
    assert list(out.tables) == ["qda_themes_nieuwegein"] and "excerpt" not in out.tables["qda_themes_nieuwegein"]
    out = qda_joint_display_houten(ctx, "nl")
    assert out.source == "pilotregister: SYNTHETISCH voorbeeld; verhalen: SYNTHETISCH voorbeeldproject"
    assert (tmp_path / "processed" / "examples").is_dir()
