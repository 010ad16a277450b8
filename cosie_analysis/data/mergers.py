"""Municipal mergers and splits since 2013, and series put on today's municipal borders.

The package resource ``resources/municipal_mergers.csv`` lists every municipality code that
disappeared between the 2012 and the 2025 indeling, with the code(s) that took over its territory.
*Which* codes disappear and appear is read from the data (the codes of 70072NED per year against
the 342 municipalities of 47018NED, which is published on today's borders); the successors come from
CBS's "Gemeentelijke indelingen per jaar" (``source_url``). Each whole merger was checked against the
data: the summed population of the predecessors in the year before the merger is within 2% of the
successor's population in its first year (:func:`population_continuity`; ``verified`` says so).

Harmonisation (:func:`harmonise`) follows one rule for every additive per-municipality series
(counts, populations): a municipality of today in year *y* is the sum of every code that formed part
of it on 1 January of *y*. A municipality that received part of a *divided* municipality (a partial
split, ``kind == "partial"``) cannot be put on today's borders for the years before the split
without knowing the shares; those rows are kept with an empty value, status ``"not available"``
and the reason in ``source_key``. Nothing is apportioned or guessed.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd

from cosie_analysis.data.schema import STATUSES
from cosie_analysis.data.sources.cbs import STATUS_NOT_AVAILABLE
from cosie_analysis.errors import SchemaError

__all__ = ["MERGER_COLUMNS", "harmonise", "load_mergers", "population_continuity", "successor"]

#: The columns of ``resources/municipal_mergers.csv``.
MERGER_COLUMNS = ["date", "old_code", "old_name", "new_code", "new_name", "kind", "note", "source_url", "verified"]
KINDS = ("whole", "partial", "code change")


@lru_cache(maxsize=1)
def _mergers_cached() -> pd.DataFrame:
    text = resources.files("cosie_analysis").joinpath("resources/municipal_mergers.csv").read_text("utf-8")
    table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    bad = sorted(set(table["kind"]) - set(KINDS))
    if list(table.columns) != MERGER_COLUMNS or bad:  # a packaging defect, caught by the tests
        raise SchemaError(
            f"resources/municipal_mergers.csv: expected columns {MERGER_COLUMNS} and kinds {list(KINDS)}; "
            f"found columns {list(table.columns)}, unknown kinds {bad}. Reinstall cosie-analysis or restore "
            "the file from the repository."
        )
    table["date"] = pd.to_datetime(table["date"])
    return table


def load_mergers() -> pd.DataFrame:
    """The municipal mergers and splits since 2013 (a copy of the package resource).

    Returns
    -------
    pandas.DataFrame
        One row per (old code, new code) pair:

        ========== ===================================================================
        column     meaning
        ========== ===================================================================
        date       the day the change took effect (datetime64; mostly 1 January)
        old_code   the code that disappeared (``GM0788``); ``old_name`` its name
        new_code   the code that took over (all of) its territory; ``new_name``
        kind       ``whole`` (all of the old municipality went to ``new_code``),
                   ``partial`` (it was divided; one row per receiving municipality)
                   or ``code change`` (same territory, new name and code)
        note       a short remark; ``source_url`` the CBS overview of the indelingen
        verified   how the row was checked against the data (see the module notes)
        ========== ===================================================================

    Examples
    --------
    >>> from cosie_analysis.data.mergers import load_mergers
    >>> m = load_mergers()
    >>> sorted(m.loc[m["new_code"] == "GM1992", "old_name"])
    ['Brielle', 'Hellevoetsluis', 'Westvoorne']
    """
    return _mergers_cached().copy()


def successor(code: str, mergers: pd.DataFrame | None = None) -> str | None:
    """Today's code of ``code`` through whole mergers and code changes; None after a partial split.

    Examples
    --------
    >>> from cosie_analysis.data.mergers import successor
    >>> successor("GM0571")  # Nieuw-Lekkerland -> Molenwaard (2013) -> Molenlanden (2019)
    'GM1978'
    >>> successor("GM0788") is None  # Haaren was divided in 2021
    True
    """
    m = load_mergers() if mergers is None else mergers
    seen = set()
    while code not in seen:
        seen.add(code)
        rows = m[m["old_code"] == code]
        if rows.empty:
            return code
        if (rows["kind"] == "partial").any():
            return None
        code = rows["new_code"].iat[0]
    raise SchemaError(
        f"merger table: expected each chain of old_code -> new_code to end, found a circular chain through "
        f"{sorted(seen)}. Fix the rows of these codes in the merger table."
    )


def _composition(today: str, year: int, m: pd.DataFrame) -> tuple[list[str], str | None]:
    """The codes that together were ``today`` on 1 January of ``year``, or a reason why none can be given."""
    start = pd.Timestamp(_dt.date(year, 1, 1))
    members, frontier = [today], [today]
    while frontier:
        code = frontier.pop()
        for row in m[m["new_code"] == code].itertuples(index=False):
            if row.date <= start:
                continue  # merged before this year: already part of ``code``
            if row.kind == "partial":
                return [], (f"not on today's borders: part of {row.old_code} ({row.old_name}) joined "
                            f"{row.new_code} on {row.date.date()}; the shares are not published here")
            members.append(row.old_code)
            frontier.append(row.old_code)
    return members, None


def _combine(code: str, template, lookup: dict, m: pd.DataFrame, new_codes: dict[str, int]) -> dict | None:
    """One harmonised row of ``code`` for the indicator and period of ``template`` (None: nothing to say).

    ``new_codes`` maps each code that did not exist before its first merger to the year it was created:
    such a code is not expected in the years before.
    """
    indicator, period, year = template.indicator, template.period, int(template.period[:4])
    members, reason = _composition(code, year, m)
    base = {"indicator": indicator, "region_code": code, "period": period}
    if reason is None:
        expected = [c for c in members if new_codes.get(c, 0) <= year]
        if expected == [code]:
            own = lookup.get((indicator, period, code))
            return None if own is None else {**own._asdict(), **base}
        parts = [lookup.get((indicator, period, c)) for c in expected]
        if all(p is None for p in parts):
            return None
        gaps = [c for c, p in zip(expected, parts, strict=True) if p is None or pd.isna(p.value)]
        if not gaps:
            present = [p for p in parts if p is not None]  # all of them: no gaps
            rank = {s: i for i, s in enumerate(STATUSES)}
            status = max((p.status for p in present), key=lambda s: rank.get(s, len(STATUSES)))
            first = present[0]._asdict()
            summed = "+".join(sorted(expected))
            return {**first, **base, "value": float(sum(p.value for p in present)), "status": status,
                    "source_key": f"{first['source_key']} | on today's borders: sum of {summed}"}
        reason = f"not on today's borders: no value for {'+'.join(sorted(gaps))}"
    return {**template._asdict(), **base, "value": np.nan, "status": STATUS_NOT_AVAILABLE,
            "source_key": f"{template.source_key} | {reason}"}


def harmonise(
    frame: pd.DataFrame, today: list[str] | None = None, *, mergers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Put an additive per-municipality series on today's municipal borders.

    Parameters
    ----------
    frame : pandas.DataFrame
        Partial observation rows with at least ``indicator, region_code, period, value, status,
        source_table, source_key`` (GM codes of the year of ``period``); only additive measures
        (counts, populations) may be summed. Rows of other regions (wijk, land) pass unchanged.
    today : list of str, optional
        Today's municipality codes; default: every GM code in ``frame`` that is not an
        ``old_code`` of the merger table.
    mergers : pandas.DataFrame, optional
        The merger table; default :func:`load_mergers`.

    Returns
    -------
    pandas.DataFrame
        The same columns; one row per indicator, today's municipality and period. A municipality
        whose territory did not change keeps its row as it was. A summed row has the worst status of
        its parts and ``source_key`` ending in ``| on today's borders: sum of GMaaaa+GMbbbb``. Where
        a predecessor's value is missing or a partial split makes it impossible, the value is empty,
        the status ``"not available"`` and ``source_key`` says why. Codes that no longer exist are
        dropped (their values live on in their successors).

    Notes
    -----
    The composition is taken on 1 January of the period's year: a merger on 1 January *Y* counts
    from *Y*; one during the year (Weesp into Amsterdam, 24 March 2022) sums both codes in *Y*.
    A successor counts as newly created (not expected before its first merger) when ``frame`` has no
    row of it before that merger's year; a successor that existed before (Schagen, which absorbed
    Harenkarspel and Zijpe in 2013) is a required part of every earlier sum.

    Examples
    --------
    Synthetic counts (invented for the example): Brielle, Hellevoetsluis and Westvoorne formed
    Voorne aan Zee on 1 January 2023.

    >>> import pandas as pd
    >>> from cosie_analysis.data.mergers import harmonise
    >>> rows = pd.DataFrame({"indicator": "x", "region_code": ["GM0501", "GM0530", "GM0614", "GM1992"],
    ...     "period": ["2022JJ00", "2022JJ00", "2022JJ00", "2023JJ00"], "value": [1.0, 2.0, 3.0, 7.0],
    ...     "status": "definitive", "source_table": "synthetic", "source_key": "x"})
    >>> on_today = harmonise(rows, ["GM1992"])
    >>> on_today[["region_code", "period", "value"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'region_code': 'GM1992', 'period': '2022JJ00', 'value': 6.0},
     {'region_code': 'GM1992', 'period': '2023JJ00', 'value': 7.0}]
    """
    m = load_mergers() if mergers is None else mergers
    is_gm = frame["region_code"].astype(str).str.startswith("GM")
    other, gm = frame[~is_gm], frame[is_gm]
    old = set(m["old_code"])
    today = sorted(set(gm["region_code"]) - old) if today is None else list(today)
    changed = set(m["new_code"])
    keep = gm[gm["region_code"].isin(today) & ~gm["region_code"].isin(changed)]
    parts = [other, keep]
    lookup = {(r.indicator, r.period, r.region_code): r for r in gm.itertuples(index=False)}
    periods = gm.groupby(["indicator", "period"], sort=True).head(1)
    first_year = gm.assign(_y=gm["period"].str[:4].astype(int)).groupby("region_code")["_y"].min()
    created = m.groupby("new_code")["date"].min().dt.year
    new_codes = {c: int(y) for c, y in created.items() if first_year.get(c, y) >= y}
    out_rows = []
    for code in sorted(changed & set(today)):
        for template in periods.itertuples(index=False):
            row = _combine(code, template, lookup, m, new_codes)
            if row is not None:
                out_rows.append(row)
    if out_rows:
        parts.append(pd.DataFrame(out_rows, columns=list(gm.columns))[list(frame.columns)])
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return out.sort_values(["indicator", "region_code", "period"], kind="mergesort", ignore_index=True)


