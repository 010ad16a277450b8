"""One row per municipality on today's borders, with the attributes used to choose comparisons.

Built from the processed observation table (population on today's borders from 70072NED; urbanity,
address density and land area from the Kerncijfers wijken en buurten 2024) and, when it has been
fetched live, CBS table 85755NED "Gebieden in Nederland 2024" (province, labour-market region).
"""

from __future__ import annotations

import warnings

import pandas as pd

from cosie_analysis.data.registry import load_registry
from cosie_analysis.data.sources._csv import read_csv_checked
from cosie_analysis.errors import ParameterError
from cosie_analysis.observations import load_observations
from cosie_analysis.paths import raw_dir
from cosie_analysis.words import word

__all__ = ["GEBIEDEN_TABLE", "MUNICIPALITY_COLUMNS", "municipalities"]

#: The registry id of "Gebieden in Nederland 2024" (province and labour-market region per municipality).
GEBIEDEN_TABLE = "85755NED"
#: The columns of :func:`municipalities`, in order.
MUNICIPALITY_COLUMNS = [
    "region_code", "region_name", "province", "labour_market_region", "urbanity", "address_density",
    "land_area_km2", "population", "population_year", "population_note",
]
_KWB = {"kwb_urbanity": "urbanity", "kwb_address_density": "address_density", "kwb_land_area": "land_area_km2"}


def _areas(raw) -> pd.DataFrame | None:
    """Province and labour-market region per municipality from 85755NED in ``data/raw``; None when absent."""
    entry = load_registry()["tables"].get(GEBIEDEN_TABLE)
    if entry is None:
        return None
    path = raw / entry["path"] / "data.csv"
    if not path.is_file():
        return None
    frame = read_csv_checked(path, required=["RegioS", "province_name", "labour_market_region_name"], keys=["RegioS"],
                             strip=True, what=f"CBS table {GEBIEDEN_TABLE} (Gebieden in Nederland) as fetched live")
    return frame.rename(columns={"RegioS": "region_code", "province_name": "province",
                                 "labour_market_region_name": "labour_market_region"})[
        ["region_code", "province", "labour_market_region"]]


def municipalities(year: int | None = None, *, lang: str = "nl") -> pd.DataFrame:
    """Every municipality on today's borders with its urbanity, density, population and region.

    Parameters
    ----------
    year : int, optional
        The year of ``population``. Default: the latest year with a population for (nearly) every
        municipality. The table is wide by design (one row per municipality, one population year);
        for the population of every year use ``load_observations()`` with
        ``indicator == "population"`` (the same harmonised series).
    lang : {"nl", "en"}
        Language of the note in ``attrs`` when province and labour-market region are missing.

    Returns
    -------
    pandas.DataFrame
        One row per municipality (342 in the 2024 indeling), sorted by code:

        ==================== ==================================================================
        column               meaning
        ==================== ==================================================================
        region_code          CBS code, e.g. ``GM0321``; ``region_name`` its name
        province             province (85755NED); empty (NA) when that table was not fetched
        labour_market_region labour-market region (arbeidsmarktregio, 85755NED); NA likewise
        urbanity             stedelijkheid class 1 (very highly urban, >= 2,500 addresses per
                             km2) to 5 (not urban, < 500), KWB 2024; Int64
        address_density      omgevingsadressendichtheid (addresses per km2), KWB 2024
        land_area_km2        land area in km2 (KWB 2024, published in ha)
        population           population in ``population_year`` (70072NED: average number of
                             inhabitants, else on 1 January), on today's borders
        population_year      the year of ``population``
        population_note      empty when the municipality's territory did not change; otherwise
                             how it was put on today's borders, or why it could not be
        ==================== ==================================================================

        ``attrs["sources"]`` lists the source tables; ``attrs["missing"]`` names the columns that
        are empty because their table needs a live fetch (a ``UserWarning`` says so too).

    Raises
    ------
    ParameterError
        A ``year`` without population data (the message lists the years there are).

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> m = ca.municipalities()  # doctest: +SKIP
    >>> m.set_index("region_code").loc["GM0321", ["region_name", "urbanity"]].tolist()  # doctest: +SKIP
    ['Houten', 2]
    """
    obs = load_observations()
    pop = obs[obs["indicator"].eq("population") & obs["region_level"].eq("gemeente")]
    years = pop.loc[pop["value"].notna(), "period"].str[:4].astype(int)
    available = sorted(set(years))
    if year is None:
        counts = years.value_counts()
        year = int(max(y for y in available if counts[y] >= 0.95 * counts.max()))
    elif int(year) not in available:
        raise ParameterError(f"year={year!r}: there is no population for that year. Years with a population "
                             f"(70072NED): {available[0]}-{available[-1]}. Pass one of them, or None for the latest.")
    kwb = obs[obs["indicator"].isin(list(_KWB)) & obs["region_level"].eq("gemeente")]
    table = kwb.pivot(index="region_code", columns="indicator", values="value").rename(columns=_KWB)
    table = table.reindex(columns=list(_KWB.values()))
    table["land_area_km2"] = table["land_area_km2"] / 100.0
    table["urbanity"] = table["urbanity"].round().astype("Int64")
    this = pop[pop["period"] == f"{int(year)}JJ00"].set_index("region_code")
    today = sorted(set(this.index) | set(table.index))
    out = pd.DataFrame(index=pd.Index(today, name="region_code")).join(table)
    out["population"] = this["value"].reindex(today)
    out["population_year"] = int(year)
    note = this["source_key"].reindex(today).fillna("").astype(str).str.extract(r"\| (.*)$", expand=False)
    out["population_note"] = note.fillna("")
    names = obs.loc[obs["region_level"].eq("gemeente"), ["region_code", "region_name"]].drop_duplicates("region_code")
    out["region_name"] = names.set_index("region_code")["region_name"].reindex(today)
    areas = _areas(raw_dir())
    missing = []
    if areas is None:
        out["province"] = pd.array([pd.NA] * len(out), dtype="string")
        out["labour_market_region"] = pd.array([pd.NA] * len(out), dtype="string")
        missing = ["province", "labour_market_region"]
        warnings.warn(f"municipalities(): {word('municipalities_offline_attrs', lang)}; "
                      f"{word('needs_live_fetch', lang)} ({GEBIEDEN_TABLE}).", UserWarning, stacklevel=2)
    else:
        areas = areas.set_index("region_code")
        out["province"] = areas["province"].reindex(today).astype("string")
        out["labour_market_region"] = areas["labour_market_region"].reindex(today).astype("string")
    out = out.reset_index()[MUNICIPALITY_COLUMNS]
    out["region_code"] = out["region_code"].astype("string")
    out["region_name"] = out["region_name"].astype("string")
    out["population_note"] = out["population_note"].astype("string")
    out.attrs["sources"] = {
        "population": "CBS 70072NED Regionale kerncijfers Nederland, on today's borders "
        "(resources/municipal_mergers.csv)",
        "urbanity, address_density, land_area_km2": "CBS 85984NED Kerncijfers wijken en buurten 2024 "
        "(wijk- en buurtkaart 2024)",
        "province, labour_market_region": f"CBS {GEBIEDEN_TABLE} Gebieden in Nederland 2024"
        + (" (not fetched: needs a live fetch)" if missing else ""),
    }
    out.attrs["missing"] = missing
    return out
