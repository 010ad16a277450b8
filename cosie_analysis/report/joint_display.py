"""Coded narratives beside the numbers: the joint display, and the disclosure-safe export of theme counts.

One figure per pilot: above, a quantitative indicator over time with the corona phases shaded;
below, on the same time axis, one row per theme with the share of stories mentioning it in each
phase. Counts of stories are counts of people's stories: they pass :func:`protect` (small counts
suppressed, rounding to base 5) before any share is drawn or exported, and shares are computed from
the protected counts. Excerpts are never exported unless ``excerpts=True`` is passed explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.qda.read import Codings
from cosie_analysis.qda.themes import ThemeFrequencies, theme_frequencies
from cosie_analysis.report.disclosure import (
    DISCLOSURE_COLUMN,
    DisclosureError,
    DisclosureRules,
    check_exportable,
    mark_suppressed,
    mark_synthetic,
    protect_series,
)

__all__ = ["JOINT_INDICATORS", "JointDisplayOutput", "export_themes", "joint_display", "plot_joint_display",
           "protected_themes",
           "qda_joint_display_houten", "qda_joint_display_nieuwegein"]

#: The quantitative panel per pilot: (indicator, region code, where it comes from).
#: Houten: the pilot register's job matches (the user's register in data/raw/pilot/, else SYNTHETIC);
#: Nieuwegein: Leefbaarometer 3.0 for postcode 3431 around the Nijpelsplantsoen (public, BZK).
JOINT_INDICATORS = {
    "houten": ("pilot_matches", "PILOT_HOUTEN", "register"),
    "nieuwegein": ("lbm3_deviation", "3431", "observations"),
}
_WINDOW = ("2016-01-01", "2024-12-31")  # the time axis of the joint display


@dataclass
class JointDisplayOutput:
    """A built joint display: what :func:`cosie_analysis.report.build.build_report` saves.

    It has the fields of ``report.figures.FigureOutput``; it is defined here so that ``report.figures``
    can import this module without an import cycle (the layout test forbids cycles).
    """

    fig: object
    source: str
    source_tables: list[str]
    height_mm: float = 110
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: False when the figure shows pilot-register data (not published statistics); ``data`` is then
    #: the protected series behind it, for the export's disclosure check.
    published: bool = True
    data: pd.DataFrame | None = None


def protected_themes(themes: ThemeFrequencies, *, rules: DisclosureRules | None = None) -> pd.DataFrame:
    """Theme counts per pilot and phase after disclosure control, with shares from the protected counts.

    Parameters
    ----------
    themes : ThemeFrequencies
        From :func:`cosie_analysis.theme_frequencies`: its ``n_mentioning`` per pilot x theme x phase
        and ``n_sources`` per pilot x phase are protected.
    rules : DisclosureRules, optional
        Default ``DisclosureRules()`` (CBS practice: counts 1 to 9 suppressed, rounding to base 5,
        shares only over at least 10 sources). Counts are protected with :func:`protect`.

    Returns
    -------
    pandas.DataFrame
        One row per pilot x theme x phase (and a ``total`` row per pilot and theme): ``pilot``,
        ``theme``, ``phase``, ``n_mentioning`` (protected: rounded, NaN when suppressed),
        ``n_sources`` (protected the same way per pilot), ``share`` (protected n_mentioning /
        protected n_sources; NaN when either is suppressed or n_sources is below
        ``rules.min_denominator``), ``disclosure`` ("shown", "primary", "secondary"), and for
        SYNTHETIC input ``synthetic`` (True in every row). ``attrs`` records the rules.

    Examples
    --------
    Ten SYNTHETIC stories per pilot and phase: a theme's count per phase is too small to show,
    its total over the phases is shown (rounded to base 5).

    >>> import tempfile
    >>> import cosie_analysis as ca
    >>> path = ca.write_example_qdpx(tempfile.mkdtemp() + "/example.qdpx", per_phase=10)  # SYNTHETIC
    >>> t = protected_themes(ca.theme_frequencies(ca.read_codings(path), level="theme"))
    >>> t.loc[(t["pilot"] == "houten") & (t["theme"] == "contact"), ["phase", "n_mentioning", "share", "disclosure"]]
         phase  n_mentioning     share disclosure
    8   before           NaN       NaN    primary
    9   during           NaN       NaN    primary
    10   after           NaN       NaN    primary
    11   total          25.0  0.833333      shown
    >>> bool(t["synthetic"].all())
    True
    """
    return themes.protected(rules=rules)


def _strip(ax, table: pd.DataFrame, spans: pd.DataFrame, *, lang: str) -> None:
    """One row per theme; per phase a box over the days its stories were told, shaded by the share."""
    import matplotlib.dates as mdates
    from matplotlib import colormaps
    from matplotlib.patches import Rectangle

    from cosie_analysis.style.palette import active_palette
    from cosie_analysis.words import format_number

    cmap = colormaps["Greys" if active_palette().name.startswith("grey") else "Blues"]  # greyscale set: grey shades
    themes = sorted(table["theme"].unique(), reverse=True)
    for i, theme in enumerate(themes):
        rows = table[(table["theme"] == theme)].set_index("phase")
        for phase in spans.index:
            a = mdates.date2num(spans.loc[phase, "first"])
            b = mdates.date2num(spans.loc[phase, "last"] + pd.Timedelta(days=1))
            share = rows.loc[phase, "share"] if phase in rows.index else np.nan
            shown = bool(np.isfinite(share))
            ax.add_patch(Rectangle((a, i - 0.42), b - a, 0.84, facecolor=cmap(0.15 + 0.8 * share) if shown else "white",
                                   edgecolor="0.6", linewidth=0.5, hatch=None if shown else "///",
                                   gid=f"theme:{theme}:{phase}"))
            ax.text((a + b) / 2, i, format_number(100 * share, 0, lang) + "%" if shown else ".", ha="center",
                    va="center", fontsize=7 if shown else 9, fontweight="normal" if shown else "bold",
                    color="white" if shown and share > 0.55 else "black",
                    bbox=None if shown else {"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    ax.set_ylim(-0.6, len(themes) - 0.4)
    ax.set_yticks(range(len(themes)), themes)
    ax.grid(False)


def plot_joint_display(
    codings: Codings,
    indicator: pd.DataFrame,
    *,
    pilot: str,
    ylabel: str,
    lang: str = "nl",
    rules: DisclosureRules | None = None,
):
    """Themes per phase beside a quantitative indicator on the same phase axis, for one pilot.

    Parameters
    ----------
    codings : Codings
        From :func:`cosie_analysis.read_codings`; theme shares come from
        :func:`cosie_analysis.theme_frequencies` and their counts are protected before drawing.
    indicator : pandas.DataFrame
        Observation rows (``period_start``, ``period_end``, ``value``) of one series.
    pilot : {"houten", "nieuwegein"}
    ylabel : str
        The indicator's axis label (with its unit).
    lang : {"nl", "en"}
    rules : DisclosureRules, optional

    Returns
    -------
    (matplotlib.figure.Figure, pandas.DataFrame)
        The figure and the protected theme table drawn (:func:`protected_themes`). Above: the
        indicator with the phases of the codings' scheme shaded. Below, on the same time axis: one
        row per theme, one box per phase spanning the days from the first to the last story of the
        phase, shaded and labelled with the share of stories mentioning the theme; ``.`` (hatched)
        where the count is suppressed. Watermarked SYNTHETIC when the stories or the series are.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> obs = ca.load_observations()  # doctest: +SKIP
    >>> lbm = obs[(obs["indicator"] == "lbm3_deviation") & (obs["region_code"] == "3431")]  # doctest: +SKIP
    >>> fig, table = plot_joint_display(ca.load_codings(), lbm, pilot="nieuwegein", ylabel="LBM3")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from cosie_analysis.plotting import draw_phases, format_axes, midpoints
    from cosie_analysis.style import region_style
    from cosie_analysis.words import word

    if not isinstance(codings, Codings):
        raise ParameterError(f"`codings` must be a Codings object from read_codings(); got {type(codings).__name__}.")
    check_choice("pilot", pilot, sorted(codings.sources["pilot"].unique()))
    _check_indicator(indicator, rules or DisclosureRules())
    table = protected_themes(theme_frequencies(codings), rules=rules)
    table = table[(table["pilot"] == pilot) & (table["phase"] != "total")]
    src = codings.sources
    spans = src[src["pilot"] == pilot].groupby("phase", observed=True)["date"].agg(first="min", last="max")
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, layout="constrained",
                                      gridspec_kw={"height_ratios": [2.2, max(1.6, 0.45 * table["theme"].nunique())]})
    d = indicator.sort_values("period_start")
    st = region_style({"houten": "GM0321", "nieuwegein": "GM0356"}[pilot])
    protected = DISCLOSURE_COLUMN in d.columns
    top.plot(midpoints(d), d["value"], color=st["color"], marker="o" if len(d) < 30 or protected else None,
             markersize=3, linewidth=1.2, gid="series:indicator")
    if protected and d[DISCLOSURE_COLUMN].ne("shown").any():
        mark_suppressed(top, list(midpoints(d[d[DISCLOSURE_COLUMN].ne("shown")])), y=0.0, lang=lang)
        top.legend(loc="lower left", frameon=False, fontsize=7)
    lo, hi = (pd.Timestamp(w) for w in _WINDOW)
    top.set_xlim(lo, hi)
    top.margins(y=0.18)  # room for the phase names above the series
    draw_phases(top, codings.phase_scheme, lang=lang, key_dates=False, labels=True)
    format_axes(top, lang=lang, ylabel=ylabel, date_axis=True, legend=False)
    _strip(bottom, table, spans, lang=lang)
    bottom.set_xlim(lo, hi)
    # the cells' meaning heads the strip; the shared x axis is time, which needs no label
    bottom.set_title(word("qda_share_axis", lang) + " (" + word("qda_suppressed_note", lang) + ")", loc="left",
                     fontsize=8)
    synthetic_series = "source_table" in d.columns and d["source_table"].astype(str).str.contains("SYNTHETIC").any()
    if codings.synthetic or synthetic_series:
        mark_synthetic(fig, lang=lang)
    return fig, table


