"""Derived rows: counts per 1,000 of a denominator, and the status of a value computed from two."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cosie_analysis.data.schema import STATUSES
from cosie_analysis.data.sources.cbs import STATUS_NOT_AVAILABLE


def _worst(a: pd.Series, b: pd.Series) -> np.ndarray:
    rank = {s: i for i, s in enumerate(STATUSES)}
    ra, rb = a.map(rank).to_numpy(), b.map(rank).to_numpy()
    return np.asarray(STATUSES, dtype=object)[np.maximum(ra, rb)]


def _rates(
    counts: pd.DataFrame, denominators: pd.DataFrame, *, unit: str, label_nl: str, label_en: str
) -> pd.DataFrame:
    """Counts per 1,000 of the denominator (same region and period); a missing denominator -> NaN.

    Where the denominator was put on today's borders (or could not be), the rate's ``source_key`` ends
    with the denominator's note, e.g. ``1.1.1 | population on today's borders: sum of GM0395+GM0441``."""
    den = denominators[["region_code", "period", "value", "status", "source_key"]].rename(
        columns={"value": "den", "status": "den_status", "source_key": "den_key"})
    merged = counts.merge(den, on=["region_code", "period"], how="left", validate="many_to_one")
    merged["den_status"] = merged["den_status"].fillna(STATUS_NOT_AVAILABLE)
    usable = merged["den"] > 0
    out = merged[counts.columns].copy()
    out["indicator"] = merged["indicator"] + "_per_1000"
    out["label_nl"] = merged["label_nl"] + label_nl
    out["label_en"] = merged["label_en"] + label_en
    out["unit"] = unit
    out["value"] = np.where(usable, merged["value"] / merged["den"].where(usable) * 1000.0, np.nan)
    out["status"] = np.where(usable, _worst(merged["status"], merged["den_status"]), STATUS_NOT_AVAILABLE)
    out.loc[usable & merged["value"].isna(), "status"] = merged.loc[usable & merged["value"].isna(), "status"]
    note = merged["den_key"].fillna("").str.extract(r"\| (.*)$", expand=False)
    with_note = merged["source_key"] + " | population " + note.fillna("")
    out["source_key"] = np.where(note.notna(), with_note, merged["source_key"])
    return out
