"""Disclosure by provenance (issue #16, class 1): every export path found to leak a suppressed count
of a pilot register now refuses it, and no published table, nor any pair of tables from one
register, pins a suppressed value down (brute force, on synthetic registers)."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import cosie_analysis as ca
from cosie_analysis.estimate.summaries import phase_summary, phase_totals
from cosie_analysis.pilot.provenance import PROVENANCE_KEY, pilot_provenance
from cosie_analysis.pilot.register import register_to_observations, synthetic_register
from cosie_analysis.report.disclosure import (
    DisclosureError,
    DisclosureRules,
    check_exportable,
    protect,
    round_to_base,
)
from cosie_analysis.report.export import save_figure, save_table
from cosie_analysis.report.pilot_tables import protect_summary

RULES = DisclosureRules()


@pytest.fixture(scope="module")
def obs():
    """Monthly observation rows of the synthetic Houten register (paid-work matches are small counts)."""
    return register_to_observations(synthetic_register("houten", seed=4), source_name="synthetic_houten.csv")


@pytest.fixture(scope="module")
def paid(obs):
    """Paid-work matches with a rare 'after' phase: small monthly counts, some phase totals below 10."""
    rows = obs[obs["indicator"] == "pilot_matches__betaald_werk"].copy()
    after = ca.assign_phase(rows["period"]).astype(str).to_numpy() == "after"
    rows.loc[after, "value"] = np.where(np.arange(after.sum()) < 4, 1.0, 0.0)  # 4 matches after corona
    return rows


def test_register_rows_carry_their_provenance(obs):
    prov = obs.attrs[PROVENANCE_KEY]
    assert prov["sources"] == ["synthetic_houten.csv"] and prov["person_level"] and prov["synthetic"]
    assert prov["min_count"] == obs.loc[obs["value"] > 0, "value"].min()


def test_provenance_survives_every_transformation_the_package_offers(paid):
    before = paid.copy()
    by_region = phase_summary(paid, by=("region_code",))  # no indicator column in the result
    no_groups = phase_summary(paid, by=())
    totals = phase_totals(paid, by=("indicator",))
    for frame in (by_region.summary(), by_region.plot_data(), no_groups.summary(), no_groups.plot_data(), totals,
                  paid.pivot_table(index="period", columns="indicator", values="value"),
                  paid.merge(pd.DataFrame({"period": paid["period"], "x": 1.0}), on="period")):
        prov = pilot_provenance(frame)
        assert prov is not None and prov["person_level"], frame.head(2)
    # bare numbers alone carry nothing (a documented limit); a CBS table is not pilot data
    bare = no_groups.summary()[["n", "mean"]].reset_index(drop=True).pipe(lambda f: pd.DataFrame(f.to_numpy()))
    assert pilot_provenance(bare) is None
    assert pilot_provenance(pd.DataFrame({"indicator": ["crime_1_1_1"], "value": [3.0]})) is None
    pd.testing.assert_frame_equal(paid, before)


@pytest.mark.parametrize("make", [
    pytest.param(lambda p: phase_summary(p, by=("region_code",)).summary(), id="summary-by-region"),
    pytest.param(lambda p: phase_summary(p, by=()).summary().drop(columns=["phase_scheme", "phase_rule"]),
                 id="summary-without-any-marker"),
    pytest.param(lambda p: phase_summary(p, by=()).plot_data(), id="plot-data"),
    pytest.param(lambda p: p.pivot_table(index="period", columns="indicator", values="value"), id="pivot"),
    pytest.param(lambda p: protect(phase_totals(p), by=["indicator"]).merge(
        phase_summary(p, by=("indicator",)).summary()[["indicator", "phase", "mean", "n", "min", "max"]].astype(
            {"phase": str}), on=["indicator", "phase"], how="left"), id="protected-merged-with-means"),
    pytest.param(lambda p: p.rename(columns={"value": "aantal"}).drop(columns=["unit"]), id="renamed-no-unit"),
])
@pytest.mark.parametrize("published", [False, True])
def test_leaking_tables_are_refused_by_every_table_export(paid, tmp_path, make, published):
    table = make(paid)
    with pytest.raises(DisclosureError):
        save_table(table, "leak", published=published, out_dir=tmp_path)
    assert not list(tmp_path.iterdir()), "nothing may be written"


def test_score_respondent_counts_without_a_unit_column_are_refused():
    obs = register_to_observations(synthetic_register("nieuwegein", seed=1), source_name="s.csv")
    n = obs[obs["indicator"] == "pilot_liveability_score_n"].drop(columns=["unit", "source_table", "label_nl",
                                                                           "label_en", "region_code"])
    n.attrs = {}  # even when the attrs are lost, the indicator says what it is
    with pytest.raises(DisclosureError, match="person-level"):
        check_exportable(n, published=False)


def test_person_level_false_cannot_override_pilot_provenance(paid):
    with pytest.raises(DisclosureError):
        check_exportable(phase_summary(paid, by=()).summary(), published=False, person_level=False)


def test_phase_totals_are_protected_across_phases(paid):
    totals = phase_totals(paid)  # carries n_periods: it must not split the groups
    out = ca.protect_for_export(totals)
    assert list(out["phase"]) == ["before", "during", "after", "total"]
    assert (out["disclosure"] != "shown").sum() >= 2  # the 4 after corona, and a second cell with it
    check_exportable(out, published=False)


def test_figures_without_data_are_checked(paid, tmp_path):
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [1, 0, 4], label="pilot_matches__betaald_werk")
    ax.legend()
    with pytest.raises(DisclosureError, match="no data= was passed"):
        save_figure(fig, "f", formats=("svg",), published=False, out_dir=tmp_path)
    with pytest.raises(DisclosureError, match="published=True, but the figure shows pilot-register data"):
        save_figure(fig, "f", formats=("svg",), published=True, out_dir=tmp_path)
    assert not list(tmp_path.iterdir())
    fig2, ax2 = plt.subplots()
    ax2.plot([1, 2], [1, 2], label="[SYNTHETIC] Reports of litter and dumped waste")  # not person-level: watermarked
    ax2.legend()
    (svg,) = save_figure(fig2, "g", formats=("svg",), published=False, out_dir=tmp_path)
    assert "SYNTHETISCHE DATA" in svg.read_text()


def test_a_protected_summary_exports_and_agrees_with_the_protected_totals(paid, tmp_path):
    summary = protect_summary(phase_summary(paid, by=("indicator",)))
    totals = protect(phase_totals(paid, by=("indicator",)), by=["indicator"])
    merged = summary.merge(totals, on=["indicator", "phase"], suffixes=("", "_t"))
    assert (merged["disclosure"] == merged["disclosure_t"]).all()  # one suppression pattern for linked tables
    assert np.allclose(merged["total"], merged["value"], equal_nan=True)
    assert ((merged["mean"] * merged["n"]).round(6).fillna(-1) == merged["total"].fillna(-1)).all()
    csv, _, md = save_table(summary, "summary", published=False, out_dir=tmp_path)
    assert "SYNTHETISCH" in md.read_text().upper() and not {"sd", "min", "max", "median"} & set(pd.read_csv(csv))


# --------------------------------------------------------------------------- brute force


def _constraints(table: pd.DataFrame, count: str, key: str) -> list[tuple[list, float, float]]:
    """(cells, low, high) bounds an attacker reads from one exported table: shown cells and totals are
    rounded (their truth lies within half a base); suppressed cells are named by their key."""
    half = RULES.rounding_base // 2
    out = []
    for _, g in table.groupby("indicator", sort=False):
        cells = g[g["phase"] != "total"]
        for _, r in cells[cells[count].notna()].iterrows():
            out.append(([r[key]], r[count] - half, r[count] + half))
        tot = g[g["phase"] == "total"][count].iloc[0]
        hidden = list(cells.loc[cells[count].isna(), key])
        if hidden and not np.isnan(tot):
            # the total is the sum of the rounded cells: the hidden cells' rounded sum is known exactly
            out.append((hidden, tot - cells[count].sum(), tot - cells[count].sum()))
    return out


def _pinned(suppressed: dict, constraints, primary: set) -> list:
    """Brute force: every value of every suppressed cell that fits all constraints; cells with one value are pinned."""
    names = sorted(suppressed)
    ranges = [range(1, RULES.threshold) if n in primary else [0, *range(RULES.threshold, 60)] for n in names]
    feasible = {n: set() for n in names}
    for combo in itertools.product(*ranges):
        val = dict(zip(names, combo, strict=True))
        ok = True
        for cells, lo, hi in constraints:
            known = [c for c in cells if c in val]
            if len(known) != len(cells):
                continue
            if len(cells) == 1:
                ok = lo <= val[cells[0]] <= hi
            else:
                ok = sum(int(round_to_base(val[c], RULES.rounding_base)) for c in cells) == lo
            if not ok:
                break
        if ok:
            for n in names:
                feasible[n].add(val[n])
    return [n for n in names if len(feasible[n]) < 2]


def test_the_brute_force_finds_a_pinned_cell():
    assert _pinned({"a": 5}, [(["a"], 5, 5)], {"a"}) == ["a"]  # one suppressed cell with its exact sum
    assert _pinned({"a": 9, "b": 9}, [(["a", "b"], 20, 20)], {"a", "b"}) == []  # 8 or 9 each


def test_no_table_nor_pair_of_tables_pins_a_suppressed_value(paid):
    truth = phase_totals(paid, by=("indicator",))
    truth = truth.set_index("phase")["value"].to_dict()
    tables = {
        "phase_totals": protect(phase_totals(paid, by=("indicator",)), by=["indicator"]).assign(
            key=lambda t: t["phase"]),
        "phase_summary": protect_summary(phase_summary(paid, by=("indicator",)))
        .rename(columns={"total": "value"})
        .assign(key=lambda t: t["phase"]),
    }
    for table in tables.values():
        hidden = table[(table["disclosure"] != "shown") & (table["phase"] != "total")]
        assert len(hidden) >= 2  # the case under attack has suppressed cells
    for names in [*[(n,) for n in tables], *itertools.combinations(tables, 2)]:
        constraints, suppressed, primary = [], {}, set()
        for name in names:
            t = tables[name]
            constraints += _constraints(t, "value", "key")
            for _, r in t[(t["disclosure"] != "shown") & (t["phase"] != "total")].iterrows():
                suppressed[r["key"]] = truth[r["phase"]]
                if r["disclosure"] == "primary":
                    primary.add(r["key"])
        assert _pinned(suppressed, constraints, primary) == [], names
