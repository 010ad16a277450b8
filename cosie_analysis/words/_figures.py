"""Words of the report figures (axes, legends, notes, source lines; ``fig_date`` is a strftime
format) and the column headers of exported tables (see :mod:`cosie_analysis.words`)."""

from __future__ import annotations

WORDS = {
    "nl": {
        "fig_provisional": "voorlopig (open symbool)", "fig_all_municipalities": "alle gemeenten",
        "fig_municipalities_ranked": "gemeenten, gerangschikt",
        "fig_offences_per_1000": "misdrijven per 1.000 inwoners",
        "fig_offences_per_month": "misdrijven per maand", "fig_disorder_per_month": "overlastregistraties per maand",
        "fig_burglaries_per_month": "woninginbraken per maand",
        "fig_gap_to_synthetic": "verschil met synthetische controle",
        "fig_placebo": "placebo: elke donorgemeente als 'behandeld'",
        "fig_change_after": "verandering na t.o.v. vóór corona,\nper 1.000 inwoners",
        "fig_municipality_of": "{town} (gemeente)", "fig_lbm2_class": "Leefbaarometer 2.0-scoreklasse (1-9)",
        "fig_bijstand_wijk": "personen met bijstand per 1.000\ninwoners, 2024 (n = inwoners)",
        "fig_no_score": "leeg = geen score gepubliceerd", "fig_other_pc4_of": "overige postcodegebieden {town}",
        "fig_pc4_of": "postcodegebieden {town}", "fig_nijpels_pc4": "postcode {pc4} (Nijpelsplantsoen)",
        "fig_dutch_mean": "gemiddelde van Nederland",
        "fig_lbm3_axis": "Leefbaarometer 3.0: afwijking van NL-gemiddelde",
        "fig_nijpels_note": ("Postcode {pc4} ligt deels in Jutphaas-Wijkersloot: {last}% van de adressen in "
                             "{last_year} ({first}% in {first_year})."),
        "fig_bijstand_density": "bijstandsontvangers per 1.000\ninwoners van 15 jaar of ouder",
        "fig_outflow_to_work": "uitstroom naar werk per\n100 bijstandsontvangers",
        "fig_box_legend": ("alle gemeenten: kwartielen en mediaan, snorharen tot 1,5 x de\n"
                           "interkwartielafstand (uitschieters niet getekend)"),
        "fig_subphases": "deelfasen", "fig_date": "%d-%m-%y",
        "src_police": "Politie, via CBS, tabel {table}", "src_police_two": "Politie, via CBS, tabel {a} en {b}",
        "src_police_rates": "Politie, via CBS, tabel {crime}; CBS {population}",
        "src_wijken": "Leefbaarometer 2.0 (BZK); CBS, wijk- en buurtkaart 2024",
        "src_liveability": "Leefbaarometer 3.0 (BZK); VNG/CBS postcode-wijk",
        "src_bijstand": "CBS, tabel {tables} (aantallen afgerond op tientallen)",
        "src_timeline": "zie tabel corona_timeline voor de bron per gebeurtenis",
        # --- H-figwords: honest phase means, exact pre-fit note, Dutch names of the phase schemes ---
        "fig_yearly_value": "één jaar", "fig_phase_mean": "gemiddelde",
        "fig_interval_rule": "95%-interval (bij ≥ 3 jaren)",
        "fig_exact_prefit": ("exacte pre-fit: meer donors ({donors})\ndan perioden vóór corona ({periods});\n"
                             "de fit zegt niets over de\nkwaliteit van de controle"),
        "scheme_measures": "maatregelen", "scheme_support": "steunregelingen", "scheme_lifted": "opheffing",
    },
    "en": {
        "fig_provisional": "provisional (open symbol)", "fig_all_municipalities": "all municipalities",
        "fig_municipalities_ranked": "municipalities, ranked",
        "fig_offences_per_1000": "offences per 1,000 inhabitants",
        "fig_offences_per_month": "offences per month", "fig_disorder_per_month": "disorder reports per month",
        "fig_burglaries_per_month": "residential burglaries per month",
        "fig_gap_to_synthetic": "gap to synthetic control",
        "fig_placebo": "placebo: every donor municipality as 'treated'",
        "fig_change_after": "change after vs before corona,\nper 1,000 inhabitants",
        "fig_municipality_of": "{town} (municipality)", "fig_lbm2_class": "Leefbaarometer 2.0 score class (1-9)",
        "fig_bijstand_wijk": "people on social assistance per\n1,000 inhabitants, 2024 (n = inhabitants)",
        "fig_no_score": "empty = no score published", "fig_other_pc4_of": "other postcode areas of {town}",
        "fig_pc4_of": "postcode areas of {town}", "fig_nijpels_pc4": "postcode {pc4} (Nijpelsplantsoen)",
        "fig_dutch_mean": "Dutch mean", "fig_lbm3_axis": "Leefbaarometer 3.0: deviation from Dutch mean",
        "fig_nijpels_note": ("Postcode {pc4} lies partly in Jutphaas-Wijkersloot: {last}% of its addresses in "
                             "{last_year} ({first}% in {first_year})."),
        "fig_bijstand_density": "social assistance recipients per\n1,000 inhabitants aged 15 and over",
        "fig_outflow_to_work": "outflow to work per 100 recipients",
        "fig_box_legend": "all municipalities: quartiles and median, whiskers to 1.5 x IQR (outliers not drawn)",
        "fig_subphases": "sub-phases", "fig_date": "%d %b %y",
        "src_police": "Police, via CBS, table {table}", "src_police_two": "Police, via CBS, tables {a} and {b}",
        "src_police_rates": "Police, via CBS, table {crime}; CBS {population}",
        "src_wijken": "Leefbaarometer 2.0 (BZK); CBS, district and neighbourhood map 2024",
        "src_liveability": "Leefbaarometer 3.0 (BZK); VNG/CBS postcode to district",
        "src_bijstand": "CBS, tables {tables} (counts rounded to tens)",
        "src_timeline": "see table corona_timeline for each event's source",
        # --- H-figwords: honest phase means, exact pre-fit note, Dutch names of the phase schemes ---
        "fig_yearly_value": "one year", "fig_phase_mean": "mean",
        "fig_interval_rule": "95% interval (with ≥ 3 years)",
        "fig_exact_prefit": ("exact pre-fit: more donors ({donors})\nthan periods before corona ({periods});\n"
                             "the fit says nothing about\nthe quality of the control"),
        "scheme_measures": "measures", "scheme_support": "support", "scheme_lifted": "lifted",
    },
}  # fmt: skip


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