def _check_indicator(indicator: pd.DataFrame, rules: DisclosureRules) -> None:
    """Refuse a series of pilot-register counts of people that did not pass :func:`protect_series`."""
    from cosie_analysis.pilot.provenance import pilot_provenance

    prov = pilot_provenance(indicator)
    if prov is None:
        return
    if DISCLOSURE_COLUMN not in indicator.columns and prov["person_level"]:
        raise DisclosureError(
            "plot_joint_display(): `indicator` holds counts of people from a pilot register that were not "
            f"protected. Rule: a count from 1 to {rules.threshold - 1} is not drawn and every other count is "
            f"rounded to a multiple of {rules.rounding_base}, in figures as in tables. Pass "
            "cosie_analysis.report.disclosure.protect_series(indicator), which also sums months into quarters or "
            "years where they are too small.")
    check_exportable(indicator, published=False)  # a `disclosure` column must match its values


def _indicator(obs: pd.DataFrame | None, pilot: str,
               rules: DisclosureRules | None = None) -> tuple[pd.DataFrame, dict, str, list[str]]:
    """The quantitative series of a pilot's joint display, its axis label, source line and tables.

    The register's counts of people are summed per month and protected (:func:`protect_series`:
    summed into quarters or years where months are too small, small counts suppressed, the rest
    rounded); the label names the frequency drawn.
    """
    from cosie_analysis.words import word

    indicator, region, origin = JOINT_INDICATORS[pilot]
    if origin == "register":
        from cosie_analysis.pilot.provenance import carry_provenance
        from cosie_analysis.pilot.register import (
            register_observations,
            register_to_observations,
            synthetic_register,
        )

        obs = register_observations()
        obs = obs[obs["region_code"] == region]
        if obs.empty:
            obs = register_to_observations(synthetic_register(pilot))
        d = obs[obs["indicator"].str.startswith(indicator)]
        d = carry_provenance(d.groupby(["period", "period_start", "period_end", "region_code", "source_table"],
                                       as_index=False)["value"].sum().assign(indicator=indicator), obs)
        d = protect_series(d, rules=rules)
        freq = d["frequency"].iloc[0] if len(d) else "month"
        ylabel = {lang: word(f"joint_matches_{freq}", lang) for lang in ("nl", "en")}
        return d, ylabel, "pilot register", ["pilot register"]
    if obs is None:
        from cosie_analysis.observations import load_observations

        obs = load_observations()
    d = obs[(obs["indicator"] == indicator) & (obs["region_code"] == region)]
    ylabel = {"nl": "Leefbaarometer 3.0: pc 3431\nmin NL-gemiddelde",
              "en": "Leefbaarometer 3.0: pc 3431\nminus Dutch mean"}
    return d, ylabel, "Leefbaarometer 3.0 (BZK)", ["Leefbaarometer 3.0 (2022)"]


