"""Building ``data/processed`` from ``data/raw``: every registered table read, checked and written.

The same raw input gives byte-identical files. Files are written to temporary names and then
replaced, so a failed build leaves the previous output intact.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis._io import atomic_write
from cosie_analysis.data.mergers import harmonise
from cosie_analysis.data.periods import parse_periods
from cosie_analysis.data.registry import load_registry, sha256_file
from cosie_analysis.data.schema import OBSERVATION_COLUMNS, normalise as _normalise, validate_observations
from cosie_analysis.data.sources import cbs, leefbaarometer as lbm
from cosie_analysis.errors import InputFileError
from cosie_analysis.observations._rates import _rates
from cosie_analysis.observations._tables import (
    KWB_RATES,
    _benefits_monthly,
    _bijstand,
    _bijstand_on_today,
    _kwb,
    _lbm2,
    _lbm3,
    _live_tables,
    _police_table,
    _population,
)
from cosie_analysis.paths import REGISTRY_PATH, processed_dir, raw_dir

#: Every file ``build_observations`` writes to ``data/processed``.
PROCESSED_FILES = ("observations.parquet", "observations.csv", "pc4_wijk_crosswalk.parquet",
                   "pc4_wijk_crosswalk.csv", "observations.sources.json")

_REGION_LEVEL = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
_REGIONS_WHAT = "the WijkenEnBuurten dimension of 47018NED"


def _region_names(raw: Path, registry: dict) -> dict[str, str]:
    names = {"NL00": "Nederland", "NL01": "Nederland"}
    regions = raw / registry["tables"]["47018NED"]["path"] / "WijkenEnBuurten.csv"
    frame = cbs.read_csv_checked(regions, required=["Key", "Title"], keys=["Key"], what=_REGIONS_WHAT)
    names.update(zip(frame["Key"].str.strip(), frame["Title"].str.strip(), strict=True))
    return names


def _today_codes(raw: Path, registry: dict) -> list[str]:
    """The municipalities on today's borders: the GM codes of 47018NED (published on today's borders)
    without ``GM0000`` ("Gemeente onbekend")."""
    regions = raw / registry["tables"]["47018NED"]["path"] / "WijkenEnBuurten.csv"
    keys = cbs.read_csv_checked(regions, required=["Key"], keys=["Key"], what=_REGIONS_WHAT)["Key"]
    keys = keys.str.strip()
    return sorted(k for k in keys if k.startswith("GM") and k != "GM0000")


def _region_level(codes: pd.Series) -> np.ndarray:
    prefix = codes.str[:2]
    level = prefix.map(_REGION_LEVEL)
    level = level.where(~codes.str.fullmatch(r"\d{4}"), "postcode4")
    return level.fillna("other").to_numpy(dtype=object)


def _absent_live_only(raw: Path, entry: dict) -> bool:
    """A live-only table that has not been fetched (live) into ``raw``: optional, skipped."""
    return bool(entry.get("live_only")) and not (
        entry["files"] and all((raw / entry["path"] / n).is_file() for n in entry["files"]))


def read_raw_observations(raw: str | Path | None = None, registry: dict | None = None) -> pd.DataFrame:
    """Read every registered table in ``data/raw`` into one observation frame (not yet written).

    Parameters
    ----------
    raw : path-like, optional
        The raw folder; default ``data/raw``.
    registry : dict, optional
        The loaded registry; default ``data/registry.json``.

    Returns
    -------
    pandas.DataFrame
        The columns of ``OBSERVATION_COLUMNS`` (see :func:`load_observations`), normalised but not
        yet validated; the pilots' registers in ``raw/pilot`` included. Live-only tables that were
        not fetched are skipped.

    Raises
    ------
    InputFileError
        A registered file missing from ``data/raw`` (run ``cosie-analysis fetch``), or any reader's
        complaint about a file's content.
    """
    raw = Path(raw) if raw else raw_dir()
    registry = registry or load_registry()
    tables = {t: e for t, e in registry["tables"].items() if not _absent_live_only(raw, e)}
    for table_id, entry in tables.items():
        for name in entry["files"]:
            path = raw / entry["path"] / name
            if not path.is_file():
                raise InputFileError(path, f"registered file of {table_id} not found in data/raw.",
                                     "Run `cosie-analysis fetch` (or `make report`) to fetch it.")
    folder = {t: raw / e["path"] for t, e in tables.items()}
    parts = [
        _police_table(folder["47018NED"], "47018NED", tables["47018NED"], "SoortMisdrijf", "crime", "offences"),
        _police_table(folder["47022NED"], "47022NED", tables["47022NED"], "SoortMisdrijf", "crime", "offences"),
        _police_table(folder["47024NED"], "47024NED", tables["47024NED"], "Overlast", "disorder", "registrations"),
    ]
    today = _today_codes(raw, registry)
    population = harmonise(_population(folder["70072NED"], tables["70072NED"]), today)
    crime = parts[0]
    parts.append(population)
    parts.append(_rates(crime, population, unit="per 1000 inhabitants", label_nl=", per 1.000 inwoners",
                        label_en=", per 1,000 inhabitants"))
    for table_id in ("83450NED", "83747NED", "84066NED"):
        parts.append(_bijstand_on_today(_bijstand(folder[table_id], table_id, tables[table_id]), today))
    parts.append(_benefits_monthly(folder["37789ksz"], tables["37789ksz"]))
    kwb = _kwb(folder["kwb2024"])
    inhabitants = kwb[kwb["indicator"] == "kwb_inhabitants"]
    parts.append(kwb)
    parts.append(_rates(kwb[kwb["indicator"].isin(KWB_RATES)], inhabitants, unit="per 1000 inhabitants",
                        label_nl=", per 1.000 inwoners", label_en=", per 1,000 inhabitants"))
    parts.append(_lbm2(folder["lbm2"]))
    parts.append(_lbm3(folder["lbm3"]))
    parts.extend(_live_tables(folder, tables, today, population, inhabitants))
    obs = pd.concat(parts, ignore_index=True)

    names = _region_names(raw, registry)
    known = obs["region_name"] if "region_name" in obs else pd.Series(np.nan, index=obs.index)
    obs["region_name"] = known.fillna(obs["region_code"].map(names))
    obs["region_level"] = _region_level(obs["region_code"])
    periods = parse_periods(obs["period"].unique()).set_index("period")
    obs = obs.join(periods, on="period")
    obs = obs[OBSERVATION_COLUMNS]
    # the pilots' own registers (data/raw/pilot/*.csv, *.xlsx), validated on the way in
    from cosie_analysis.pilot.register import register_observations

    pilot = register_observations(raw / "pilot")
    if len(pilot):
        pilot = pilot.assign(region_name=pilot["region_name"].fillna(pilot["region_code"].map(names)))
        obs = pd.concat([_normalise(obs), pilot[OBSERVATION_COLUMNS]], ignore_index=True)
    return _normalise(obs)


def build_observations(raw: str | Path | None = None, processed: str | Path | None = None,
                       registry_path: str | Path | None = None) -> Path:
    """Build ``observations.parquet`` (and its CSV twin and the PC4-wijk crosswalk) from ``data/raw``.

    Parameters
    ----------
    raw, processed, registry_path : path-like, optional
        Override ``data/raw``, ``data/processed`` and ``data/registry.json``.

    Returns
    -------
    pathlib.Path
        The parquet file written.

    Raises
    ------
    InputFileError
        When a raw file is missing or malformed; ``data/processed`` is then left as it was.

    Notes
    -----
    Outputs, all written atomically:

    * ``observations.parquet`` and ``observations.csv``: the columns of ``OBSERVATION_COLUMNS``.
    * ``pc4_wijk_crosswalk.parquet`` / ``.csv``: ``year, wijk_code, pc4, n_addresses, share_of_pc4``.
    * ``observations.sources.json``: the sha256 of every raw input, for provenance.

    The same raw files give byte-identical outputs.

    Examples
    --------
    Needs the fetched raw tables (``cosie-analysis fetch``), so not run as a doctest:

    >>> import cosie_analysis as ca
    >>> path = ca.build_observations()  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'observations.parquet'
    """
    raw = Path(raw) if raw else raw_dir()
    processed = Path(processed) if processed else processed_dir()
    registry = load_registry(registry_path or REGISTRY_PATH)
    obs = validate_observations(read_raw_observations(raw, registry))
    cross_entry = registry["tables"]["pc4_wijk"]
    crosswalk = lbm.read_pc4_wijk_crosswalk(raw / cross_entry["path"] / next(iter(cross_entry["files"])))
    inputs = {str(p.relative_to(raw)): sha256_file(p) for p in sorted((raw / "pilot").glob("*")) if p.is_file()}
    for _, entry in sorted(registry["tables"].items()):
        if _absent_live_only(raw, entry):
            continue
        for name, info in sorted(entry["files"].items()):
            digest = sha256_file(raw / entry["path"] / name)
            inputs[f"{entry['path']}/{name}"] = digest
            if digest != info["sha256"]:
                warnings.warn(f"{raw / entry['path'] / name} differs from the registry's sha256; "
                              "the build uses it as it is. Run `cosie-analysis fetch` to restore the registered file.",
                              UserWarning, stacklevel=2)
    target = processed / "observations.parquet"

    def parquet(frame):
        return lambda p: frame.to_parquet(p, index=False, engine="pyarrow", compression="zstd")

    def csv(frame):
        return lambda p: frame.to_csv(p, index=False, date_format="%Y-%m-%d", lineterminator="\n")

    sources = json.dumps({"inputs": inputs, "rows": len(obs)}, indent=2, sort_keys=True) + "\n"
    atomic_write({
        target: parquet(obs),
        processed / "observations.csv": csv(obs),
        processed / "pc4_wijk_crosswalk.parquet": parquet(crosswalk),
        processed / "pc4_wijk_crosswalk.csv": csv(crosswalk),
        processed / "observations.sources.json": lambda p: p.write_text(sources, encoding="utf-8"),
    })
    return target


