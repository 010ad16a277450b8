"""Input checks shared by every public entry point: one validator, one wording.

Each raises :class:`~cosie_analysis.errors.ParameterError` with a message that names the
parameter, what was expected, what was found and how to fix it.
"""

from __future__ import annotations

import warnings

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
