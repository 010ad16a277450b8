"""Finding data: what indicators there are, one series out of the observation table, and where a
frame came from.

* :func:`indicators` lists every indicator once, with its labels, unit, frequencies, region levels,
  the periods it covers and its source tables.
* :func:`select` picks rows by indicator, region, frequency and level, and says which values exist
  (with near matches) when one does not.
* :func:`source_tables_of` and :func:`data_provenance` read the source tables, phase settings and a
  content hash from an observation frame or a result object; figures, exports and citations use them.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable

import pandas as pd

from cosie_analysis.errors import ParameterError

__all__ = ["data_provenance", "frame_sha256", "indicators", "select", "source_tables_of"]

#: The columns of :func:`indicators`, in order.
INDICATOR_COLUMNS = [
    "indicator",
    "label_nl",
    "label_en",
    "unit",
    "frequency",
    "region_levels",
    "n_regions",
    "first_period",
    "last_period",
    "n_periods",
    "source_tables",
]


def _obs(obs: pd.DataFrame | None) -> pd.DataFrame:
    if obs is not None:
        return obs
    from cosie_analysis.observations import load_observations

    return load_observations()


def _joined(values: Iterable) -> str:
    return ", ".join(sorted({str(v) for v in values if pd.notna(v)}))


def indicators(obs: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per indicator of the observation table: what it measures, where and when, and its source.

    Parameters
    ----------
    obs : pandas.DataFrame, optional
        An observation table (default: :func:`cosie_analysis.load_observations`). Not modified.

    Returns
    -------
    pandas.DataFrame
        One row per ``(indicator, frequency)``, sorted, with columns ``indicator``, ``label_nl``,
        ``label_en``, ``unit``, ``frequency``; ``region_levels`` (e.g. ``"gemeente, land"``) and
        ``n_regions``; ``first_period``, ``last_period`` (period codes, ``2019MM01``) and ``n_periods``
        (distinct periods with a row); ``source_tables`` (registry ids, comma-separated).

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"indicator": ["x", "x"], "label_nl": ["X (synthetisch)"] * 2,
    ...     "label_en": ["X (synthetic)"] * 2, "unit": ["count"] * 2, "frequency": ["year"] * 2,
    ...     "region_level": ["gemeente", "land"], "region_code": ["GM0321", "NL00"],
    ...     "period": ["2019JJ00", "2020JJ00"], "source_table": ["T1", "T1"]})
    >>> indicators(obs)[["indicator", "region_levels", "first_period", "last_period"]]
      indicator   region_levels first_period last_period
    0         x  gemeente, land     2019JJ00    2020JJ00
    """
    data = _obs(obs)
    rows = []
    for (ind, freq), d in data.groupby(["indicator", "frequency"], sort=True, observed=True):
        periods = d["period"].dropna().astype(str)
        rows.append({
            "indicator": ind, "label_nl": d["label_nl"].iloc[0], "label_en": d["label_en"].iloc[0],
            "unit": d["unit"].iloc[0], "frequency": freq, "region_levels": _joined(d["region_level"]),
            "n_regions": d["region_code"].nunique(), "first_period": periods.min(), "last_period": periods.max(),
            "n_periods": periods.nunique(), "source_tables": _joined(d["source_table"]),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def _check_values(name: str, wanted, present: pd.Series, labels: pd.DataFrame | None = None) -> list:
    """``wanted`` as a list of strings, or a ParameterError with near matches: by spelling, else (with
    ``labels``: ``indicator``, ``label_nl``, ``label_en``) indicators whose label holds the word."""
    wanted = [wanted] if isinstance(wanted, str) or not isinstance(wanted, Iterable) else list(wanted)
    known = sorted({str(v) for v in present.dropna().unique()})
    for value in wanted:
        if str(value) not in known:
            near = difflib.get_close_matches(str(value), known, n=3, cutoff=0.6)
            if not near and labels is not None:  # "burglary", "inbraak": a word of the label, not the id
                text = labels["label_nl"].astype(str) + " " + labels["label_en"].astype(str)
                hits = labels.loc[text.str.casefold().str.contains(str(value).casefold(), regex=False), "indicator"]
                near = sorted(set(hits.astype(str)))[:5]
            hint = f" Did you mean {near!r}?" if near else ""
            shown = known if len(known) <= 12 else known[:12] + [f"... ({len(known)} in all)"]
            raise ParameterError(
                f"`{name}`={value!r} is not in the data.{hint} Known values: {shown!r}. "
                "ca.indicators() lists every indicator with its regions and periods."
            )
    return [str(v) for v in wanted]


def select(
    obs: pd.DataFrame | None = None,
    *,
    indicator: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    frequency: str | None = None,
    level: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """The rows of the observation table for the given indicator(s), region(s), frequency and level.

    Parameters
    ----------
    obs : pandas.DataFrame, optional
        An observation table (default: :func:`cosie_analysis.load_observations`). Not modified.
    indicator, region, level : str or list of str, optional
        Indicator ids (``"crime_1_1_1"``), region codes or names (``"GM0321"`` or ``"Houten"``),
        region levels (``"gemeente"``, ``"wijk"``, ``"land"``, ``"postcode4"``). None: all.
    frequency : {"month", "quarter", "year"}, optional

    Returns
    -------
    pandas.DataFrame
        The matching rows with every observation column (see
        :data:`cosie_analysis.OBSERVATION_COLUMNS`), in the table's order, with a fresh index.

    Raises
    ------
    ParameterError
        A value that does not occur in the table, with up to three near matches and the known values.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"indicator": ["x", "y"], "region_code": ["GM0321", "GM0356"],
    ...     "region_name": ["Houten", "Nieuwegein"], "frequency": ["year", "year"],
    ...     "region_level": ["gemeente"] * 2, "value": [1.0, 2.0]})  # synthetic
    >>> select(obs, indicator="x", region="Houten")["value"].tolist()
    [1.0]
    >>> select(obs, indicator="z")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cosie_analysis.errors.ParameterError: `indicator`='z' is not in the data. Known values: ['x', 'y']...
    """
    data = _obs(obs)
    mask = pd.Series(True, index=data.index)
    if indicator is not None:
        labels = (data[["indicator", "label_nl", "label_en"]].drop_duplicates("indicator")
                  if {"label_nl", "label_en"} <= set(data.columns) else None)
        mask &= data["indicator"].isin(_check_values("indicator", indicator, data["indicator"], labels))
    if region is not None:
        names = pd.concat([data["region_code"], data.get("region_name", pd.Series(dtype=str))])
        wanted = _check_values("region", region, names)
        mask &= data["region_code"].isin(wanted) | data.get("region_name", data["region_code"]).isin(wanted)
    if frequency is not None:
        mask &= data["frequency"] == _check_values("frequency", frequency, data["frequency"])[0]
    if level is not None:
        mask &= data["region_level"].isin(_check_values("level", level, data["region_level"]))
    return data[mask.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)


def frame_sha256(frame: pd.DataFrame) -> str:
    """A sha256 of a frame's columns and cell values (not its index), stable across runs.

    Examples
    --------
    >>> import pandas as pd
    >>> frame_sha256(pd.DataFrame({"a": [1, 2]})) == frame_sha256(pd.DataFrame({"a": [1, 2]}, index=[5, 6]))
    True
    """
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _frames_of(data) -> list[pd.DataFrame]:
    """The frames behind ``data``: the frame itself, or a result's ``plot_data()`` and ``summary()``."""
    if isinstance(data, pd.DataFrame):
        return [data]
    frames = []
    for method in ("plot_data", "summary"):
        if callable(getattr(data, method, None)):
            try:
                frames.append(getattr(data, method)())
            except (TypeError, ValueError):  # plot_data() that needs arguments
                continue
    if not frames:
        raise ParameterError(
            f"`data` must be an observation frame or a result object with summary(); got {type(data).__name__}."
        )
    return frames


def source_tables_of(data) -> list[str]:
    """The source table ids used by an observation frame or a result object, sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> source_tables_of(pd.DataFrame({"source_table": ["47018NED", "70072NED", "47018NED"]}))
    ['47018NED', '70072NED']
    """
    found: set[str] = set()
    for frame in _frames_of(data):
        if "source_table" in frame.columns:
            for value in frame["source_table"].dropna().unique():
                found |= {part.strip() for part in str(value).replace(";", ",").split(",") if part.strip()}
        found |= set(frame.attrs.get("source_tables", []))
    found |= set(getattr(data, "source_tables", ()) or ())
    return sorted(found)


def data_provenance(data) -> dict:
    """Provenance of the data behind a figure or table: source tables, phase scheme and rule, method,
    and a sha256 of the data (``plot_data()`` for a result).

    Returns
    -------
    dict
        Keys ``source_tables``, ``data_sha256`` and, where known, ``phase_scheme``, ``phase_rule``,
        ``method``, ``conf_level``.
    """
    frames = _frames_of(data)
    info: dict = {"source_tables": source_tables_of(data), "data_sha256": frame_sha256(frames[0])}
    for key in ("phase_scheme", "phase_rule", "method", "conf_level"):
        value = getattr(data, key, None) if not isinstance(data, pd.DataFrame) else None
        for frame in frames:
            if value is None and key in frame.columns and frame[key].nunique() == 1:
                value = frame[key].iloc[0]
            if value is None and key in frame.attrs:
                value = frame.attrs[key]
        if value is not None:
            info[key] = value.item() if hasattr(value, "item") else value
    return info
