"""Intercoder agreement, themes per pilot and phase, co-occurrence: against independent computations
and planted effects (all data here are SYNTHETIC)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cosie_analysis as ca
from cosie_analysis.qda.agreement import cohen_kappa, intercoder_agreement
from cosie_analysis.qda.example import PLANTED_CODES, write_example_qdpx
from cosie_analysis.qda.read import read_codings
from cosie_analysis.qda.themes import co_occurrence, mentions, theme_frequencies


def two_coder_csv(tmp_path, a, b, *, name="c.csv", codes=("x", "y")):
    """One source per 50 segments; coder A gives codes[a_i], coder B codes[b_i] (SYNTHETIC)."""
    rows = []
    for i, (ca_, cb) in enumerate(zip(a, b, strict=True)):
        src = f"V{i // 50:03d}"
        rows.append((f"S{i:05d}", src, "houten", "2019-06-01", "A", codes[ca_]))
        rows.append((f"S{i:05d}", src, "houten", "2019-06-01", "B", codes[cb]))
    path = tmp_path / name
    pd.DataFrame(rows, columns=["segment_id", "source_id", "pilot", "date", "coder", "code"]).to_csv(path, index=False)
    return read_codings(path)


def row(result, code, stat):
    t = result.summary()
    sel = t[(t["statistic"] == stat) & ((t["code"] == code) if code else (t["scope"] == "overall"))]
    assert len(sel) == 1
    return sel.iloc[0]


def alpha_by_hand(a: np.ndarray, b: np.ndarray) -> float:
    """Nominal alpha of two coders' 0/1 decisions on complete data, from the coincidence matrix."""
    n = 2 * len(a)
    n1 = a.sum() + b.sum()
    n0 = n - n1
    disagree = np.sum(a != b)
    return 1 - (n - 1) * disagree / (n0 * n1)


# ----------------------------------------------------------------------------- agreement


def test_perfect_agreement(tmp_path):
    a = np.r_[np.zeros(30, int), np.ones(20, int)]
    res = intercoder_agreement(two_coder_csv(tmp_path, a, a), n_boot=50)
    for stat in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"):
        r = row(res, "x", stat)
        assert r["estimate"] == pytest.approx(1.0) and r["ci_lower"] == pytest.approx(1.0)
        assert row(res, None, stat)["estimate"] == pytest.approx(1.0)
    assert row(res, "x", "cohen_kappa")["n"] == 50 and row(res, "x", "cohen_kappa")["n_coded"] == 30


def test_chance_agreement_is_near_zero_and_matches_reference_implementations(tmp_path):
    import krippendorff
    from statsmodels.stats.inter_rater import cohens_kappa

    rng = np.random.default_rng(11)
    a, b = rng.integers(0, 2, 2000), rng.integers(0, 2, 2000)
    res = intercoder_agreement(two_coder_csv(tmp_path, a, b), n_boot=200, seed=1)
    k = row(res, "x", "cohen_kappa")
    ax, bx = (a == 0).astype(float), (b == 0).astype(float)  # decisions on code "x"
    table = pd.crosstab(ax, bx).to_numpy()
    assert k["estimate"] == pytest.approx(cohens_kappa(table).kappa, abs=1e-12)
    assert abs(k["estimate"]) < 0.05 and k["ci_lower"] < 0 < k["ci_upper"]
    al = row(res, "x", "krippendorff_alpha")
    ref = krippendorff.alpha(reliability_data=np.vstack([ax, bx]), level_of_measurement="nominal")
    assert al["estimate"] == pytest.approx(ref, abs=1e-12)
    assert al["estimate"] == pytest.approx(alpha_by_hand(ax, bx), abs=1e-12)
    assert row(res, "x", "percent_agreement")["estimate"] == pytest.approx(np.mean(ax == bx))


def test_planted_partial_agreement_matches_statsmodels(tmp_path):
    from statsmodels.stats.inter_rater import cohens_kappa

    rng = np.random.default_rng(5)
    a = rng.integers(0, 2, 400)
    b = np.where(rng.random(400) < 0.7, a, rng.integers(0, 2, 400))  # kappa about 0.7 by construction
    res = intercoder_agreement(two_coder_csv(tmp_path, a, b), n_boot=300, seed=2)
    k = row(res, "y", "cohen_kappa")
    assert k["estimate"] == pytest.approx(cohens_kappa(pd.crosstab(a, b).to_numpy()).kappa, abs=1e-12)
    assert k["ci_lower"] < 0.7 < k["ci_upper"]
    assert cohen_kappa(a, b) == pytest.approx(k["estimate"])


