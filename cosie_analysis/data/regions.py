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
    """The groups the report compares, ready for :func:`pooled_rates`.

    Parameters
    ----------
    towns : sequence of str, default (HOUTEN, NIEUWEGEIN)
        Municipality codes (``"GM0321"``) that each form a group of their own.
    comparison : sequence of str, default COMPARISON_GROUP
        Municipality codes pooled into one group with the code ``"comparison"`` (by default the
        other towns served by WIL: IJsselstein, Lopik and Vijfheerenlanden).
    nederland : bool, default True
        Add the group ``"NL"``: every municipality of the Netherlands.

    Returns
    -------
    dict
        Group code -> list of municipality codes, or ``None`` for ``"NL"`` (all municipalities).

    Examples
    --------
    >>> from cosie_analysis.data.regions import pilot_groups
    >>> pilot_groups(nederland=False)
    {'GM0321': ['GM0321'], 'GM0356': ['GM0356'], 'comparison': ['GM0353', 'GM0331', 'GM1961']}
    """
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
    per : float, default 1000.0
        Rate denominator (1,000 inhabitants).

    Returns
    -------
    pandas.DataFrame
        ``indicator`` (``crime_<key>_per_1000``), ``source_key``, ``region_code`` (the group's code),
        ``period``, ``period_start``, ``period_end``, ``frequency``, ``offences``, ``population``,
        ``value`` (the rate), ``n_municipalities`` and ``status`` (``"provisional"`` if any count is).

    Raises
    ------
    ParameterError
        When an offence key has no 47018NED counts in ``obs``, or a group names a municipality code
        that does not occur in it.

    Examples
    --------
    A synthetic table: two towns, one year, one offence type.

    >>> import pandas as pd
    >>> from cosie_analysis.data.regions import pooled_rates
    >>> obs = pd.DataFrame({
    ...     "indicator": ["crime_1_1_1", "crime_1_1_1", "population", "population"],
    ...     "source_table": ["47018NED", "47018NED", "70072NED", "70072NED"],
    ...     "region_code": ["GM0001", "GM0002", "GM0001", "GM0002"],
    ...     "period": "2020", "period_start": pd.Timestamp("2020-01-01"),
    ...     "period_end": pd.Timestamp("2021-01-01"), "frequency": "year",
    ...     "value": [30.0, 10.0, 10000.0, 30000.0], "status": "definitive"})
    >>> out = pooled_rates(obs, ["1.1.1"], {"A": ["GM0001"], "AB": ["GM0001", "GM0002"]})
    >>> out[["region_code", "offences", "population", "value", "n_municipalities"]]
      region_code  offences  population  value  n_municipalities
    0           A      30.0     10000.0    3.0                 1
    1          AB      40.0     40000.0    1.0                 2
    """
    crime_ids = {f"crime_{k.replace('.', '_')}": k for k in keys}
    counts = obs[obs["indicator"].isin(list(crime_ids)) & obs["source_table"].eq("47018NED")]
    absent = sorted(k for i, k in crime_ids.items() if not counts["indicator"].eq(i).any())
    if absent:
        raise ParameterError(
            f"pooled_rates(): no 47018NED counts for offence key(s) {absent} in the observation table. "
            f"Keys with counts: {sorted(crime_ids[i] for i in set(counts['indicator']))}; see MAIN_OFFENCES for "
            "the report's keys, or fetch and build the data again (`cosie-analysis fetch`, `cosie-analysis build`)."
        )
    known = set(obs["region_code"].dropna())
    unknown = sorted({c for members in groups.values() if members is not None for c in members} - known)
    if unknown:
        raise ParameterError(
            f"pooled_rates(): `groups` names municipality code(s) {unknown} that do not occur in the observation "
            "table. Use CBS codes such as 'GM0321' (Houten); municipalities merged away are listed under their "
            "new code."
        )
    pop = obs.loc[obs["indicator"].eq("population"), ["region_code", "period", "value"]]
    pop = pop.rename(columns={"value": "population"})
    merged = counts.merge(pop, on=["region_code", "period"], how="inner").dropna(subset=["value", "population"])
    parts = []
    for code, members in groups.items():
        sub = merged if members is None else merged[merged["region_code"].isin(list(members))]
        if sub.empty:
            raise ParameterError(f"Group {code!r}: none of the municipalities {members} has counts and a population.")
        g = sub.groupby(["indicator", "period", "period_start", "period_end", "frequency"], observed=True)
        out = g.agg(offences=("value", "sum"), population=("population", "sum"),
                    n_municipalities=("region_code", "nunique"),
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
