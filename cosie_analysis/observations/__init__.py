"""The tidy observation table: its schema, its validation, and building ``data/processed``.

``cosie-analysis build`` reads every table in ``data/raw`` (as listed in the registry), turns each into
long rows of the schema below, adds rates per 1,000 inhabitants, and writes
``data/processed/observations.parquet`` with a CSV twin (plus the PC4-wijk crosswalk). The same raw
input gives byte-identical files. Files are written to temporary names and then replaced, so a failed
build leaves the previous output intact.

The parts, in the order the data flow through them:

* :mod:`~cosie_analysis.observations._tables`: each source table as long rows (one converter per
  publisher table), with :mod:`~cosie_analysis.observations._rates` for rates per 1,000;
* :mod:`~cosie_analysis.observations.build`: :func:`build_observations`, which reads them all and
  writes ``data/processed``;
* :mod:`~cosie_analysis.observations.freshness`: :func:`is_current`, whether that output is current;
* :mod:`~cosie_analysis.observations.load`: :func:`load_observations` and :func:`pc4_wijk_shares`,
  which read it (building it first when it is not current).

Every public name is importable from here, as before the split.
"""

from __future__ import annotations

from cosie_analysis.data.schema import OBSERVATION_COLUMNS, STATUSES, validate_observations
from cosie_analysis.observations.build import PROCESSED_FILES, build_observations, read_raw_observations
from cosie_analysis.observations.freshness import is_current
from cosie_analysis.observations.load import load_observations, observations_path, pc4_wijk_shares

__all__ = [
    "OBSERVATION_COLUMNS",
    "PROCESSED_FILES",
    "STATUSES",
    "build_observations",
    "is_current",
    "load_observations",
    "observations_path",
    "pc4_wijk_shares",
    "read_raw_observations",
    "validate_observations",
]