def joint_display(codings: Codings, *, pilot: str, lang: str = "nl", observations: pd.DataFrame | None = None,
                  rules: DisclosureRules | None = None):
    """The report's joint display for one pilot: the stories' themes beside the pilot's indicator.

    Parameters
    ----------
    codings : Codings
        E.g. :func:`cosie_analysis.load_codings` (your export in ``data/raw/qda/``, else SYNTHETIC).
    pilot : {"houten", "nieuwegein"}
        The indicator is :data:`JOINT_INDICATORS` ``[pilot]``.
    lang : {"nl", "en"}
    observations : pandas.DataFrame, optional
        Default :func:`cosie_analysis.load_observations` (only read for Nieuwegein).
    rules : DisclosureRules, optional

    Returns
    -------
    JointDisplayOutput
        ``fig``, ``source`` (the source line), ``source_tables``, ``height_mm`` and ``tables``
        (``qda_themes_<pilot>``: the protected theme table drawn).

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> out = ca.joint_display(ca.load_codings(), pilot="houten")  # SYNTHETIC until your own export  # doctest: +SKIP
    """
    from cosie_analysis.words import word

    check_choice("pilot", pilot, list(JOINT_INDICATORS))
    series, ylabel, source, tables = _indicator(observations, pilot, rules)
    fig, table = plot_joint_display(codings, series, pilot=pilot, ylabel=ylabel[lang], lang=lang, rules=rules)
    stories = word("joint_src_stories_synthetic" if codings.synthetic else "joint_src_stories", lang)
    if source == "pilot register":  # the register is SYNTHETIC when there is none of your own
        synthetic = "source_table" in series.columns and series["source_table"].astype(str).str.contains(
            "SYNTHETIC").any()
        source = word("joint_src_register_synthetic" if synthetic else "joint_src_register", lang)
    register = JOINT_INDICATORS[pilot][2] == "register"
    return JointDisplayOutput(fig, f"{source}; {stories}", tables + ["qda"],
                              height_mm=60 + 9 * table["theme"].nunique(), tables={f"qda_themes_{pilot}": table},
                              published=not register, data=series if register else None)


