"""The report build: parallel and incremental, byte-identical either way, with references at the end.

Runs two report figures on a synthetic context (a seeded monthly series with a planted 20% drop,
relabelled as the national burglary series; the files go to a temporary folder only).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from synthetic import monthly_series

from cosie_analysis.catalog import frame_sha256
from cosie_analysis.errors import ParameterError
from cosie_analysis.report import build as build_module
from cosie_analysis.report.build import build_report
from cosie_analysis.report.figures import FIGURES, ReportContext

NAMES = ["corona_timeline", "national_burglary_its"]


@pytest.fixture(scope="module")
def ctx():
    obs = monthly_series(seed=11, indicator="crime_1_1_1", region_code="NL00")
    return ReportContext(obs=obs, crosswalk=pd.DataFrame(), data_sha256=frame_sha256(obs))


def _hashes(files):
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.name != "index.md"}


@pytest.fixture
def counted(monkeypatch):
    """Count the builder calls of the two figures (in this process: jobs=1)."""
    calls = []
    for name in NAMES:
        spec = FIGURES[name]
        monkeypatch.setitem(
            FIGURES, name, replace(spec, build=lambda c, lang, s=spec: calls.append(s.name) or s.build(c, lang))
        )
    return calls


def test_one_and_two_jobs_write_identical_files(ctx, tmp_path):
    one = build_report(out_dir=tmp_path / "one", names=NAMES, langs=["en"], context=ctx, jobs=1, progress=False)
    two = build_report(out_dir=tmp_path / "two", names=NAMES, langs=["en"], context=ctx, jobs=2, progress=False)
    assert _hashes(one) == _hashes(two)
    suffixes = {f.suffix for f in one}
    assert {".pdf", ".svg", ".png", ".csv", ".tex", ".md", ".xlsx", ".docx"} <= suffixes
    index = (tmp_path / "two" / "index.md").read_text()
    assert index == (tmp_path / "one" / "index.md").read_text()


def test_unchanged_figures_are_skipped_and_changes_redraw(ctx, tmp_path, counted, capsys):
    first = build_report(out_dir=tmp_path, names=NAMES, langs=["en"], context=ctx, jobs=1, progress=False)
    assert sorted(counted) == sorted(NAMES)
    counted.clear()
    again = build_report(out_dir=tmp_path, names=NAMES, langs=["en"], context=ctx, jobs=1)
    assert counted == [] and _hashes(again) == _hashes(first)
    assert "corona_timeline (en): up to date" in capsys.readouterr().out
    (tmp_path / "figures" / "corona_timeline_en.png").unlink()  # a file removed: that figure only
    build_report(out_dir=tmp_path, names=NAMES, langs=["en"], context=ctx, jobs=1, progress=False)
    assert counted == ["corona_timeline"]
    counted.clear()
    changed = replace(ctx, data_sha256="0" * 64)  # other data: every figure
    build_report(out_dir=tmp_path, names=NAMES, langs=["en"], context=changed, jobs=1, progress=False)
    assert sorted(counted) == sorted(NAMES)
    counted.clear()
    build_report(
        out_dir=tmp_path, names=["corona_timeline"], langs=["en"], context=changed, jobs=1, force=True, progress=False
    )
    assert counted == ["corona_timeline"]


def test_figure_options_are_inputs(ctx):
    a = build_module.figure_inputs(ctx, "corona_timeline", "en", None, code="x")
    assert a != build_module.figure_inputs(ctx, "corona_timeline", "nl", None, code="x")
    assert a != build_module.figure_inputs(ctx, "corona_timeline", "en", "grey", code="x")
    assert a != build_module.figure_inputs(replace(ctx, scheme="support"), "corona_timeline", "en", None, code="x")
    assert a != build_module.figure_inputs(ctx, "corona_timeline", "en", None, code="y")


def test_grey_set_sits_beside_the_colour_set_and_index_cites(ctx, tmp_path):
    files = build_report(
        out_dir=tmp_path,
        names=["national_burglary_its"],
        langs=["nl"],
        context=ctx,
        jobs=1,
        palette="grey",
        progress=False,
    )
    assert (tmp_path / "figures" / "national_burglary_its_nl__grey.png") in files
    index = (tmp_path / "index.md").read_text()
    assert "- figure `national_burglary_its_nl__grey`" in index
    refs = index.split("## References")[1]
    assert "Geregistreerde misdrijven; soort misdrijf, maandcijfers (Table 47022NED) [Data set]" in refs
    assert "[xlsx](tables/national_burglary_its_nl__grey.xlsx)" in index


def test_bad_jobs_and_palette_are_refused(ctx, tmp_path):
    with pytest.raises(ParameterError, match=r"`jobs` must be a positive number of processes or None"):
        build_report(out_dir=tmp_path, names=NAMES, context=ctx, jobs=0)
    with pytest.raises(ParameterError, match=r"`palette` of build_report must be a palette name"):
        build_report(out_dir=tmp_path, names=NAMES, context=ctx, palette={"GM0321": "#000000"})


def test_cli_report_help_lists_the_new_flags():
    out = subprocess.run(
        [sys.executable, "-m", "cosie_analysis", "report", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--jobs" in out and "--force" in out and "--palette" in out


def test_every_report_table_opens_as_xlsx_and_docx_with_the_csv_numbers(ctx, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    build_report(out_dir=tmp_path, names=["national_burglary_its"], langs=["en"], context=ctx, jobs=1, progress=False)
    tables = sorted((tmp_path / "tables").glob("*.csv"))
    assert tables
    for csv in tables:
        expected = pd.read_csv(csv)
        numeric = [c for c in expected.columns if pd.api.types.is_numeric_dtype(expected[c])]
        assert numeric, csv.name
        rows = [[c.value for c in row] for row in load_workbook(csv.with_suffix(".xlsx")).active.iter_rows()]
        body = pd.DataFrame(rows[3 : 3 + len(expected)], columns=list(expected.columns))
        cells = [[c.text for c in r.cells] for r in Document(csv.with_suffix(".docx")).tables[0].rows][1:]
        assert len(cells) == len(expected)
        for col in numeric:
            j = list(expected.columns).index(col)
            got = pd.to_numeric(body[col], errors="coerce").to_numpy(dtype=float)
            assert pd.Series(got).round(6).equals(expected[col].astype(float).round(6)), (csv.name, col)
            for r, want in zip(cells, expected[col].astype(float), strict=True):
                assert _shows(r[j], want), (csv.name, col, r[j], want)


def _shows(cell: str, value: float) -> bool:
    """Whether a presented English cell shows ``value``: to its own decimals, or as a bound like '< 0.001'."""
    if not cell:
        return bool(np.isnan(value))
    if cell.startswith("< "):
        return value < float(cell[2:])
    number = cell.replace(",", "").replace("\u2212", "-")
    decimals = len(number.partition(".")[2])
    return abs(float(number) - value) <= 0.5 * 10.0**-decimals + 1e-12
