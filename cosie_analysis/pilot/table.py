"""Problems between the rows of a register: duplicates, mixed units, mixed period types, group spellings.

They are looked for once the rows of every chunk have been read (:func:`table_problems` gets the
parsed rows of the whole file, with categories for the few distinct texts).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cosie_analysis.pilot.parse import RegisterProblem

__all__ = ["shown_unit", "table_problems"]

#: Units that may be repeated in a message (the dictionary's and common ones); any other text is not shown.
_COMMON_UNITS = {"ton", "t", "g", "gram", "kilo", "kilogram", "kilogrammen", "stuks", "aantal", "%", "procent",
                 "people", "person", "persoon", "report", "melding", "household", "huishouden"}


def shown_unit(unit: str, units: dict) -> str:
    """``repr(unit)`` when it is a known unit (safe to repeat), else a placeholder."""
    known = {u for pair in units.values() for u in pair} | _COMMON_UNITS
    return repr(unit) if unit.lower() in {k.lower() for k in known} else "(a unit not shown)"


def table_problems(rows: pd.DataFrame, measures: pd.DataFrame, line_label: str) -> list[RegisterProblem]:
    """Problems between rows: duplicates, mixed units, mixed period types, groups that differ only in spelling."""
    problems = []
    ok = rows if rows["ok"].all() else rows[rows["ok"]]
    key = ["pilot", "unit_id", "period_start", "period_end", "measure", "group"]
    keyed = ok[key].assign(group=ok["group"].fillna(""))
    repeated = keyed.duplicated(keep=False).to_numpy()
    if repeated.any():  # only the rows of repeated keys are looked at again
        keyed = keyed[repeated]
        rows_, lines = ok["_row"].to_numpy()[repeated], ok["_line"].to_numpy()[repeated]
        codes = keyed.groupby(key, sort=False, dropna=False, observed=True).ngroup().to_numpy()
        first = rows_[np.unique(codes, return_index=True)[1]][codes]
        problems += [RegisterProblem(
            "duplicate", f"same pilot, unit_id, period, measure and group as row {f}: remove one of them, or tell "
            "them apart with `group`.", row=r, line=li, column="period", line_label=line_label)
            for r, li, f in zip(rows_.tolist(), lines.tolist(), first.tolist(), strict=True) if r != f]
    units = {m: (r["unit"], r["unit_nl"]) for m, r in measures.iterrows()}
    known = rows[rows["measure"].isin(measures.index) & (rows["raw_unit"] != "")]
    for measure, grp in known.groupby("measure", sort=True):
        english, dutch = measures.at[measure, "unit"], measures.at[measure, "unit_nl"]
        used = sorted({english if u == dutch else u for u in grp["raw_unit"].unique()})
        if len(used) > 1:
            listed = [shown_unit(u, units).strip("'") for u in used]
            problems.append(RegisterProblem(
                "unit", f"measure {measure!r} is given in mixed units {listed} "
                f"(rows {', '.join(map(str, grp['_row'].head(10)))}"
                f"{' ...' if len(grp) > 10 else ''}); use {english!r} throughout.", column="unit"))
    for (pilot, measure), grp in ok.groupby(["pilot", "measure"], sort=True):
        freqs = sorted(set(grp["frequency"].unique()))
        if len(freqs) > 1:
            problems.append(RegisterProblem(
                "period", f"measure {measure!r} of {pilot} mixes period types {freqs}; give one measure at one "
                "period type (all days, or all months, ...), so that nothing is counted twice.", column="period"))
        groups = grp["group"].dropna()
        spelled = groups.groupby(groups.map({g: _group_key(g) for g in groups.unique()})).unique()
        for variants in spelled[spelled.map(len) > 1]:
            where = [int(grp.loc[grp["group"] == v, "_row"].iloc[0]) for v in variants]
            problems.append(RegisterProblem(
                "group", f"measure {measure!r} of {pilot} has {len(variants)} groups that differ only in capitals, "
                f"spaces or punctuation (first in rows {', '.join(map(str, sorted(where)))}); write each group one "
                "way, or they are counted as different groups.", column="group"))
    return problems


def _group_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", str(text).lower())
