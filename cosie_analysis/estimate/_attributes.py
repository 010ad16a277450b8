"""The municipality attribute table behind the default donor pools.

:func:`cosie_analysis.municipality_table.municipalities`: one row per municipality on today's
borders, with urbanity and address density from the CBS wijk- en buurtkaart 2024 and the
population of 70072NED harmonised over mergers.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["municipality_attributes"]


def municipality_attributes() -> pd.DataFrame:
    """The municipality attribute table used by the default donor pools.

    From :func:`cosie_analysis.municipality_table.municipalities`: ``urbanity`` (stedelijkheid,
    1 = very strongly urban to 5 = not urban), ``address_density`` (omgevingsadressendichtheid,
    addresses per km²) and ``population`` (the latest year of 70072NED, on today's borders).

    Returns
    -------
    pandas.DataFrame
        One row per municipality: ``region_code``, ``region_name``, ``urbanity``, ``address_density``,
        ``population``, ``province``, ``labour_market_region`` (the last two empty offline).

    Examples
    --------
    >>> attrs = municipality_attributes()  # doctest: +SKIP
    """
    import warnings

    from cosie_analysis.municipality_table import municipalities

    with warnings.catch_warnings():  # offline, province and labour-market region are empty; the pool rule
        warnings.simplefilter("ignore", UserWarning)  # that needs them says so itself
        return _one_population(municipalities())


def _one_population(frame: pd.DataFrame) -> pd.DataFrame:
    """A ``population`` column: the latest of ``population_<year>`` columns when the table has those."""
    if "population" in frame.columns:
        return frame
    years = sorted(c for c in frame.columns if str(c).startswith("population_") and str(c)[11:].isdigit())
    return frame.assign(population=frame[years[-1]]) if years else frame
