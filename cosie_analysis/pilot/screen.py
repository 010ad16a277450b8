"""Screening a register for direct identifiers: its cells, its header and every other part of a workbook.

The rules for one cell are in :mod:`cosie_analysis.pilot.identifiers`; this module applies them to a
whole register and words the problems: file, row, column (or sheet and cell) and the *kind* of
identifier, never the value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cosie_analysis.pilot.identifiers import IDENTIFIER_KINDS, SUSPECT, column_identifier_kind, identifier_kinds
from cosie_analysis.pilot.parse import RegisterProblem

__all__ = ["REFUSED", "identifier_problems", "part_problems"]

REFUSED = ("Refused: a register must not hold direct identifiers. Remove the column or replace the values "
           "by pseudonyms (e.g. P0001) and keep the key file apart from the data (docs/pilot-data.md).")


def identifier_problems(frame: pd.DataFrame, columns: list, line_label: str) -> list[RegisterProblem]:
    """Column names that suggest identifiers, and every cell that holds one, grouped by column and kind."""
    problems = []
    for col in columns:
        hit = column_identifier_kind(col)
        name_kinds = identifier_kinds(col)
        if hit or name_kinds:
            what = hit or IDENTIFIER_KINDS[name_kinds[0]]
            shown_col = str(col) if not name_kinds else "(the name is not shown)"
            problems.append(RegisterProblem("identifier", f"the column name suggests {what}, a direct identifier. "
                                            + REFUSED, column=shown_col))
    for col in columns:
        if identifier_kinds(col):
            continue
        values = frame[col].astype(str)
        candidates = pd.unique(values[values.str.contains(SUSPECT, na=False)]) if len(values) else []
        uniques = {v: kinds for v in candidates if (kinds := identifier_kinds(v, column=str(col)))}
        if not uniques:
            continue
        cell_kinds = values.map(uniques).fillna("").map(tuple)
        for kind in IDENTIFIER_KINDS:
            hits = np.flatnonzero(np.fromiter((kind in k for k in cell_kinds), dtype=bool, count=len(cell_kinds)))
            if not len(hits):
                continue
            rows = frame["_row"].to_numpy()[hits]
            more = (
                f" (also rows {', '.join(map(str, rows[1:10]))}{' and more' if len(rows) > 10 else ''})"
                if len(rows) > 1
                else ""
            )
            problems.append(RegisterProblem(
                "identifier", f"{len(hits)} value(s) look like {IDENTIFIER_KINDS[kind]}{more}; the values are not "
                "shown here. " + REFUSED, row=int(rows[0]), line=int(frame["_line"].iloc[hits[0]]), column=str(col),
                line_label=line_label))
    return problems


def part_problems(parts: list[tuple[str, object]]) -> list[RegisterProblem]:
    """Identifiers in the other parts of a workbook (other sheets, comments, properties)."""
    found: dict[str, list[str]] = {}
    for where, text in parts:
        for kind in identifier_kinds(text):
            found.setdefault(kind, []).append(where)
    return [RegisterProblem("identifier", f"{IDENTIFIER_KINDS[kind]} in {where[0]}"
                            f"{f' (and {len(where) - 1} more place(s))' if len(where) > 1 else ''}; the values are "
                            "not shown here. Refused: the workbook must hold nothing but the pseudonymised register. "
                            "Remove other sheets (hidden ones too), comments and document properties, or save the "
                            "register sheet alone as CSV.") for kind, where in found.items()]
