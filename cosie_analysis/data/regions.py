"""Regions of interest: the pilot towns, the comparison group, and pooled rates for groups of towns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError

__all__ = [
    "HOUTEN",
    "NIEUWEGEIN",
    "PILOTS",
    "COMPARISON_GROUP",
    "JUTPHAAS_WIJKERSLOOT",
    "NIJPELS_PC4",
    "MAIN_OFFENCES",
    "pilot_groups",
    "pooled_rates",
]

HOUTEN = "GM0321"
NIEUWEGEIN = "GM0356"
PILOTS = {HOUTEN: "Houten", NIEUWEGEIN: "Nieuwegein"}
#: The wijk of the Nijpelsplantsoen flats, and the 4-digit postcode area they lie in.
JUTPHAAS_WIJKERSLOOT = "WK035601"
NIJPELS_PC4 = "3431"

#: The other municipalities served by WIL (Werk en Inkomen Lekstroom), the benefits agency both pilot
#: towns share: IJsselstein, Lopik and Vijfheerenlanden (which absorbed Vianen in 2019). An analyst's
#: choice of comparison group, stated here once; functions take another tuple where it matters.
COMPARISON_GROUP = ("GM0353", "GM0331", "GM1961")

#: The offence types shown as "main offence types" in the report (47018NED keys).
MAIN_OFFENCES = {
    "1.1.1": ("Woninginbraak", "Residential burglary"),
    "1.2.3": ("Fietsendiefstal e.d.", "Bicycle and moped theft"),
    "1.2.1": ("Diefstal uit auto's", "Theft from vehicles"),
    "2.2.1": ("Vernieling", "Vandalism"),
    "1.4.5": ("Mishandeling", "Assault"),
    "1.4.4": ("Bedreiging", "Threat"),
}


def pilot_groups(towns: Sequence[str] = (HOUTEN, NIEUWEGEIN), comparison: Sequence[str] = COMPARISON_GROUP,
                 nederland: bool = True) -> dict[str, list[str] | None]:
    """The groups the report compares, for :func:`pooled_rates`: each pilot town on its own, the
    comparison group pooled (code ``"comparison"``) and, with ``nederland``, every municipality (``"NL"``)."""
    groups: dict[str, list[str] | None] = {town: [town] for town in towns}
    groups["comparison"] = list(comparison)
    if nederland:
        groups["NL"] = None
    return groups


def pooled_rates(
    obs: pd.DataFrame,
    keys: Sequence[str],
    groups: Mapping[str, Sequence[str] | None],
    *,
    per: float = 1000.0,
) -> pd.DataFrame:
    """Yearly crime rates per 1,000 inhabitants for single towns and pooled groups of towns.

    A group's rate is its summed offences over its summed population (not the mean of the towns'
    rates), so large and small towns weigh by population.

    Parameters
    ----------
    obs : pandas.DataFrame
        The observation table (``crime_<key>`` counts from 47018NED and ``population``).
    keys : sequence of str
        47018NED offence keys, e.g. ``["1.1.1", "2.2.1"]``.
    groups : mapping
        Output region code -> the municipality codes pooled into it; ``None`` pools every
        municipality with a population (``"NL"``: all of the Netherlands' municipalities).
    per : float
        Rate denominator (1,000 inhabitants).

    Returns
    -------
    pandas.DataFrame
        ``indicator`` (``crime_<key>_per_1000``), ``source_key``, ``region_code`` (the group's code),
        ``period``, ``period_start``, ``period_end``, ``frequency``, ``offences``, ``population``,
        ``value`` (the rate), ``n_municipalities`` and ``status`` (``"provisional"`` if any count is).
    """
    crime_ids = {f"crime_{k.replace('.', '_')}": k for k in keys}
    counts = obs[obs["indicator"].isin(list(crime_ids)) & obs["source_table"].eq("47018NED")]
    if counts.empty:
        raise ParameterError(f"No 47018NED counts for offence keys {list(keys)} in the observation table.")
    pop = obs.loc[obs["indicator"].eq("population"), ["region_code", "period", "value"]].rename(columns={"value": "population"})
    merged = counts.merge(pop, on=["region_code", "period"], how="inner").dropna(subset=["value", "population"])
    parts = []
    for code, members in groups.items():
        sub = merged if members is None else merged[merged["region_code"].isin(list(members))]
        if sub.empty:
            raise ParameterError(f"Group {code!r}: none of the municipalities {members} has counts and a population.")
        g = sub.groupby(["indicator", "period", "period_start", "period_end", "frequency"], observed=True)
        out = g.agg(offences=("value", "sum"), population=("population", "sum"), n_municipalities=("region_code", "nunique"),
                    provisional=("status", lambda s: bool((s == "provisional").any()))).reset_index()
        out["region_code"] = code
        parts.append(out)
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["offences"] / out["population"] * per
    out["status"] = np.where(out.pop("provisional"), "provisional", "definitive")
    out["source_key"] = out["indicator"].map(crime_ids)
    out["indicator"] = out["indicator"] + "_per_1000"
    cols = ["indicator", "source_key", "region_code", "period", "period_start", "period_end", "frequency",
            "offences", "population", "value", "n_municipalities", "status"]
    return out[cols].sort_values(["indicator", "region_code", "period"], ignore_index=True)
