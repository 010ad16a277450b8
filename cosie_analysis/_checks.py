"""Input checks shared by every public entry point: one validator, one wording.

Each raises :class:`~cosie_analysis.errors.ParameterError` with a message that names the
parameter, what was expected, what was found and how to fix it.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError
from cosie_analysis.words import check_lang  # noqa: F401  (re-exported for the estimators)


def check_data(data, columns: dict[str, str | None], *, function: str) -> None:
    """Raise ParameterError when ``data`` is not a DataFrame or lacks a role column.

    ``columns`` maps the parameter name to the column it names (None = not used).
    """
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(
            f"`data` of {function}() must be a pandas DataFrame in the long observation layout; "
            f"got {type(data).__name__}."
        )
    missing = [f"`{param}`={col!r}" for param, col in columns.items() if col is not None and col not in data.columns]
    if missing:
        raise ParameterError(
            f"{function}(): column(s) not found in `data`: {', '.join(missing)}. "
            f"Found: {list(data.columns)}. Pass the right column name to the parameter."
        )


def check_conf_level(conf_level) -> float:
    if not isinstance(conf_level, (int, float)) or not 0 < conf_level < 1:
        raise ParameterError(f"`conf_level` must be a number between 0 and 1 (e.g. 0.95); got {conf_level!r}.")
    return float(conf_level)


def as_tuple(by) -> tuple[str, ...]:
    if by is None:
        return ()
    if isinstance(by, str):
        return (by,)
    return tuple(by)


def drop_missing(data: pd.DataFrame, columns, *, function: str) -> pd.DataFrame:
    """Return the rows without missing values in ``columns``; warn with the count dropped."""
    mask = missing_mask(data[c] for c in columns)
    if mask.any():
        warn_missing(int(mask.sum()), len(data), list(columns), function, stacklevel=4)
        return data.loc[~mask]
    return data


def missing_mask(columns) -> np.ndarray:
    """True for the rows with a missing value in any of ``columns`` (Series or arrays of one length)."""
    masks = [np.asarray(pd.isna(c)) for c in columns]
    return np.logical_or.reduce(masks) if masks else np.zeros(0, dtype=bool)


def warn_missing(n_missing: int, n: int, columns: list, function: str, stacklevel: int = 4) -> None:
    warnings.warn(f"{function}(): dropped {n_missing} of {n} row(s) with a missing value in {columns}.",
                  UserWarning, stacklevel=stacklevel)


def to_list(x, name: str) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    try:
        return list(x)
    except TypeError:
        raise ParameterError(f"`{name}` must be a unit code or a list of codes; got {x!r}.") from None


def check_known(codes: Sequence[str], known: Sequence[str], parameter: str,
                names: Mapping[str, str] | None = None) -> None:
    """Raise ParameterError for codes that are not among ``known``, with near matches for each.

    A mistyped code is matched on its digits (a swapped pair, one digit off: GM0365 -> GM0356) before
    the general string similarity; a region *name* given where a code belongs (``names``: code ->
    name) is answered with its code.
    """
    known = [str(k) for k in known]
    bad = [c for c in codes if c not in set(known)]
    if not bad:
        return
    by_name = {str(n).casefold(): c for c, n in (names or {}).items() if isinstance(n, str) and c in set(known)}
    upper = {k.upper().replace("O", "0"): k for k in known}  # GM0O321, gm0321 -> GM0321

    def near(c) -> str:
        if str(c).casefold() in by_name:
            return f"that is a name; its code is {by_name[str(c).casefold()]!r}"
        text = str(c).upper().replace("O", "0")
        same = [k for k in upper if len(k) == len(text)]
        off = {k: sum(a != b for a, b in zip(k, text, strict=True)) for k in same}
        swapped = sorted(k for k in same if off[k] == 2 and sorted(k) == sorted(text))
        exact = [k for k in same if off[k] == 0]  # only the letter O for the digit 0, or the case
        hits = (exact + swapped + sorted(k for k in same if off[k] == 1))[:3] or difflib.get_close_matches(
            text, list(upper), n=3, cutoff=0.6)
        return f"did you mean {[upper[h] for h in hits]}" if hits else "none close"

    hints = "; ".join(f"{c!r}: {near(c)}" for c in bad)
    raise ParameterError(
        f"`{parameter}`: unit code(s) {bad!r} not found in the data ({len(known)} units). {hints}. "
        "Check the code (e.g. GM0321 for Houten) and that the unit has the treated unit's "
        "region_level."
    )
