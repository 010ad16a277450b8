"""Readers for the Leefbaarometer (Ministerie van BZK) files and the PC4-wijk address crosswalk.

* Leefbaarometer 2.0 (meting 2016): score classes 1-9 per municipality or wijk for 2002, 2008,
  2012, 2014 and 2016 (``KL02 ... KL16``), and dimension scores (deviation from the national mean)
  for 2012, 2014 and 2016. 2016 indeling; LBM 2.0 scale, not comparable with 3.0.
* Leefbaarometer 3.0 (meting 2022): score per 4-digit postcode area (PC4), 2002-2022.
* The VNG crosswalk: the number of addresses of each PC4 area in each wijk, per year.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cosie_analysis.data.sources._csv import read_csv_checked, to_number

__all__ = [
    "LBM2_DIMENSIONS",
    "LBM3_MEASURES",
    "read_lbm2_score_classes",
    "read_lbm2_dimension_scores",
    "read_lbm3_pc4",
    "read_pc4_wijk_crosswalk",
]

_CLASS_COLUMN = re.compile(r"^KL(\d{2})$")

#: LBM 2.0 dimension-score columns -> (indicator suffix, Dutch label, English label)
LBM2_DIMENSIONS = {
    "RLBRMTR": ("total", "Leefbaarometer 2.0: totaalscore (afwijking van NL-gemiddelde)",
                "Leefbaarometer 2.0: total score (deviation from the Dutch mean)"),
    "RLBWON": ("housing", "Leefbaarometer 2.0: dimensie woningen", "Leefbaarometer 2.0: dimension housing"),
    "RLBBEV": ("residents", "Leefbaarometer 2.0: dimensie bewoners", "Leefbaarometer 2.0: dimension residents"),
    "RLBVRZ": ("amenities", "Leefbaarometer 2.0: dimensie voorzieningen",
               "Leefbaarometer 2.0: dimension amenities"),
    "RLBVEI": ("safety", "Leefbaarometer 2.0: dimensie veiligheid", "Leefbaarometer 2.0: dimension safety"),
    "RLBFYS": ("physical", "Leefbaarometer 2.0: dimensie fysieke omgeving",
               "Leefbaarometer 2.0: dimension physical environment"),
}

#: LBM 3.0 columns -> (indicator suffix, Dutch label, English label)
LBM3_MEASURES = {
    "lbm": ("score", "Leefbaarometer 3.0: score", "Leefbaarometer 3.0: score"),
    "afw": ("deviation", "Leefbaarometer 3.0: afwijking van NL-gemiddelde",
            "Leefbaarometer 3.0: deviation from the Dutch mean"),
    "fys": ("physical", "Leefbaarometer 3.0: fysieke omgeving", "Leefbaarometer 3.0: physical environment"),
    "onv": ("nuisance_unsafety", "Leefbaarometer 3.0: overlast en onveiligheid",
            "Leefbaarometer 3.0: nuisance and unsafety"),
    "soc": ("social", "Leefbaarometer 3.0: sociale samenhang", "Leefbaarometer 3.0: social cohesion"),
    "vrz": ("amenities", "Leefbaarometer 3.0: voorzieningen", "Leefbaarometer 3.0: amenities"),
    "won": ("housing", "Leefbaarometer 3.0: woningvoorraad", "Leefbaarometer 3.0: housing stock"),
}


def read_lbm2_score_classes(path: str | Path, *, code_column: str) -> pd.DataFrame:
    """Read a Leefbaarometer 2.0 ``scoreklasse_*`` sheet (first sheet of the workbook, as CSV).

    Returns
    -------
    pandas.DataFrame
        Long: ``region_code, year, value`` (score class 1-9, float) and ``_line``. The development
        classes (``VKL...``) are changes between years, not observations, and are not returned.
    """
    path = Path(path)
    head = read_csv_checked(
        path, required=[code_column], keys=[code_column], what="a Leefbaarometer 2.0 scoreklasse sheet"
    )
    matches = {c: _CLASS_COLUMN.match(c) for c in head.columns}
    years = {c: 2000 + int(m[1]) for c, m in matches.items() if m}
    if not years:
        from cosie_analysis.errors import InputFileError

        raise InputFileError(path, f"no score-class columns (KL02, KL08, ...) found. Found: {list(head.columns[:-1])}.",
                             "Is this a Leefbaarometer 2.0 scoreklasse sheet?")
    frame = read_csv_checked(path, required=[code_column, *years], keys=[code_column], numeric=list(years),
                             what="a Leefbaarometer 2.0 scoreklasse sheet")
    long = frame.melt(id_vars=[code_column, "_line"], value_vars=list(years), var_name="column", value_name="raw")
    return pd.DataFrame({
        "region_code": long[code_column].str.strip().to_numpy(),
        "year": long["column"].map(years).to_numpy(),
        "value": to_number(long["raw"]).to_numpy(),
        "_line": long["_line"].to_numpy(),
    })


def read_lbm2_dimension_scores(path: str | Path) -> pd.DataFrame:
    """Read a Leefbaarometer 2.0 ``dimensiescore_stand_*`` sheet.

    Returns
    -------
    pandas.DataFrame
        Long: ``region_code, year, measure`` (``RLBRMTR``, ``RLBWON``, ...), ``value`` and ``_line``.
    """
    frame = read_csv_checked(path, required=["GBD", "JAAR", *LBM2_DIMENSIONS], keys=["GBD", "JAAR"],
                             numeric=["JAAR", *LBM2_DIMENSIONS], na_tokens=("", "NA"),
                             what="a Leefbaarometer 2.0 dimensiescore_stand sheet")
    long = frame.melt(id_vars=["GBD", "JAAR", "_line"], value_vars=list(LBM2_DIMENSIONS),
                      var_name="measure", value_name="raw")
    return pd.DataFrame({
        "region_code": long["GBD"].str.strip().to_numpy(),
        "year": to_number(long["JAAR"]).astype("int64").to_numpy(),
        "measure": long["measure"].to_numpy(),
        "value": to_number(long["raw"], na_tokens=("", "NA")).to_numpy(),
        "_line": long["_line"].to_numpy(),
    })


def read_lbm3_pc4(path: str | Path) -> pd.DataFrame:
    """Read Leefbaarometer 3.0 scores per 4-digit postcode area.

    Returns
    -------
    pandas.DataFrame
        Long: ``pc4`` (text, 4 digits), ``year``, ``measure`` (``lbm``, ``afw``, ``fys``, ...),
        ``value`` (``NA`` -> NaN: the dimensions are only published for 2014, 2018, 2020, 2022) and
        ``_line``.
    """
    frame = read_csv_checked(path, required=["PC4", "jaar", *LBM3_MEASURES], keys=["PC4", "jaar"],
                             numeric=["jaar", *LBM3_MEASURES], na_tokens=("", "NA"),
                             what="Leefbaarometer 3.0 scores per PC4")
    long = frame.melt(id_vars=["PC4", "jaar", "_line"], value_vars=list(LBM3_MEASURES),
                      var_name="measure", value_name="raw")
    return pd.DataFrame({
        "pc4": long["PC4"].str.strip().str.zfill(4).to_numpy(),
        "year": to_number(long["jaar"]).astype("int64").to_numpy(),
        "measure": long["measure"].to_numpy(),
        "value": to_number(long["raw"], na_tokens=("", "NA")).to_numpy(),
        "_line": long["_line"].to_numpy(),
    })


def read_pc4_wijk_crosswalk(path: str | Path) -> pd.DataFrame:
    """Read the PC4-wijk address crosswalk and add each wijk's share of the postcode's addresses.

    Returns
    -------
    pandas.DataFrame
        ``year, wijk_code, pc4, n_addresses`` and ``share_of_pc4``: the wijk's addresses divided by
        all addresses of that PC4 area in that year (the shares of one PC4-year sum to 1).
    """
    frame = read_csv_checked(path, required=["jaar", "wijkcode", "pc4", "n_adressen"],
                             keys=["jaar", "wijkcode", "pc4"], numeric=["jaar", "n_adressen"],
                             what="the PC4-wijk address crosswalk (jaar, wijkcode, pc4, n_adressen)")
    out = pd.DataFrame({
        "year": to_number(frame["jaar"]).astype("int64"),
        "wijk_code": frame["wijkcode"].str.strip(),
        "pc4": frame["pc4"].str.strip().str.zfill(4),
        "n_addresses": to_number(frame["n_adressen"]).astype("int64"),
    })
    total = out.groupby(["year", "pc4"])["n_addresses"].transform("sum")
    out["share_of_pc4"] = out["n_addresses"] / total
    return out.sort_values(["year", "pc4", "wijk_code"], ignore_index=True)
