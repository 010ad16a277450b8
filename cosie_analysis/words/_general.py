"""Words of the plots, estimators, QDA, exports and disclosure notes (see :mod:`cosie_analysis.words`)."""

from __future__ import annotations

from cosie_analysis._format import NOT_AVAILABLE

#: Words used on axes, in legends, captions and sentences, by language.
WORDS = {
    "nl": {
        "comparison": "Vergelijkingsgroep (overige WIL-gemeenten)", "nederland": "Nederland",
        "source": "Bron", "per_1000": "per 1.000 inwoners", "year": "Jaar", "month": "Maand",
        "synthetic": "SYNTHETISCHE DATA", "not_available": NOT_AVAILABLE["nl"],
        # --- coded narratives (qda; issue #15) ---
        "qda_alpha": "Krippendorffs alfa", "qda_kappa": "Cohens kappa", "qda_percent_agreement": "% overeenstemming",
        "qda_all_codes": "alle codes", "qda_units_segment": "gecodeerde passages", "qda_units_source": "bronnen",
        "qda_reliable": "betrouwbaar (alfa ≥ 0,80)", "qda_tentative": "voorlopig (alfa ≥ 0,667)",
        "qda_agreement_axis": "overeenstemming (1 = volledig, 0 = toeval)",
        "qda_agreement_sentence": ("Overeenstemming tussen {n_coders} codeurs over {n} {units}: {alpha_name} = {alpha} "
                                   "{alpha_ci}{kappa_part}. Het laagst voor '{worst}' ({worst_alpha})."),
        "qda_share_axis": "aandeel verhalen waarin het thema voorkomt",
        "qda_share_short": "% verhalen",
        "qda_theme_sentence": ("{pilot}: '{theme}' in {before} van de verhalen vóór corona, {during} tijdens en "
                               "{after} na corona; tijdens tegen vóór {diff} {ci}, {p} (Fisher, Holm-gecorrigeerd)."),
        "qda_themes_intro": "{n} verhalen ({pilot}), elk verhaal telt één keer per thema.",
        "qda_cooccurrence_sentence": ("{pilot}: '{a}' en '{b}' komen het vaakst samen voor, in {n} van {total} "
                                      "verhalen."),
        "qda_both": "verhalen met beide codes", "qda_stories": "verhalen",
        "qda_themes_panel": "Thema's in verhalen (aandeel per fase)",
        "qda_suppressed_note": ". = te weinig verhalen om te tonen",
        "qda_points": "procentpunt",
        # --- h-data (issue #13): municipalities, live-only tables ---
        "needs_live_fetch": "niet beschikbaar offline: voer `cosie-analysis fetch --live` uit",
        "live_only_tables": "Tabellen die een live download nodig hebben",
        "municipalities_offline_attrs": "provincie en arbeidsmarktregio komen uit CBS-tabel 85755NED "
                                        "(Gebieden in Nederland 2024), die offline ontbreekt",
        # --- estimators (estimate/: its, summaries, batch, comparison DiD) ---
        "est_observed": "waargenomen", "est_fitted": "model", "est_counterfactual": "zonder corona (contrafeitelijk)",
        "est_vs_trend": "t.o.v. de voortgezette trend",
        "est_vs_level": "t.o.v. het trendniveau in de laatste periode vóór corona",
        "est_vs_capped": "t.o.v. de trend van vóór corona, doorgetrokken zover de gegevens die dragen",
        "est_ci": "{conf}-BI", "est_log_scale": "logschaal",
        "est_level_change": "Niveauverandering bij het begin van de fase '{phase}': {estimate} ({ci}{scale}).",
        "est_its_tail": "Model: {family}, {cov}standaardfouten{lag}, trend '{trend}' ({trend_text}); "
                        "fasen volgens schema '{scheme}' (regel '{rule}').",
        "est_cov_model": "modelgebaseerde ", "est_cov_hac": "Newey-West-", "est_lag": " (vertraging {lags})",
        "est_family_gaussian": "lineair (normale verdeling)", "est_family_poisson": "Poisson",
        "est_family_quasi_poisson": "quasi-Poisson (overdispersie geschat)", "est_family_negbin": "negatief-binomiaal",
        "est_cov_hc1": "HC1-",
        "est_cov_ar1": "AR(1)-GLS-", "est_cov_cluster": "clusterrobuuste ",
        "est_trend_segmented": "niveau en helling per fase; de trend van vóór corona doorgetrokken",
        "est_trend_level": "niveausprong per fase; de trend van vóór corona doorgetrokken",
        "est_trend_flat": "niveausprong per fase; de trend stopt bij de laatste periode vóór corona",
        "est_trend_capped": "niveausprong per fase; de trend van vóór corona doorgetrokken tot de horizon die de "
                            "perioden vóór corona dragen, daarna constant",
        "est_horizon": " Het contrafeitelijke verloop reikt tot {horizon} periode(n) na de laatste periode "
                       "vóór corona; de {n_before} perioden vóór corona dragen een trend tot {supported} "
                       "periode(n) vooruit.",
        "est_mean_before": "gemiddelde vóór corona", "est_adjusted": "gecorrigeerde",
        "est_summary_tail": "Fasen volgens schema '{scheme}' (regel '{rule}'); Welch-toets, correctie voor "
                            "meervoudig toetsen: {adjust}.",
        "est_adjust_none": "geen",
        "est_did": "Verschil-in-verschillen ({n_treated} behandelde, {n_controls} controle-eenheden, vaste effecten "
                   "voor eenheid en periode): {parts}. Fasen volgens schema '{scheme}'.",
        "est_did_part": "{term}: {estimate} ({ci}, cluster-{p}, permutatie-{p_perm})",
        "est_did_part_few": "{term}: {estimate} (permutatie-{p_perm})",
        "est_did_few": (" Met {n_treated} {units} onderschatten clusterfouten de onzekerheid; ze staan niet in "
                        "deze tekst (wel in summary()). Lees de permutatie-p: elke controle-eenheid op haar beurt als "
                        "behandeld."),
        "est_treated_unit_one": "behandelde eenheid", "est_treated_unit_many": "behandelde eenheden",
        "est_did_post": "sinds het begin van corona", "est_treated": "behandeld", "est_donors": "controles",
        "est_effect": "effect",
        "est_event_x": "periode t.o.v. laatste periode vóór corona", "est_phase": "fase", "est_mean": "gemiddelde",
        # --- H-report: exports, figures, citations, site ---
        "significance_note": "* p < 0,05; ** p < 0,01; *** p < 0,001 (kolom significance)",
        "references": "Bronnen", "report_title": "Rapport: figuren en tabellen", "notebooks": "Notebooks",
        # --- h-split: disclosure control (report/disclosure) ---
        "sdc_suppressed": "onderdrukt ({mark})",
        "sdc_note": ("'{mark}' = onderdrukt (minder dan {threshold}, of om terugrekenen te voorkomen); aantallen "
                     "afgerond op een veelvoud van {base}; totalen zijn de som van de afgeronde cellen; percentages "
                     "alleen bij een noemer van minstens {min_denominator}."),
        # --- h-privacy2: protected counts of stories (qda) and of the register in the joint display ---
        "qda_theme_sentence_protected": ("{pilot}: '{theme}' in {before} van de verhalen vóór corona, {during} "
                                         "tijdens en {after} na corona (aandelen uit de beschermde aantallen); "
                                         "tijdens tegen vóór {diff}, {p} (Fisher, Holm-gecorrigeerd)."),
        "qda_no_theme_shown": ("{pilot}: te weinig verhalen per fase om het aandeel van een thema vóór en tijdens "
                               "corona te tonen."),
        "qda_cooccurrence_none": "{pilot}: geen twee thema's komen samen in genoeg verhalen voor om te tonen.",
        "qda_protected_note": ("Aantallen verhalen beschermd: minder dan {threshold} niet getoond, afgerond op "
                               "{base}."),
        "joint_matches_month": "bemiddelingen per maand", "joint_matches_quarter": "bemiddelingen per kwartaal",
        "joint_matches_year": "bemiddelingen per jaar",
        "joint_src_register": "pilotregister", "joint_src_register_synthetic": "pilotregister: SYNTHETISCH voorbeeld",
        "joint_src_stories": "verhalen: eigen QDA-export",
        "joint_src_stories_synthetic": "verhalen: SYNTHETISCH voorbeeldproject",
    },
    "en": {
        "comparison": "Comparison group (other WIL municipalities)", "nederland": "Netherlands",
        "source": "Source", "per_1000": "per 1,000 inhabitants", "year": "Year", "month": "Month",
        "synthetic": "SYNTHETIC DATA", "not_available": NOT_AVAILABLE["en"],
        # --- coded narratives (qda; issue #15) ---
        "qda_alpha": "Krippendorff's alpha", "qda_kappa": "Cohen's kappa", "qda_percent_agreement": "% agreement",
        "qda_all_codes": "all codes", "qda_units_segment": "coded passages", "qda_units_source": "sources",
        "qda_reliable": "reliable (alpha ≥ 0.80)", "qda_tentative": "tentative (alpha ≥ 0.667)",
        "qda_agreement_axis": "agreement (1 = perfect, 0 = chance)",
        "qda_agreement_sentence": ("Agreement between {n_coders} coders over {n} {units}: {alpha_name} = {alpha} "
                                   "{alpha_ci}{kappa_part}. Lowest for '{worst}' ({worst_alpha})."),
        "qda_share_axis": "share of stories mentioning the theme",
        "qda_share_short": "% of stories",
        "qda_theme_sentence": ("{pilot}: '{theme}' in {before} of the stories before corona, {during} during and "
                               "{after} after corona; during vs before {diff} {ci}, {p} (Fisher, Holm-adjusted)."),
        "qda_themes_intro": "{n} stories ({pilot}), each story counted once per theme.",
        "qda_cooccurrence_sentence": "{pilot}: '{a}' and '{b}' occur together most often, in {n} of {total} stories.",
        "qda_both": "stories with both codes", "qda_stories": "stories",
        "qda_themes_panel": "Themes in stories (share per phase)", "qda_suppressed_note": ". = too few stories to show",
        "qda_points": "percentage points",
        # --- h-data (issue #13): municipalities, live-only tables ---
        "needs_live_fetch": "not available offline: run `cosie-analysis fetch --live`",
        "live_only_tables": "Tables that need a live download",
        "municipalities_offline_attrs": "province and labour-market region come from CBS table 85755NED "
                                        "(Gebieden in Nederland 2024), which is missing offline",
        # --- estimators (estimate/: its, summaries, batch, comparison DiD) ---
        "est_observed": "observed", "est_fitted": "fitted", "est_counterfactual": "counterfactual (no corona)",
        "est_vs_trend": "against the continued trend",
        "est_vs_level": "against the trend's level in the last pre-corona period",
        "est_vs_capped": "against the pre-corona trend, continued as far as the data support it",
        "est_ci": "{conf} CI", "est_log_scale": "log scale",
        "est_level_change": "Level change at the start of phase '{phase}': {estimate} ({ci}{scale}).",
        "est_its_tail": "Model: {family}, {cov}standard errors{lag}, trend '{trend}' ({trend_text}); "
                        "phases from scheme '{scheme}' (rule '{rule}').",
        "est_cov_model": "model-based ", "est_cov_hac": "Newey-West ", "est_lag": " (lag {lags})",
        "est_family_gaussian": "linear (normal errors)", "est_family_poisson": "Poisson",
        "est_family_quasi_poisson": "quasi-Poisson (overdispersion estimated)",
        "est_family_negbin": "negative binomial",
        "est_cov_hc1": "HC1 ",
        "est_cov_ar1": "AR(1)-GLS ", "est_cov_cluster": "cluster-robust ",
        "est_trend_segmented": "level and slope per phase; the pre-corona trend continued",
        "est_trend_level": "a level shift per phase; the pre-corona trend continued",
        "est_trend_flat": "a level shift per phase; the trend stops at the last pre-corona period",
        "est_trend_capped": "a level shift per phase; the pre-corona trend continued up to the horizon the "
                            "pre-corona periods support, constant after it",
        "est_horizon": " The counterfactual reaches {horizon} period(s) beyond the last pre-corona period; the "
                       "{n_before} pre-corona periods support a trend up to {supported} period(s) ahead.",
        "est_mean_before": "mean before corona", "est_adjusted": "adjusted",
        "est_summary_tail": "Phases from scheme '{scheme}' (rule '{rule}'); Welch test, multiple-testing "
                            "adjustment: {adjust}.",
        "est_adjust_none": "none",
        "est_did": "Difference-in-differences ({n_treated} treated, {n_controls} control units, unit and period "
                   "fixed effects): {parts}. Phases from scheme '{scheme}'.",
        "est_did_part": "{term}: {estimate} ({ci}, cluster {p}, permutation {p_perm})",
        "est_did_part_few": "{term}: {estimate} (permutation {p_perm})",
        "est_did_few": (" With {n_treated} {units}, cluster-robust errors understate the uncertainty; they are left "
                        "out of this text (summary() has them). Read the permutation p: each control unit treated "
                        "in turn."),
        "est_treated_unit_one": "treated unit", "est_treated_unit_many": "treated units",
        "est_did_post": "since corona began", "est_treated": "treated", "est_donors": "controls",
        "est_effect": "effect",
        "est_event_x": "period relative to the last pre-corona period", "est_phase": "phase", "est_mean": "mean",
        # --- H-report: exports, figures, citations, site ---
        "significance_note": "* p < 0.05; ** p < 0.01; *** p < 0.001 (column significance)",
        "references": "References", "report_title": "Report: figures and tables", "notebooks": "Notebooks",
        # --- h-split: disclosure control (report/disclosure) ---
        "sdc_suppressed": "suppressed ({mark})",
        "sdc_note": ("'{mark}' = suppressed (fewer than {threshold}, or to prevent recalculation); counts rounded "
                     "to a multiple of {base}; totals are sums of the rounded cells; percentages only with a "
                     "denominator of at least {min_denominator}."),
        # --- h-privacy2: protected counts of stories (qda) and of the register in the joint display ---
        "qda_theme_sentence_protected": ("{pilot}: '{theme}' in {before} of the stories before corona, {during} "
                                         "during and {after} after corona (shares of the protected counts); during "
                                         "vs before {diff}, {p} (Fisher, Holm-adjusted)."),
        "qda_no_theme_shown": ("{pilot}: too few stories per phase to show the share of any theme before and "
                               "during corona."),
        "qda_cooccurrence_none": "{pilot}: no two themes occur together in enough stories to show.",
        "qda_protected_note": "Counts of stories protected: fewer than {threshold} not shown, rounded to {base}.",
        "joint_matches_month": "job matches per month", "joint_matches_quarter": "job matches per quarter",
        "joint_matches_year": "job matches per year",
        "joint_src_register": "pilot register", "joint_src_register_synthetic": "pilot register: SYNTHETIC example",
        "joint_src_stories": "stories: own QDA export",
        "joint_src_stories_synthetic": "stories: SYNTHETIC example project",
    },
}  # fmt: skip
