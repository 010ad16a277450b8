"""Pilot registers into the observation table: aggregation, zero-filled event counts, provenance.

:func:`register_to_observations` turns one register into rows of the observation table;
:func:`register_observations` does so for every register in ``data/raw/pilot/``. The rows carry their
provenance (:func:`cosie_analysis.pilot.provenance.mark_pilot`), so that every table derived from them is
treated as pilot data by disclosure control.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.errors import InputFileError, ParameterError
from cosie_analysis.pilot.check import PILOTS, read_register
from cosie_analysis.pilot.parse import FIRST_YEAR, REGISTER_SUFFIXES, _measures
from cosie_analysis.pilot.provenance import carry_provenance, mark_pilot

__all__ = ["pilot_first_year", "register_observations", "register_to_observations"]

_AREA = re.compile(r"^(?:GM\d{4}|WK\d{6}|BU\d{8}|\d{4})$")


def _slug(text: str) -> str:
    return re.sub(r"_+", "_", "".join(ch if ch.isalnum() else "_" for ch in str(text).lower())).strip("_")


def _cbs_code(start: pd.Series, frequency: pd.Series) -> pd.Series:
    year = start.dt.year.astype(str)
    month = start.dt.month
    return pd.Series(np.select(
        [frequency.isin(["day", "month"]).to_numpy(), (frequency == "quarter").to_numpy()],
        [
            (year + "MM" + month.map("{:02d}".format)).to_numpy(),
            (year + "KW" + ((month - 1) // 3 + 1).map("{:02d}".format)).to_numpy(),
        ],
        default=(year + "JJ00").to_numpy(),
    ), index=start.index)


def _fill_zero_periods(summed: pd.DataFrame, data: pd.DataFrame, kind: pd.Series) -> pd.DataFrame:
    """Counts are events: a period inside the pilot's register span without a row had none.

    For every count series (pilot, area, measure, group) add the missing periods of the same
    frequency between the first and the last period that pilot's register covers, with value 0.
    Amounts and scores are left alone (a missing weighing or survey is not a zero)."""
    counts = data[kind == "count"]
    if counts.empty:
        return summed
    freq = {"MM": "M", "KW": "Q", "JJ": "Y"}
    parts = [summed]
    is_count = summed["measure"].isin(counts["measure"].unique())
    for (pilot, code_kind), span in data.groupby(["pilot", data["period_code"].str[4:6]])["period_code"]:
        if code_kind not in freq:
            continue
        periods = pd.period_range(
            _code_to_period(span.min(), freq[code_kind]), _code_to_period(span.max(), freq[code_kind])
        )
        codes = [_period_to_code(p, code_kind) for p in periods]
        series = summed[is_count & (summed["pilot"] == pilot) & (summed["period_code"].str[4:6] == code_kind)]
        for key, g in series.groupby(["pilot", "region_code", "measure", "group", "synthetic"], sort=False):
            missing = sorted(set(codes) - set(g["period_code"]))
            if missing:
                names = ["pilot", "region_code", "measure", "group", "synthetic"]
                parts.append(pd.DataFrame([dict(zip(names, key, strict=True), period_code=c, value=0.0)
                                           for c in missing]))
    return pd.concat(parts, ignore_index=True)


def _code_to_period(code: str, freq: str) -> pd.Period:
    year, num = int(code[:4]), int(code[6:])
    return pd.Period(year=year, freq="Y") if freq == "Y" else (
        pd.Period(year=year, quarter=num, freq="Q") if freq == "Q" else pd.Period(year=year, month=num, freq="M"))


def _period_to_code(period: pd.Period, code_kind: str) -> str:
    num = {"JJ": 0, "KW": getattr(period, "quarter", 0), "MM": getattr(period, "month", 0)}[code_kind]
    return f"{period.year}{code_kind}{num:02d}"


def register_to_observations(register: pd.DataFrame, *, source_name: str = "register",
                             first_year: int | None = None) -> pd.DataFrame:
    """Aggregate a pilot register into rows of the observation table.

    Parameters
    ----------
    register : pandas.DataFrame
        From :func:`read_register` or :func:`synthetic_register` (it is checked again).
    source_name : str, default "register"
        The file name, used in ``source_table``.
    first_year : int, optional
        As for :func:`~cosie_analysis.pilot.check.read_register`; default :func:`pilot_first_year`.

    Returns
    -------
    pandas.DataFrame
        The columns of ``OBSERVATION_COLUMNS``, dtypes and row order as the build writes them:

        * ``indicator`` ``pilot_<measure>``, or ``pilot_<measure>__<group>`` for rows with a group;
          score measures also give ``pilot_<measure>_n`` (respondents, unit "respondents").
        * ``region_code``: the unit's area code when ``unit_id`` is one (GM/WK/BU code or a
          4-digit postcode; ``region_level`` gemeente, wijk, buurt, postcode4, ``region_name``
          missing, to be filled by the build), otherwise ``PILOT_HOUTEN`` / ``PILOT_NIEUWEGEIN``
          (``region_level`` "pilot"): pseudonymous units (people, households, flats) are summed.
        * ``period``: a CBS period code. Days are aggregated to their month (``2020MM06``); months,
          quarters and years keep their own code. ``period_start``/``period_end`` are the first and
          last day (both included), ``frequency`` month, quarter or year.
        * ``value``: the sum over units and days for counts and amounts, the mean for scores.
          A count measure gets 0 for every period (of its frequency) inside the span of the pilot's
          register that has no row: an event register has no row for "no event".
        * ``status`` "definitive"; ``source_table`` ``"pilot register <name>"`` (``"SYNTHETIC pilot
          register <name>"`` for synthetic rows, whose labels also start with ``[SYNTHETISCH]`` /
          ``[SYNTHETIC]``); ``source_key`` the measure (and ``|group``).

        ``attrs["pilot_register"]`` holds its provenance (:mod:`cosie_analysis.pilot.provenance`):
        the file, ``person_level``, the smallest positive person-level count ``min_count`` and
        ``synthetic``.

    Notes
    -----
    The result holds unprotected counts of people: keep it in ``data/processed`` and export it
    only through :func:`cosie_analysis.report.disclosure.protect`.

    Examples
    --------
    >>> from cosie_analysis.pilot.synthetic import synthetic_register
    >>> reg = synthetic_register("houten", seed=1, start="2020-01", end="2020-03")  # SYNTHETIC
    >>> obs = register_to_observations(reg)
    >>> obs.loc[obs["indicator"] == "pilot_intakes", ["region_code", "period", "value"]]
        region_code    period  value
    0  PILOT_HOUTEN  2020MM01   10.0
    1  PILOT_HOUTEN  2020MM02   13.0
    2  PILOT_HOUTEN  2020MM03    6.0
    """
    from cosie_analysis.data.periods import parse_periods
    from cosie_analysis.data.schema import OBSERVATION_COLUMNS, normalise as _normalise
    from cosie_analysis.data.sources.cbs import STATUS_DEFINITIVE

    reg = read_register(register, first_year=first_year or pilot_first_year())
    if reg.empty:
        return _normalise(pd.DataFrame({c: pd.Series([], dtype=object) for c in OBSERVATION_COLUMNS}))
    measures = _measures().set_index("measure")
    data = reg.assign(
        group=reg["group"].fillna(""),
        period_code=_cbs_code(reg["period_start"], reg["frequency"]),
        area=reg["unit_id"].where(reg["unit_id"].str.fullmatch(_AREA.pattern).fillna(False).astype(bool)),
    )
    data["region_code"] = data["area"].fillna(data["pilot"].map({k: v[0] for k, v in PILOTS.items()}))
    keys = ["pilot", "region_code", "measure", "group", "period_code", "synthetic"]
    kind = data["measure"].map(measures["kind"])
    summed = data[kind != "score"].groupby(keys, sort=True)["value"].sum().reset_index()
    summed = _fill_zero_periods(summed, data, kind)
    scores = data[kind == "score"].groupby(keys, sort=True)["value"].agg(["mean", "count"]).reset_index()
    parts = [summed.assign(suffix="", unit=summed["measure"].map(measures["unit"]))]
    if len(scores):
        parts.append(scores.rename(columns={"mean": "value"}).drop(columns="count").assign(
            suffix="", unit=scores["measure"].map(measures["unit"])))
        parts.append(
            scores.drop(columns="mean").rename(columns={"count": "value"}).assign(suffix="_n", unit="respondents")
        )
    agg = pd.concat(parts, ignore_index=True)
    group_part = np.where(agg["group"] != "", "__" + agg["group"].map(_slug), "")
    agg["indicator"] = "pilot_" + agg["measure"] + agg["suffix"] + group_part
    label_group_nl = np.where(agg["group"] != "", " (" + agg["group"] + ")", "")
    n_nl = np.where(agg["suffix"] == "_n", ": aantal respondenten", "")
    n_en = np.where(agg["suffix"] == "_n", ": respondents", "")
    tag_nl, tag_en = np.where(agg["synthetic"], "[SYNTHETISCH] ", ""), np.where(agg["synthetic"], "[SYNTHETIC] ", "")
    agg["label_nl"] = tag_nl + agg["measure"].map(measures["label_nl"]) + n_nl + label_group_nl
    agg["label_en"] = tag_en + agg["measure"].map(measures["label_en"]) + n_en + label_group_nl
    level = agg["region_code"].str[:2].map({"GM": "gemeente", "WK": "wijk", "BU": "buurt", "PI": "pilot"})
    agg["region_level"] = level.where(~agg["region_code"].str.fullmatch(r"\d{4}"), "postcode4")
    agg["region_name"] = agg["region_code"].map({v[0]: v[1] for v in PILOTS.values()})
    agg["status"] = STATUS_DEFINITIVE
    agg["source_table"] = np.where(agg["synthetic"], "SYNTHETIC pilot register ", "pilot register ") + source_name
    agg["source_key"] = agg["measure"] + np.where(agg["group"] != "", "|" + agg["group"], "")
    agg["period"] = agg["period_code"]
    agg = agg.join(parse_periods(agg["period"].unique()).set_index("period"), on="period")
    dup = agg.duplicated(["indicator", "region_code", "period"], keep=False)
    if dup.any():  # synthetic and real rows of one measure in one file
        first = agg.loc[dup, ["indicator", "region_code", "period"]].head(3).to_dict("records")
        raise InputFileError(source_name, "rows marked synthetic and real rows share indicator, region and period, "
                             f"e.g. {first}.", "Keep synthetic data in its own file.")
    out = _normalise(agg[OBSERVATION_COLUMNS])
    person = agg["measure"].map(measures["person_level"]).fillna(True).astype(bool) & (agg["suffix"] == "")
    counts = agg.loc[person & agg["measure"].map(measures["kind"]).eq("count") & (agg["value"] > 0), "value"]
    return mark_pilot(out, sources=[source_name], person_level=bool(person.any() or (agg["suffix"] == "_n").any()),
                      min_count=float(counts.min()) if len(counts) else None, synthetic=bool(agg["synthetic"].any()))


def pilot_first_year() -> int:
    """The earliest year a register may hold: ``$COSIE_PILOT_FIRST_YEAR`` when set (for a register with an
    older baseline, so that ``cosie-analysis build`` accepts it), else 2017 (the start of CoSIE)."""
    import os

    text = os.environ.get("COSIE_PILOT_FIRST_YEAR", "").strip()
    if not text:
        return FIRST_YEAR
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise ParameterError(f"$COSIE_PILOT_FIRST_YEAR must be a year such as 2015; got {text!r}.")
    return int(text)


def register_observations(folder: str | Path | None = None, *, first_year: int | None = None) -> pd.DataFrame:
    """The observation rows of every pilot register in ``data/raw/pilot/``.

    Parameters
    ----------
    folder : path-like, optional
        Default ``data/raw/pilot`` (under ``$COSIE_DATA_DIR`` when set).
    first_year : int, optional
        The earliest year a register may hold; default :func:`pilot_first_year` (2017, or
        ``$COSIE_PILOT_FIRST_YEAR``).

    Returns
    -------
    pandas.DataFrame
        :func:`register_to_observations` of each ``*.csv``, ``*.xlsx`` and ``*.xlsm`` file, in
        file-name order, concatenated; an empty frame with the observation columns when the folder
        is missing or holds no registers. Files whose names start with ``.``, ``~$`` (Excel lock
        files) or ``README`` are skipped; any other file is refused rather than silently left out.

    Raises
    ------
    InputFileError
        For the first file with problems (listing all of its problems), when two files give the
        same indicator, region and period, or for a file that is not a register (e.g. ``.xls``).

    Examples
    --------
    >>> import tempfile
    >>> register_observations(tempfile.mkdtemp()).shape  # an empty folder: no rows, every column
    (0, 15)
    >>> register_observations()  # doctest: +SKIP
    """
    from cosie_analysis.data.schema import OBSERVATION_COLUMNS, normalise as _normalise
    from cosie_analysis.paths import raw_dir

    folder = Path(folder) if folder is not None else raw_dir() / "pilot"
    files = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.startswith((".", "~$"))
                   and not p.name.lower().startswith("readme")) if folder.is_dir() else []
    for path in files:
        if path.suffix.lower() not in REGISTER_SUFFIXES:
            raise InputFileError(path, f"not a register file: the build reads {list(REGISTER_SUFFIXES)} only, and "
                                 "would leave this one out.", "Save it as .csv (UTF-8) or .xlsx, or move it out of "
                                 "data/raw/pilot/.")
    parts: list[pd.DataFrame] = []
    origin: dict[tuple, str] = {}
    for path in files:
        year = first_year or pilot_first_year()
        obs = register_to_observations(read_register(path, first_year=year), source_name=path.name, first_year=year)
        for key in obs[["indicator", "region_code", "period"]].itertuples(index=False):
            if tuple(key) in origin:
                raise InputFileError(path, f"indicator {key[0]!r}, region {key[1]!r}, period {key[2]!r} is also in "
                                     f"{origin[tuple(key)]}.", "Put each measure and period in one file only.")
            origin[tuple(key)] = path.name
        parts.append(obs)
    if not parts:
        return _normalise(pd.DataFrame({c: pd.Series([], dtype=object) for c in OBSERVATION_COLUMNS}))
    return carry_provenance(_normalise(pd.concat(parts, ignore_index=True)), *parts)

