"""A figure of one's own analysis carries caption, source and provenance like the report's."""

from __future__ import annotations

import hashlib
import json
import re

import matplotlib.pyplot as plt
import pandas as pd
from synthetic import yearly_panel

import cosie_analysis as ca
from cosie_analysis.catalog import frame_sha256

CAPTION = "Gemiddelde per fase, synthetisch panel met een geplant effect van +3 (synthetisch)."


def _meta(svg_path) -> dict:
    meta = re.search(r"<dc:description>(.*?)</dc:description>", svg_path.read_text(), re.S).group(1)
    return json.loads(meta.replace("&quot;", '"'))


def _figure():
    fig, ax = plt.subplots(layout="constrained")
    ax.plot([1, 2, 3], [3, 1, 2])
    return fig


def test_result_gives_scheme_rule_method_and_data_hash(tmp_path):
    panel = yearly_panel(seed=1, n_units=4)
    result = ca.phase_summary(panel, by=("region_code",), scheme="support", rule="start")
    files = ca.save_figure(_figure(), "own", caption=CAPTION, data=result, published=True, out_dir=tmp_path)
    meta = _meta(tmp_path / "own.svg")
    assert meta["phase_scheme"] == "support" and meta["phase_rule"] == "start"
    assert meta["method"] == result.method and meta["caption"] == CAPTION
    assert meta["data_sha256"] == frame_sha256(result.plot_data())
    assert meta["package"] == f"cosie-analysis {ca.__version__}"
    svg = (tmp_path / "own.svg").read_text()
    assert "Gemiddelde per fase" in svg, "the caption is drawn, as text"
    assert [p.suffix for p in files] == [".pdf", ".svg", ".png"]


def test_frame_gives_source_tables_source_line_and_synthetic_mark(tmp_path):
    panel = yearly_panel(seed=1, n_units=3)
    before = panel.copy()
    fig = _figure()
    ca.save_figure(fig, "own", data=panel, published=True, out_dir=tmp_path, lang="en")
    pd.testing.assert_frame_equal(panel, before)
    meta = _meta(tmp_path / "own.svg")
    assert meta["source_tables"] == ["synthetic"] and meta["data_sha256"] == frame_sha256(panel)
    texts = {t.get_gid(): t.get_text() for t in fig.texts}
    assert texts["source_line"].startswith("Source: synthetic")
    assert meta["synthetic"] is True and any(str(g).startswith("synthetic") for g in texts), "watermarked"


def test_own_figure_is_byte_stable(tmp_path):
    panel = yearly_panel(seed=2, n_units=3)
    digests = []
    for run in ("a", "b"):
        files = ca.save_figure(
            _figure(), "own", caption=CAPTION, source="CBS", data=panel, published=True, out_dir=tmp_path / run
        )
        digests.append([hashlib.sha256(p.read_bytes()).hexdigest() for p in files])
    assert digests[0] == digests[1]


def test_svg_clip_ids_do_not_depend_on_float_noise(tmp_path):
    """matplotlib names clip paths by a hash of the unrounded clip box; two processes can differ in the
    last bit of the layout (it came up with PYTHONHASHSEED) while writing the same rectangle."""
    from cosie_analysis.report.export import _stable_svg_ids

    template = (
        '<defs><clipPath id="{a}"><rect x="1.5" y="2"/></clipPath><clipPath id="{b}"><rect x="1.5" y="2"/>'
        '</clipPath></defs><path clip-path="url(#{a})"/><path clip-path="url(#{b})"/>'
    )
    files = []
    for run, (a, b) in enumerate([("p0123456789", "pabcdefabcd"), ("p9999999999", "p1111111111")]):
        path = tmp_path / f"{run}.svg"
        path.write_text(template.format(a=a, b=b))
        _stable_svg_ids(path)
        files.append(path.read_text())
    assert files[0] == files[1]
    ids = re.findall(r'clipPath id="(p[0-9a-f]+)"', files[0])
    assert len(set(ids)) == 2, "identical boxes keep distinct ids"
    assert re.findall(r"url\(#(p[0-9a-f]+)\)", files[0]) == ids