def population_continuity(population: pd.DataFrame, *, mergers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check each merger against the population: predecessors' sum the year before vs the successor after.

    Parameters
    ----------
    population : pandas.DataFrame
        ``region_code, period, value`` of yearly population on the borders of each year (70072NED).

    Returns
    -------
    pandas.DataFrame
        One row per (date, new_code) of whole mergers and code changes: ``date, new_code, kind,
        before`` (sum over the predecessors and, if it existed, ``new_code`` itself, in the year
        before the change), ``after`` (``new_code`` in the first year after it) and ``ratio``
        (after / before). Mergers during a year compare the year before with the year after.
    """
    m = load_mergers() if mergers is None else mergers
    pop = population.assign(year=population["period"].str[:4].astype(int)).set_index(["region_code", "year"])["value"]
    rows = []
    for (date, new), group in m[m["kind"] != "partial"].groupby(["date", "new_code"]):
        first = date.year if (date.month, date.day) == (1, 1) else date.year + 1
        before = sum(pop.get((c, date.year - 1), 0.0) for c in [*group["old_code"], new])
        after = pop.get((new, first), np.nan)
        rows.append({"date": date, "new_code": new, "kind": group["kind"].iat[0], "before": before,
                     "after": after, "ratio": after / before if before else np.nan})
    return pd.DataFrame(rows)
