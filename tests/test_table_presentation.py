"""Report tables read as a report author expects, in Dutch and English, in every format but the CSV
(which keeps the identifiers): headers, phase names, terms, periods, names, years, decimals, p < 0,001."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cosie_analysis.report.export import TABLE_FORMATS, save_table
from cosie_analysis.report.present import decimals_for, period_label, present
from cosie_analysis.words import COLUMN_LABELS, VALUE_LABELS

# synthetic (labelled so): two rows with a region code, a CBS period, a phase, an ITS term, an estimate
# with its standard error, a p-value below the floor, a year, a count above 1,000 and a boolean
TABLE = pd.DataFrame({
    "region_code": ["GM0321", "GM0356"], "period": ["2015JJ00", "2020MM03"], "phase": ["before", "after"],
    "term": ["level_change", "slope_change"], "estimate": [-0.1431, 1.2], "std_err": [0.05, 0.4],
    "p_value": [0.0004, 0.0312], "year": [2017, 2024], "n": [1500, 12], "kept": [True, False],
})  # fmt: skip
NAMES = {"GM0321": "Houten (synthetisch)", "GM0356": "Nieuwegein (synthetisch)"}

MD = {
    "nl": [
        "| regiocode   | regio                    | periode   | fase        | term         |   schatting |"
        "   standaardfout |   p-waarde |   jaar |     n | gekozen   |",
        "| GM0321      | Houten (synthetisch)     | 2015      | vóór corona | niveausprong |      −0,143 |"
        "           0,050 |    < 0,001 |   2017 | 1.500 | ja        |",
        "| GM0356      | Nieuwegein (synthetisch) | mrt 2020  | na corona   | trendbreuk   |       1,200 |"
        "           0,400 |      0,031 |   2024 |    12 | nee       |",
    ],
    "en": [
        "| region code   | region                   | period   | phase         | term         |   estimate |"
        "   standard error |   p-value |   year |     n | kept   |",
        "| GM0321        | Houten (synthetisch)     | 2015     | before corona | level change |     −0.143 |"
        "            0.050 |   < 0.001 |   2017 | 1,500 | yes    |",
        "| GM0356        | Nieuwegein (synthetisch) | Mar 2020 | after corona  | slope change |      1.200 |"
        "            0.400 |     0.031 |   2024 |    12 | no     |",
    ],
}
TEX = {
    "nl": [
        r"regiocode & regio & periode & fase & term & schatting & standaardfout & p-waarde & jaar & n & gekozen \\",
        r"GM0321 & Houten (synthetisch) & 2015 & vóór corona & niveausprong & -0,143 & 0,050 & \textless{} 0,001 & "
        r"2017 & 1.500 & ja \\",
    ],
    "en": [
        r"region code & region & period & phase & term & estimate & standard error & p-value & year & n & kept \\",
        r"GM0321 & Houten (synthetisch) & 2015 & before corona & level change & -0.143 & 0.050 & \textless{} 0.001 & "
        r"2017 & 1,500 & yes \\",
    ],
}


def _save(tmp_path, lang):
    return save_table(TABLE, f"t_{lang}", lang=lang, names=NAMES, published=True, out_dir=tmp_path,
                      formats=TABLE_FORMATS)


def _md_cells(path) -> list[list[str]]:
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    return [[c.strip() for c in row.strip("|").split("|")] for i, row in enumerate(rows) if i != 1]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_markdown_and_latex_read_as_a_report_author_expects(tmp_path, lang):
    before = TABLE.copy()
    csv, tex, md, _, _ = _save(tmp_path, lang)
    pd.testing.assert_frame_equal(TABLE, before)
    lines = md.read_text(encoding="utf-8").splitlines()
    assert [lines[0], lines[2], lines[3]] == MD[lang]
    latex = tex.read_text(encoding="utf-8").splitlines()
    assert TEX[lang][0] in latex and TEX[lang][1] in latex


def test_csv_keeps_the_identifiers_and_adds_the_names(tmp_path):
    csv = _save(tmp_path, "nl")[0]
    assert csv.read_text().splitlines() == [
        "region_code,region_name,period,phase,term,estimate,std_err,p_value,year,n,kept",
        "GM0321,Houten (synthetisch),2015JJ00,before,level_change,-0.143,0.05,0.0004,2017,1500,True",
        "GM0356,Nieuwegein (synthetisch),2020MM03,after,slope_change,1.2,0.4,0.031,2024,12,False",
    ]
    assert _save(tmp_path, "en")[0].read_bytes() == csv.read_bytes(), "the CSV is the same in both languages"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_docx_and_xlsx_show_what_the_markdown_shows(tmp_path, lang):
    from docx import Document
    from openpyxl import load_workbook

    csv, _, md, xlsx, docx_path = _save(tmp_path, lang)
    expected = _md_cells(md)
    grid = Document(docx_path).tables[0]
    assert [[c.text for c in row.cells] for row in grid.rows] == expected

    ws = load_workbook(xlsx).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3, max_row=5)]
    assert rows[0] == expected[0], "the same headers"
    numbers = pd.read_csv(csv)
    for i, (cells, shown) in enumerate(zip(rows[1:], expected[1:], strict=True)):
        for j, (cell, text) in enumerate(zip(cells, shown, strict=True)):
            col = numbers.columns[j]
            if isinstance(cell, (int, float)):  # numbers stay numbers, equal to the CSV's
                assert cell == pytest.approx(float(numbers[col].iloc[i])), (col, cell)
            else:
                assert cell == text, (col, cell, text)
    formats = {ws.cell(row=3, column=j).value: ws.cell(row=4, column=j).number_format for j in range(6, 11)}
    floor = "0,001" if lang == "nl" else "0.001"
    assert list(formats.values()) == ["#,##0.000", "#,##0.000", f'[<0.001]"< {floor}";0.000', "0", "#,##0"]


def test_period_labels_and_decimals():
    assert [period_label(c, "nl") for c in ("2015JJ00", "2020MM03", "2020KW01", "2020MM13", "GM0321")] == [
        "2015", "mrt 2020", "2020 K1", "2020MM13", "GM0321"]
    assert [period_label(c, "en") for c in ("2020MM12", "2021KW04")] == ["Dec 2020", "2021 Q4"]
    # three significant digits of the median absolute value, two of the smallest, at most 4 decimals
    assert decimals_for([-0.137, -0.1431, 0.0008, 0.05]) == 4 and decimals_for([-0.137, -0.1431, 0.05]) == 3
    assert decimals_for([2.43, 461647.0, 150742.0]) == 1, "a ratio of 2.43 among large ones is not 2"
    assert decimals_for([-0.0106, -0.2377, 0.0031, 0.0003]) == 4, "a standard error of 0.0003 is not 0.000"
    assert decimals_for([2.46, 4.75, -1.36]) == 2 and decimals_for([48369.2, 50945.7]) == 0
    assert decimals_for([1.0, 12.0, np.nan]) == 0 and decimals_for([1e-7, 2e-7]) == 4


def test_related_columns_and_wide_period_columns_share_their_decimals():
    # synthetic: a wide table with one CBS year per column, as liveability_nijpels writes it
    wide = pd.DataFrame({"region_code": ["3431", "3432"], "2002JJ00": [-0.137, -0.107], "2012JJ00": [-0.1431, 0.018],
                         "ci_lower": [-1.018, 0.2], "ci_upper": [1.23, 0.9], "estimate": [0.108, 0.5]})
    shown = present(wide, lang="nl")
    assert shown.headers[:3] == ("regiocode", "2002", "2012")
    assert shown.shown.iloc[0].tolist() == ["3431", "−0,137", "−0,143", "−1,018", "1,230", "0,108"]
    assert len({shown.digits[c] for c in ("ci_lower", "ci_upper", "estimate")}) == 1


def test_suppressed_cells_stay_a_dot_after_disclosure_control(tmp_path):
    from cosie_analysis.report.disclosure import protect_for_export

    # synthetic person counts (as in protect_for_export's example): 4 is suppressed, and 23 with it
    counts = pd.DataFrame({"measure": "matches", "phase": ["before", "during", "after"], "value": [23, 4, 31],
                           "unit": "persons"})
    protected = protect_for_export(counts, by="measure")
    csv, md = save_table(protected, "c", lang="nl", published=False, out_dir=tmp_path, formats=("csv", "md"))
    body = _md_cells(md)
    assert body[0] == ["measure", "fase", "waarde", "eenheid", "onthulling"]
    assert [row[1:] for row in body[1:]] == [
        ["vóór corona", ".", "personen", "secundair geheim"], ["tijdens corona", ".", "personen", "primair geheim"],
        ["na corona", "30", "personen", "getoond"], ["totaal", "60", "personen", "getoond"]]
    assert pd.read_csv(csv, dtype=str)["value"].tolist() == [".", ".", "30", "60"]


# --------------------------------------------------------------------------- no English left in Dutch


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
_PERIOD = re.compile(r"^\d{4}(JJ00|MM\d\d|KW0\d)$")


def english_left(table: pd.DataFrame, names=None) -> list[str]:
    """What of ``table`` a Dutch reader would still see in English or as a code."""
    shown = present(table, lang="nl", names=names)
    columns = shown.rounded.columns
    left = [f"header {c!r}" for c in columns if not _PERIOD.match(str(c)) and c not in COLUMN_LABELS["nl"]]
    for col in shown.rounded.columns:
        if col in shown.digits:
            continue
        for raw, text in zip(shown.rounded[col], shown.shown[col], strict=True):
            raw = str(raw)
            changed = VALUE_LABELS["nl"].get(raw, raw) != raw or raw in ("before", "during", "after")
            if _PERIOD.match(text) or (text == raw and changed) or (text == raw and _IDENTIFIER.match(raw)
                                                                    and col not in ("region_code", "indicator")):
                left.append(f"{col}={raw!r}")
    return sorted(set(left))


def test_representative_result_frames_leave_no_english_in_dutch():
    # synthetic rows with the columns and identifiers of the report's result tables (ITS, synthetic control,
    # multiverse, donor pools, timeline)
    its = pd.DataFrame({
        "region_code": ["NL00"], "indicator": ["crime_1_1_1"], "term": ["pre_trend"], "phase": ["before"],
        "estimate": [-0.0106], "std_err": [0.0003], "n_phase": [98], "scale": ["log"], "method": ["its_poisson"],
        "family": ["poisson"], "cov_type": ["model"], "seasonality": ["month"], "adjust": ["holm"],
        "phase_scheme": ["measures"], "phase_rule": ["majority"], "trend": ["segmented"], "horizon_supported": [230],
    })  # fmt: skip
    multiverse = pd.DataFrame({
        "treated": ["GM0321"], "estimator": ["augmented_sc"], "scheme": ["lifted"], "rule": ["start"],
        "family": ["gaussian"], "pool": ["nearest"], "scale": ["rate"], "phase": ["after"],
        "test": ["sc_ratio_rank"], "test_note": ["exact_pre_fit"], "status": ["provisional"],
        "kept": [False], "reason": ["incomplete_series"], "kind": ["support_start"], "pilot": ["houten"],
        "pool_rule": ["urbanity±1; population×0.5–2; no Wadden islands"], "offence": ["2.2.1"],
        "conf_level": [0.95],
    })  # fmt: skip
    names = {"GM0321": "Houten (synthetisch)", "crime_1_1_1": "Woninginbraak (synthetisch)"}
    assert english_left(its, names) == []
    assert english_left(multiverse, names) == []
    shown = present(multiverse, lang="nl").shown
    assert shown["pool_rule"].item() == "stedelijkheid ±1; inwonertal ×0,5–2; geen Waddeneilanden"
    assert shown[["offence", "conf_level"]].values.tolist() == [["Vernieling", "0,95"]]
    assert english_left(pd.DataFrame({"estimate": [1.0], "phase": ["before"], "level_change": [1.5]})) == [
        "header 'level_change'"], "the check itself finds an untranslated header"


@pytest.mark.realdata
def test_the_report_tables_leave_no_english_in_dutch(real_data_dir, monkeypatch):
    """Every table of the report's cheaper builders (all but the multiverse and the synthetic controls,
    whose result columns the representative frames above cover), presented in Dutch."""
    import matplotlib.pyplot as plt

    from cosie_analysis.report.figures import FIGURES, report_context
    from cosie_analysis.report.present import table_names

    monkeypatch.setenv("COSIE_DATA_DIR", str(real_data_dir))
    ctx = report_context()
    names = table_names(ctx.obs, "nl")
    found = {}
    for name in ("national_burglary_its", "pilot_crime_rates", "pilot_phase_comparison", "ranking_change",
                 "nieuwegein_wijken", "liveability_nijpels", "bijstand_baseline", "corona_timeline"):
        built = FIGURES[name].build(ctx, "nl")
        plt.close(built.fig)
        for table_name, table in built.tables.items():
            left = english_left(table, names)
            if left:
                found[table_name] = left
    assert found == {}


def test_value_and_column_labels_exist_in_both_languages():
    assert sorted(set(VALUE_LABELS["nl"]) ^ set(VALUE_LABELS["en"])) == []
    assert sorted(set(COLUMN_LABELS["nl"]) ^ set(COLUMN_LABELS["en"])) == []


def test_coinciding_schemes_are_each_named():
    """The multiverse joins schemes that split the periods alike; a Dutch table names each of them."""
    t = pd.DataFrame({"scheme": ["measures = support = lifted", "measures"]})  # synthetic cells
    assert present(t, lang="nl").shown["scheme"].tolist() == ["maatregelen = steun = opgeheven", "maatregelen"]
    assert present(t, lang="en").shown["scheme"].tolist() == ["measures = support = lifted", "measures"]


def test_rows_of_different_terms_keep_their_own_decimals():
    """SYNTHETIC ITS-like rows: a cumulative count and a share in one estimate column. The count is not
    shown to the share's decimals; the CSV numbers keep as many as any row shows."""
    t = pd.DataFrame({"term": ["cumulative_effect", "relative_effect"], "estimate": [-11751.0156, -0.1815],
                      "ci_lower": [-15280.4026, -0.2295], "p_value": [0.0004, 0.0004]})
    p = present(t, lang="nl")
    assert p.shown[["estimate", "ci_lower"]].values.tolist() == [["−11.751", "−15.280"], ["−0,182", "−0,230"]]
    assert p.digits["estimate"] == 3 and p.rounded["estimate"].tolist() == [-11751.016, -0.182]
    # terms of one magnitude: the column's decimals, as before
    close = present(t.assign(estimate=[-1.5, -0.1815], ci_lower=[-2.25, -0.2295]), lang="en")
    assert close.shown["estimate"].tolist() == ["−1.500", "−0.182"]
    # one quantity per column (no term column): one number of decimals for the column, as before
    one = present(t.drop(columns="term"), lang="en")
    assert one.shown["estimate"].tolist() == ["−11,751.02", "−0.18"]
