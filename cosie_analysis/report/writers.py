"""Table writers for every export format, each safe against injection and byte-stable.

:func:`cosie_analysis.report.export.save_table` prepares a table once (disclosure control, rounding,
localised text) and hands it to the writers here:

* CSV: numbers with a decimal point; a carriage return inside text becomes a (quoted) line break;
  text cells that a spreadsheet would run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or
  carriage return) get a leading apostrophe, as OWASP advises.
  Real numbers, negative ones included, stay numbers.
* LaTeX (booktabs): every LaTeX special character escaped in cells, headers and the caption, so
  ``\\input{...}`` is printed, not run.
* Markdown: ``|`` escaped, line breaks turned into spaces, so a cell cannot break the table.
* xlsx (openpyxl): numbers as numbers with a number format, headers in Dutch or English, caption
  above and source and notes below, frozen header row; formula-like text escaped as in the CSV.
* docx (python-docx): a real Word table with caption, source and notes, numbers formatted with a
  decimal comma in Dutch.

Office files are zip archives with time stamps; :func:`stable_zip` fixes those (and the document's
created/modified dates) so that the same table gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cosie_analysis.words import column_label

__all__ = [
    "FORMULA_TRIGGERS",
    "LATEX_SPECIALS",
    "PreparedTable",
    "escape_formula",
    "escape_latex",
    "escape_markdown",
    "significance_marks",
    "stable_zip",
    "write_csv",
    "write_docx",
    "write_latex",
    "write_markdown",
    "write_xlsx",
]

#: First characters that make a spreadsheet treat a text cell as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: Every character with a special meaning in LaTeX text, and its escaped form.
LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{",
    "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "|": r"\textbar{}", "\u2212": "-", "\n": " ", "\r": " ", "\t": " ",
}  # fmt: skip
_LATEX_RE = re.compile("|".join(re.escape(k) for k in LATEX_SPECIALS))

#: A fixed time stamp for every member of the Office zip archives (the zip format starts in 1980).
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FIXED_W3CDTF = "2000-01-01T00:00:00Z"


@dataclass(frozen=True)
class PreparedTable:
    """A table ready for writing: the rounded numbers, their localised text, and the words around it.

    ``rounded`` holds numbers (NaN where missing or suppressed), ``shown`` the same cells as text
    (decimal comma in Dutch, ``.`` for a suppressed cell); ``digits`` gives the decimals of every
    numeric column.
    """

    rounded: pd.DataFrame
    shown: pd.DataFrame
    digits: Mapping[str, int]
    name: str
    lang: str
    caption: str | None = None
    lines: Sequence[str] = field(default_factory=tuple)  # the source line and the notes, in order
    missing: str = ""
    headers: Sequence[str] = ()  # the column headers a reader sees; default the labels of the columns
    excel_formats: Mapping[str, str] = field(default_factory=dict)  # xlsx number format per numeric column


def escape_formula(value):
    """Prefix text that a spreadsheet would evaluate with an apostrophe; leave everything else alone.

    Examples
    --------
    >>> escape_formula("=HYPERLINK(\\"x\\")")
    '\\'=HYPERLINK("x")'
    >>> escape_formula(-2.5), escape_formula("Houten")
    (-2.5, 'Houten')
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def escape_latex(text: object) -> str:
    r"""Escape every LaTeX special character, so text prints as it reads.

    Examples
    --------
    >>> escape_latex(r"\input{/etc/passwd} 50% & $x_1$")
    '\\textbackslash{}input\\{/etc/passwd\\} 50\\% \\& \\$x\\_1\\$'
    """
    return _LATEX_RE.sub(lambda m: LATEX_SPECIALS[m.group(0)], str(text))


