"""Reading ``data/processed``: the observation table and the PC4-wijk crosswalk, built first when stale."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cosie_analysis.observations.build import build_observations
from cosie_analysis.observations.freshness import _stale
from cosie_analysis.paths import processed_dir, raw_dir


def observations_path() -> Path:
    """Where the observation table is stored.

    Returns
    -------
    pathlib.Path
        ``observations.parquet`` in :func:`cosie_analysis.paths.processed_dir` (``data/processed``,
        or ``$COSIE_DATA_DIR/processed``).

    Examples
    --------
    >>> from cosie_analysis.observations import observations_path
    >>> observations_path().name
    'observations.parquet'
    """
    return processed_dir() / "observations.parquet"


def load_observations(*, rebuild: bool = False) -> pd.DataFrame:
    """The observation table, built first when it is missing or older than ``data/raw``.

    Parameters
    ----------
    rebuild : bool, default False
        Build even when the processed table looks current.

    Returns
    -------
    pandas.DataFrame
        One row per indicator x region x period:

        ========== ==========================================================================
        column     meaning
        ========== ==========================================================================
        indicator  stable snake_case id, e.g. ``crime_1_1_1`` (residential burglary),
                   ``crime_1_1_1_per_1000``, ``population``, ``bijstand_density``,
                   ``kwb_bijstand_persons_per_1000``, ``lbm2_score_class``, ``lbm3_score``
        label_nl   Dutch label; ``label_en`` the English one
        unit       ``offences``, ``per 1000 inhabitants``, ``persons``, ...
        region_code CBS code (``GM0321`` Houten, ``GM0356`` Nieuwegein, ``WK035601``,
                   ``NL00``/``NL01`` Nederland) or a 4-digit postcode
        region_name name; ``region_level``: land, gemeente, wijk, buurt or postcode4
        period     the CBS period code; ``period_start``/``period_end`` its first and last day
                   (both included); ``frequency``: year, quarter or month
        value      float; NaN when suppressed or not available
        status     definitive, provisional, suppressed or not available
        source_table the publisher's table; ``source_key`` the publisher's category key or column
        ========== ==========================================================================

    Raises
    ------
    InputFileError
        When the table has to be built and a raw file is missing or malformed.

    Examples
    --------
    Needs the fetched raw tables (``cosie-analysis fetch``), so not run as a doctest:

    >>> import cosie_analysis as ca
    >>> obs = ca.load_observations()  # doctest: +SKIP
    >>> list(obs.columns) == ca.OBSERVATION_COLUMNS  # doctest: +SKIP
    True
    >>> houten = obs[obs["region_code"].eq("GM0321") & obs["indicator"].eq("population")]  # doctest: +SKIP
    """
    target = observations_path()
    if rebuild or _stale(target, raw_dir()):
        build_observations()
    return pd.read_parquet(target)


def pc4_wijk_shares(pc4: str | None = None) -> pd.DataFrame:
    """The PC4-wijk crosswalk: for each year, PC4 area and wijk the addresses and the wijk's share.

    Parameters
    ----------
    pc4 : str, optional
        Only this postcode area, e.g. ``"3431"``.

    Returns
    -------
    pandas.DataFrame
        ``year, wijk_code, pc4, n_addresses, share_of_pc4`` (share of the PC4 area's addresses that
        lie in the wijk; the shares of one PC4-year sum to 1).

    Examples
    --------
    Needs the fetched raw tables (``cosie-analysis fetch``), so not run as a doctest:

    >>> import cosie_analysis as ca
    >>> shares = ca.pc4_wijk_shares("3431")  # doctest: +SKIP
    >>> shares.groupby("year")["share_of_pc4"].sum().round(9).unique().tolist()  # doctest: +SKIP
    [1.0]
    """
    path = processed_dir() / "pc4_wijk_crosswalk.parquet"
    if _stale(path, raw_dir()):
        build_observations()
    frame = pd.read_parquet(path)
    return frame if pc4 is None else frame[frame["pc4"] == str(pc4)].reset_index(drop=True)
