"""Table exports for report authors: xlsx and docx read back, and every writer safe against injection."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.errors import ParameterError
from cosie_analysis.report.export import TABLE_FORMATS, save_table
from cosie_analysis.report.writers import LATEX_SPECIALS, escape_latex, escape_markdown

# synthetic table (labelled so): a negative estimate, a p-value column, a whole-number column, a gap
TABLE = pd.DataFrame(
    {
        "region": ["Houten (synthetic)", "Nieuwegein (synthetic)", "Utrecht (synthetic)"],
        "estimate": [1234.5678, -2.5, 0.125],
        "p_value": [0.0004, 0.03, 0.5],
        "n": [12, 8, 1500],
        "missing": [np.nan, 1.5, 2.25],
    }
)


def _xlsx_rows(path):
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    return ws, [[c.value for c in row] for row in ws.iter_rows()]


def test_xlsx_and_docx_hold_the_csv_numbers(tmp_path):
    before = TABLE.copy()
    csv, xlsx, docx_path = save_table(
        TABLE,
        "demo",
        lang="nl",
        caption="Demo (synthetic)",
        source="CBS",
        published=True,
        out_dir=tmp_path,
        formats=("csv", "xlsx", "docx"),
    )
    pd.testing.assert_frame_equal(TABLE, before)
    expected = pd.read_csv(csv)

    ws, rows = _xlsx_rows(xlsx)
    assert rows[0][0] == "Demo (synthetic)"
    assert rows[2] == ["region", "schatting", "p-waarde", "n", "missing"], "Dutch headers"
    assert ws.freeze_panes == "A4", "header row frozen"
    body = pd.DataFrame(rows[3:6], columns=list(TABLE.columns))
    for col in ("estimate", "p_value", "n", "missing"):
        np.testing.assert_allclose(body[col].astype(float), expected[col].astype(float), equal_nan=True)
    assert isinstance(rows[3][1], float) and isinstance(rows[3][3], int), "numbers stay numbers"
    assert ws["B4"].number_format == "#,##0.00" and ws["D4"].number_format == "#,##0"
    assert rows[7][0] == "Bron: CBS"

    from docx import Document

    doc = Document(docx_path)
    assert doc.paragraphs[0].text == "Demo (synthetic)"
    assert doc.paragraphs[-1].text == "Bron: CBS"
    (table,) = doc.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["region", "schatting", "p-waarde", "n", "missing"]
    assert cells[1] == ["Houten (synthetic)", "1.234,57", "< 0,001", "12", ""]
    assert cells[3][3] == "1.500", "thousands point in Dutch"
    for col, j in (("estimate", 1), ("p_value", 2), ("n", 3)):
        parsed = [float(r[j].replace(".", "").replace(",", ".").replace("\u2212", "-").removeprefix("< "))
                  for r in cells[1:]]
        want = expected[col].astype(float)
        np.testing.assert_allclose(parsed, want.clip(lower=0.001) if col == "p_value" else want)  # "< 0,001"


def test_english_docx_uses_decimal_points_and_english_headers(tmp_path):
    (docx_path,) = save_table(TABLE, "demo", lang="en", published=True, out_dir=tmp_path, formats=("docx",))
    from docx import Document

    cells = [[c.text for c in row.cells] for row in Document(docx_path).tables[0].rows]
    assert cells[0][1:3] == ["estimate", "p-value"]
    assert cells[1][1] == "1,234.57" and cells[2][1] == "\u22122.50"


def test_office_files_are_byte_stable(tmp_path):
    first = save_table(TABLE, "demo", published=True, out_dir=tmp_path / "a", formats=TABLE_FORMATS)
    second = save_table(TABLE, "demo", published=True, out_dir=tmp_path / "b", formats=TABLE_FORMATS)
    assert [p.suffix for p in first] == [".csv", ".tex", ".md", ".xlsx", ".docx"]
    for a, b in zip(first, second, strict=True):
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest(), a.name


def test_significance_marks_sit_in_their_own_column(tmp_path):
    csv, md, xlsx = save_table(
        TABLE,
        "demo",
        lang="en",
        significance="p_value",
        published=True,
        out_dir=tmp_path,
        formats=("csv", "md", "xlsx"),
    )
    written = pd.read_csv(csv, keep_default_na=False)
    assert list(written.columns) == ["region", "estimate", "p_value", "significance", "n", "missing"]
    assert written["significance"].tolist() == ["***", "*", ""]
    assert written["estimate"].tolist() == [1234.57, -2.5, round(0.125, 2)]
    assert "* p < 0.05; ** p < 0.01; *** p < 0.001" in md.read_text()
    _, rows = _xlsx_rows(xlsx)
    assert rows[3][2] == pytest.approx(0.0004) and rows[3][3] == "***", "number and mark in separate cells"
    with pytest.raises(ParameterError, match=r"`significance` names a p-value column; 'p' is not one"):
        save_table(TABLE, "demo", significance="p", published=True, out_dir=tmp_path)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ParameterError, match=r"`formats` must be one of .*got 'pdf'"):
        save_table(TABLE, "demo", formats=("pdf",), published=True, out_dir=tmp_path)


# --------------------------------------------------------------------------- injection (#16 class 6)

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "plain",
    "a|b",
    r"\input{/etc/passwd}",
    "50% & $x_1$ #~^{}",
]


@pytest.fixture
def hostile():
    return pd.DataFrame({"label": HOSTILE, "value": np.arange(len(HOSTILE), dtype=float) - 3.5})


def test_csv_escapes_formulas_but_keeps_negative_numbers(hostile, tmp_path):
    (csv,) = save_table(hostile, "h", formats=("csv",), published=True, out_dir=tmp_path)
    written = pd.read_csv(csv, keep_default_na=False)
    for original, cell in zip(HOSTILE, written["label"], strict=True):
        if original[0] in "=+-@\t\r":
            assert cell == "'" + original.replace("\r", "\n"), repr(cell)
        else:
            assert cell == original
    assert written["value"].tolist() == list(np.arange(len(HOSTILE)) - 3.5), "negative numbers stay numbers"


def test_xlsx_escapes_formulas_and_stores_text_as_text(hostile, tmp_path):
    (xlsx,) = save_table(hostile, "h", formats=("xlsx",), published=True, out_dir=tmp_path)
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    cells = [ws.cell(row=4 + i, column=1) for i in range(len(HOSTILE))]
    assert all(c.data_type == "s" for c in cells), "no cell may be a formula"
    assert [c.value for c in cells][:4] == ["'" + v for v in HOSTILE[:4]]
    assert ws.cell(row=4, column=2).value == -3.5 and ws.cell(row=4, column=2).data_type == "n"


def test_markdown_escapes_pipes(hostile, tmp_path):
    (md,) = save_table(hostile.rename(columns={"label": "a|b"}), "h", formats=("md",), published=True, out_dir=tmp_path)
    lines = [line for line in md.read_text().splitlines() if line.startswith("|")]
    # every table line has exactly three unescaped pipes: both borders and one between the two columns
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 3 for line in lines), lines


def test_latex_output_runs_no_command(hostile, tmp_path):
    (tex,) = save_table(
        hostile, "h", formats=("tex",), caption=r"\input{secret} 100%", source="A & B", published=True, out_dir=tmp_path
    )
    latex = tex.read_text()
    assert r"\input" not in latex and r"\textbackslash{}input\{/etc/passwd\}" in latex
    assert r"\caption{\textbackslash{}input\{secret\} 100\%}" in latex
    assert "Bron: A \\& B" in latex
    body = latex.split(r"\midrule")[1].split(r"\bottomrule")[0]
    assert _unescaped_specials(body.replace(r" \\", "").replace(" & ", "")) == []


# the escapes a reader of the .tex may meet, and what each prints as
_TOKENS = {v: k for k, v in LATEX_SPECIALS.items() if k not in "\u2212\n\r\t"}
_TOKEN_RE = re.compile("|".join(re.escape(t) for t in sorted(_TOKENS, key=len, reverse=True)) + r"|[^\\&%$#_{}~^]")


def _unescaped_specials(latex: str) -> list[str]:
    """Characters of ``latex`` that are neither plain text nor one of the known escapes."""
    out, pos = [], 0
    while pos < len(latex):
        m = _TOKEN_RE.match(latex, pos)
        if m is None:
            out.append(latex[pos])
            pos += 1
        else:
            pos = m.end()
    return out


def _decode(latex: str) -> str:
    return "".join(_TOKENS.get(m.group(0), m.group(0)) for m in _TOKEN_RE.finditer(latex))


@pytest.mark.parametrize("code", range(32, 127))
def test_latex_escaping_is_exhaustive_over_ascii(code):
    """No TeX engine here: every printable ASCII character alone, doubled and next to a letter
    escapes to plain text and known escapes only, and reads back as itself."""
    for s in (chr(code), chr(code) * 2, "a" + chr(code) + "b", chr(code) + "input{x}"):
        escaped = escape_latex(s)
        assert _unescaped_specials(escaped) == [], (s, escaped)
        assert _decode(escaped) == s


def test_latex_escapes_every_special_in_one_string():
    every = "".join(k for k in LATEX_SPECIALS if len(k) == 1 and k.isprintable() and k != "\u2212")
    escaped = escape_latex(every * 3)
    assert _unescaped_specials(escaped) == [] and _decode(escaped) == every * 3
    assert escape_latex("\u22121,5") == "-1,5" and escape_latex("a\nb") == "a b"


def test_escape_markdown_flattens_breaks():
    assert escape_markdown("a\nb|c") == r"a b\|c"
