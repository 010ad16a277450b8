"""The tidy observation schema: its columns, dtypes, row order and validation.

Every table that enters ``data/processed`` (public tables and pilot registers alike) passes
through :func:`normalise` and can be checked with :func:`validate_observations`.
"""

from __future__ import annotations

import pandas as pd

from cosie_analysis.data.sources.cbs import (
    STATUS_DEFINITIVE,
    STATUS_NOT_AVAILABLE,
    STATUS_PROVISIONAL,
    STATUS_SUPPRESSED,
)
from cosie_analysis.errors import SchemaError

__all__ = ["OBSERVATION_COLUMNS", "STATUSES", "normalise", "validate_observations"]

#: The observation table's columns, in order.
OBSERVATION_COLUMNS = [
    "indicator", "label_nl", "label_en", "unit", "region_code", "region_name", "region_level",
    "period", "period_start", "period_end", "frequency", "value", "status", "source_table", "source_key",
]
#: Status values, from best to worst; a derived value takes the worst status of its inputs.
STATUSES = [STATUS_DEFINITIVE, STATUS_PROVISIONAL, STATUS_SUPPRESSED, STATUS_NOT_AVAILABLE]


def normalise(obs: pd.DataFrame) -> pd.DataFrame:
    """Fixed dtypes and a fixed row order, so the same input gives the same bytes."""
    text = [c for c in OBSERVATION_COLUMNS if c not in ("period_start", "period_end", "value")]
    out = obs.copy()
    for c in text:
        out[c] = out[c].astype("string")
    for c in ("period_start", "period_end"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    out["value"] = out["value"].astype("float64")
    return out.sort_values(["indicator", "region_code", "period"], kind="mergesort", ignore_index=True)


def validate_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Check a frame against the observation schema; returns it unchanged or raises.

    Parameters
    ----------
    obs : pandas.DataFrame
        A table with the columns of :data:`OBSERVATION_COLUMNS` (extra columns are allowed).

    Returns
    -------
    pandas.DataFrame
        ``obs`` itself, unchanged, when it passes.

    Raises
    ------
    SchemaError
        Listing every problem: missing columns, unknown status or frequency values, duplicate
        ``(indicator, region_code, period)`` keys, values present where the status says missing.
        A :class:`~cosie_analysis.errors.CosieError` and a ``ValueError``.

    Examples
    --------
    A one-row synthetic table with a value although its status says suppressed:

    >>> import pandas as pd
    >>> from cosie_analysis.data.schema import OBSERVATION_COLUMNS, validate_observations
    >>> row = dict.fromkeys(OBSERVATION_COLUMNS, "x")
    >>> row.update(frequency="year", status="suppressed", value=3.0, period="2020")
    >>> validate_observations(pd.DataFrame([row]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cosie_analysis.errors.SchemaError: Observation table is invalid: rows with a value although their status ...
    """
    problems = []
    missing = [c for c in OBSERVATION_COLUMNS if c not in obs.columns]
    if missing:
        raise SchemaError(
            f"Observation table lacks column(s) {missing}. Expected: {OBSERVATION_COLUMNS}. "
            "Build it with `build_observations()` or pass a table read with `load_observations()`."
        )
    bad_status = sorted(set(obs["status"].dropna()) - set(STATUSES))
    if bad_status:
        problems.append(f"unknown status value(s) {bad_status}; allowed: {STATUSES}")
    bad_freq = sorted(set(obs["frequency"].dropna()) - {"year", "quarter", "month"})
    if bad_freq:
        problems.append(f"unknown frequency value(s) {bad_freq}")
    dup = obs.duplicated(["indicator", "region_code", "period"])
    if dup.any():
        first = obs.loc[dup, ["indicator", "region_code", "period"]].head(3).to_dict("records")
        problems.append(f"{int(dup.sum())} duplicate (indicator, region_code, period) keys, e.g. {first}")
    missing_status = obs["status"].isin([STATUS_SUPPRESSED, STATUS_NOT_AVAILABLE])
    if (missing_status & obs["value"].notna()).any():
        problems.append("rows with a value although their status says suppressed or not available")
    if (obs["value"].isna() & ~missing_status).any():
        problems.append("rows without a value although their status says definitive or provisional")
    if problems:
        raise SchemaError(
            "Observation table is invalid: " + "; ".join(problems) + ". "
            "Fix these rows at their source (or rebuild with `build_observations()`), then validate again."
        )
    return obs
