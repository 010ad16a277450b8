"""`make site`: the notebooks and the report as static HTML, built offline, every link resolving."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from synthetic import monthly_series

from cosie_analysis.catalog import frame_sha256
from cosie_analysis.errors import InputFileError
from cosie_analysis.report.build import build_report
from cosie_analysis.report.figures import ReportContext
from cosie_analysis.report.site import build_site, check_site

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    """A small report: one figure of the package's own timeline, one on a synthetic series (temporary folder)."""
    obs = monthly_series(seed=12, indicator="crime_1_1_1", region_code="NL00")
    ctx = ReportContext(obs=obs, crosswalk=pd.DataFrame(), data_sha256=frame_sha256(obs))
    out = tmp_path_factory.mktemp("report")
    build_report(out_dir=out, names=["corona_timeline"], langs=["nl"], context=ctx, progress=False)
    return out


def test_site_has_every_page_figure_and_link(report_dir, tmp_path):
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"), key=lambda p: p.stat().st_size)[:2]  # the smallest two
    pages = build_site(tmp_path, notebooks=notebooks, report=report_dir)
    assert pages[-1] == tmp_path / "index.html"
    for nb in notebooks:
        page = tmp_path / "notebooks" / f"{nb.stem}.html"
        assert page in pages and page.stat().st_size > 0
    report = (tmp_path / "report" / "index.html").read_text()
    pngs = sorted(p.name for p in (report_dir / "figures").glob("*.png"))
    assert pngs and all(f'src="figures/{name}"' in report for name in pngs), "every figure shown"
    assert re.search(r"<h2[^>]*>References<", report) and "De coronaperiode volgens de drie faseschema" in report
    index = (tmp_path / "index.html").read_text()
    assert 'href="report/index.html"' in index and all(f'href="notebooks/{nb.stem}.html"' in index for nb in notebooks)
    assert check_site(tmp_path) == [], "every internal link and image resolves"
    for page in tmp_path.rglob("*.html"):
        assert not re.search(r'<script[^>]*src="https?://', page.read_text()), (
            f"{page.name} loads a script from the web"
        )


def test_check_site_finds_a_broken_link(tmp_path):
    (tmp_path / "a.html").write_text(
        '<a href="missing.html">x</a> <img src="data:image/png;base64,AAAA"> <a href="https://example.org">web</a>'
    )
    assert check_site(tmp_path) == ["a.html: missing.html"]


def test_missing_notebook_is_refused(tmp_path):
    with pytest.raises(
        InputFileError, match=r"nope.ipynb: notebook not found \(build_site\)\nPass existing .ipynb files"
    ):
        build_site(tmp_path, notebooks=["nope.ipynb"])


def test_site_is_git_ignored():
    assert "site/" in (ROOT / ".gitignore").read_text().splitlines()
