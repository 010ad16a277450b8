"""All words in one place: every label, phase name and number format in Dutch and English.

Plot functions, ``describe()``, captions and exports look words up here; none spells its own.
Dutch output uses a decimal comma and a thousands point (``1.234,5``), English the reverse
(``1,234.5``); both use the true minus sign. p-values below 0.001 are written ``p < 0,001``.

Examples
--------
>>> from cosie_analysis.words import format_number, format_p, phase_name, word
>>> format_number(1234.5, 1, lang="nl")
'1.234,5'
>>> format_p(0.0002, lang="nl")
'p < 0,001'
>>> format_p(0.0451, lang="en")
'p = 0.045'
>>> phase_name("before", lang="nl")
'vóór corona'
>>> word("per_1000", lang="nl")
'per 1.000 inwoners'
"""

from __future__ import annotations

from cosie_analysis._format import LANGS, NOT_AVAILABLE, check_lang, format_ci, format_number, format_p, format_pct
from cosie_analysis.errors import ParameterError

__all__ = [
    "LANGS",
    "MONTHS",
    "PHASE_LABELS",
    "PHASE_WORDS",
    "WORDS",
    "COLUMN_LABELS",
    "check_lang",
    "column_label",
    "format_ci",
    "format_number",
    "format_p",
    "format_pct",
    "phase_name",
    "pick",
    "word",
]

#: Phase labels in full ("vóór corona") and short ("vóór"), by language.
PHASE_LABELS = {
    "nl": {"before": "vóór corona", "during": "tijdens corona", "after": "na corona"},
    "en": {"before": "before corona", "during": "during corona", "after": "after corona"},
}
PHASE_WORDS = {
    "nl": {"before": "vóór", "during": "tijdens", "after": "na"},
    "en": {"before": "before", "during": "during", "after": "after"},
}

MONTHS = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}

#: Words used on axes, in legends, captions and sentences, by language. Add new words here.
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
        "est_vs_trend": "t.o.v. de voortgezette trend", "est_vs_level": "t.o.v. het niveau vóór corona",
        "est_vs_capped": "t.o.v. de trend van vóór corona, doorgetrokken zover de gegevens die dragen",
        "est_ci": "{conf}-BI", "est_log_scale": "logschaal",
        "est_level_change": "Niveauverandering bij het begin van de fase '{phase}': {estimate} ({ci}{scale}).",
        "est_its_tail": "Model: {family}, {cov}standaardfouten{lag}, trend '{trend}' ({trend_text}); "
                        "fasen volgens schema '{scheme}' (regel '{rule}').",
        "est_cov_model": "modelgebaseerde ", "est_cov_hac": "Newey-West-", "est_lag": " (vertraging {lags})",
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
        "est_did_post": "sinds het begin van corona", "est_treated": "behandeld", "est_donors": "controles",
        "est_effect": "effect",
        "est_event_x": "periode t.o.v. laatste periode vóór corona", "est_phase": "fase", "est_mean": "gemiddelde",
        # --- H-report: exports, figures, citations, site ---
        "significance_note": "* p < 0,05; ** p < 0,01; *** p < 0,001 (kolom significance)",
        "references": "Bronnen", "report_title": "Rapport: figuren en tabellen", "notebooks": "Notebooks",
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
        "est_vs_trend": "against the continued trend", "est_vs_level": "against the pre-corona level",
        "est_vs_capped": "against the pre-corona trend, continued as far as the data support it",
        "est_ci": "{conf} CI", "est_log_scale": "log scale",
        "est_level_change": "Level change at the start of phase '{phase}': {estimate} ({ci}{scale}).",
        "est_its_tail": "Model: {family}, {cov}standard errors{lag}, trend '{trend}' ({trend_text}); "
                        "phases from scheme '{scheme}' (rule '{rule}').",
        "est_cov_model": "model-based ", "est_cov_hac": "Newey-West ", "est_lag": " (lag {lags})",
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
        "est_did_post": "since corona began", "est_treated": "treated", "est_donors": "controls",
        "est_effect": "effect",
        "est_event_x": "period relative to the last pre-corona period", "est_phase": "phase", "est_mean": "mean",
        # --- H-report: exports, figures, citations, site ---
        "significance_note": "* p < 0.05; ** p < 0.01; *** p < 0.001 (column significance)",
        "references": "References", "report_title": "Report: figures and tables", "notebooks": "Notebooks",
    },
}  # fmt: skip

