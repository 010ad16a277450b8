"""Readers for CBS layouts: OData table folders, unchanged StatLine downloads, and the wijk- en
buurtkaart attributes.

Each reader returns a *partial* observation frame with the columns ``indicator, label_nl, label_en,
unit, region_code, period, value, status, source_table, source_key`` (and ``region_name`` where the
file names the regions); :mod:`cosie_analysis.observations` adds the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.data.periods import is_period_code, parse_periods
from cosie_analysis.data.sources._csv import MAX_LISTED, read_csv_checked, to_number
from cosie_analysis.errors import InputFileError, ParameterError

__all__ = [
    "ODataTable",
    "read_odata_folder",
    "read_statline_download",
    "read_kwb_attributes",
    "STATUS_DEFINITIVE",
    "STATUS_PROVISIONAL",
    "STATUS_SUPPRESSED",
    "STATUS_NOT_AVAILABLE",
]

STATUS_DEFINITIVE = "definitive"
STATUS_PROVISIONAL = "provisional"
STATUS_SUPPRESSED = "suppressed"
STATUS_NOT_AVAILABLE = "not available"

#: The wijk- en buurtkaart sentinels and the status each stands for.
KWB_SENTINELS = {-99997: STATUS_SUPPRESSED, -99995: STATUS_NOT_AVAILABLE}


@dataclass(frozen=True)
class ODataTable:
    """A CBS OData table folder: ``data`` (TypedDataSet) and one frame per dimension file."""

    table_id: str
    data: pd.DataFrame
    dimensions: Mapping[str, pd.DataFrame]


def check_period_codes(path: Path, frame: pd.DataFrame, column: str = "Perioden") -> pd.DataFrame:
    """Parse the period codes of ``frame[column]``; an unknown code is an error naming its rows."""
    codes = frame[column]
    try:
        return parse_periods(codes.unique())
    except ParameterError:
        pass
    bad_rows = []
    for i, (code, line) in enumerate(zip(codes, frame["_line"], strict=True)):
        if not is_period_code(code):
            bad_rows.append(f"row {i + 1} (line {line}): {code!r}")
    raise InputFileError(
        path,
        f"column `{column}`: {len(bad_rows)} unknown CBS period code(s): "
        + "; ".join(bad_rows[:MAX_LISTED])
        + (f" and {len(bad_rows) - MAX_LISTED} more" if len(bad_rows) > MAX_LISTED else "")
        + ".",
        "Expected YYYYJJ00 (year), YYYYKW01-04 (quarter) or YYYYMM01-12 (month), as CBS writes them.",
    )


def read_odata_folder(
    folder: str | Path,
    *,
    table_id: str,
    dimensions: Sequence[str],
    measures: Sequence[str],
    dimension_files: Sequence[str] = (),
) -> ODataTable:
    """Read a CBS OData table folder in the mirror's normalised layout.

    Parameters
    ----------
    folder : path-like
        Holds ``data.csv`` (the TypedDataSet columns as CBS names them: the dimension keys, then the
        measures) and one ``<Dimension>.csv`` per name in ``dimension_files`` with ``Key, Title`` (and
        ``Description``; ``Status`` for ``Perioden``).
    table_id : str
        The CBS table identifier, e.g. ``"47018NED"``.
    dimensions, measures : sequence of str
        The key columns and the numeric columns that ``data.csv`` must have.
    dimension_files : sequence of str
        Dimensions whose ``<Dimension>.csv`` must be present.

    Returns
    -------
    ODataTable
        ``data`` with the dimension keys as text (padding stripped), the measures as float64, and
        ``_line`` (file line). ``dimensions`` maps each dimension name to its frame.

    Raises
    ------
    InputFileError
        Missing file or column, truncated file, duplicate key, non-numeric measure, unknown period
        code, wrong encoding, or an empty table.
    """
    folder = Path(folder)
    data = read_csv_checked(
        folder / "data.csv", required=[*dimensions, *measures], keys=dimensions, numeric=measures,
        strip=True, what=f"CBS table {table_id}'s TypedDataSet (data.csv)",
    )
    for m in measures:
        data[m] = to_number(data[m])
    if "Perioden" in dimensions:
        check_period_codes(folder / "data.csv", data)
    dims = {}
    for name in dimension_files:
        required = ["Key", "Title"] + (["Status"] if name == "Perioden" else [])
        dims[name] = read_csv_checked(
            folder / f"{name}.csv", required=required, keys=["Key"], strip=False,
            what=f"the `{name}` dimension of CBS table {table_id} (Key, Title, Description)",
        )
        dims[name]["Key"] = dims[name]["Key"].str.strip()
    return ODataTable(table_id, data, dims)


def period_status(table: ODataTable) -> pd.Series:
    """Map each period code to ``"provisional"`` or ``"definitive"`` from ``Perioden.csv`` Status."""
    perioden = table.dimensions.get("Perioden")
    if perioden is None:
        return pd.Series(dtype=object)
    provisional = perioden["Status"].str.strip().str.lower().isin(["voorlopig", "nader voorlopig"])
    return pd.Series(
        np.where(provisional, STATUS_PROVISIONAL, STATUS_DEFINITIVE), index=perioden["Key"].to_numpy()
    )


_SUFFIX = re.compile(r"^(?P<base>.+?)_(?P<num>\d+)$")


def read_statline_download(
    path: str | Path,
    *,
    dimensions: Sequence[str],
    measures: Sequence[str],
    aliases: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read an unchanged StatLine CSV download (quoted, padded keys and numbers, ``.`` = missing).

    Parameters
    ----------
    path : path-like
        The CSV file. An ``ID`` column is allowed and dropped.
    dimensions : sequence of str
        Key columns (e.g. ``["Leeftijd", "Regiokenmerken"]``); their padding is stripped.
    measures : sequence of str
        The canonical names of the measures to read, e.g. ``"Instroom_4"``.
    aliases : mapping, optional
        Other names the same measure has in some years, by name without the ``_N`` suffix, e.g.
        ``{"Instromers": "Instroom"}``: ``Instromers_4`` is read as ``Instroom_4``.

    Returns
    -------
    pandas.DataFrame
        The dimension columns (text), the measures (float64, ``.`` and empty as NaN), ``_line``.

    Raises
    ------
    InputFileError
        As :func:`read_csv_checked`, naming the canonical and the alias names of a missing measure.
    """
    path = Path(path)
    aliases = dict(aliases or {})
    header = read_csv_checked(path, required=[], strip=True, what="a StatLine download").columns
    rename = {}
    for col in header:
        suffix = _SUFFIX.match(col)
        if suffix and suffix["base"] in aliases:
            rename[col] = f"{aliases[suffix['base']]}_{suffix['num']}"
    inverse = {v: k for k, v in rename.items()}
    missing = [m for m in measures if m not in header and m not in inverse]
    if missing:
        known = {v: k for k, v in aliases.items()}
        names = [
            f"{m} (or {known[s['base']]}_{s['num']})" if s and s["base"] in known else m
            for m, s in ((m, _SUFFIX.match(m)) for m in missing)
        ]
        raise InputFileError(
            path, f"column(s) {names} not found. Found: {[c for c in header if c != '_line']}.",
            "Is this the StatLine download of the table named in the registry?",
        )
    required = [*dimensions, *(inverse.get(m, m) for m in measures)]
    frame = read_csv_checked(
        path, required=required, keys=dimensions, numeric=[inverse.get(m, m) for m in measures],
        na_tokens=("", "."), strip=True, what="a StatLine download",
    ).rename(columns=rename)
    for m in measures:
        frame[m] = to_number(frame[m], na_tokens=("", "."))
    return frame[[*dimensions, *measures, "_line"]]


