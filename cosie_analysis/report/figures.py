"""The report's figure and table set: one builder per figure, with a stable name.

``cosie-analysis report`` (what ``make report`` runs after fetch and build) calls
:func:`cosie_analysis.report.build.build_report`, which runs every builder in :data:`FIGURES` for each
language (in parallel, skipping figures whose inputs are unchanged), saves the figures with
:func:`cosie_analysis.report.export.save_figure` and the tables with :func:`cosie_analysis.report.export.save_table`,
and writes ``reports/index.md`` listing every file with its caption, source and command.

The builders live by subject: ``crime_figures``, ``comparison_figures`` (synthetic control,
multiverse), ``area_figures`` (districts, liveability, social assistance), ``timeline_figure`` and
``joint_display`` (the QDA joint displays); what they share is in ``figure_base``. Their words come
from :mod:`cosie_analysis.words`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from cosie_analysis.errors import check_choice
from cosie_analysis.report.area_figures import bijstand_baseline, liveability_nijpels, nieuwegein_wijken
from cosie_analysis.report.comparison_figures import (
    multiverse_burglary,
    synthetic_control_burglary,
    synthetic_control_vandalism,
)
from cosie_analysis.report.crime_figures import (
    national_burglary_its,
    national_crime_monthly,
    pilot_crime_rates,
    pilot_phase_comparison,
    ranking_change,
)
from cosie_analysis.report.figure_base import FigureOutput, ReportContext
from cosie_analysis.report.joint_display import qda_joint_display_houten, qda_joint_display_nieuwegein
from cosie_analysis.report.timeline_figure import corona_timeline
from cosie_analysis.style import report_style
from cosie_analysis.words import LANGS

__all__ = ["FIGURES", "ReportContext", "FigureOutput", "figure_names", "report_context", "report_figure"]

COMMAND = "cosie-analysis report"


@dataclass(frozen=True)
class FigureSpec:
    name: str
    build: Callable[[ReportContext, str], FigureOutput]
    caption_nl: str
    caption_en: str


FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in [
        FigureSpec("national_crime_monthly", national_crime_monthly,
                   "Geregistreerde misdrijven (boven) en overlast (onder) in Nederland per maand, 2012-2023, met de coronafasen.",
                   "Registered crime (top) and disorder (bottom) in the Netherlands per month, 2012-2023, with the corona phases."),
        FigureSpec("national_burglary_its", national_burglary_its,
                   "Woninginbraken in Nederland per maand: onderbroken tijdreeks (Poisson met geschatte overspreiding, seizoenstermen) met de voortgezette trend zonder corona en het 95%-interval.",
                   "Residential burglaries in the Netherlands per month: interrupted time series (Poisson with estimated overdispersion, seasonal terms) with the continued no-corona trend and its 95% interval."),
        FigureSpec("pilot_crime_rates", pilot_crime_rates,
                   "Geregistreerde misdrijven per 1.000 inwoners per jaar: Houten, Nieuwegein, de overige WIL-gemeenten (IJsselstein, Lopik, Vijfheerenlanden) en Nederland; 2024-2025 voorlopig.",
                   "Registered offences per 1,000 inhabitants per year: Houten, Nieuwegein, the other WIL municipalities (IJsselstein, Lopik, Vijfheerenlanden) and the Netherlands; 2024-2025 provisional."),
        FigureSpec("pilot_phase_comparison", pilot_phase_comparison,
                   "Misdrijven per 1.000 inwoners vóór, tijdens en na corona: elk jaar (kleine stip) en het gemiddelde van de fase (grote stip). Een 95%-interval (t-interval met de jaren als onafhankelijke waarnemingen) staat er alleen bij fasen met 3 of meer jaren. 'Tijdens' telt twee jaren: een t-interval op twee waarden heeft 1 vrijheidsgraad (t = 12,7), is dus zeer breed en reikte hier tot onder nul, wat voor een aantal per inwoner niet kan; daar tonen we de twee jaren zelf. 2024-2025 voorlopig.",
                   "Offences per 1,000 inhabitants before, during and after corona: each year (small dot) and the mean of the phase (large dot). A 95% interval (t interval with the years as independent observations) is drawn only for phases with 3 or more years. 'During' has two years: a t interval on two values has 1 degree of freedom (t = 12.7), so it is very wide and here reached below zero, which a rate per inhabitant cannot; there we show the two years themselves. 2024-2025 provisional."),
        FigureSpec("synthetic_control_burglary", synthetic_control_burglary,
                   "Synthetische controle voor woninginbraak per 1.000 inwoners: Houten (boven) en Nieuwegein (onder) tegen hun synthetische controle (links) en het verschil tegen dat van elke placebogemeente uit de donorpool (rechts, grijs). Donorpool: gemeenten met dezelfde of een naburige stedelijkheidsklasse en 0,5 tot 2 keer het inwonertal, zonder Waddeneilanden (de tabellen geven elke gemeente met de reden van keuze, en de donorgewichten). Past de pre-periode exact, zoals bij Nieuwegein (het paneel zegt het dan: met meer donors dan jaren vóór corona zegt een exacte fit niets over de kwaliteit van de controle), dan is de toets op de RMSPE-verhouding niet informatief: de tabel geeft dan geen p-waarde maar de rang van de RMSPE na corona onder placebo's met een even goede pre-fit, en ook synthetische verschil-in-verschillen met een placebo-standaardfout.",
                   "Synthetic control for residential burglary per 1,000 inhabitants: Houten (top) and Nieuwegein (bottom) against their synthetic control (left) and the gap against every placebo municipality's gap from the donor pool (right, grey). Donor pool: municipalities of the same or a neighbouring urbanity class with 0.5 to 2 times the population, no Wadden islands (the tables list every municipality with the reason it was kept or left out, and the donor weights). Where the pre-period fits exactly, as for Nieuwegein (the panel then says so: with more donors than years before corona an exact fit says nothing about the quality of the control), the RMSPE-ratio test is not informative: the table then gives no p-value but the rank of the post-corona RMSPE among placebos with an equally good pre-period fit, and synthetic difference-in-differences with a placebo standard error."),
        FigureSpec("synthetic_control_vandalism", synthetic_control_vandalism,
                   "Synthetische controle voor vernieling per 1.000 inwoners: Houten (boven) en Nieuwegein (onder), met de placebo-verschillen uit de donorpool (rechts, grijs). Donorpool: gemeenten met dezelfde of een naburige stedelijkheidsklasse en 0,5 tot 2 keer het inwonertal, zonder Waddeneilanden (de tabellen geven elke gemeente met de reden van keuze, en de donorgewichten). Past de pre-periode exact (het paneel zegt het dan), dan is de toets op de RMSPE-verhouding niet informatief: de tabel geeft dan geen p-waarde maar de rang van de RMSPE na corona onder placebo's met een even goede pre-fit, en ook synthetische verschil-in-verschillen met een placebo-standaardfout.",
                   "Synthetic control for vandalism per 1,000 inhabitants: Houten (top) and Nieuwegein (bottom), with the placebo gaps from the donor pool (right, grey). Donor pool: municipalities of the same or a neighbouring urbanity class with 0.5 to 2 times the population, no Wadden islands (the tables list every municipality with the reason it was kept or left out, and the donor weights). Where the pre-period fits exactly (the panel then says so), the RMSPE-ratio test is not informative: the table then gives no p-value but the rank of the post-corona RMSPE among placebos with an equally good pre-period fit, and synthetic difference-in-differences with a placebo standard error."),
        FigureSpec("multiverse_burglary", multiverse_burglary,
                   "Woninginbraak in Houten (boven) en Nieuwegein (onder) onder elke combinatie van analistenkeuzes: methode (onderbroken tijdreeks, synthetische controle, ook met ridge-correctie, synthetische verschil-in-verschillen, verschil-in-verschillen), faseschema, grensregel, modelfamilie, donorpool en schaal (per 1.000 inwoners of aantal). Boven: het effect na corona als percentage van het niveau vóór corona, gesorteerd, met interval waar de methode er een heeft (roze: p < 0,05, zie de legenda); onder: de keuzes van elke specificatie. Op jaardata geven de drie faseschema's dezelfde fasen en dus dezelfde schattingen.",
                   "Residential burglary in Houten (top) and Nieuwegein (bottom) under every combination of analyst choices: method (interrupted time series, synthetic control, also with ridge correction, synthetic difference-in-differences, difference-in-differences), phase scheme, boundary rule, model family, donor pool and scale (per 1,000 inhabitants or count). Top: the effect after corona as a percentage of the level before corona, sorted, with an interval where the method has one (pink: p < 0.05, see the legend); bottom: the choices behind each specification. On yearly data the three phase schemes give the same phases and so the same estimates."),
        FigureSpec("ranking_change", ranking_change,
                   "Verandering van woninginbraak en vernieling per 1.000 inwoners, gemiddelde na corona min gemiddelde vóór corona, voor alle gemeenten met een volledige reeks; Houten en Nieuwegein met 95%-interval en rang.",
                   "Change in residential burglary and vandalism per 1,000 inhabitants, mean after minus mean before corona, for every municipality with a complete series; Houten and Nieuwegein with 95% interval and rank."),
        FigureSpec("nieuwegein_wijken", nieuwegein_wijken,
                   "Nieuwegein per wijk: Leefbaarometer 2.0-scoreklasse 2002-2016 (links; Jutphaas-Wijkersloot omlijnd) en personen met bijstand per 1.000 inwoners in 2024 (rechts; '.' = geheim).",
                   "Nieuwegein by district: Leefbaarometer 2.0 score class 2002-2016 (left; Jutphaas-Wijkersloot outlined) and people on social assistance per 1,000 inhabitants in 2024 (right; '.' = suppressed)."),
        FigureSpec("liveability_nijpels", liveability_nijpels,
                   "Leefbaarometer 3.0 rond het Nijpelsplantsoen: postcode 3431 tegen de overige postcodegebieden van Nieuwegein en die van Houten, als afwijking van het Nederlandse gemiddelde, 2002-2022.",
                   "Leefbaarometer 3.0 around the Nijpelsplantsoen: postcode 3431 against Nieuwegein's other postcode areas and Houten's, as deviation from the Dutch mean, 2002-2022."),
        FigureSpec("bijstand_baseline", bijstand_baseline,
                   "Uitgangssituatie vóór de pilots: bijstandsdichtheid (bijstandsontvangers per 1.000 inwoners van 15 jaar of ouder, zoals CBS haar berekent) en uitstroom naar werk per 100 bijstandsontvangers, 2015-2017, Houten en Nieuwegein tegen de spreiding over alle gemeenten en Nederland.",
                   "Baseline before the pilots: social assistance density (recipients per 1,000 inhabitants aged 15 and over, as CBS computes it) and outflow to work per 100 recipients, 2015-2017, Houten and Nieuwegein against the spread over all municipalities and the Netherlands."),
        FigureSpec("qda_joint_display_houten", qda_joint_display_houten,
                   "Thema's in verhalen per coronafase naast de bemiddelingen per maand, Houten (aandeel verhalen waarin het thema voorkomt; '.' = te weinig verhalen). Synthetische voorbeelddata zolang er geen eigen codering in data/raw/qda/ en geen eigen register in data/raw/pilot/ staat.",
                   "Themes in stories per corona phase beside the job matches per month, Houten (share of stories mentioning the theme; '.' = too few stories). Synthetic example data until your own coding export is in data/raw/qda/ and your register in data/raw/pilot/."),
        FigureSpec("qda_joint_display_nieuwegein", qda_joint_display_nieuwegein,
                   "Thema's in verhalen per coronafase naast de Leefbaarometer 3.0 van postcode 3431 (Nijpelsplantsoen), Nieuwegein ('.' = te weinig verhalen). De verhalen zijn synthetische voorbeelddata zolang er geen eigen codering in data/raw/qda/ staat.",
                   "Themes in stories per corona phase beside Leefbaarometer 3.0 for postcode 3431 (Nijpelsplantsoen), Nieuwegein ('.' = too few stories). The stories are synthetic example data until your own coding export is in data/raw/qda/."),
        FigureSpec("corona_timeline", corona_timeline,
                   "De coronaperiode volgens de drie faseschema's: maatregelen ('measures', van de eerste tot de laatste landelijke maatregel), steunregelingen ('support', de periode van de inkomenssteun Tozo/NOW) en opheffing ('lifted', tot het vervallen van de meeste maatregelen); tussen haakjes de naam voor --scheme. Verder de deelfasen en de belangrijkste data.",
                   "The corona period under the three phase schemes ('measures', 'support', 'lifted'), the sub-phases and the key dates."),
    ]
}


def figure_names() -> list[str]:
    """The stable names of the report's figures.

    Returns
    -------
    list of str
        The names :func:`report_figure` and :func:`cosie_analysis.build_report` accept, in report order.

    Examples
    --------
    >>> names = figure_names()
    >>> names[:3]
    ['national_crime_monthly', 'national_burglary_its', 'pilot_crime_rates']
    >>> "corona_timeline" in names
    True
    """
    return list(FIGURES)


def report_context(scheme: str = "measures", rule: str = "majority") -> ReportContext:
    """The context every report builder draws from: the observation table (built when needed), the
    PC4-wijk crosswalk, the table's sha256, and the phase scheme and rule.

    Parameters
    ----------
    scheme : {"measures", "support", "lifted"}, default "measures"
        The phase scheme (a key of :data:`cosie_analysis.SCHEMES`).
    rule : {"majority", "start", "end", "exclude"}, default "majority"
        How a period that straddles a phase boundary is assigned (one of :data:`cosie_analysis.RULES`).

    Returns
    -------
    ReportContext
        ``.obs`` (:func:`cosie_analysis.load_observations`), ``.crosswalk``
        (:func:`cosie_analysis.pc4_wijk_shares`), ``.data_sha256`` (of the observation file),
        ``.scheme``, ``.rule`` and an empty ``.cache`` the builders share.

    Examples
    --------
    >>> ctx = report_context("support")  # doctest: +SKIP
    >>> fig = report_figure("pilot_crime_rates", lang="en", context=ctx).fig  # doctest: +SKIP
    """
    from cosie_analysis.observations import load_observations, observations_path, pc4_wijk_shares

    obs = load_observations()
    digest = hashlib.sha256(observations_path().read_bytes()).hexdigest()
    return ReportContext(obs=obs, crosswalk=pc4_wijk_shares(), data_sha256=digest, scheme=scheme, rule=rule)


_CONTEXTS: dict = {}


def report_figure(name: str, *, lang: str = "nl", scheme: str = "measures", rule: str = "majority",
                  context: ReportContext | None = None, palette=None) -> FigureOutput:
    """Draw one of the report's figures (in the report style) without saving it, e.g. in a notebook.

    Parameters
    ----------
    name : str
        One of :func:`figure_names`.
    lang : {"nl", "en"}
    scheme, rule : str
        Phase scheme and rule; ignored when ``context`` is given.
    context : ReportContext, optional
        Default: :func:`report_context`, made once per scheme and rule and reused, so that the
        estimates behind several figures are computed once.
    palette : {"okabe-ito", "grey"} or mapping, optional
        See :func:`cosie_analysis.report_style`; ``"grey"`` for greyscale print.

    Returns
    -------
    FigureOutput
        ``.fig`` (the Figure), ``.tables`` (name -> DataFrame behind the figure), ``.source``.

    Examples
    --------
    Needs the built observation table (``cosie-analysis fetch`` and ``build``):

    >>> out = report_figure("corona_timeline", lang="en")  # doctest: +SKIP
    >>> out.fig.savefig("corona_timeline.png")  # doctest: +SKIP
    """
    check_choice("name", name, list(FIGURES))
    check_choice("lang", lang, LANGS)
    if context is None:
        key = (scheme, rule)
        if key not in _CONTEXTS:
            _CONTEXTS[key] = report_context(scheme, rule)
        context = _CONTEXTS[key]
    with report_style(palette=palette):
        return FIGURES[name].build(context, lang)
