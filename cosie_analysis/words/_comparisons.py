"""Words of the comparison designs: donor pools, synthetic control, synthetic DiD, DiD, multiverse
(see :mod:`cosie_analysis.words`)."""

from __future__ import annotations

WORDS = {
    "nl": {
        "pool_reason_kept": "gekozen", "pool_reason_requested": "gevraagd", "pool_reason_treated": "behandelde eenheid",
        "pool_reason_not_requested": "niet gevraagd", "pool_reason_no_attributes": "kenmerken ontbreken",
        "pool_reason_urbanity": "andere stedelijkheid", "pool_reason_population": "ander inwonertal",
        "pool_reason_province": "andere provincie", "pool_reason_labour_market_region": "andere arbeidsmarktregio",
        "pool_reason_island": "Waddeneiland", "pool_reason_excluded": "uitgesloten",
        "pool_reason_incomplete_series": "onvolledige reeks", "pool_reason_not_nearest": "niet bij de dichtstbijzijnde",
        "pool_rule": "Donorkeuze",
        "no_test": "geen toets: de pre-periode past exact, de verhouding is niet informatief",
        "specification": "Specificatie (gesorteerd)", "effect": "Effect",
        "mv_estimator": "methode", "mv_scheme": "faseschema", "mv_rule": "grensregel", "mv_family": "model",
        "mv_pool": "donorkeuze", "mv_scale": "schaal", "mv_its": "onderbroken tijdreeks",
        "mv_sc": "synthetische controle", "mv_augmented_sc": "synthetische controle + ridge",
        "mv_sdid": "synthetische verschil-in-verschillen", "mv_did": "verschil-in-verschillen",
        "mv_gaussian": "normaal",
        "mv_poisson": "Poisson", "mv_default": "standaard", "mv_nearest": "dichtstbijzijnde", "mv_all": "alle",
        "mv_count": "aantal", "mv_rate": "per 1.000 inwoners", "mv_majority": "meerderheid", "mv_start": "begin",
        "mv_end": "einde", "mv_exclude": "uitsluiten",
        "multiverse_summary": ("{unit}: {n} specificaties, mediaan relatief effect {median}; {positive} positief; "
                               "{significant} van de specificaties met een toets heeft p < 0,05."),
        "pool_rule_sentence": "Donorkeuze: {rule} ({n} donors).",
        "pool_part_urbanity": "stedelijkheid ±{step}", "pool_part_population": "inwonertal ×{lo}–{hi}",
        "pool_part_province": "zelfde provincie", "pool_part_labour_market_region": "zelfde arbeidsmarktregio",
        "pool_part_islands": "met Waddeneilanden", "pool_part_no_islands": "geen Waddeneilanden",
        "pool_part_nearest": "de {n} dichtstbijzijnde op de uitkomst vóór corona",
        "pool_part_requested": "gevraagde donors", "pool_part_given": "opgegeven pool",
        "pool_part_all": "alle eenheden van het regioniveau van de behandelde eenheid",
        "sc_head": "{unit}: na het begin van corona gemiddeld {estimate} ({relative}) t.o.v. de ",
        "sc_sdid": ("synthetische verschil-in-verschillen ({ci} {interval}, placebo-SE {se}, {p}; rang {rank} van {n} "
                    "onder de placebo's, {p_rank})."),
        "sc_sc": "synthetische controle; RMSPE vóór {rmspe}{test}.",
        "sc_ratio_test": ("verhouding na/vóór {ratio}, rang {rank} van {n} (permutatie-p = {p}; kleinst mogelijke "
                          "p = {p_min})"),
        "sc_post_test": (" Rang van de RMSPE na, onder {n} eenheden met een vergelijkbare pre-fit (factor {k}): "
                         "{rank} ({p})."),
        "p_below": "p < {alpha}", "p_not_below": "p ≥ {alpha}", "all_series": "alle",
    },
    "en": {
        "pool_reason_kept": "kept", "pool_reason_requested": "requested", "pool_reason_treated": "treated unit",
        "pool_reason_not_requested": "not requested", "pool_reason_no_attributes": "attributes missing",
        "pool_reason_urbanity": "different urbanity", "pool_reason_population": "different population size",
        "pool_reason_province": "different province",
        "pool_reason_labour_market_region": "different labour-market region",
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
        "pool_rule_sentence": "Donor pool: {rule} ({n} donors).",
        "pool_part_urbanity": "urbanity±{step}", "pool_part_population": "population×{lo}–{hi}",
        "pool_part_province": "province", "pool_part_labour_market_region": "labour_market_region",
        "pool_part_islands": "islands", "pool_part_no_islands": "no Wadden islands",
        "pool_part_nearest": "{n} nearest on pre-period outcome",
        "pool_part_requested": "requested donors", "pool_part_given": "given pool",
        "pool_part_all": "all units of the treated unit's region_level",
        "sc_head": "{unit}: after corona began, on average {estimate} ({relative}) against the ",
        "sc_sdid": ("synthetic difference-in-differences ({ci} {interval}, placebo SE {se}, {p}; rank {rank} of {n} "
                    "among the placebos, {p_rank})."),
        "sc_sc": "synthetic control; RMSPE before {rmspe}{test}.",
        "sc_ratio_test": ("post/pre ratio {ratio}, rank {rank} of {n} (permutation p = {p}; smallest possible "
                          "p = {p_min})"),
        "sc_post_test": (" Rank of the post-period RMSPE among {n} units with a comparable pre-period fit "
                         "(factor {k}): {rank} ({p})."),
        "p_below": "p < {alpha}", "p_not_below": "p ≥ {alpha}", "all_series": "all",
    },
}  # fmt: skip
