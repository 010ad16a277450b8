"""Value labels of exported tables: how a categorical cell reads in a report table (see
:mod:`cosie_analysis.words`).

The analysis keeps short English identifiers in its result columns (``level_change``,
``its_poisson``, ``definitive``); a report table shows them as words. Phases are looked up with
:func:`cosie_analysis.words.phase_name` instead; a value not listed here is shown as it is.
Booleans are keyed ``"True"`` and ``"False"``.
"""

from __future__ import annotations

# --- H-tables: cell values of report tables (terms, methods, tests, status, model choices, booleans) ---
VALUE_LABELS = {
    "nl": {
        "True": "ja", "False": "nee",
        # ITS terms
        "pre_trend": "trend vóór corona", "level_change": "niveausprong", "slope_change": "trendbreuk",
        "average_effect": "gemiddeld effect", "cumulative_effect": "cumulatief effect",
        "relative_effect": "relatief effect",
        # methods and estimators
        "its": "onderbroken tijdreeks", "its_poisson": "onderbroken tijdreeks (Poisson)",
        "its_gaussian": "onderbroken tijdreeks (normaal)", "synthetic_control": "synthetische controle",
        "sc": "synthetische controle", "augmented_sc": "synthetische controle met ridge-correctie",
        "synthetic_did": "synthetische verschil-in-verschillen", "sdid": "synthetische verschil-in-verschillen",
        "did": "verschil-in-verschillen", "welch_t": "Welch-t-toets",
        # tests
        "did_permutation": "permutatietoets (verschil-in-verschillen)",
        "sc_post_rmspe_rank": "rang van de RMSPE na corona", "sc_ratio_rank": "rang van de RMSPE-verhouding",
        "sdid_placebo_se": "placebo-standaardfout", "exact_pre_fit": "exacte pre-fit",
        # model choices
        "gaussian": "normaal", "poisson": "Poisson", "count": "aantal", "rate": "per 1.000 inwoners",
        "log": "logschaal", "level": "niveaus", "relative": "relatief", "response": "oorspronkelijke schaal",
        "model": "model",
        "month": "maand", "holm": "Holm", "bonferroni": "Bonferroni", "segmented": "gesegmenteerd",
        "flat": "vlak", "capped": "begrensd",
        "default": "standaard", "nearest": "dichtstbijzijnde",
        # phase schemes and straddling rules
        "measures": "maatregelen", "support": "steun", "lifted": "opgeheven", "majority": "meerderheid",
        "start": "begin", "end": "einde", "exclude": "uitsluiten", "post": "na corona (samen)",
        # status of a figure; disclosure of a cell
        "definitive": "definitief", "provisional": "voorlopig", "suppressed": "geheim",
        "primary": "primair geheim", "secondary": "secundair geheim", "shown": "getoond",
        # donor pools
        "kept": "gekozen", "treated": "behandelde eenheid", "population": "ander inwonertal",
        "urbanity": "andere stedelijkheid", "island": "Waddeneiland", "incomplete_series": "onvolledige reeks",
        # timeline events
        "milestone": "mijlpaal", "relaxation": "versoepeling", "tightening": "aanscherping",
        "support_start": "start steunregeling", "support_change": "wijziging steunregeling",
        "support_end": "einde steunregeling",
        # pilots and derived indicators
        "houten": "Houten", "nieuwegein": "Nieuwegein", "total": "totaal", "persons": "personen",
        "outflow_to_work_per_100_recipients": "uitstroom naar werk per 100 bijstandsontvangers",
    },
    "en": {
        "True": "yes", "False": "no",
        "pre_trend": "pre-corona trend", "level_change": "level change", "slope_change": "slope change",
        "average_effect": "average effect", "cumulative_effect": "cumulative effect",
        "relative_effect": "relative effect",
        "its": "interrupted time series", "its_poisson": "interrupted time series (Poisson)",
        "its_gaussian": "interrupted time series (normal)", "synthetic_control": "synthetic control",
        "sc": "synthetic control", "augmented_sc": "synthetic control with ridge correction",
        "synthetic_did": "synthetic difference-in-differences", "sdid": "synthetic difference-in-differences",
        "did": "difference-in-differences", "welch_t": "Welch t-test",
        "did_permutation": "permutation test (difference-in-differences)",
        "sc_post_rmspe_rank": "rank of the post-corona RMSPE", "sc_ratio_rank": "rank of the RMSPE ratio",
        "sdid_placebo_se": "placebo standard error", "exact_pre_fit": "exact pre-fit",
        "gaussian": "normal", "poisson": "Poisson", "count": "count", "rate": "per 1,000 inhabitants",
        "log": "log scale", "level": "levels", "relative": "relative", "response": "original scale", "model": "model",
        "month": "month", "holm": "Holm", "bonferroni": "Bonferroni", "segmented": "segmented",
        "flat": "flat", "capped": "capped",
        "default": "default", "nearest": "nearest",
        "measures": "measures", "support": "support", "lifted": "lifted", "majority": "majority",
        "start": "start", "end": "end", "exclude": "exclude", "post": "after corona (pooled)",
        "definitive": "definitive", "provisional": "provisional", "suppressed": "suppressed",
        "primary": "primary suppression", "secondary": "secondary suppression", "shown": "shown",
        "kept": "kept", "treated": "treated unit", "population": "different population size",
        "urbanity": "different urbanity", "island": "Wadden island", "incomplete_series": "incomplete series",
        "milestone": "milestone", "relaxation": "relaxation", "tightening": "tightening",
        "support_start": "support scheme starts", "support_change": "support scheme changes",
        "support_end": "support scheme ends",
        "houten": "Houten", "nieuwegein": "Nieuwegein", "total": "total", "persons": "persons",
        "outflow_to_work_per_100_recipients": "outflow to work per 100 recipients",
    },
}  # fmt: skip
