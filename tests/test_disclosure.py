"""Disclosure control: small counts suppressed, rounding consistent with totals, no recovery by
differencing, and the export gate (refusal, '.' in tables, marks in figures, synthetic labels)."""

from __future__ import annotations

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cosie_analysis.errors import ParameterError
from cosie_analysis.phases import assign_phase
from cosie_analysis.pilot.register import SYNTHETIC_LABEL, register_to_observations, synthetic_register
from cosie_analysis.report.disclosure import (
    SUPPRESSED_MARK,
    DisclosureError,
    DisclosureRules,
    check_exportable,
    display_table,
    export_notes,
    mark_suppressed,
    prepare_figure,
    prepare_table,
    protect,
    protect_for_export,
    round_to_base,
    suppress_small_n,
)

PHASES = ["before", "during", "after"]


def _table(rows: dict[str, list[int]]) -> pd.DataFrame:
    """One group per key, cells before/during/after."""
    return pd.DataFrame(
        [
            {"measure": m, "phase": p, "value": v}
            for m, values in rows.items()
            for p, v in zip(PHASES, values, strict=True)
        ]
    )


def _cells(out: pd.DataFrame, measure: str) -> dict[str, float]:
    g = out[out["measure"] == measure]
    return dict(zip(g["phase"].astype(str), g["value"], strict=True))


# --------------------------------------------------------------------------- rules and values