# ---- comparisons (donor pools, synthetic control / DiD, multiverse); kept as one block to ease merging
WORDS["nl"].update({
    "pool_reason_kept": "gekozen", "pool_reason_requested": "gevraagd", "pool_reason_treated": "behandelde eenheid",
    "pool_reason_not_requested": "niet gevraagd", "pool_reason_no_attributes": "kenmerken ontbreken",
    "pool_reason_urbanity": "andere stedelijkheid", "pool_reason_population": "ander inwonertal",
    "pool_reason_province": "andere provincie", "pool_reason_labour_market_region": "andere arbeidsmarktregio",
    "pool_reason_island": "Waddeneiland", "pool_reason_excluded": "uitgesloten",
    "pool_reason_incomplete_series": "onvolledige reeks", "pool_reason_not_nearest": "niet bij de dichtstbijzijnde",
    "pool_rule": "Donorkeuze",
    "no_test": "geen toets: de pre-periode past exact, de verhouding is niet informatief",
    "specification": "Specificatie (gesorteerd)", "effect": "Effect",
    "mv_estimator": "schatter", "mv_scheme": "faseschema", "mv_rule": "grensregel", "mv_family": "model",
    "mv_pool": "donorkeuze", "mv_scale": "schaal", "mv_its": "ITS", "mv_sc": "synthetische controle",
    "mv_augmented_sc": "augmented SC", "mv_sdid": "synthetische DiD", "mv_did": "DiD", "mv_gaussian": "normaal",
    "mv_poisson": "Poisson", "mv_default": "standaard", "mv_nearest": "dichtstbijzijnde", "mv_all": "alle",
    "mv_count": "aantal", "mv_rate": "per 1.000 inwoners", "mv_majority": "meerderheid", "mv_start": "begin",
    "mv_end": "einde", "mv_exclude": "uitsluiten",
    "multiverse_summary": ("{unit}: {n} specificaties, mediaan relatief effect {median}; {positive} positief; "
                           "{significant} van de specificaties met een toets heeft p < 0,05."),
})
WORDS["en"].update({
    "pool_reason_kept": "kept", "pool_reason_requested": "requested", "pool_reason_treated": "treated unit",
    "pool_reason_not_requested": "not requested", "pool_reason_no_attributes": "attributes missing",
    "pool_reason_urbanity": "different urbanity", "pool_reason_population": "different population size",
    "pool_reason_province": "different province", "pool_reason_labour_market_region": "different labour-market region",
    "pool_reason_island": "Wadden island", "pool_reason_excluded": "excluded",
    "pool_reason_incomplete_series": "incomplete series", "pool_reason_not_nearest": "not among the nearest",
    "pool_rule": "Donor pool",
    "no_test": "no test: the pre-period fits exactly, the ratio is not informative",
    "specification": "Specification (sorted)", "effect": "Effect",
    "mv_estimator": "estimator", "mv_scheme": "phase scheme", "mv_rule": "boundary rule", "mv_family": "model",
    "mv_pool": "donor pool", "mv_scale": "scale", "mv_its": "ITS", "mv_sc": "synthetic control",
    "mv_augmented_sc": "augmented SC", "mv_sdid": "synthetic DiD", "mv_did": "DiD", "mv_gaussian": "Gaussian",
    "mv_poisson": "Poisson", "mv_default": "default", "mv_nearest": "nearest", "mv_all": "all", "mv_count": "count",
    "mv_rate": "per 1,000 inhabitants", "mv_majority": "majority", "mv_start": "start", "mv_end": "end",
    "mv_exclude": "exclude",
    "multiverse_summary": ("{unit}: {n} specifications, median relative effect {median}; {positive} positive; "
                           "{significant} of the specifications with a test have p < 0.05."),
})


