"""Captions of the report figures, by language (key ``caption_<figure name>``; see
:data:`cosie_analysis.report.figures.FIGURES`). A caption is shown under the figure, in
``reports/index.md`` and in the metadata of the saved files."""

from __future__ import annotations

WORDS = {
    "nl": {
        "caption_national_crime_monthly": (
            "Geregistreerde misdrijven (boven) en overlast (onder) in Nederland per maand, 2012-2023, met de "
            "coronafasen."
        ),
        "caption_national_burglary_its": (
            "Woninginbraken in Nederland per maand: onderbroken tijdreeks (Poisson met geschatte overspreiding, "
            "seizoenstermen) met de voortgezette trend zonder corona en het 95%-interval."
        ),
        "caption_pilot_crime_rates": (
            "Geregistreerde misdrijven per 1.000 inwoners per jaar: Houten, Nieuwegein, de overige WIL-gemeenten "
            "(IJsselstein, Lopik, Vijfheerenlanden) en Nederland; 2024-2025 voorlopig."
        ),
        "caption_pilot_phase_comparison": (
            "Misdrijven per 1.000 inwoners vóór, tijdens en na corona: elk jaar (kleine stip) en het gemiddelde van "
            "de fase (grote stip). Een 95%-interval (t-interval met de jaren als onafhankelijke waarnemingen) staat "
            "er alleen bij fasen met 3 of meer jaren. 'Tijdens' telt twee jaren: een t-interval op twee waarden "
            "heeft 1 vrijheidsgraad (t = 12,7), is dus zeer breed en reikte hier tot onder nul, wat voor een aantal "
            "per inwoner niet kan; daar tonen we de twee jaren zelf. 2024-2025 voorlopig."
        ),
        "caption_synthetic_control_burglary": (
            "Synthetische controle voor woninginbraak per 1.000 inwoners: Houten (boven) en Nieuwegein (onder) tegen "
            "hun synthetische controle (links) en het verschil tegen dat van elke placebogemeente uit de donorpool "
            "(rechts, grijs). Donorpool: gemeenten met dezelfde of een naburige stedelijkheidsklasse en 0,5 tot 2 "
            "keer het inwonertal, zonder Waddeneilanden (de tabellen geven elke gemeente met de reden van keuze, en "
            "de donorgewichten). Past de pre-periode exact, zoals bij Nieuwegein (het paneel zegt het dan: met meer "
            "donors dan jaren vóór corona zegt een exacte fit niets over de kwaliteit van de controle), dan is de "
            "toets op de RMSPE-verhouding niet informatief: de tabel geeft dan geen p-waarde maar de rang van de "
            "RMSPE na corona onder placebo's met een even goede pre-fit, en ook synthetische verschil-in-verschillen "
            "(op de logaritme van het cijfer: parallelle trends in procenten) met een placebo-standaardfout."
        ),
        "caption_synthetic_control_vandalism": (
            "Synthetische controle voor vernieling per 1.000 inwoners: Houten (boven) en Nieuwegein (onder), met de "
            "placebo-verschillen uit de donorpool (rechts, grijs). Donorpool: gemeenten met dezelfde of een naburige "
            "stedelijkheidsklasse en 0,5 tot 2 keer het inwonertal, zonder Waddeneilanden (de tabellen geven elke "
            "gemeente met de reden van keuze, en de donorgewichten). Past de pre-periode exact (het paneel zegt het "
            "dan), dan is de toets op de RMSPE-verhouding niet informatief: de tabel geeft dan geen p-waarde maar de "
            "rang van de RMSPE na corona onder placebo's met een even goede pre-fit, en ook synthetische "
            "verschil-in-verschillen (op de logaritme van het cijfer: parallelle trends in procenten) met een "
            "placebo-standaardfout."
        ),
        "caption_multiverse_burglary": (
            "Woninginbraak in Houten (boven) en Nieuwegein (onder) onder elke combinatie van analistenkeuzes: "
            "methode (onderbroken tijdreeks, synthetische controle, ook met ridge-correctie, synthetische "
            "verschil-in-verschillen, verschil-in-verschillen), faseschema, grensregel, modelfamilie, donorpool en "
            "schaal (per 1.000 inwoners of aantal). Boven: het effect na corona als percentage van het niveau vóór "
            "corona, gesorteerd, met interval waar de methode er een heeft (roze: p < 0,05, zie de legenda); onder: "
            "de keuzes van elke specificatie. Op jaardata geven de drie faseschema's dezelfde fasen; ze tellen daarom "
            "als één specificatie, niet als drie."
        ),
        "caption_ranking_change": (
            "Verandering van woninginbraak en vernieling per 1.000 inwoners, gemiddelde na corona min gemiddelde "
            "vóór corona, voor alle gemeenten met een volledige reeks; Houten en Nieuwegein met 95%-interval en rang."
        ),
        "caption_nieuwegein_wijken": (
            "Nieuwegein per wijk: Leefbaarometer 2.0-scoreklasse 2002-2016 (links; Jutphaas-Wijkersloot omlijnd) en "
            "personen met bijstand per 1.000 inwoners in 2024 (rechts; '.' = geheim)."
        ),
        "caption_liveability_nijpels": (
            "Leefbaarometer 3.0 rond het Nijpelsplantsoen: postcode 3431 tegen de overige postcodegebieden van "
            "Nieuwegein en die van Houten, als afwijking van het Nederlandse gemiddelde, 2002-2022."
        ),
        "caption_bijstand_baseline": (
            "Uitgangssituatie vóór de pilots: bijstandsdichtheid (bijstandsontvangers per 1.000 inwoners van 15 jaar "
            "of ouder, zoals CBS haar berekent) en uitstroom naar werk per 100 bijstandsontvangers, 2015-2017, "
            "Houten en Nieuwegein tegen de spreiding over alle gemeenten en Nederland."
        ),
        "caption_qda_joint_display_houten": (
            "Thema's in verhalen per coronafase naast de bemiddelingen uit het pilotregister (per maand, of per "
            "kwartaal wanneer maanden te weinig bemiddelingen tellen om te tonen), Houten (aandeel verhalen waarin "
            "het thema voorkomt; '.' = te weinig verhalen). Synthetische voorbeelddata zolang er geen eigen codering "
            "in data/raw/qda/ en geen eigen register in data/raw/pilot/ staat."
        ),
        "caption_qda_joint_display_nieuwegein": (
            "Thema's in verhalen per coronafase naast de Leefbaarometer 3.0 van postcode 3431 (Nijpelsplantsoen), "
            "Nieuwegein ('.' = te weinig verhalen). De verhalen zijn synthetische voorbeelddata zolang er geen eigen "
            "codering in data/raw/qda/ staat."
        ),
        "caption_corona_timeline": (
            "De coronaperiode volgens de drie faseschema's: maatregelen ('measures', van de eerste tot de laatste "
            "landelijke maatregel), steunregelingen ('support', de periode van de inkomenssteun Tozo/NOW) en "
            "opheffing ('lifted', tot het vervallen van de meeste maatregelen); tussen haakjes de naam voor "
            "--scheme. Verder de deelfasen en de belangrijkste data."
        ),
    },
    "en": {
        "caption_national_crime_monthly": (
            "Registered crime (top) and disorder (bottom) in the Netherlands per month, 2012-2023, with the corona "
            "phases."
        ),
        "caption_national_burglary_its": (
            "Residential burglaries in the Netherlands per month: interrupted time series (Poisson with estimated "
            "overdispersion, seasonal terms) with the continued no-corona trend and its 95% interval."
        ),
        "caption_pilot_crime_rates": (
            "Registered offences per 1,000 inhabitants per year: Houten, Nieuwegein, the other WIL municipalities "
            "(IJsselstein, Lopik, Vijfheerenlanden) and the Netherlands; 2024-2025 provisional."
        ),
        "caption_pilot_phase_comparison": (
            "Offences per 1,000 inhabitants before, during and after corona: each year (small dot) and the mean of "
            "the phase (large dot). A 95% interval (t interval with the years as independent observations) is drawn "
            "only for phases with 3 or more years. 'During' has two years: a t interval on two values has 1 degree "
            "of freedom (t = 12.7), so it is very wide and here reached below zero, which a rate per inhabitant "
            "cannot; there we show the two years themselves. 2024-2025 provisional."
        ),
        "caption_synthetic_control_burglary": (
            "Synthetic control for residential burglary per 1,000 inhabitants: Houten (top) and Nieuwegein (bottom) "
            "against their synthetic control (left) and the gap against every placebo municipality's gap from the "
            "donor pool (right, grey). Donor pool: municipalities of the same or a neighbouring urbanity class with "
            "0.5 to 2 times the population, no Wadden islands (the tables list every municipality with the reason it "
            "was kept or left out, and the donor weights). Where the pre-period fits exactly, as for Nieuwegein (the "
            "panel then says so: with more donors than years before corona an exact fit says nothing about the "
            "quality of the control), the RMSPE-ratio test is not informative: the table then gives no p-value but "
            "the rank of the post-corona RMSPE among placebos with an equally good pre-period fit, and synthetic "
            "difference-in-differences (on the logarithm of the rate: parallel trends in percent) with a placebo "
            "standard error."
        ),
        "caption_synthetic_control_vandalism": (
            "Synthetic control for vandalism per 1,000 inhabitants: Houten (top) and Nieuwegein (bottom), with the "
            "placebo gaps from the donor pool (right, grey). Donor pool: municipalities of the same or a "
            "neighbouring urbanity class with 0.5 to 2 times the population, no Wadden islands (the tables list "
            "every municipality with the reason it was kept or left out, and the donor weights). Where the "
            "pre-period fits exactly (the panel then says so), the RMSPE-ratio test is not informative: the table "
            "then gives no p-value but the rank of the post-corona RMSPE among placebos with an equally good "
            "pre-period fit, and synthetic difference-in-differences (on the logarithm of the rate: parallel trends in "
            "percent) with a placebo standard error."
        ),
        "caption_multiverse_burglary": (
            "Residential burglary in Houten (top) and Nieuwegein (bottom) under every combination of analyst "
            "choices: method (interrupted time series, synthetic control, also with ridge correction, synthetic "
            "difference-in-differences, difference-in-differences), phase scheme, boundary rule, model family, donor "
            "pool and scale (per 1,000 inhabitants or count). Top: the effect after corona as a percentage of the "
            "level before corona, sorted, with an interval where the method has one (pink: p < 0.05, see the "
            "legend); bottom: the choices behind each specification. On yearly data the three phase schemes give the "
            "same phases, so they count as one specification, not three."
        ),
        "caption_ranking_change": (
            "Change in residential burglary and vandalism per 1,000 inhabitants, mean after minus mean before "
            "corona, for every municipality with a complete series; Houten and Nieuwegein with 95% interval and rank."
        ),
        "caption_nieuwegein_wijken": (
            "Nieuwegein by district: Leefbaarometer 2.0 score class 2002-2016 (left; Jutphaas-Wijkersloot outlined) "
            "and people on social assistance per 1,000 inhabitants in 2024 (right; '.' = suppressed)."
        ),
        "caption_liveability_nijpels": (
            "Leefbaarometer 3.0 around the Nijpelsplantsoen: postcode 3431 against Nieuwegein's other postcode areas "
            "and Houten's, as deviation from the Dutch mean, 2002-2022."
        ),
        "caption_bijstand_baseline": (
            "Baseline before the pilots: social assistance density (recipients per 1,000 inhabitants aged 15 and "
            "over, as CBS computes it) and outflow to work per 100 recipients, 2015-2017, Houten and Nieuwegein "
            "against the spread over all municipalities and the Netherlands."
        ),
        "caption_qda_joint_display_houten": (
            "Themes in stories per corona phase beside the job matches in the pilot register (per month, or per "
            "quarter where months hold too few matches to show), Houten (share of stories "
            "mentioning the theme; '.' = too few stories). Synthetic example data until your own coding export is in "
            "data/raw/qda/ and your register in data/raw/pilot/."
        ),
        "caption_qda_joint_display_nieuwegein": (
            "Themes in stories per corona phase beside Leefbaarometer 3.0 for postcode 3431 (Nijpelsplantsoen), "
            "Nieuwegein ('.' = too few stories). The stories are synthetic example data until your own coding export "
            "is in data/raw/qda/."
        ),
        "caption_corona_timeline": (
            "The corona period under the three phase schemes ('measures', 'support', 'lifted'), the sub-phases and "
            "the key dates."
        ),
    },
}
