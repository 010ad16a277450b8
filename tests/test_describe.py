"""describe() wording, pinned exactly in Dutch and English (decimal commas, "p < 0,001", phase names)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cosie_analysis.estimate.comparison import diff_in_diff
from cosie_analysis.estimate.its import interrupted_time_series
from cosie_analysis.estimate.summaries import phase_summary


def _yearly() -> pd.DataFrame:
    """Synthetic: 100 - 4 per year from 2012, 10 lower in 2020-2021, noise sd 0.5 (seed 3)."""
    years = np.arange(2012, 2026)
    noise = np.random.default_rng(3).normal(0, 0.5, len(years))
    value = 100 - 4 * (years - 2012) + np.where(np.isin(years, (2020, 2021)), -10.0, 0.0) + noise
    return pd.DataFrame({"region_code": "SY0001", "region_name": "Synthetisch 01", "indicator": "synthetic",
                         "period": [f"{y}JJ00" for y in years], "value": value})


def test_its_describe_nl_and_en():
    res = interrupted_time_series(_yearly(), cov_type="model")
    assert res.describe("nl") == (
        "Synthetisch 01 / synthetic: tijdens corona: −20,8% t.o.v. het trendniveau in de laatste periode vóór corona "
        "(95%-BI [−29,0%; −12,6%], p < 0,001); na corona: −24,6% t.o.v. het trendniveau in de laatste periode vóór "
        "corona (95%-BI [−31,2%; −18,1%], p < 0,001). Niveauverandering bij het begin van de fase 'tijdens corona': "
        "−14,849 (95%-BI [−21,259; −8,438]). Het contrafeitelijke verloop reikt tot 6 periode(n) na de laatste "
        "periode vóór corona; de 8 perioden vóór corona dragen een trend tot 2 periode(n) vooruit. Model: lineair "
        "(normale verdeling), modelgebaseerde standaardfouten, trend 'vlak' (niveausprong per fase; de trend stopt "
        "bij de laatste periode vóór corona); fasen volgens schema 'maatregelen' (regel 'meerderheid').")
    assert res.describe("en") == (
        "Synthetisch 01 / synthetic: during corona: −20.8% against the trend's level in the last pre-corona period "
        "(95% CI [−29.0%, −12.6%], p < 0.001); after corona: −24.6% against the trend's level in the last pre-corona "
        "period (95% CI [−31.2%, −18.1%], p < 0.001). Level change at the start of phase 'during corona': −14.849 "
        "(95% CI [−21.259, −8.438]). The counterfactual reaches 6 period(s) beyond the last pre-corona period; the 8 "
        "pre-corona periods support a trend up to 2 period(s) ahead. Model: linear (normal errors), model-based "
        "standard errors, trend 'flat' (a level shift per phase; the trend stops at the last pre-corona period); "
        "phases from scheme 'measures' (rule 'majority').")


def test_its_describe_counts_hac_segmented():
    data = _yearly().assign(value=lambda d: np.round(d["value"] * 10))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the segmented trend extrapolates beyond the supported horizon
        res = interrupted_time_series(data, family="poisson", trend="segmented", cov_type="hac")
        quasi = interrupted_time_series(data, family="poisson", trend="segmented")
    nl, en = res.describe("nl"), res.describe("en")
    assert nl.startswith("Synthetisch 01 / synthetic: tijdens corona: −15,7% t.o.v. de voortgezette trend (95%-BI "
                         "[−16,5%; −14,9%], p < 0,001)")
    assert "(95%-BI [−0,187; −0,168], logschaal)" in nl and "(95% CI [−0.187, −0.168], log scale)" in en
    assert nl.endswith("Model: Poisson, Newey-West-standaardfouten (vertraging 2), trend 'gesegmenteerd' (niveau en "
                       "helling per fase; de trend van vóór corona doorgetrokken); fasen volgens schema 'maatregelen' "
                       "(regel 'meerderheid').")
    assert "Model: Poisson, Newey-West standard errors (lag 2), trend 'segmented'" in en
    # the default for counts estimates the overdispersion (Pearson): say quasi-Poisson, not Poisson
    assert "Model: quasi-Poisson (overdispersie geschat), modelgebaseerde standaardfouten" in quasi.describe("nl")
    assert "Model: quasi-Poisson (overdispersion estimated), model-based standard errors" in quasi.describe("en")


def test_phase_summary_describe_nl_and_en():
    synthetic = pd.DataFrame({"period": [f"{y}JJ00" for y in range(2016, 2024)],
                              "value": [1000.0, 1010, 990, 1000, 900, 910, 1000, 1010]})
    res = phase_summary(synthetic, by=None)
    assert res.describe("nl") == (
        "alle: gemiddelde vóór corona 1.000,00; tijdens corona 905,00 (−9,5%, 95%-BI [−11,8%; −7,2%], gecorrigeerde "
        "p = 0,002); na corona 1.005,00 (+0,5%, 95%-BI [−1,8%; +2,9%], gecorrigeerde p = 0,507). Fasen volgens schema "
        "'maatregelen' (regel 'meerderheid'); Welch-toets, correctie voor meervoudig toetsen: Holm.")
    assert res.describe("en") == (
        "all: mean before corona 1,000.00; during corona 905.00 (−9.5%, 95% CI [−11.8%, −7.2%], adjusted p = 0.002); "
        "after corona 1,005.00 (+0.5%, 95% CI [−1.8%, +2.9%], adjusted p = 0.507). Phases from scheme 'measures' "
        "(rule 'majority'); Welch test, multiple-testing adjustment: Holm.")


def test_did_describe_nl_and_en():
    rng = np.random.default_rng(0)
    synthetic = pd.DataFrame([{"region_code": f"SY{u:02d}", "period": f"{y}JJ00",
                               "value": 50 + u + 0.5 * (y - 2015) + 3 * (u == 1 and y >= 2020) + rng.normal(0, 0.3)}
                              for u in range(1, 7) for y in range(2015, 2024)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one treated unit
        res = diff_in_diff(synthetic, treated="SY01", indicator=None, scale="level")  # the planted +3 is additive
    assert res.describe("nl") == (
        "Verschil-in-verschillen (1 behandelde, 5 controle-eenheden, vaste effecten voor eenheid en periode): tijdens "
        "corona: 3,21 (permutatie-p = 0,167); na corona: 3,02 (permutatie-p = 0,167); sinds het begin van corona: "
        "3,12 (permutatie-p = 0,167). Fasen volgens schema 'maatregelen'. Met 1 behandelde eenheid onderschatten "
        "clusterfouten de onzekerheid; ze staan niet in deze tekst (wel in summary()). Lees de permutatie-p: elke "
        "controle-eenheid op haar beurt als behandeld. Donorkeuze: alle eenheden van het regioniveau van de "
        "behandelde eenheid (5 donors).")
    assert res.describe("en") == (
        "Difference-in-differences (1 treated, 5 control units, unit and period fixed effects): during corona: 3.21 "
        "(permutation p = 0.167); after corona: 3.02 (permutation p = 0.167); since corona began: 3.12 (permutation "
        "p = 0.167). Phases from scheme 'measures'. With 1 treated unit, cluster-robust errors understate the "
        "uncertainty; they are left out of this text (summary() has them). Read the permutation p: each control "
        "unit treated in turn. Donor pool: all units of the treated unit's region_level (5 donors).")
    # with enough treated units the cluster-robust interval and p are quoted beside the permutation p
    many = synthetic.assign(value=synthetic["value"] + 3 * synthetic["region_code"].isin(["SY02", "SY03"])
                            * synthetic["period"].str[:4].astype(int).ge(2020))
    text = diff_in_diff(many, treated=["SY01", "SY02", "SY03"], indicator=None).describe("en")
    assert "cluster p" in text and "95% CI [" in text and "understate" not in text


def test_help_shows_the_docstrings():
    import cosie_analysis as ca

    for fn in (ca.interrupted_time_series, ca.placebo_in_time, ca.batch_its, ca.batch_phase_summary,
               ca.phase_summary, ca.diff_in_diff):
        doc = fn.__doc__  # a literal docstring: help() shows it
        assert doc and all(part in doc for part in ("Parameters", "Returns", "Examples")), fn.__name__


def test_synthetic_control_and_sdid_describe_nl_and_en():
    from cosie_analysis.estimate.sdid import synthetic_did
    from cosie_analysis.estimate.synth import synthetic_control

    try:
        from tests.synthetic import factor_panel
    except ImportError:  # pragma: no cover
        from synthetic import factor_panel
    data = factor_panel(4, n_units=12, effect=-3.0)  # SYNTHETIC: -3 for SY0001 from 2020
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = synthetic_control(data, treated="SY0001", leave_one_out=False)
        sdid = synthetic_did(data, treated="SY0001", leave_one_out=False, scale="level")  # additive effect
    assert sc.describe("nl") == (
        "Synthetisch 01: na het begin van corona gemiddeld −3,05 (−13,9%) t.o.v. de synthetische controle; RMSPE vóór "
        "0,04, verhouding na/vóór 72,77, rang 1 van 12 (permutatie-p = 0,083; kleinst mogelijke p = 0,083). Rang van "
        "de RMSPE na, onder 2 eenheden met een vergelijkbare pre-fit (factor 5): 1 (p = 0,500). Donorkeuze: alle "
        "eenheden van het regioniveau van de behandelde eenheid (11 donors).")
    assert sc.describe("en") == (
        "Synthetisch 01: after corona began, on average −3.05 (−13.9%) against the synthetic control; RMSPE before "
        "0.04, post/pre ratio 72.77, rank 1 of 12 (permutation p = 0.083; smallest possible p = 0.083). Rank of the "
        "post-period RMSPE among 2 units with a comparable pre-period fit (factor 5): 1 (p = 0.500). Donor pool: all "
        "units of the treated unit's region_level (11 donors).")
    assert sdid.describe("nl") == (
        "Synthetisch 01: na het begin van corona gemiddeld −3,26 (−14,7%) t.o.v. de synthetische "
        "verschil-in-verschillen (95%-BI [−5,84; −0,68], placebo-SE 1,31, p = 0,013; rang 1 van 12 onder de "
        "placebo's, p = 0,083). Donorkeuze: alle eenheden "
        "van het regioniveau van de behandelde eenheid (11 donors).")
    assert sdid.describe("en") == (
        "Synthetisch 01: after corona began, on average −3.26 (−14.7%) against the synthetic difference-in-differences "
        "(95% CI [−5.84, −0.68], placebo SE 1.31, p = 0.013; rank 1 of 12 among the placebos, p = 0.083). "
        "Donor pool: all units of the treated unit's "
        "region_level (11 donors).")


def test_pool_rule_in_words():
    from cosie_analysis.estimate._donors import pool_rule_words

    default = "urbanity±1; population×0.5–2; no Wadden islands"
    assert pool_rule_words(default, "nl") == "stedelijkheid ±1; inwonertal ×0,5–2; geen Waddeneilanden"
    assert pool_rule_words(default, "en") == default
    wide = "urbanity±2; population×0.25–4; province; islands; 20 nearest on pre-period outcome | requested donors"
    assert pool_rule_words(wide, "nl") == (
        "stedelijkheid ±2; inwonertal ×0,25–4; zelfde provincie; met Waddeneilanden; de 20 dichtstbijzijnde op de "
        "uitkomst vóór corona | gevraagde donors")
    assert pool_rule_words(wide, "en") == wide
    assert pool_rule_words("a rule of my own", "nl") == "a rule of my own"


def test_synthetic_control_describe_names_the_town():
    from cosie_analysis.estimate.synth import synthetic_control

    try:
        from tests.synthetic import factor_panel
    except ImportError:  # pragma: no cover
        from synthetic import factor_panel
    data = factor_panel(4, n_units=12, effect=-3.0)  # SYNTHETIC: -3 for SY0001 from 2020
    data = data.assign(region_name="Testdorp " + data["region_code"].str[-2:])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc = synthetic_control(data, treated="SY0001", leave_one_out=False)
    assert sc.describe("nl").startswith("Testdorp 01: na het begin van corona gemiddeld −3,05 (−13,9%)")
    unnamed = synthetic_control(data.drop(columns="region_name"), treated="SY0001", leave_one_out=False)
    assert unnamed.describe("en").startswith("SY0001: after corona began")
    assert ", (" not in sc.describe("nl") and ", (" not in sc.describe("en")


def test_describe_names_pooled_groups_and_offences_not_codes():
    """SYNTHETIC DATA: the rows pooled_rates() makes carry codes only ('NL', 'comparison', offence key)."""
    years = [f"{y}JJ00" for y in range(2016, 2024)]
    data = pd.DataFrame([{"source_key": "1.1.1", "region_code": code, "period": p, "value": 10.0 + i % 3}
                         for code in ("NL", "comparison", "GM0321") for i, p in enumerate(years)])
    res = phase_summary(data, by=("source_key", "region_code"))
    nl, en = res.describe("nl"), res.describe("en")
    for text, names in ((nl, ["Woninginbraak / Nederland:", "Woninginbraak / Vergelijkingsgroep (overige "
                               "WIL-gemeenten):", "Woninginbraak / Houten:"]),
                        (en, ["Residential burglary / Netherlands:", "Residential burglary / Comparison group "
                              "(other WIL municipalities):", "Residential burglary / Houten:"])):
        assert all(n in text for n in names), text
        assert "1.1.1" not in text and "comparison" not in text.replace("Comparison", "")