# ---- h-figsplit (issue #11): plot labels and the report figures' axes, legends, notes and source lines;
# one block to ease merging. Source lines take the table codes as {fields}; fig_date is a strftime format.
WORDS["nl"].update({
    "fig_provisional": "voorlopig (open symbool)", "fig_all_municipalities": "alle gemeenten",
    "fig_municipalities_ranked": "gemeenten, gerangschikt", "fig_offences_per_1000": "misdrijven per 1.000 inwoners",
    "fig_offences_per_month": "misdrijven per maand", "fig_disorder_per_month": "overlastregistraties per maand",
    "fig_burglaries_per_month": "woninginbraken per maand",
    "fig_gap_to_synthetic": "verschil met synthetische controle",
    "fig_placebo": "placebo: elke donorgemeente als 'behandeld'",
    "fig_change_after": "verandering na t.o.v. vóór corona,\nper 1.000 inwoners",
    "fig_municipality_of": "{town} (gemeente)", "fig_lbm2_class": "Leefbaarometer 2.0-scoreklasse (1-9)",
    "fig_bijstand_wijk": "personen met bijstand per 1.000\ninwoners, 2024 (n = inwoners)",
    "fig_no_score": "leeg = geen score gepubliceerd", "fig_other_pc4_of": "overige postcodegebieden {town}",
    "fig_pc4_of": "postcodegebieden {town}", "fig_nijpels_pc4": "postcode {pc4} (Nijpelsplantsoen)",
    "fig_dutch_mean": "gemiddelde van Nederland", "fig_lbm3_axis": "Leefbaarometer 3.0: afwijking van NL-gemiddelde",
    "fig_nijpels_note": ("Postcode {pc4} ligt deels in Jutphaas-Wijkersloot: {last}% van de adressen in {last_year} "
                         "({first}% in {first_year})."),
    "fig_bijstand_density": "bijstandsontvangers per 1.000 inwoners",
    "fig_outflow_to_work": "uitstroom naar werk per 100 bijstandsontvangers",
    "fig_box_legend": "alle gemeenten: kwartielen en mediaan, snorharen tot 1,5 x IQR (uitschieters niet getekend)",
    "fig_subphases": "deelfasen", "fig_date": "%d-%m-%y",
    "src_police": "Politie, via CBS, tabel {table}", "src_police_two": "Politie, via CBS, tabel {a} en {b}",
    "src_police_rates": "Politie, via CBS, tabel {crime}; CBS {population}",
    "src_wijken": "Leefbaarometer 2.0 (BZK); CBS, wijk- en buurtkaart 2024",
    "src_liveability": "Leefbaarometer 3.0 (BZK); VNG/CBS postcode-wijk",
    "src_bijstand": "CBS, tabel {tables} (aantallen afgerond op tientallen)",
    "src_timeline": "zie tabel corona_timeline voor de bron per gebeurtenis",
})
WORDS["en"].update({
    "fig_provisional": "provisional (open symbol)", "fig_all_municipalities": "all municipalities",
    "fig_municipalities_ranked": "municipalities, ranked", "fig_offences_per_1000": "offences per 1,000 inhabitants",
    "fig_offences_per_month": "offences per month", "fig_disorder_per_month": "disorder reports per month",
    "fig_burglaries_per_month": "residential burglaries per month", "fig_gap_to_synthetic": "gap to synthetic control",
    "fig_placebo": "placebo: every donor municipality as 'treated'",
    "fig_change_after": "change after vs before corona,\nper 1,000 inhabitants",
    "fig_municipality_of": "{town} (municipality)", "fig_lbm2_class": "Leefbaarometer 2.0 score class (1-9)",
    "fig_bijstand_wijk": "people on social assistance per\n1,000 inhabitants, 2024 (n = inhabitants)",
    "fig_no_score": "empty = no score published", "fig_other_pc4_of": "other postcode areas of {town}",
    "fig_pc4_of": "postcode areas of {town}", "fig_nijpels_pc4": "postcode {pc4} (Nijpelsplantsoen)",
    "fig_dutch_mean": "Dutch mean", "fig_lbm3_axis": "Leefbaarometer 3.0: deviation from Dutch mean",
    "fig_nijpels_note": ("Postcode {pc4} lies partly in Jutphaas-Wijkersloot: {last}% of its addresses in {last_year} "
                         "({first}% in {first_year})."),
    "fig_bijstand_density": "social assistance recipients per 1,000 inhabitants",
    "fig_outflow_to_work": "outflow to work per 100 recipients",
    "fig_box_legend": "all municipalities: quartiles and median, whiskers to 1.5 x IQR (outliers not drawn)",
    "fig_subphases": "sub-phases", "fig_date": "%d %b %y",
    "src_police": "Police, via CBS, table {table}", "src_police_two": "Police, via CBS, tables {a} and {b}",
    "src_police_rates": "Police, via CBS, table {crime}; CBS {population}",
    "src_wijken": "Leefbaarometer 2.0 (BZK); CBS, district and neighbourhood map 2024",
    "src_liveability": "Leefbaarometer 3.0 (BZK); VNG/CBS postcode to district",
    "src_bijstand": "CBS, tables {tables} (counts rounded to tens)",
    "src_timeline": "see table corona_timeline for each event's source",
})