def read_kwb_attributes(
    path: str | Path, *, code_column: str, name_column: str, measures: Sequence[str]
) -> pd.DataFrame:
    """Read wijk- en buurtkaart attributes (snake_case names), decoding the CBS sentinels.

    ``-99997`` (suppressed, "geheim") and ``-99995`` (not available) become NaN, with the status
    saying which. Rows with ``water == "JA"`` are water-only areas, not land municipalities or wijken,
    and are dropped.

    Returns
    -------
    pandas.DataFrame
        Long: ``region_code, region_name, measure, value, status, _line``; ``status`` is
        ``"definitive"``, ``"suppressed"`` or ``"not available"``.
    """
    path = Path(path)
    frame = read_csv_checked(
        path, required=[code_column, name_column, "water", *measures], keys=[code_column, "water"],
        numeric=measures, what="wijk- en buurtkaart attributes (CBS kerncijfers wijken en buurten)",
    )
    frame = frame[frame["water"].str.strip().str.upper() != "JA"]
    long = frame.melt(
        id_vars=[code_column, name_column, "_line"], value_vars=list(measures),
        var_name="measure", value_name="raw",
    )
    value = to_number(long["raw"])
    status = pd.Series(STATUS_DEFINITIVE, index=long.index, dtype=object)
    for sentinel, label in KWB_SENTINELS.items():
        hit = value == sentinel
        status[hit] = label
    status[value.isna()] = STATUS_NOT_AVAILABLE
    value = value.mask(value.isin(list(KWB_SENTINELS)))
    return pd.DataFrame(
        {
            "region_code": long[code_column].str.strip().to_numpy(),
            "region_name": long[name_column].str.strip().to_numpy(),
            "measure": long["measure"].to_numpy(),
            "value": value.to_numpy(),
            "status": status.to_numpy(),
            "_line": long["_line"].to_numpy(),
        }
    )
