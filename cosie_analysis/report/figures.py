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
from cosie_analysis.words import LANGS, word

__all__ = ["FIGURES", "ReportContext", "FigureOutput", "figure_names", "report_context", "report_figure"]

COMMAND = "cosie-analysis report"


@dataclass(frozen=True)
class FigureSpec:
    """A report figure: its stable name and builder; its captions are in :mod:`cosie_analysis.words`."""

    name: str
    build: Callable[[ReportContext, str], FigureOutput]

    @property
    def caption_nl(self) -> str:
        return word(f"caption_{self.name}", "nl")

    @property
    def caption_en(self) -> str:
        return word(f"caption_{self.name}", "en")


FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in [
        FigureSpec("national_crime_monthly", national_crime_monthly),
        FigureSpec("national_burglary_its", national_burglary_its),
        FigureSpec("pilot_crime_rates", pilot_crime_rates),
        FigureSpec("pilot_phase_comparison", pilot_phase_comparison),
        FigureSpec("synthetic_control_burglary", synthetic_control_burglary),
        FigureSpec("synthetic_control_vandalism", synthetic_control_vandalism),
        FigureSpec("multiverse_burglary", multiverse_burglary),
        FigureSpec("ranking_change", ranking_change),
        FigureSpec("nieuwegein_wijken", nieuwegein_wijken),
        FigureSpec("liveability_nijpels", liveability_nijpels),
        FigureSpec("bijstand_baseline", bijstand_baseline),
        FigureSpec("qda_joint_display_houten", qda_joint_display_houten),
        FigureSpec("qda_joint_display_nieuwegein", qda_joint_display_nieuwegein),
        FigureSpec("corona_timeline", corona_timeline),
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