# --- H-report: column headers of exported tables (xlsx, docx); unknown columns keep their name ---
#: Header of a result column in each language, for spreadsheets and Word tables.
COLUMN_LABELS = {
    "nl": {
        "region_code": "regiocode", "region_name": "regio", "indicator": "indicator", "period": "periode",
        "phase": "fase", "value": "waarde", "estimate": "schatting", "std_err": "standaardfout",
        "ci_lower": "ondergrens interval", "ci_upper": "bovengrens interval", "p_value": "p-waarde",
        "p_adjusted": "p-waarde (gecorrigeerd)", "n": "n", "method": "methode", "mean": "gemiddelde",
        "significance": "significantie", "source_table": "brontabel", "unit": "eenheid", "status": "status",
        "offence": "delict", "population": "inwoners", "offences": "misdrijven", "rank": "rang",
    },
    "en": {
        "region_code": "region code", "region_name": "region", "indicator": "indicator", "period": "period",
        "phase": "phase", "value": "value", "estimate": "estimate", "std_err": "standard error",
        "ci_lower": "interval lower", "ci_upper": "interval upper", "p_value": "p-value",
        "p_adjusted": "p-value (adjusted)", "n": "n", "method": "method", "mean": "mean",
        "significance": "significance", "source_table": "source table", "unit": "unit", "status": "status",
        "offence": "offence", "population": "inhabitants", "offences": "offences", "rank": "rank",
    },
}  # fmt: skip


def column_label(column: str, lang: str = "nl") -> str:
    """The header of a table column in ``lang``; a column without a label keeps its name.

    Examples
    --------
    >>> column_label("estimate", "nl"), column_label("my_column", "nl")
    ('schatting', 'my_column')
    """
    check_lang(lang)
    return COLUMN_LABELS[lang].get(column, column)


def word(key: str, lang: str = "nl") -> str:
    """The word for ``key`` in ``lang``; raises :class:`ParameterError` for an unknown key.

    Parameters
    ----------
    key : str
        A key of :data:`WORDS`, e.g. ``"source"`` or ``"per_1000"``.
    lang : {"nl", "en"}, default "nl"
        The language.

    Returns
    -------
    str
        The word or phrase.

    Examples
    --------
    >>> word("source", "en")
    'Source'
    """
    check_lang(lang)
    try:
        return WORDS[lang][key]
    except KeyError:
        raise ParameterError(f"No word {key!r} in cosie_analysis.words.WORDS; known: {sorted(WORDS[lang])}.") from None


def phase_name(phase: str, lang: str = "nl", *, short: bool = False) -> str:
    """The display name of a phase: ``"vóór corona"`` (or ``"vóór"`` with ``short=True``).

    Parameters
    ----------
    phase : {"before", "during", "after"}
        The phase's identifier (the values of the ``phase`` column).
    lang : {"nl", "en"}, default "nl"
        The language.
    short : bool, default False
        ``True`` for the one-word form used in tight legends and table headers.

    Returns
    -------
    str
        The name to show.

    Examples
    --------
    >>> phase_name("after", "en", short=True)
    'after'
    """
    table = PHASE_WORDS if short else PHASE_LABELS
    check_lang(lang)
    if phase not in table[lang]:
        raise ParameterError(f"`phase` must be one of {list(table[lang])!r}; got {phase!r}.")
    return table[lang][phase]


def pick(nl: str, en: str, lang: str = "nl") -> str:
    """The Dutch or the English of a pair of words kept beside data outside :data:`WORDS`, such as
    ``MAIN_OFFENCES`` or a sub-phase's ``name_nl`` and ``name_en``.

    Examples
    --------
    >>> pick("Vernieling", "Vandalism", "en")
    'Vandalism'
    """
    check_lang(lang)
    return {"nl": nl, "en": en}[lang]