def escape_markdown(text: object) -> str:
    r"""Escape ``|`` (and backslashes before it) and flatten line breaks, for a Markdown table cell.

    Examples
    --------
    >>> escape_markdown("a|b")
    'a\\|b'
    """
    return (
        str(text).replace("\\", "\\\\").replace("|", r"\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    )


def significance_marks(p: pd.Series) -> pd.Series:
    """``***`` for p < 0.001, ``**`` for p < 0.01, ``*`` for p < 0.05, empty otherwise or when missing.

    Examples
    --------
    >>> significance_marks(pd.Series([0.0004, 0.004, 0.04, 0.4, None])).tolist()
    ['***', '**', '*', '', '']
    """
    values = pd.to_numeric(p, errors="coerce")
    marks = ["***" if v < 0.001 else "**" if v < 0.01 else "*" if v < 0.05 else "" for v in values]  # NaN: ""
    return pd.Series(marks, index=p.index, dtype=object)


def _headers(table: PreparedTable) -> list[str]:
    return list(table.headers) or [column_label(str(c), table.lang) for c in table.shown.columns]


# --------------------------------------------------------------------------- text formats


def write_csv(table: PreparedTable, path: Path) -> None:
    """Numbers with a decimal point, text escaped against formula injection, UTF-8, ``\\n`` lines."""
    frame = table.rounded.copy()
    for col in frame.columns:
        if col not in table.digits:
            # a bare carriage return is not quoted with "\n" line ends and would split the row
            frame[col] = frame[col].map(
                lambda v: escape_formula(v).replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v
            )
    frame.columns = [escape_formula(str(c)) for c in frame.columns]
    path.write_text(frame.to_csv(index=False, lineterminator="\n", na_rep=table.missing), encoding="utf-8")


def write_markdown(table: PreparedTable, path: Path) -> None:
    """A pipe table (numbers right-aligned), the caption above and the source and notes below."""
    shown = table.shown.map(escape_markdown)
    shown.columns = [escape_markdown(c) for c in _headers(table)]
    align = ["right" if c in table.digits else "left" for c in table.shown.columns]
    body = shown.to_markdown(index=False, colalign=align, disable_numparse=True)
    footer = ("\n\n" + "\n\n".join(table.lines) + "\n") if table.lines else "\n"
    path.write_text((f"{table.caption}\n\n" if table.caption else "") + body + footer, encoding="utf-8")


def write_latex(table: PreparedTable, path: Path) -> None:
    """A booktabs ``table`` float; cells, headers, caption and notes are escaped."""
    align = "".join("r" if c in table.digits else "l" for c in table.shown.columns)

    def row(cells) -> str:
        return " & ".join(escape_latex(c) for c in cells) + r" \\"

    lines = [r"\begin{table}", r"\centering"]
    if table.caption:
        lines.append(r"\caption{" + escape_latex(table.caption) + "}")
    label = re.sub(r"[^A-Za-z0-9_.:-]", "-", table.name)
    lines += [
        r"\label{tab:" + label + "}",
        r"\begin{tabular}{" + align + "}",
        r"\toprule",
        row(_headers(table)),
        r"\midrule",
    ]
    lines += [row(cells) for cells in table.shown.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if table.lines:
        lines.append(r"\par\smallskip{\footnotesize " + escape_latex(" ".join(table.lines)) + "}")
    lines.append(r"\end{table}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- Office formats


def _excel_format(decimals: int) -> str:
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def write_xlsx(table: PreparedTable, path: Path) -> None:
    """One sheet: caption (row 1), header (row 3, frozen), the cells, then source and notes.

    Numbers are stored as numbers with a number format (Excel shows the decimal comma or point of
    the reader's locale); suppressed cells hold the text ``.``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "tabel" if table.lang == "nl" else "table"
    ws.cell(row=1, column=1, value=escape_formula(table.caption or table.name)).font = Font(bold=True)
    header_row = 3
    headers = _headers(table)
    for j, label in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=j, value=escape_formula(label))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="right" if table.shown.columns[j - 1] in table.digits else "left")
    for i, (values, texts) in enumerate(
        zip(table.rounded.itertuples(index=False), table.shown.itertuples(index=False), strict=True)
    ):
        for j, (col, value, shown) in enumerate(zip(table.shown.columns, values, texts, strict=True), start=1):
            cell = ws.cell(row=header_row + 1 + i, column=j)
            if col in table.digits and pd.notna(value):
                cell.value = float(value) if table.digits[col] else int(value)
                cell.number_format = table.excel_formats.get(col) or _excel_format(table.digits[col])
            elif col in table.digits:
                cell.value = shown or None
                cell.alignment = Alignment(horizontal="right")
            else:
                cell.value = escape_formula(str(shown)) if shown != "" else None
    below = header_row + len(table.shown) + 2
    for k, line in enumerate(table.lines):
        ws.cell(row=below + k, column=1, value=escape_formula(line)).font = Font(italic=True, size=9)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for j, col in enumerate(table.shown.columns, start=1):
        width = max([len(headers[j - 1])] + [len(str(v)) for v in table.shown[col]]) + 2
        ws.column_dimensions[ws.cell(row=header_row, column=j).column_letter].width = min(width, 60)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))


def write_docx(table: PreparedTable, path: Path) -> None:
    """A Word document: the caption, a table (header row repeated on every page), source and notes."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    if table.caption:
        para = doc.add_paragraph(style="Caption")
        para.add_run(table.caption)
    columns = list(table.shown.columns)
    grid = doc.add_table(rows=1 + len(table.shown), cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(flag)
    for j, label in enumerate(_headers(table)):
        run = header.cells[j].paragraphs[0].add_run(label)
        run.bold = True
    for i, texts in enumerate(table.shown.itertuples(index=False), start=1):
        for j, shown in enumerate(texts):
            para = grid.rows[i].cells[j].paragraphs[0]
            para.add_run(str(shown))
            if columns[j] in table.digits:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for j, col in enumerate(columns):
        if col in table.digits:
            header.cells[j].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for line in table.lines:
        run = doc.add_paragraph().add_run(line)
        run.italic = True
        run.font.size = Pt(8)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.revision = (
        table.name,
        "cosie-analysis",
        "cosie-analysis",
        1,
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))


def stable_zip(data: bytes) -> bytes:
    """Rewrite an Office zip archive with fixed member time stamps and fixed created/modified dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>" + _FIXED_W3CDTF.encode() + rb"\g<3>",
                    content,
                )
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, content)
    return out.getvalue()
