"""The municipality attribute table behind the default donor pools.

``cosie_analysis.data.municipalities.municipalities()`` when the package has it (one row per
municipality on today's borders); until then the CBS wijk- en buurtkaart 2024 (85984NED) in
``data/raw``.
"""

from __future__ import annotations

import functools

import pandas as pd

__all__ = ["municipality_attributes"]


def municipality_attributes() -> pd.DataFrame:
    """The municipality attribute table used by the default donor pools.

    Uses ``cosie_analysis.data.municipalities.municipalities()`` when the package has it; otherwise
    reads the CBS wijk- en buurtkaart 2024 (85984NED) from ``data/raw``: ``urbanity``
    (stedelijkheid, 1 = very strongly urban to 5 = not urban), ``address_density``
    (omgevingsadressendichtheid, addresses per km²) and ``population`` (inhabitants on 1 January
    2024, today's borders).

    Returns
    -------
    pandas.DataFrame
        One row per municipality: ``region_code``, ``region_name``, ``urbanity``, ``address_density``,
        ``population``, ``province``, ``labour_market_region`` (the last two empty offline).

    Examples
    --------
    >>> attrs = municipality_attributes()  # doctest: +SKIP
    """
    try:
        from cosie_analysis.data.municipalities import municipalities
    except ImportError:
        municipalities = None
    if municipalities is not None:
        return _one_population(municipalities())
    from cosie_analysis.errors import InputFileError
    from cosie_analysis.paths import raw_dir

    path = raw_dir() / "cbs" / "wijkenbuurtenkaart2024" / "gemeenten.csv"
    if not path.exists():
        raise InputFileError(path, "file not found", "Run `cosie-analysis fetch --offline` (or pass `attributes=`).")
    return _kwb_attributes(str(path), path.stat().st_mtime_ns).copy()


@functools.lru_cache(maxsize=4)
def _kwb_attributes(path: str, mtime_ns: int) -> pd.DataFrame:
    """Read once per file version (``mtime_ns`` is part of the cache key)."""
    from cosie_analysis.data.sources.cbs import read_kwb_attributes

    names = {
        "stedelijkheid_adressen_per_km2": "urbanity",
        "omgevingsadressendichtheid": "address_density",
        "aantal_inwoners": "population",
    }
    long = read_kwb_attributes(path, code_column="gemeentecode", name_column="gemeentenaam", measures=list(names))
    wide = long.pivot(index=["region_code", "region_name"], columns="measure", values="value").rename(columns=names)
    out = wide.reset_index()[["region_code", "region_name", "urbanity", "address_density", "population"]]
    out = out.assign(
        province=pd.Series(pd.NA, index=out.index, dtype="string"),
        labour_market_region=pd.Series(pd.NA, index=out.index, dtype="string"),
    )
    out.attrs["source"] = "CBS 85984NED (wijk- en buurtkaart 2024), gemeenten.csv"
    return out.sort_values("region_code", ignore_index=True)


def _one_population(frame: pd.DataFrame) -> pd.DataFrame:
    """A ``population`` column: the latest of ``population_<year>`` columns when the table has those."""
    if "population" in frame.columns:
        return frame
    years = sorted(c for c in frame.columns if str(c).startswith("population_") and str(c)[11:].isdigit())
    return frame.assign(population=frame[years[-1]]) if years else frame