def test_rules_defaults_follow_cbs_practice():
    r = DisclosureRules()
    assert (r.threshold, r.rounding_base, r.min_denominator, r.suppress_zero) == (10, 5, 10, False)
    with pytest.raises(ParameterError, match="`threshold` must be a whole number of at least 1; got 0"):
        DisclosureRules(threshold=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.threshold = 5  # frozen


def test_round_to_base_half_up():
    assert round_to_base([0, 1, 2, 3, 7, 8, 12, 13, 25], 5).tolist() == [0, 0, 0, 5, 5, 10, 10, 15, 25]
    assert round_to_base([5, 15], 10).tolist() == [10, 20]
    assert round_to_base([7, 13], 1).tolist() == [7, 13]


def test_small_counts_are_suppressed_and_a_second_cell_with_them():
    data = _table({"matches": [23, 4, 31], "intakes": [40, 52, 61], "tiny": [3, 0, 0]})
    out = protect(data, by="measure")
    # 4 < 10: primary; 23 is the smallest other positive cell: secondary; 31 -> 30; total 25+5+30
    assert _cells(out, "matches") == pytest.approx(
        {"before": np.nan, "during": np.nan, "after": 30.0, "total": 60.0}, nan_ok=True
    )
    assert out.loc[out["measure"] == "matches", "disclosure"].tolist() == ["secondary", "primary", "shown", "shown"]
    # nothing small: rounded cells, the total is their sum
    assert _cells(out, "intakes") == {"before": 40.0, "during": 50.0, "after": 60.0, "total": 150.0}
    # a total below the threshold is suppressed too; zeros are shown
    assert out.loc[out["measure"] == "tiny", "disclosure"].tolist() == ["primary", "shown", "shown", "primary"]
    assert _cells(out, "tiny")["during"] == 0.0


def test_suppress_zero_and_threshold_are_configurable():
    data = _table({"m": [0, 12, 30]})
    out = protect(data, by="measure", rules=DisclosureRules(threshold=15, suppress_zero=True))
    # 0 and 12 both primary (two suppressed cells already protect each other)
    assert out["disclosure"].tolist() == ["primary", "primary", "shown", "shown"]
    assert out["value"].tolist()[2:] == [30.0, 40.0]  # 0 + 10 + 30


def test_input_is_not_modified_and_dtypes():
    data = _table({"matches": [23, 4, 31]})
    data["phase"] = assign_phase(["2019JJ00", "2021JJ00", "2023JJ00"]).to_numpy()
    data["phase"] = pd.Categorical(data["phase"], categories=PHASES, ordered=True)
    before = data.copy(deep=True)
    out = protect(data, by="measure")
    pd.testing.assert_frame_equal(data, before)
    assert list(out.columns) == ["measure", "phase", "value", "disclosure"]
    assert out["value"].dtype == "float64"
    assert list(out["phase"].cat.categories) == ["before", "during", "after", "total"]
    assert out.attrs["disclosure"]["threshold"] == 10


def test_given_totals_are_checked_and_replaced():
    data = pd.concat([_table({"m": [20, 30, 40]}), pd.DataFrame([{"measure": "m", "phase": "total", "value": 90}])])
    assert protect(data, by="measure")["value"].tolist() == [20.0, 30.0, 40.0, 90.0]
    data.loc[data["phase"] == "total", "value"] = 91
    with pytest.raises(ParameterError, match=r"given total of group \{'measure': 'm'\} is 91 but its cells sum to 90"):
        protect(data, by="measure")


@pytest.mark.parametrize(
    "values, match",
    [([1.5, 2, 3], "whole counts"), ([-1, 2, 3], "whole counts"), ([np.nan, 2, 3], "whole counts")],
)
def test_bad_counts_are_refused(values, match):
    with pytest.raises(ParameterError, match=match):
        protect(_table({"m": values}), by="measure")


def test_duplicate_cells_and_missing_columns_are_refused():
    data = pd.concat([_table({"m": [20, 30, 40]})] * 2)
    with pytest.raises(ParameterError, match=r"share a cell \['measure', 'phase'\]"):
        protect(data, by="measure")
    with pytest.raises(ParameterError, match=r"`over`='periode'"):
        protect(_table({"m": [20, 30, 40]}), over="periode")


def test_percentages_need_a_denominator_of_ten():
    data = _table({"big": [20, 30, 50], "small": [0, 0, 9]})
    out = protect(data, by="measure", percent=True, rules=DisclosureRules(threshold=1, rounding_base=1))
    big = out[out["measure"] == "big"]["percent"].tolist()
    assert big == pytest.approx([20.0, 30.0, 50.0, 100.0])
    assert out[out["measure"] == "small"]["percent"].isna().all()


def test_suppress_small_n_blanks_means_of_few_respondents():
    survey = pd.DataFrame({"flat": ["1", "2"], "mean_grade": [6.2, 4.0], "n": [25, 4]})
    out = suppress_small_n(survey, value="mean_grade", n="n")
    assert out["mean_grade"].tolist()[0] == 6.2 and np.isnan(out["mean_grade"].tolist()[1])
    assert out["disclosure"].tolist() == ["shown", "primary"]
    assert display_table(out)["mean_grade"].tolist() == ["6.2", SUPPRESSED_MARK]


# --------------------------------------------------------------------------- totals and differencing


counts = st.lists(st.integers(min_value=0, max_value=40), min_size=3, max_size=3)
groups = st.lists(counts, min_size=1, max_size=4)
bases = st.sampled_from([5, 10])  # rounding_base=1 with totals is refused (see below)


def _achievable(k: int, lb: int, base: int, cap: int) -> set[int]:
    """Every rounded sum that k non-negative counts of at least lb (and at most cap) can have."""
    sums = {0}
    singles = {int(round_to_base(x, base)) for x in range(lb, cap + 1)}
    for _ in range(k):
        sums = {a + b for a in sums for b in singles if a + b <= cap + base}
    return sums


def _recoverable(group: pd.DataFrame, rules: DisclosureRules) -> list[str]:
    """Try to pin down each suppressed cell from the exported numbers (an independent brute force).

    The attacker knows the shown (rounded) cells, the total if shown, that the total is the sum of
    the rounded cells, and, from the exported `disclosure` column, that a primary cell lies between
    1 (0 under suppress_zero) and threshold - 1 and a secondary one is 0 or at least the threshold.
    They try every value for every suppressed cell.
    """
    lb = 0 if rules.suppress_zero else 1
    cells = group[group["phase"] != "total"]
    total = group[group["phase"] == "total"]["value"].iloc[0]
    hidden = cells[cells["value"].isna()]
    if hidden.empty or np.isnan(total):
        return []  # no equation links the hidden cells to the exported numbers
    rest = int(total - cells["value"].sum())  # = the rounded sum of the hidden cells
    cap = rest + rules.rounding_base + rules.threshold
    ranges = [
        range(lb, rules.threshold) if flag == "primary" else [0, *range(rules.threshold, cap + 1)]
        for flag in hidden["disclosure"]
    ]
    pinned = []
    for i, phase in enumerate(hidden["phase"]):
        others = {0}
        for j, r in enumerate(ranges):
            if j != i:
                others = {
                    a + int(round_to_base(x, rules.rounding_base))
                    for a in others
                    for x in r
                    if a + int(round_to_base(x, rules.rounding_base)) <= rest
                }
        feasible = [x for x in ranges[i] if rest - int(round_to_base(x, rules.rounding_base)) in others]
        if len(feasible) <= 1:
            pinned.append(f"{phase}={feasible}")
    return pinned


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups, bases, st.booleans())
def test_no_suppressed_cell_can_be_recovered_from_totals_or_phase_differences(values, base, zero):
    rules = DisclosureRules(rounding_base=base, suppress_zero=zero)
    data = _table({f"m{i}": v for i, v in enumerate(values)})
    out = protect(data, by="measure", rules=rules)
    for measure, group in out.groupby("measure"):
        cells = group[group["phase"] != "total"]
        assert (cells["value"].isna() == (cells["disclosure"] != "shown")).all()
        assert _recoverable(group, rules) == [], f"{measure}: {values} -> {group.to_dict('list')}"
        # never exactly one suppressed entry among the cells and the total
        assert (group["disclosure"] != "shown").sum() != 1