def _build(ctx, lang: str, pilot: str) -> JointDisplayOutput:
    from cosie_analysis.qda.read import load_codings

    codings = ctx.once(("qda_codings", ctx.scheme, ctx.rule), lambda: load_codings(scheme=ctx.scheme, rule=ctx.rule,
                                                                                   excerpts=False))
    return joint_display(codings, pilot=pilot, lang=lang, observations=ctx.obs)


def qda_joint_display_houten(ctx, lang: str):
    """Report builder: the joint display for Houten (stories beside job matches)."""
    return _build(ctx, lang, "houten")


def qda_joint_display_nieuwegein(ctx, lang: str):
    """Report builder: the joint display for Nieuwegein (stories beside liveability around the flats)."""
    return _build(ctx, lang, "nieuwegein")


def export_themes(
    codings: Codings,
    name: str = "qda_themes",
    *,
    lang: str = "nl",
    excerpts: bool = False,
    rules: DisclosureRules | None = None,
    out_dir: str | Path | None = None,
) -> list[Path]:
    """Write the protected theme table (CSV, LaTeX, Markdown); the excerpts only when asked explicitly.

    Parameters
    ----------
    codings : Codings
    name : str, default "qda_themes"
        File stem; the excerpts go to ``{name}_excerpts.csv``.
    lang : {"nl", "en"}
    excerpts : bool, default False
        Also write the screened excerpts (segment, source, phase, code, text). Person-level text:
        only for a secure project folder, never for a report.
    rules : DisclosureRules, optional
    out_dir : path-like, optional
        Default ``reports/tables``.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> files = export_themes(ca.load_codings())  # protected counts only, no excerpts  # doctest: +SKIP
    """
    from cosie_analysis._io import atomic_write
    from cosie_analysis.paths import reports_dir
    from cosie_analysis.report.export import save_table

    if not isinstance(codings, Codings):
        raise ParameterError(f"`codings` must be a Codings object from read_codings(); got {type(codings).__name__}.")
    if not isinstance(excerpts, bool):
        raise ParameterError(f"`excerpts` must be True or False; got {excerpts!r}.")
    table = protected_themes(theme_frequencies(codings), rules=rules)
    files = save_table(table, name, lang=lang, published=False, out_dir=out_dir)
    if excerpts:
        seg = codings.segments.dropna(subset=["excerpt"])[["segment_id", "source_id", "pilot", "phase", "code_path",
                                                            "excerpt"]].drop_duplicates(["segment_id", "code_path"])
        target = (Path(out_dir) if out_dir else reports_dir() / "tables") / f"{name}_excerpts.csv"
        text = seg.to_csv(index=False, lineterminator="\n")
        atomic_write({target: lambda p: p.write_text(text, encoding="utf-8")})
        files.append(target)
    return files