def test_overall_stacks_all_codes(tmp_path):
    import krippendorff

    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, 300)
    b = np.where(rng.random(300) < 0.6, a, rng.integers(0, 3, 300))
    res = intercoder_agreement(two_coder_csv(tmp_path, a, b, codes=("x", "y", "z")), n_boot=0)
    stacked = np.vstack([np.concatenate([(a == k) for k in range(3)]), np.concatenate([(b == k) for k in range(3)])])
    ref = krippendorff.alpha(reliability_data=stacked.astype(float), level_of_measurement="nominal")
    assert row(res, None, "krippendorff_alpha")["estimate"] == pytest.approx(ref, abs=1e-12)
    assert np.isnan(row(res, None, "krippendorff_alpha")["ci_lower"])  # n_boot=0: no interval


def test_a_coder_who_did_not_code_a_source_is_missing_not_no(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("segment_id,source_id,pilot,date,coder,code\n"
                    "S1,V1,houten,2019-06-01,A,x\nS1,V1,houten,2019-06-01,B,x\n"
                    "S2,V1,houten,2019-06-01,A,y\n"  # B read V1 and did not code S2 with y: a 'no'
                    "S3,V2,houten,2019-06-01,A,x\n", encoding="utf-8")  # B coded nothing in V2: missing
    res = intercoder_agreement(read_codings(path), n_boot=0)
    assert row(res, "x", "cohen_kappa")["n"] == 2
    assert row(res, "x", "percent_agreement")["estimate"] == pytest.approx(1.0)
    assert row(res, "y", "percent_agreement")["estimate"] == pytest.approx(0.5)


def test_three_coders_give_alpha_but_no_kappa(tmp_path):
    rows = [(f"S{i}", "V1", "houten", "2019-06-01", c, "xy"[(i + (c == "C")) % 2]) for i in range(20) for c in "ABC"]
    path = tmp_path / "c.csv"
    pd.DataFrame(rows, columns=["segment_id", "source_id", "pilot", "date", "coder", "code"]).to_csv(path, index=False)
    res = intercoder_agreement(read_codings(path), n_boot=20)
    assert "cohen_kappa" not in set(res.summary()["statistic"])
    assert row(res, "x", "krippendorff_alpha")["n_coders"] == 3
    with pytest.raises(ca.ParameterError, match=r"`coders` \['Z'\] not found"):
        intercoder_agreement(read_codings(path), coders=["A", "Z"])
    with pytest.raises(ca.ParameterError, match="needs at least two coders"):
        intercoder_agreement(read_codings(path), coders=["A"])


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return read_codings(write_example_qdpx(tmp_path_factory.mktemp("qda") / "e.qdpx", seed=7, per_phase=60))


def test_agreement_is_seeded_and_leaves_the_input_alone(example):
    before = example.segments
    r1 = intercoder_agreement(example, n_boot=30, seed=4)
    r2 = intercoder_agreement(example, n_boot=30, seed=4)
    pd.testing.assert_frame_equal(r1.summary(), r2.summary())
    pd.testing.assert_frame_equal(example.segments, before)
    text = r1.describe("nl")
    assert text.startswith("[SYNTHETISCHE DATA] Overeenstemming tussen 2 codeurs") and "0," in text
    ax = r1.plot(lang="en")
    assert len(ax.get_yticklabels()) == len(PLANTED_CODES) + 1 and ax.get_yticklabels()[-1].get_text() == "all codes"


# ----------------------------------------------------------------------------- themes


def test_theme_shares_equal_an_independent_groupby(example):
    tf = theme_frequencies(example)
    t = tf.summary()
    seg, src = example.segments, example.sources
    k = seg.groupby(["pilot", "phase", "code"], observed=True)["source_id"].nunique()
    n = src.groupby(["pilot", "phase"], observed=True).size()
    for _, r in t.iterrows():
        expected_k = k.get((r["pilot"], r["phase"], r["theme"]), 0)
        assert r["n_mentioning"] == expected_k and r["n_sources"] == n[(r["pilot"], r["phase"])]
        assert r["estimate"] == pytest.approx(expected_k / r["n_sources"])
        assert r["ci_lower"] <= r["estimate"] <= r["ci_upper"]
    assert list(t.columns) == ["pilot", "theme", "phase", "n_sources", "n_mentioning", "n_segments", "estimate",
                               "ci_lower", "ci_upper", "method"]
    assert len(t) == 2 * len(PLANTED_CODES) * 3


def test_planted_change_is_recovered_and_p_values_are_holm_adjusted(example):
    from scipy.stats import fisher_exact
    from statsmodels.stats.multitest import multipletests

    tf = theme_frequencies(example)
    ch = tf.changes()
    for code, (before, during, _) in PLANTED_CODES.items():
        r = ch[(ch["pilot"] == "houten") & (ch["theme"] == code) & (ch["contrast"] == "during - before")].iloc[0]
        planted = during - before
        assert r["ci_lower"] - 0.1 < planted < r["ci_upper"] + 0.1  # coder noise blurs the planted share a little
    big = ch[(ch["theme"] == "co-creatie gepauzeerd") & (ch["contrast"] == "during - before")]
    assert (big["p_adjusted"] < 0.01).all()
    h = ch[ch["pilot"] == "houten"]
    assert np.allclose(h["p_adjusted"], multipletests(h["p_value"], method="holm")[1])
    t = tf.summary().set_index(["pilot", "theme", "phase"])
    k1, n1 = t.loc[("houten", "vertrouwen", "during"), ["n_mentioning", "n_sources"]]
    k0, n0 = t.loc[("houten", "vertrouwen", "before"), ["n_mentioning", "n_sources"]]
    r = ch[(ch["pilot"] == "houten") & (ch["theme"] == "vertrouwen") & (ch["contrast"] == "during - before")].iloc[0]
    assert r["p_value"] == pytest.approx(fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue)


def test_a_story_counts_once_however_many_passages(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("segment_id,source_id,pilot,date,coder,code\n"
                    + "".join(f"S{i},V1,houten,2019-06-01,A,vertrouwen\n" for i in range(5))
                    + "S9,V2,houten,2019-07-01,A,contact\n", encoding="utf-8")
    t = theme_frequencies(read_codings(path)).summary().set_index(["theme", "phase"])
    assert t.loc[("vertrouwen", "before"), "n_mentioning"] == 1 and t.loc[("vertrouwen", "before"), "n_segments"] == 5
    assert t.loc[("vertrouwen", "before"), "estimate"] == pytest.approx(0.5)
    assert t.loc[("vertrouwen", "during"), "n_sources"] == 0 and np.isnan(t.loc[("vertrouwen", "during"), "estimate"])


def test_coders_all_and_single_coder_and_theme_level(example):
    any_ = mentions(example, coders="any")
    all_ = mentions(example, coders="all")
    a = mentions(example, coders="codeur A")

    def pairs(m):
        return set(map(tuple, m[["source_id", "theme"]].to_numpy()))

    assert pairs(all_) <= pairs(any_) and pairs(a) <= pairs(any_) and len(all_) < len(any_)
    coded_by_a = set(example.segments.loc[example.segments["coder"] == "codeur A", "source_id"])
    assert {p for p in pairs(all_) if p[0] in coded_by_a} <= pairs(a)  # 'all' = every coder who coded the source
    themes = theme_frequencies(example, level="theme").summary()
    assert set(themes["theme"]) == {"contact", "vertrouwen", "co-creatie", "beeldvorming"}
    with pytest.raises(ca.ParameterError, match="`coders` must be 'any', 'all' or one of"):
        mentions(example, coders="nobody")


def test_theme_result_text_and_plot(example):
    tf = theme_frequencies(example)
    nl, en = tf.describe("nl"), tf.describe("en")
    assert nl.startswith("[SYNTHETISCHE DATA]") and "procentpunt" in nl and "Holm-gecorrigeerd" in nl
    assert en.startswith("[SYNTHETIC DATA]") and "percentage points" in en
    ax = tf.plot(pilot="nieuwegein", lang="nl")
    lines = [line for line in ax.get_lines() if str(line.get_gid()).startswith("share:")]
    assert len(lines) == 3 and [t.get_text() for t in ax.get_legend().get_texts()][:3] == [
        "vóór corona", "tijdens corona", "na corona"]
    with pytest.raises(ca.ParameterError, match="`pilot` must be one of"):
        tf.plot(pilot="utrecht")


def test_co_occurrence_equals_set_intersections(example):
    co = co_occurrence(example).summary()
    seg = example.segments
    h = seg[seg["pilot"] == "houten"]
    s1 = set(h.loc[h["code"] == "digitaal contact", "source_id"])
    s2 = set(h.loc[h["code"] == "vertrouwen", "source_id"])
    r = co[(co["pilot"] == "houten") & (co["theme_a"] == "digitaal contact") & (co["theme_b"] == "vertrouwen")].iloc[0]
    assert r["n_both"] == len(s1 & s2) and r["n_a"] == len(s1) and r["n_b"] == len(s2)
    assert r["jaccard"] == pytest.approx(len(s1 & s2) / len(s1 | s2))
    assert len(co) == 2 * len(PLANTED_CODES) * (len(PLANTED_CODES) - 1) // 2
    assert "occur together most often" in co_occurrence(example).describe("en")
