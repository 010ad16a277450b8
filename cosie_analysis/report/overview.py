"""What the observation table holds: coverage per source, indicator, region level and period.

:func:`coverage` answers "which series exist, from when to when, for how many regions, and how many
of their values are provisional, suppressed or missing"; :func:`plot_coverage` draws the same as a
time line with the corona phases shaded. Both read the tidy observation table of
:func:`cosie_analysis.load_observations` and never change it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cosie_analysis._checks import as_tuple, check_data
from cosie_analysis.errors import ParameterError, check_choice

__all__ = ["coverage", "plot_coverage", "compact_periods", "PILOT_AREAS"]

#: The areas where the pilots took place, from the town down to the postcode area of the
#: Nijpelsplantsoen flats (code -> name).
PILOT_AREAS = {
    "GM0321": "Houten",
    "GM0356": "Nieuwegein",
    "WK035601": "Jutphaas-Wijkersloot",
    "3431": "postcode 3431",
}

_STATUSES = ("provisional", "suppressed", "not available")
_STEP = {"year": 1, "quarter": 4, "month": 12}


def _ordinal(start: pd.Series, frequency: str) -> np.ndarray:
    """Consecutive integers for consecutive periods of one frequency."""
    start = pd.to_datetime(start)
    if frequency == "year":
        return start.dt.year.to_numpy()
    if frequency == "quarter":
        return (start.dt.year * 4 + (start.dt.month - 1) // 3).to_numpy()
    if frequency == "month":
        return (start.dt.year * 12 + start.dt.month - 1).to_numpy()
    raise ParameterError(f"`frequency` must be one of {list(_STEP)!r}; got {frequency!r}.")


def _runs(ordinals: np.ndarray) -> list[tuple[int, int]]:
    """Sorted unique integers as runs of consecutive values ``[(first, last), ...]``."""
    values = np.unique(ordinals)
    if not len(values):
        return []
    breaks = np.flatnonzero(np.diff(values) != 1)
    starts = np.r_[values[0], values[breaks + 1]]
    ends = np.r_[values[breaks], values[-1]]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _label(ordinal: int, frequency: str) -> str:
    if frequency == "year":
        return str(ordinal)
    if frequency == "quarter":
        return f"{ordinal // 4}-Q{ordinal % 4 + 1}"
    return f"{ordinal // 12}-{ordinal % 12 + 1:02d}"


def compact_periods(period_start: Sequence, frequency: str) -> str:
    """The periods of one series as a short text with runs collapsed, e.g. ``"2002, 2008, 2012-2016"``.

    Parameters
    ----------
    period_start : sequence of dates
        The first day of each period (duplicates are fine).
    frequency : {"year", "quarter", "month"}
        The frequency of the periods.

    Returns
    -------
    str
        Years as ``2015``, quarters as ``2020-Q1``, months as ``2020-03``; a run of two or more
        consecutive periods as ``first-last`` (with an en dash); runs separated by ``", "``.

    Examples
    --------
    >>> compact_periods(pd.to_datetime(["2015-01-01", "2016-01-01", "2017-01-01", "2024-01-01"]), "year")
    '2015–2017, 2024'
    """
    runs = _runs(_ordinal(pd.Series(pd.to_datetime(list(period_start))), frequency))
    return ", ".join(
        _label(a, frequency) if a == b else f"{_label(a, frequency)}–{_label(b, frequency)}" for a, b in runs
    )


def coverage(
    obs: pd.DataFrame,
    *,
    by: Sequence[str] | str = ("source_table", "indicator", "region_level", "frequency"),
    regions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Coverage of the observation table: one row per group of series, with its periods, regions and statuses.

    Parameters
    ----------
    obs : pandas.DataFrame
        The observation table (:func:`cosie_analysis.load_observations`), or any subset of its rows.
        Not modified.
    by : sequence of str, default ("source_table", "indicator", "region_level", "frequency")
        Columns that define a group. ``frequency`` is always added when missing, because periods of
        different frequencies cannot be counted together.
    regions : sequence of str, optional
        Keep only these ``region_code`` values (e.g. ``PILOT_AREAS``); default: all. A code that does
        not occur in ``obs`` raises :class:`~cosie_analysis.errors.ParameterError`.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by ``by``, with columns:

        - the ``by`` columns (and ``frequency``);
        - ``n_indicators``: distinct indicators in the group; ``n_regions``: distinct region codes;
        - ``first_period``, ``last_period``: the first and last CBS period code with a row;
        - ``n_periods``: distinct periods with a row; ``n_missing_periods``: periods between the
          first and the last that have no row at all (a gap in the series, e.g. Leefbaarometer's
          survey years);
        - ``periods``: the periods as a compact text (:func:`compact_periods`);
        - ``n_rows``: rows; ``n_values``: rows with a value (not NaN);
        - ``share_provisional``, ``share_suppressed``, ``share_not_available``: share of the rows
          with that ``status`` (between 0 and 1).

    Raises
    ------
    ParameterError
        When ``obs`` is not a DataFrame or lacks a ``by`` column or an observation column
        (``period``, ``period_start``, ``frequency``, ``region_code``, ``indicator``, ``value``,
        ``status``), or when no row is left.

    Notes
    -----
    A "period" is a CBS period code; the first and last periods are ordered by their first day
    (``period_start``). A suppressed or unavailable cell is a row with ``value`` NaN and that
    status: it counts in ``n_rows`` and ``n_periods`` but not in ``n_values``.

    Examples
    --------
    A synthetic table: two towns, 2019 and 2021 (2020 missing), one value suppressed:

    >>> import pandas as pd
    >>> from cosie_analysis.report.overview import coverage
    >>> obs = pd.DataFrame({
    ...     "source_table": "synthetic", "indicator": "x", "region_level": "gemeente",
    ...     "region_code": ["GM0001", "GM0001", "GM0002", "GM0002"],
    ...     "period": ["2019JJ00", "2021JJ00", "2019JJ00", "2021JJ00"],
    ...     "period_start": pd.to_datetime(["2019-01-01", "2021-01-01"] * 2),
    ...     "period_end": pd.to_datetime(["2019-12-31", "2021-12-31"] * 2),
    ...     "frequency": "year", "value": [1.0, 2.0, None, 3.0],
    ...     "status": ["definitive", "provisional", "suppressed", "provisional"]})
    >>> table = coverage(obs, by="source_table")
    >>> table[["n_regions", "periods", "n_missing_periods", "n_values", "share_provisional"]]
       n_regions     periods  n_missing_periods  n_values  share_provisional
    0          2  2019, 2021                  1         3                0.5

    On the real data (needs the fetched tables):

    >>> import cosie_analysis as ca
    >>> coverage(ca.load_observations(), by=("source_table", "region_level"))  # doctest: +SKIP
    """
    by = as_tuple(by)
    if not by:
        raise ParameterError("coverage(): `by` must name at least one column, e.g. ('source_table', 'region_level').")
    if "frequency" not in by:
        by = by + ("frequency",)
    needed = {"period": "period", "period_start": "period_start", "frequency": "frequency",
              "region_code": "region_code", "indicator": "indicator", "value": "value", "status": "status"}
    check_data(obs, {**needed, **{f"by[{i}]": c for i, c in enumerate(by)}}, function="coverage")
    data = obs
    if regions is not None:
        regions = [str(r) for r in ([regions] if isinstance(regions, str) else regions)]
        unknown = sorted(set(regions) - set(obs["region_code"].dropna().astype(str)))
        if unknown:
            raise ParameterError(
                f"coverage(): `regions` names code(s) {unknown} that are not in the table's `region_code`. "
                "Use codes as CBS writes them, e.g. 'GM0321' (Houten) or 'WK035601' (see PILOT_AREAS)."
            )
        data = obs[obs["region_code"].isin(regions)]
    if data.empty:
        raise ParameterError(f"coverage(): no rows left (regions={regions!r}).")
    for freq in pd.unique(data["frequency"].astype(str)):
        check_choice("frequency", freq, list(_STEP))

    rows = []
    for key, g in data.groupby(list(by), sort=True, observed=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        frequency = str(g["frequency"].iloc[0])
        starts = pd.to_datetime(g["period_start"])
        ordinals = _ordinal(starts, frequency)
        first_i, last_i = int(np.argmin(ordinals)), int(np.argmax(ordinals))
        n_periods = int(len(np.unique(ordinals)))
        status = g["status"].astype(str)
        row = dict(zip(by, key, strict=True))
        row.update(
            n_indicators=int(g["indicator"].nunique()),
            n_regions=int(g["region_code"].nunique()),
            first_period=str(g["period"].iloc[first_i]),
            last_period=str(g["period"].iloc[last_i]),
            n_periods=n_periods,
            n_missing_periods=int(ordinals.max() - ordinals.min() + 1 - n_periods),
            periods=", ".join(
                _label(a, frequency) if a == b else f"{_label(a, frequency)}–{_label(b, frequency)}"
                for a, b in _runs(ordinals)
            ),
            n_rows=int(len(g)),
            n_values=int(g["value"].notna().sum()),
        )
        for s in _STATUSES:
            row[f"share_{s.replace(' ', '_')}"] = float((status == s).mean())
        rows.append(row)
    out = pd.DataFrame(rows)
    cols = list(by) + ["n_indicators", "n_regions", "first_period", "last_period", "n_periods", "n_missing_periods",
                       "periods", "n_rows", "n_values", "share_provisional", "share_suppressed", "share_not_available"]
    return out[cols].reset_index(drop=True)


_WORDS = {
    "nl": {"definitive": "definitief", "provisional": "voorlopig", "n": "n = {n} {level}",
           "frequency": {"year": "per jaar", "quarter": "per kwartaal", "month": "per maand"},
           "levels": {"land": "land", "gemeente": "gemeenten", "wijk": "wijken", "buurt": "buurten",
                      "postcode4": "postcodegebieden", "pilot": "pilot"}},
    "en": {"definitive": "definitive", "provisional": "provisional", "n": "n = {n} {level}",
           "frequency": {"year": "yearly", "quarter": "quarterly", "month": "monthly"},
           "levels": {"land": "country", "gemeente": "municipalities", "wijk": "districts", "buurt": "neighbourhoods",
                      "postcode4": "postcode areas", "pilot": "pilot"}},
}


def plot_coverage(
    obs: pd.DataFrame,
    *,
    by: Sequence[str] | str = ("source_table", "region_level"),
    lang: str = "nl",
    scheme="measures",
    ax=None,
):
    """A time line of the observation table: one row per group, a bar over every period with data.

    Parameters
    ----------
    obs : pandas.DataFrame
        The observation table or a subset of its rows. Not modified.
    by : sequence of str, default ("source_table", "region_level")
        Columns that define a row of the figure (``frequency`` is added, as in :func:`coverage`).
    lang : {"nl", "en"}
        Language of the labels.
    scheme : phase scheme
        Passed to :func:`cosie_analysis.phases.draw_phases` for the shaded corona phases.
    ax : matplotlib Axes, optional
        Default: a new figure 9 inches wide with 0.3 inch per row.

    Returns
    -------
    matplotlib.axes.Axes
        Time on the x axis; one row per group from top to bottom in the order of
        :func:`coverage`, labelled with the group's values and ``n = <regions>``. A period is drawn
        dark when all its rows are definitive, hatched when any row is provisional; consecutive
        periods of the same status form one bar. Bars carry ``gid`` ``"coverage:<row>:<status>"``,
        where ``<row>`` is the row's index in :func:`coverage` and ``<status>`` is ``definitive``
        or ``provisional``.

    Notes
    -----
    Each bar spans ``[period_start, period_end + 1 day)``, so consecutive periods touch and a gap
    between bars is a period without any row (for Leefbaarometer, the years between surveys).

    Examples
    --------
    The synthetic table of :func:`coverage`'s example (2019 definitive, 2021 provisional):

    >>> import pandas as pd
    >>> from cosie_analysis.report.overview import plot_coverage
    >>> obs = pd.DataFrame({
    ...     "source_table": "synthetic", "indicator": "x", "region_level": "gemeente",
    ...     "region_code": ["GM0001", "GM0001", "GM0002", "GM0002"],
    ...     "period": ["2019JJ00", "2021JJ00", "2019JJ00", "2021JJ00"],
    ...     "period_start": pd.to_datetime(["2019-01-01", "2021-01-01"] * 2),
    ...     "period_end": pd.to_datetime(["2019-12-31", "2021-12-31"] * 2),
    ...     "frequency": "year", "value": [1.0, 2.0, None, 3.0],
    ...     "status": ["definitive", "provisional", "suppressed", "provisional"]})
    >>> ax = plot_coverage(obs, by="source_table", lang="en")
    >>> sorted(p.get_gid() for p in ax.patches if str(p.get_gid()).startswith("coverage"))
    ['coverage:0:definitive', 'coverage:0:provisional']
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['synthetic · yearly · n = 2']
    """
    from matplotlib.patches import Patch

    from cosie_analysis.plotting import draw_phases, format_axes, phase_legend_handles

    check_choice("lang", lang, list(_WORDS))
    table = coverage(obs, by=by)
    by = list(table.columns[: list(table.columns).index("n_indicators")])
    check_data(obs, {"period_end": "period_end"}, function="plot_coverage")
    # one row per group x period: its first and last day, and whether any of its rows is provisional
    per = (obs.assign(_prov=obs["status"].eq("provisional"))
           .groupby(by + ["period"], observed=True, sort=False)
           .agg(start=("period_start", "min"), end=("period_end", "max"), provisional=("_prov", "any"))
           .reset_index())
    if ax is None:  # a figure tall enough for one readable row per group, wide enough for the labels
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 0.3 * len(table) + 1.3), layout="constrained")
    words = _WORDS[lang]
    colors = {"definitive": "#555555", "provisional": "#FFFFFF"}
    n_rows = len(table)
    labels = []
    keys = per[by].astype(str).agg("\x1f".join, axis=1)
    for i, row in table.iterrows():
        y = n_rows - 1 - i
        g = per[keys == "\x1f".join(str(row[c]) for c in by)]
        frequency = str(row["frequency"])
        for status, part in (("definitive", g[~g["provisional"]]), ("provisional", g[g["provisional"]])):
            if part.empty:
                continue
            ordinals = _ordinal(part["start"], frequency)
            first_day = dict(zip(ordinals, pd.to_datetime(part["start"]), strict=True))
            last_day = dict(zip(ordinals, pd.to_datetime(part["end"]), strict=True))
            for a, b in _runs(ordinals):  # one bar per run of consecutive periods
                left = first_day[a]
                ax.barh(y, last_day[b] + pd.Timedelta(days=1) - left, left=left, height=0.55, color=colors[status],
                        edgecolor="#333333", linewidth=0.4, hatch="////" if status == "provisional" else None,
                        gid=f"coverage:{i}:{status}")
        parts = [str(row[c]) for c in by if c not in ("region_level", "frequency")]
        parts.append(words["frequency"].get(frequency, frequency))
        level = str(row["region_level"]) if "region_level" in by else ""
        n_text = words["n"].format(n=f"{int(row['n_regions']):,}".replace(",", "." if lang == "nl" else ","),
                                   level=words["levels"].get(level, level) if level else "")
        labels.append(" · ".join(parts + [n_text.strip()]))
    ax.set_ylim(-0.7, n_rows - 0.3)
    ax.xaxis_date()
    draw_phases(ax, scheme, lang=lang, key_dates=False, labels=False)
    handles = [
        Patch(facecolor=colors[s], edgecolor="#333333", linewidth=0.4,
              hatch="////" if s == "provisional" else None, label=words[s])
        for s in ("definitive", "provisional")
    ] + phase_legend_handles(lang)
    format_axes(ax, lang=lang, date_axis=True, legend=False)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=len(handles), fontsize="small")
    ax.set_yticks(range(n_rows), labels[::-1])  # after format_axes, which sets a number formatter on y
    ax.grid(axis="y", visible=False)
    return ax
