"""Themes per pilot and corona phase, counted in sources (stories), and codes occurring together.

The unit is the source: a story that mentions a theme in five passages counts once, so the share
of stories mentioning a theme is a proportion of independent units and can be compared between
phases with an exact test. Segment counts are reported beside it, never instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import (
    PHASES,
    Result,
    check_conf_level,
    check_lang,
)
from cosie_analysis.qda._contrasts import changes_table, wilson
from cosie_analysis.qda.read import Codings

__all__ = ["CoOccurrence", "ThemeFrequencies", "co_occurrence", "mentions", "theme_frequencies"]



def mentions(codings: Codings, *, level: str = "code", coders: str = "any") -> pd.DataFrame:
    """One row per source and theme it mentions, with the number of coded passages.

    ``coders="any"`` counts a theme when any coder applied it in the source; ``"all"`` when every
    coder who coded the source did; a coder's name uses that coder's codings only.
    Returns columns ``source_id``, ``theme``, ``n_segments``.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> mentions(ca.read_codings(ca.example_qdpx()), level="theme").columns.tolist()  # SYNTHETIC  # doctest: +SKIP
    ['source_id', 'theme', 'n_segments']
    """
    check_choice("level", level, ("code", "theme"))
    seg = codings.segments
    if coders not in ("any", "all") and coders not in set(seg["coder"]):
        raise ParameterError(f"`coders` must be 'any', 'all' or one of {codings.coders!r}; got {coders!r}.")
    col = "theme" if level == "theme" else "code_path"
    if level == "code":  # the code's own name where it is unique, else its path
        names = seg.drop_duplicates("code_path").groupby("code")["code_path"].nunique()
        seg = seg.assign(code_path=np.where(seg["code"].map(names) == 1, seg["code"], seg["code_path"]))
    if coders not in ("any", "all"):
        seg = seg[seg["coder"] == coders]
    per = seg.groupby(["source_id", col]).agg(n_segments=("segment_id", "nunique"), n_coders=("coder", "nunique"))
    if coders == "all":
        needed = seg.groupby("source_id")["coder"].nunique()
        per = per[per["n_coders"].to_numpy() == needed.reindex(per.index.get_level_values(0)).to_numpy()]
    return per.reset_index().rename(columns={col: "theme"})[["source_id", "theme", "n_segments"]]


@dataclass(frozen=True, repr=False)
class ThemeFrequencies(Result):
    """Share of sources mentioning each theme per pilot and phase (see :func:`theme_frequencies`)."""

    changes_table: pd.DataFrame = None
    level: str = "code"
    coders: str = "any"
    synthetic: bool = False
    adjust: str = "holm"

    def changes(self) -> pd.DataFrame:
        """The tests of change between phases on the raw counts (a copy); columns in :func:`theme_frequencies`.

        For the analyst only: with the shown (rounded) shares of :meth:`protected`, a difference of
        raw shares gives away a suppressed cell, so the table is marked ``person_level`` and its
        export is refused. Show :meth:`protected_changes` instead.
        """
        return self.changes_table.copy()

    def protected_changes(self, rules=None) -> pd.DataFrame:
        """The tests of change computed from the protected counts: what may be shown or exported.

        See :func:`cosie_analysis.qda.protected.protect_theme_changes`; columns of :meth:`changes`
        plus ``disclosure`` ("shown" or "secondary") and, for synthetic stories, ``synthetic``.
        """
        from cosie_analysis.qda.protected import protect_theme_changes

        return protect_theme_changes(self.table, conf_level=self.conf_level, adjust=self.adjust,
                                     synthetic=self.synthetic, rules=rules)

    def plot_data(self, pilot: str | None = None) -> pd.DataFrame:
        return _rows_of(self.table, pilot)

    def protected(self, rules=None) -> pd.DataFrame:
        """The counts and shares that may be shown: :func:`cosie_analysis.qda.protected.protect_theme_counts`."""
        from cosie_analysis.qda.protected import protect_theme_counts

        return protect_theme_counts(self.table, synthetic=self.synthetic, rules=rules)

    def plot(self, ax=None, *, pilot: str | None = None, lang: str = "nl"):
        """Protected share per theme and phase, phases side by side, one pilot; open grey circles where suppressed.

        The shares are those of :meth:`protected` (counts of stories are counts of people); the
        intervals of ``summary()`` are not drawn, as they would reveal the raw counts.
        """
        import matplotlib.pyplot as plt

        from cosie_analysis._sdc import mark_suppressed
        from cosie_analysis.words import phase_name, word

        check_lang(lang)
        pilot = _one_pilot(self.table, pilot)
        d = self.protected()
        d = d[(d["pilot"] == pilot) & (d["phase"] != "total")]
        ax = ax or plt.subplots(layout="constrained")[1]
        themes = sorted(d["theme"].unique(), reverse=True)
        y = {t: i for i, t in enumerate(themes)}
        edge = {"before": "#4d4d4d", "during": "#d95f02", "after": "#1b9e77"}
        hidden = []
        for j, phase in enumerate(PHASES):
            p = d[d["phase"] == phase]
            yy = p["theme"].map(y).to_numpy() + (1 - j) * 0.22  # before on top
            ax.plot(p["share"], yy, "o", markersize=5, color=edge[phase], label=phase_name(phase, lang),
                    gid=f"share:{phase}")  # filled: the open grey circles are the suppressed cells
            hidden += [(0.0, v) for v, s in zip(yy, p["share"], strict=True) if not np.isfinite(s)]
        if hidden:
            mark_suppressed(ax, [0.0] * len(hidden), y=[v for _, v in hidden], lang=lang)
        ax.set_yticks(range(len(themes)), themes)
        ax.set_xlim(-0.02, 1)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
        ax.set_xlabel(word("qda_share_axis", lang))
        ax.legend(loc="lower right", frameon=False, fontsize=7)
        if self.synthetic:
            ax.text(0.99, 1.0, word("synthetic", lang), transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=7, color="#b2182b")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """Per pilot, the theme whose protected share changed most from before to during corona, with its test.

        Every count and share quoted comes from :meth:`protected` (counts of stories are counts of
        people): the number of stories rounded to 5, shares of the protected counts and their
        difference; the p-value is that of Fisher's test on those counts (:meth:`protected_changes`).
        A theme qualifies only when its share before and during corona can both be shown.
        """
        from cosie_analysis.words import format_number, format_p, format_pct, word

        check_lang(lang)
        out = []
        prot = self.protected()
        ch = self.protected_changes().query("contrast == 'during - before'").set_index(["pilot", "theme"])
        for pilot, d in prot.groupby("pilot", sort=True):
            share = d.pivot(index="theme", columns="phase", values="share")
            n = d.loc[d["phase"] == "total", "n_sources"].iloc[0]
            count = format_number(n, 0, lang) if np.isfinite(n) else f"< {prot.attrs['disclosure']['threshold']}"
            intro = word("qda_themes_intro", lang).format(n=count, pilot=pilot.capitalize())
            diff = (share["during"] - share["before"]).dropna()
            if diff.empty:
                out.append(intro + " " + word("qda_no_theme_shown", lang).format(pilot=pilot.capitalize()))
                continue
            theme = diff.abs().sort_index().idxmax()  # the first theme in order on ties
            pct = {ph: format_pct(share.loc[theme, ph], lang, decimals=0, sign=False)
                   if np.isfinite(share.loc[theme, ph]) else "." for ph in PHASES}
            out.append(intro + " " + word("qda_theme_sentence_protected", lang).format(
                pilot=pilot.capitalize(), theme=theme, **pct,
                diff=("+" if diff[theme] > 0 else "") + format_number(100 * diff[theme], 0, lang) + " "
                + word("qda_points", lang), p=format_p(ch.loc[(pilot, theme), "p_adjusted"], lang)))
        return (f"[{word('synthetic', lang)}] " if self.synthetic else "") + " ".join(out)


def theme_frequencies(
    codings: Codings,
    *,
    level: str = "code",
    coders: str = "any",
    conf_level: float = 0.95,
    adjust: str = "holm",
) -> ThemeFrequencies:
    """Share of sources (stories) mentioning each theme, per pilot and corona phase, with tests of change.

    Parameters
    ----------
    codings : Codings
        From :func:`cosie_analysis.read_codings`; every source counts in the denominator of its pilot
        and phase, also a source without codings.
    level : {"code", "theme"}, default "code"
        Count codes (e.g. "digitaal contact") or their top-level categories (e.g. "contact").
    coders : "any", "all" or a coder's name, default "any"
        Whose codings count (see :func:`mentions`).
    conf_level : float, default 0.95
    adjust : {"holm", "bh", "none"}, default "holm"
        Multiple-testing adjustment over all themes and contrasts of a pilot.

    Returns
    -------
    ThemeFrequencies
        ``summary()``: one row per pilot x theme x phase: ``pilot``, ``theme``, ``phase``,
        ``n_sources`` (sources of the pilot in the phase), ``n_mentioning`` (of them, mentioning the
        theme), ``n_segments`` (coded passages with the theme), ``estimate`` (share
        n_mentioning / n_sources), ``ci_lower``, ``ci_upper`` (Wilson score interval), ``method``.
        ``changes()``: one row per pilot x theme x contrast (``during - before``, ``after - during``,
        ``after - before``): ``estimate`` (difference in shares), ``ci_lower``, ``ci_upper`` (Newcombe
        hybrid score interval), ``p_value`` (Fisher's exact test, two-sided), ``p_adjusted``, ``n``
        (sources in the two phases), ``method``.

    Notes
    -----
    Sources are the unit: each is one yes/no per theme, and each lies in one phase (by its date,
    ``[start, end)`` boundaries as in :func:`cosie_analysis.assign_phase`), so the two phases of a
    contrast are independent samples. The stories were not drawn at random from the pilot's
    population: the shares describe the stories collected, and a test says whether a difference is
    larger than the play of chance among such stories, not that it holds for all residents.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> tf = ca.theme_frequencies(ca.read_codings(ca.example_qdpx()))  # SYNTHETIC  # doctest: +SKIP
    """
    if not isinstance(codings, Codings):
        raise ParameterError(f"`codings` must be a Codings object from read_codings(); got {type(codings).__name__}.")
    conf_level = check_conf_level(conf_level)
    m = mentions(codings, level=level, coders=coders)
    src = codings.sources[["source_id", "pilot", "phase"]]
    denom = src.groupby(["pilot", "phase"], observed=False).size().rename("n_sources")
    m = m.merge(src, on="source_id")
    k = m.groupby(["pilot", "theme", "phase"], observed=False).agg(
        n_mentioning=("source_id", "nunique"), n_segments=("n_segments", "sum"))
    grid = pd.MultiIndex.from_product([sorted(src["pilot"].unique()), sorted(m["theme"].unique()), list(PHASES)],
                                      names=["pilot", "theme", "phase"])
    t = k.reindex(grid, fill_value=0).reset_index()
    t["phase"] = pd.Categorical(t["phase"], categories=list(PHASES), ordered=True)
    t["n_sources"] = [int(denom.get((p, ph), 0)) for p, ph in zip(t["pilot"], t["phase"], strict=True)]
    t = t[["pilot", "theme", "phase", "n_sources", "n_mentioning", "n_segments"]].astype(
        {"n_mentioning": "int64", "n_segments": "int64", "n_sources": "int64"})
    with np.errstate(invalid="ignore", divide="ignore"):
        has_sources = t["n_sources"] > 0
        t["estimate"] = np.where(has_sources, t["n_mentioning"] / t["n_sources"].where(has_sources, 1), np.nan)
    t["ci_lower"], t["ci_upper"] = wilson(t["n_mentioning"], t["n_sources"], conf_level)
    t["method"] = f"share of sources mentioning the theme ({level}, coders={coders}); Wilson interval"
    changes = changes_table(t, conf_level, adjust)
    t.attrs["person_level"] = changes.attrs["person_level"] = True  # counts of stories: export only protected()
    return ThemeFrequencies(t, codings.phase_scheme, codings.phase_rule, conf_level, "theme frequencies",
                            changes_table=changes, level=level, coders=coders,
                            synthetic=codings.synthetic, adjust=adjust)


@dataclass(frozen=True, repr=False)
class CoOccurrence(Result):
    """Pairs of themes mentioned in the same source (see :func:`co_occurrence`)."""

    synthetic: bool = False

    def plot_data(self, pilot: str | None = None) -> pd.DataFrame:
        return _rows_of(self.table, pilot)

    def protected(self, rules=None) -> pd.DataFrame:
        """The counts that may be shown: :func:`cosie_analysis.qda.protected.protect_cooccurrence`."""
        from cosie_analysis.qda.protected import protect_cooccurrence

        return protect_cooccurrence(self.table, synthetic=self.synthetic, rules=rules)

    def plot(self, ax=None, *, pilot: str | None = None, lang: str = "nl"):
        """A triangle heat map of the protected number of stories with both themes, for one pilot ("." suppressed)."""
        import matplotlib.pyplot as plt

        from cosie_analysis._sdc import SUPPRESSED_MARK
        from cosie_analysis.words import format_number, word

        check_lang(lang)
        pilot = _one_pilot(self.table, pilot)
        d = _rows_of(self.protected(), pilot)
        themes = sorted(set(d["theme_a"]) | set(d["theme_b"]))
        idx = {t: i for i, t in enumerate(themes)}
        grid = np.full((len(themes), len(themes)), np.nan)
        hidden = np.zeros_like(grid, dtype=bool)
        for a, b, n, flag in zip(d["theme_a"], d["theme_b"], d["n_both"], d["disclosure"], strict=True):
            grid[max(idx[a], idx[b]), min(idx[a], idx[b])] = n
            hidden[max(idx[a], idx[b]), min(idx[a], idx[b])] = flag != "shown"
        ax = ax or plt.subplots(layout="constrained")[1]
        im = ax.imshow(grid, cmap="Blues", vmin=0)
        top = np.nanmax(grid) if np.isfinite(grid).any() else 1.0
        for (i, j), v in np.ndenumerate(grid):
            if np.isfinite(v) or hidden[i, j]:
                ax.text(j, i, format_number(v, 0, lang) if np.isfinite(v) else SUPPRESSED_MARK, ha="center",
                        va="center", fontsize=7, color="white" if np.isfinite(v) and v > top * 0.6 else "black")
        ax.set_xticks(range(len(themes)), themes, rotation=40, ha="right")
        ax.set_yticks(range(len(themes)), themes)
        ax.grid(False)
        plt.colorbar(im, ax=ax, label=word("qda_both", lang) + " (" + word("qda_suppressed_note", lang) + ")",
                     shrink=0.8)
        if self.synthetic:
            ax.set_title(word("synthetic", lang), fontsize=7, color="#b2182b", loc="right")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """Per pilot, the pair of themes most often in the same story, in protected counts (rounded to 5)."""
        from cosie_analysis.words import format_number, word

        check_lang(lang)
        out = []
        for pilot, d in self.protected().groupby("pilot", sort=True):
            d = d[d["n_both"] > 0]  # suppressed (NaN) and zero pairs do not count
            if d.empty:
                out.append(word("qda_cooccurrence_none", lang).format(pilot=pilot.capitalize()))
                continue
            top = d.sort_values(["n_both", "theme_a", "theme_b"], ascending=[False, True, True]).iloc[0]
            total = format_number(top["n_sources"], 0, lang) if np.isfinite(top["n_sources"]) else "."
            out.append(word("qda_cooccurrence_sentence", lang).format(
                pilot=pilot.capitalize(), a=top["theme_a"], b=top["theme_b"], n=format_number(top["n_both"], 0, lang),
                total=total))
        return (f"[{word('synthetic', lang)}] " if self.synthetic else "") + " ".join(out)


def co_occurrence(codings: Codings, *, level: str = "code", coders: str = "any") -> CoOccurrence:
    """How often two themes are mentioned in the same source, per pilot (all phases together).

    Parameters
    ----------
    codings : Codings
        From :func:`cosie_analysis.read_codings`; every source of a pilot counts in ``n_sources``,
        also a source without codings.
    level : {"code", "theme"}, default "code"
        Pair codes (e.g. "digitaal contact") or their top-level categories (e.g. "contact").
    coders : "any", "all" or a coder's name, default "any"
        Whose codings count (see :func:`mentions`).

    Returns
    -------
    CoOccurrence
        ``summary()``: one row per pilot and pair of themes: ``pilot``, ``theme_a``, ``theme_b``
        (``theme_a < theme_b``), ``n_both`` (sources mentioning both), ``n_a``, ``n_b`` (sources
        mentioning each), ``n_sources`` (sources of the pilot), ``jaccard`` (n_both / sources
        mentioning either; NaN when neither occurs), ``method``.

    Examples
    --------
    >>> import tempfile
    >>> import cosie_analysis as ca
    >>> path = ca.write_example_qdpx(tempfile.mkdtemp() + "/example.qdpx", per_phase=3)  # SYNTHETIC
    >>> co = co_occurrence(ca.read_codings(path), level="theme")
    >>> co.summary().columns.tolist()
    ['pilot', 'theme_a', 'theme_b', 'n_both', 'n_a', 'n_b', 'n_sources', 'jaccard', 'method']
    >>> co.describe("en").startswith("[SYNTHETIC DATA] Houten:")
    True
    """
    if not isinstance(codings, Codings):
        raise ParameterError(f"`codings` must be a Codings object from read_codings(); got {type(codings).__name__}.")
    m = mentions(codings, level=level, coders=coders).merge(codings.sources[["source_id", "pilot"]], on="source_id")
    themes = sorted(m["theme"].unique())
    rows = []
    for pilot, n_src in codings.sources.groupby("pilot").size().items():
        wide = pd.crosstab(m.loc[m["pilot"] == pilot, "source_id"], m.loc[m["pilot"] == pilot, "theme"]).reindex(
            columns=themes, fill_value=0) > 0
        for a, b in combinations(themes, 2):
            both, na, nb = int((wide[a] & wide[b]).sum()), int(wide[a].sum()), int(wide[b].sum())
            either = na + nb - both
            rows.append({"pilot": pilot, "theme_a": a, "theme_b": b, "n_both": both, "n_a": na, "n_b": nb,
                         "n_sources": int(n_src), "jaccard": both / either if either else np.nan,
                         "method": f"sources mentioning both ({level}, coders={coders})"})
    table = pd.DataFrame(rows)
    table.attrs["person_level"] = True  # counts of stories: export only protected()
    return CoOccurrence(table, codings.phase_scheme, codings.phase_rule, np.nan, "co-occurrence",
                        synthetic=codings.synthetic)


def _rows_of(table: pd.DataFrame, pilot: str | None) -> pd.DataFrame:
    """The rows of one pilot (all rows when ``pilot`` is None)."""
    return (table[table["pilot"] == pilot] if pilot is not None else table).reset_index(drop=True)


def _one_pilot(table: pd.DataFrame, pilot: str | None) -> str:
    """The pilot a plot shows: the one given, or the only one in the table; raises otherwise."""
    pilots = sorted(table["pilot"].unique())
    if pilot is None and len(pilots) == 1:
        pilot = pilots[0]
    check_choice("pilot", pilot, pilots)
    return str(pilot)
