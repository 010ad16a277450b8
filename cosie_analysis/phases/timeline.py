"""The Dutch corona timeline: one row per dated event, each with its source (package data)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import pandas as pd

from cosie_analysis.errors import InputFileError, check_choice

__all__ = ["TIMELINE_COLUMNS", "TIMELINE_KINDS", "load_timeline"]

#: Columns of the timeline table, in order.
TIMELINE_COLUMNS = (
    "date", "kind", "scope", "key_date", "disputed",
    "description_nl", "description_en", "source_url", "other_sources",
)  # fmt: skip
TIMELINE_KINDS = ("milestone", "tightening", "relaxation", "support_start", "support_change", "support_end")


@lru_cache(maxsize=1)
def _read_timeline() -> pd.DataFrame:
    with resources.files("cosie_analysis").joinpath("resources/corona_timeline.csv").open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    missing = [c for c in TIMELINE_COLUMNS if c not in table.columns]
    if missing:
        raise InputFileError(
            "resources/corona_timeline.csv",
            f"columns {missing} missing; found {list(table.columns)}.",
            hint="Restore the file from the package (git checkout cosie_analysis/resources).",
        )
    table = table[list(TIMELINE_COLUMNS)].copy()
    table["date"] = pd.to_datetime(table["date"], format="%Y-%m-%d")
    for col in ("key_date", "disputed"):
        bad = sorted(set(table[col]) - {"true", "false"})
        if bad:
            raise InputFileError(
                "resources/corona_timeline.csv",
                f"column {col!r} must be true/false; found {bad}.",
                hint="Write each value as the word true or false.",
            )
        table[col] = table[col].eq("true")
    table["other_sources"] = table["other_sources"].replace("", None)
    return table


def load_timeline(*, kind: str | Sequence[str] | None = None, scope: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The Dutch corona timeline: one row per dated event, each with its source.

    Parameters
    ----------
    kind : str or list of str, optional
        Keep only these kinds: ``"milestone"``, ``"tightening"``, ``"relaxation"``,
        ``"support_start"``, ``"support_change"``, ``"support_end"``.
    scope : str or list of str, optional
        Keep only these scopes: ``"national"`` (measures) or a support scheme (``"Tozo"``, ``"NOW"``,
        ``"TONK"``, ``"Bbz"``).

    Returns
    -------
    pandas.DataFrame
        Sorted by date, with columns

        - ``date`` (datetime64): the effective day. For a support scheme's end, the first day
          without the scheme (Tozo ends 2021-10-01: September 2021 was its last month).
        - ``kind`` (str): one of the kinds above.
        - ``scope`` (str): ``"national"`` or the support scheme.
        - ``key_date`` (bool): marked by :func:`draw_phases`.
        - ``disputed`` (bool): sources disagree on the date or the label, or the date is unconfirmed
          or derived; the descriptions say how.
        - ``description_nl``, ``description_en`` (str).
        - ``source_url`` (str): the main source; ``other_sources`` (str or None): more sources,
          separated by ``" ; "``.

    Raises
    ------
    ParameterError
        For an unknown ``kind`` or ``scope`` (the message lists the known ones).

    Notes
    -----
    Typed from the project's facts file (section 2). Events without a sourced day are left out: the
    mid-November 2021 step, the 4 Nov 2020 tightening and the 8 Feb 2021 school reopenings.

    Examples
    --------
    >>> from cosie_analysis.phases import load_timeline
    >>> tozo = load_timeline(scope="Tozo")
    >>> tozo[["date", "kind"]].head(1)
            date           kind
    0 2020-03-01  support_start
    >>> load_timeline(kind="tightening", scope="national")["date"].dt.date.head(2).tolist()
    [datetime.date(2020, 3, 9), datetime.date(2020, 3, 12)]
    """
    table = _read_timeline().copy()
    for name, value, allowed in (("kind", kind, TIMELINE_KINDS), ("scope", scope, sorted(set(table["scope"])))):
        if value is None:
            continue
        values = [value] if isinstance(value, str) else list(value)
        for v in values:
            check_choice(name, v, allowed)
        table = table[table[name].isin(values)]
    return table.reset_index(drop=True)
