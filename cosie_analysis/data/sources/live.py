"""Reading the live-only CBS tables (fetched with ``cosie-analysis fetch --live``) into observations.

A live download stores each table's measures under stable names (the registry's ``measure_specs``),
whatever CBS numbers them in that release, and records each measure's unit (``measure_units``) from
the table's ``DataProperties``. :data:`LIVE_INDICATORS` maps those names to indicators; a measure that
CBS publishes in thousands (unit ``x 1 000``) is multiplied by 1,000 so that every count is in persons
or offences.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.data.sources._csv import read_csv_checked, to_number
from cosie_analysis.data.sources.cbs import (
    STATUS_DEFINITIVE,
    STATUS_NOT_AVAILABLE,
    check_period_codes,
)
from cosie_analysis.errors import InputFileError

__all__ = ["LIVE_INDICATORS", "indicator_of", "read_live_table"]

_KWB = {
    "inhabitants": ("kwb_inhabitants", "Inwoners", "Inhabitants", "persons"),
    "bijstand_persons": ("kwb_bijstand_persons", "Personen met een algemene bijstandsuitkering",
                         "People on general social assistance (bijstand)", "persons"),
    "ww_persons": ("kwb_ww_persons", "Personen met een WW-uitkering", "People on unemployment benefit (WW)", "persons"),
    "ao_persons": ("kwb_ao_persons", "Personen met een AO-uitkering", "People on disability benefit (AO)", "persons"),
}

#: Registry id (or, for the yearly KWB editions, ``"kwb"``) -> stable measure name ->
#: ``(indicator, label_nl, label_en, unit)``. 82015NED is registered but not read yet: its benefit-basis
#: dimension is not verified (see its registry entry).
LIVE_INDICATORS: dict[str, dict[str, tuple[str, str, str, str]]] = {
    "70072NED_uitkeringen": {
        "bijstand_below_aow": ("bijstand_persons", "Personen met bijstand tot de AOW-leeftijd",
                               "People on social assistance (bijstand) below state-pension age", "persons"),
        "bijstand_related_below_aow": ("bijstand_related_persons",
                                       "Personen met bijstandgerelateerde uitkering tot de AOW-leeftijd",
                                       "People on assistance-related benefits below state-pension age", "persons"),
        "unemployment_benefits": ("ww_persons", "Personen met een werkloosheidsuitkering",
                                  "People on unemployment benefit", "persons"),
        "benefits_total": ("benefit_recipients", "Uitkeringsontvangers, totaal", "Benefit recipients, total",
                           "persons"),
    },
    "80794ned": {
        "bijstand_below_aow": ("bijstand_persons_80794", "Personen met bijstand tot de AOW-leeftijd (80794ned)",
                               "People on social assistance below state-pension age (80794ned)", "persons"),
        "unemployment_benefits": ("ww_persons_80794", "Personen met een werkloosheidsuitkering (80794ned)",
                                  "People on unemployment benefit (80794ned)", "persons"),
    },
    "kwb": _KWB,
    "47018NED_wijken": {"registered_crime": ("crime", "Geregistreerde misdrijven", "Registered crime", "offences")},
    "47022NED_gemeenten": {"registered_crime": ("crime_month", "Geregistreerde misdrijven per maand",
                                                "Registered crime per month", "offences")},
}


def indicator_of(table_id: str, entry: dict) -> dict[str, tuple[str, str, str, str]] | None:
    """The indicator map of a live-only registry entry, or None when the build does not read it."""
    if str(entry.get("title", "")).startswith("Kerncijfers wijken en buurten") and entry.get("year"):
        return LIVE_INDICATORS["kwb"]
    return LIVE_INDICATORS.get(table_id)


def _scale(unit: str | None) -> float:
    text = (unit or "").replace("\u00a0", " ").replace(".", " ").strip().lower()
    return 1000.0 if text in ("x 1 000", "x 1000") else 1.0


def read_live_table(folder: str | Path, table_id: str, entry: dict) -> pd.DataFrame:
    """A live-fetched table as partial observation rows.

    Parameters
    ----------
    folder : path-like
        The table's folder in ``data/raw`` (``data.csv`` with the dimension keys and the stable
        measure names, as ``fetch --live`` stores it).
    table_id : str
        The registry id.
    entry : dict
        Its registry entry (``dimensions``, ``measure_specs``, ``measure_units``, ``year`` for a KWB edition).

    Returns
    -------
    pandas.DataFrame
        ``indicator, label_nl, label_en, unit, region_code, period, value, status, source_table,
        source_key``; ``source_key`` is ``<stable name>=<CBS key of that release>`` (and the offence
        key for crime tables). Crime tables give ``crime_<key>`` / ``crime_month_<key>`` indicators.

    Raises
    ------
    InputFileError
        A missing column, duplicate key, text in a measure column or an unknown period code.
    """
    folder = Path(folder)
    indicators = indicator_of(table_id, entry) or {}
    dims = list(entry.get("resolved_dimensions") or entry["dimensions"])
    unknown = [d for d in dims if d not in entry["dimensions"]]
    if unknown:
        raise InputFileError(folder / "data.csv", f"dimension(s) {unknown} that the registry entry of {table_id} does "
                             f"not name (it names {entry['dimensions']}); CBS added them to the table.",
                             "Add them to the entry's `dimensions` with a filter that selects one category, "
                             "and fetch again.")
    measures = [m for m in entry["measure_specs"] if m in indicators]
    frame = read_csv_checked(folder / "data.csv", required=[*dims, *measures], keys=dims, numeric=measures,
                             strip=True, what=f"CBS table {entry.get('table', table_id)} as stored by `fetch --live`")
    if "Perioden" in dims:
        check_period_codes(folder / "data.csv", frame)
    region = "RegioS" if "RegioS" in dims else "WijkenEnBuurten"
    period = frame["Perioden"] if "Perioden" in dims else pd.Series(f"{entry['year']}JJ00", index=frame.index)
    keys = entry.get("resolved_measures", {})
    units = entry.get("measure_units", {})
    parts = []
    for name in measures:
        indicator, nl, en, unit = indicators[name]
        value = to_number(frame[name]) * _scale(units.get(name))
        source_key = pd.Series(f"{name}={keys.get(name, '?')}", index=frame.index)
        if "SoortMisdrijf" in dims:
            offence = frame["SoortMisdrijf"]
            indicator = indicator + "_" + offence.str.replace(".", "_", regex=False)
            nl, en = nl + " " + offence, en + " " + offence
            source_key = offence
        parts.append(pd.DataFrame({
            "indicator": indicator, "label_nl": nl, "label_en": en, "unit": unit,
            "region_code": frame[region].to_numpy(), "period": period.to_numpy(), "value": value.to_numpy(),
            "status": np.where(value.isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
            "source_table": entry.get("table", table_id), "source_key": source_key.to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True)
