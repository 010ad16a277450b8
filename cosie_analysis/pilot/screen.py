"""Screening a register for direct identifiers: its cells, its header and every other part of a workbook.

The rules for one cell are in :mod:`cosie_analysis.pilot.identifiers`; this module applies them to a
whole register and words the problems: file, row, column (or sheet and cell) and the *kind* of
identifier, never the value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cosie_analysis.pilot.identifiers import IDENTIFIER_KINDS, SCREEN_ASCII, column_identifier_kind, identifier_kinds
from cosie_analysis.pilot.parse import RegisterProblem

__all__ = ["REFUSED", "IdentifierScreen", "part_problems"]

REFUSED = ("Refused: a register must not hold direct identifiers. Remove the column or replace the values "
           "by pseudonyms (e.g. P0001) and keep the key file apart from the data (docs/pilot-data.md).")


class IdentifierScreen:
    """Direct identifiers in the cells of a register, screened chunk by chunk (:meth:`add`), worded at the end.

    A whole column is screened at once: ASCII cells that :data:`SCREEN_ASCII` does not match hold no
    identifier; each distinct other cell is read by :func:`identifier_kinds` once. Per column and
    kind only the count, the first ten rows and the first line are kept, so memory does not grow
    with the file.
    """

    def __init__(self, columns: list):
        self.columns = columns
        self.hits: dict[tuple[int, str], list] = {}  # (column position, kind) -> [count, rows, first line]
        self._kinds: dict[tuple[int, str], list[str]] = {}

    def add(self, frame: pd.DataFrame) -> None:
        """Screen the cells of one chunk (a text frame with ``_row`` and ``_line``)."""
        where = [i for i, c in enumerate(frame.columns) if c not in ("_row", "_line")]
        for pos, col in enumerate(self.columns):
            if identifier_kinds(col):
                continue
            values = frame.iloc[:, where[pos]].astype(str)
            suspect = ~values.str.isascii() | values.str.contains(SCREEN_ASCII, regex=True)
            if not suspect.any():
                continue
            found = {}
            for v in pd.unique(values[suspect]):
                key = (pos, v)
                if key not in self._kinds:
                    if len(self._kinds) > 100_000:
                        self._kinds.clear()
                    self._kinds[key] = identifier_kinds(v, column=str(col))
                if self._kinds[key]:
                    found[v] = self._kinds[key]
            if not found:
                continue
            for kind in IDENTIFIER_KINDS:
                hits = np.flatnonzero(values.isin([v for v, kinds in found.items() if kind in kinds]))
                if not len(hits):
                    continue
                rows = frame["_row"].to_numpy()[hits[:10]]
                entry = self.hits.setdefault((pos, kind), [0, [], int(frame["_line"].iloc[hits[0]])])
                entry[0] += len(hits)
                entry[1] = (entry[1] + rows.tolist())[:10]

    def problems(self, line_label: str) -> list[RegisterProblem]:
        """Column names that suggest identifiers, and the cells that hold one, grouped by column and kind."""
        problems = []
        for col in self.columns:
            hit = column_identifier_kind(col)
            name_kinds = identifier_kinds(col)
            if hit or name_kinds:
                what = hit or IDENTIFIER_KINDS[name_kinds[0]]
                shown_col = str(col) if not name_kinds else "(the name is not shown)"
                problems.append(RegisterProblem("identifier", f"the column name suggests {what}, a direct "
                                                "identifier. " + REFUSED, column=shown_col))
        for (pos, kind), (count, rows, line) in sorted(
                self.hits.items(), key=lambda item: (item[0][0], list(IDENTIFIER_KINDS).index(item[0][1]))):
            more = (f" (also rows {', '.join(map(str, rows[1:10]))}{' and more' if count > 10 else ''})"
                    if count > 1 else "")
            problems.append(RegisterProblem(
                "identifier", f"{count} value(s) look like {IDENTIFIER_KINDS[kind]}{more}; the values are not "
                "shown here. " + REFUSED, row=int(rows[0]), line=line, column=str(self.columns[pos]),
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