@settings(max_examples=150, deadline=None)
@given(groups, bases)
def test_rounded_counts_stay_consistent_with_their_totals(values, base):
    rules = DisclosureRules(rounding_base=base)
    out = protect(_table({f"m{i}": v for i, v in enumerate(values)}), by="measure", rules=rules)
    for (_, group), truth in zip(out.groupby("measure", sort=False), values, strict=True):
        cells, total = group[group["phase"] != "total"], group[group["phase"] == "total"]["value"].iloc[0]
        shown = cells["value"].dropna()
        assert (shown % base == 0).all() and ((shown == 0) | (shown >= 10)).all()
        assert (abs(shown.to_numpy() - np.asarray(truth)[cells["value"].notna().to_numpy()]) <= base // 2).all()
        if np.isnan(total):
            continue
        if cells["value"].notna().all():
            assert total == shown.sum()  # an exported total equals the sum of its exported cells
        else:
            rest = total - shown.sum()  # what the suppressed cells add up to, rounded
            assert rest >= 0 and rest % base == 0
        assert total == round_to_base(truth, base).sum()


def test_rules_that_cannot_protect_are_refused_with_the_reason():
    # without rounding, 10 + 9 + 9 = 28 with the total shown pins both 9s (each primary cell is 1-9)
    rules = DisclosureRules(rounding_base=1)
    with pytest.raises(
        ParameterError,
        match=r"rounding_base=1 cannot protect a table with totals.*10, 9, 9 with "
        r"total 28 gives both 9s",
    ):
        protect(_table({"m": [10, 9, 9]}), by="measure", rules=rules)
    out = protect(_table({"m": [10, 9, 9]}), by="measure", rules=rules, total=None)  # no totals: nothing to difference
    assert out["value"].tolist()[0] == 10 and out["value"].isna().sum() == 2
    # with the default rules the same cells cannot be pinned, even knowing which cells are primary
    assert _recoverable(protect(_table({"m": [10, 9, 9]}), by="measure"), DisclosureRules()) == []


# --------------------------------------------------------------------------- the export gate


def test_unprotected_person_level_counts_are_refused():
    data = _table({"matches": [23, 4, 31]}).assign(unit="persons")
    with pytest.raises(
        DisclosureError,
        match=r"Refusing to export an unprotected table of person-level counts "
        r"\(column `unit` holds \['persons'\]\)",
    ):
        check_exportable(data, published=False)
    check_exportable(data, published=True)  # published statistics (CBS tables are)
    check_exportable(data.assign(unit="kg"), published=False)  # not counts of people
    check_exportable(protect(data, by=["measure", "unit"]), published=False)


def test_pilot_register_rows_are_never_published_statistics():
    obs = register_to_observations(synthetic_register("houten", seed=1), source_name="synthetic.csv")
    with pytest.raises(DisclosureError, match="published=True, but the table holds rows from a pilot register"):
        check_exportable(obs, published=True)
    with pytest.raises(DisclosureError, match=r"indicator\(s\) \['pilot_intakes'"):
        check_exportable(obs.drop(columns="unit"), published=False)


def test_a_protected_table_changed_afterwards_is_refused():
    out = protect(_table({"matches": [23, 4, 31]}), by="measure")
    out.loc[1, "value"] = 4.0
    with pytest.raises(DisclosureError, match="1 suppressed cell\\(s\\) have a value"):
        check_exportable(out, published=False)


def _synthetic_phase_table() -> pd.DataFrame:
    reg = synthetic_register("houten", seed=3)
    obs = register_to_observations(reg, source_name="synthetic_houten.csv")
    obs = obs[obs["indicator"].str.startswith("pilot_matches")].copy()
    obs["phase"] = assign_phase(obs["period"])
    table = obs.groupby(["indicator", "unit", "source_table", "phase"], observed=True)["value"].sum().reset_index()
    # a rare kind of match, to have small cells
    table.loc[(table["indicator"] == "pilot_matches__betaald_werk") & (table["phase"] == "after"), "value"] = 6
    return table


def test_exported_table_from_synthetic_data_is_protected_and_labelled(tmp_path):
    table = _synthetic_phase_table()
    with pytest.raises(DisclosureError):
        prepare_table(table, published=False)
    protected = protect(table, by=["indicator", "unit", "source_table"])
    shown, notes = prepare_table(protected, published=False, lang="nl")
    assert notes[0] == SYNTHETIC_LABEL["nl"]
    assert "'.' = onderdrukt" in notes[1]
    paid = shown[shown["indicator"] == "pilot_matches__betaald_werk"]
    assert paid["value"].tolist()[2] == SUPPRESSED_MARK  # the 6
    assert (paid["value"] == SUPPRESSED_MARK).sum() >= 2 and paid["value"].iloc[3] != SUPPRESSED_MARK
    assert (shown["source_table"] == "SYNTHETIC pilot register synthetic_houten.csv").all()
    path = tmp_path / "t.csv"
    shown.to_csv(path, index=False)
    text = path.read_text()
    assert ",.,primary" in text and "SYNTHETIC" in text


def test_exported_figure_from_synthetic_data_is_marked():
    table = protect(_synthetic_phase_table(), by=["indicator", "unit", "source_table"])
    paid = table[(table["indicator"] == "pilot_matches__betaald_werk") & (table["phase"] != "total")]
    fig, ax = plt.subplots()
    x = np.arange(len(paid))
    ax.bar(x, paid["value"].fillna(0).where(paid["value"].notna(), 0))
    mark_suppressed(ax, x[paid["value"].isna().to_numpy()], lang="en")
    ax.legend()
    notes = prepare_figure(fig, table, published=False, lang="en")
    marks = [c for c in ax.collections if c.get_gid() == "suppressed"]
    assert len(marks) == 1 and len(marks[0].get_offsets()) == int(paid["value"].isna().sum()) >= 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["suppressed (.)"]
    assert [t.get_text() for t in fig.texts if t.get_gid() == "synthetic"] == [SYNTHETIC_LABEL["en"]]
    assert notes[0] == SYNTHETIC_LABEL["en"] and "suppressed" in notes[1]
    with pytest.raises(DisclosureError):
        prepare_figure(fig, _synthetic_phase_table(), published=False)


def test_notes_for_plain_published_tables_are_empty():
    cbs = pd.DataFrame(
        {"indicator": ["population"], "unit": ["persons"], "value": [43000.0], "source_table": ["70072NED"]}
    )
    shown, notes = prepare_table(cbs, published=True)
    assert notes == [] and shown["value"].tolist() == ["43000"]
    assert export_notes(cbs, lang="en") == []


def test_protect_for_export_protects_only_what_needs_it():
    people = _table({"matches": [23, 4, 31]}).assign(unit="persons")
    out = protect_for_export(people, by=["measure", "unit"])
    assert out["disclosure"].tolist() == ["secondary", "primary", "shown", "shown"]
    pd.testing.assert_frame_equal(protect_for_export(out), out)  # already protected: unchanged
    kg = people.assign(unit="kg", value=[4000.5, 3.2, 10.0])
    pd.testing.assert_frame_equal(protect_for_export(kg), kg)  # not person-level
    pd.testing.assert_frame_equal(protect_for_export(people, published=True), people)
    means = people.assign(value=[2.5, 0.4, 3.1])
    with pytest.raises(
        DisclosureError, match=r"could not do it automatically: protect\(\): column `value` must hold whole"
    ):
        protect_for_export(means)


def test_export_notes_state_the_rules_that_were_applied_in_either_language():
    rules = DisclosureRules(threshold=15, rounding_base=10, min_denominator=20)
    protected = protect(_table({"a": [30, 40, 50]}), by="measure", rules=rules)
    assert export_notes(protected, lang="nl") == [
        "'.' = onderdrukt (minder dan 15, of om terugrekenen te voorkomen); aantallen afgerond op een veelvoud "
        "van 10; totalen zijn de som van de afgeronde cellen; percentages alleen bij een noemer van minstens 20."
    ]
    assert export_notes(protected, lang="en") == [
        "'.' = suppressed (fewer than 15, or to prevent recalculation); counts rounded to a multiple of 10; "
        "totals are sums of the rounded cells; percentages only with a denominator of at least 20."
    ]
    fig, ax = plt.subplots()
    mark_suppressed(ax, [1], lang="nl")
    assert [c.get_label() for c in ax.collections] == ["onderdrukt (.)"]
    plt.close(fig)


def test_every_name_is_still_importable_from_report_disclosure():
    """The module became a package (checks, table, figure); its public names stay where notebooks find them."""
    import cosie_analysis.report.disclosure as disclosure

    names = [
        "DISCLOSURE_COLUMN",
        "DISCLOSURE_STATUSES",
        "PERSON_LEVEL_UNITS",
        "SERIES_FREQUENCIES",
        "STRUCTURAL_COLUMNS",
        "SUPPRESSED_MARK",
        "DisclosureError",
        "DisclosureRules",
        "check_exportable",
        "display_table",
        "export_notes",
        "mark_suppressed",
        "mark_synthetic",
        "prepare_figure",
        "prepare_table",
        "protect",
        "protect_for_export",
        "protect_series",
        "round_to_base",
        "suppress_small_n",
    ]
    assert sorted(disclosure.__all__) == sorted(names)
    assert all(hasattr(disclosure, n) for n in names)
