"""Provenance of tables derived from pilot registers: disclosure by origin, not by shape.

Every frame made from a pilot register carries ``attrs["pilot_register"]`` (:data:`PROVENANCE_KEY`):
the register files it came from, whether it counts people (``person_level``), the smallest positive
person-level count underneath it (``min_count``) and whether it is synthetic. pandas keeps ``attrs``
through copies, selections, ``assign``, ``reset_index``, ``melt``, ``groupby(...).sum()`` and the
like; the package's estimators pass it on with :func:`carry_provenance` (one call each).

Where ``attrs`` are lost (``merge``, ``pivot``, ``groupby(...).agg([...])``), :func:`pilot_provenance`
still recognises pilot data by what it holds, whatever the columns are called: pilot indicators
(``pilot_matches``), the pilots' region codes (``PILOT_HOUTEN``), ``pilot register`` sources and
the dictionary's labels, in any text column, in the index or in the column names.

Limits: a frame rebuilt from bare numbers (``pd.DataFrame(table.to_numpy())``) carries neither, and
cannot be recognised; export through the package's functions, which keep both.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from cosie_analysis.pilot.parse import _measures

__all__ = ["PROVENANCE_KEY", "carry_provenance", "is_synthetic", "mark_pilot", "pilot_provenance"]

#: The ``DataFrame.attrs`` key under which pilot provenance travels.
PROVENANCE_KEY = "pilot_register"


def mark_pilot(frame: pd.DataFrame, *, sources, person_level: bool, min_count: float | None,
               synthetic: bool) -> pd.DataFrame:
    """``frame`` (the caller's own new frame) with its pilot provenance set in ``attrs``; returned."""
    frame.attrs[PROVENANCE_KEY] = {
        "sources": sorted({str(s) for s in sources}),
        "person_level": bool(person_level),
        "min_count": None if min_count is None or not np.isfinite(min_count) else float(min_count),
        "synthetic": bool(synthetic),
    }
    return frame


def _merge(provs: list[dict]) -> dict | None:
    provs = [p for p in provs if p]
    if not provs:
        return None
    mins = [p["min_count"] for p in provs if p.get("min_count") is not None]
    return {
        "sources": sorted({s for p in provs for s in p.get("sources", [])}),
        "person_level": any(p.get("person_level") for p in provs),
        "min_count": min(mins) if mins else None,
        "synthetic": any(p.get("synthetic") for p in provs),
    }


def carry_provenance(out, *inputs):
    """Pass the pilot provenance of ``inputs`` (frames or result objects) on to ``out``.

    ``out`` must be the caller's own new frame (it is returned with ``attrs`` set; no input is
    changed). Frames without pilot provenance leave ``out`` as it is. The estimators call this once
    on the table they return, e.g. ``table = carry_provenance(table, data)``.
    """
    prov = _merge([pilot_provenance(x) for x in inputs])
    if prov is not None and isinstance(out, pd.DataFrame):
        out.attrs[PROVENANCE_KEY] = prov
    return out


@lru_cache(maxsize=1)
def _markers() -> tuple[frozenset, frozenset, dict]:
    m = _measures()
    person = frozenset(m.loc[m["person_level"], "measure"])
    labels = {
        **dict(zip(m["label_nl"], m["measure"], strict=True)),
        **dict(zip(m["label_en"], m["measure"], strict=True)),
    }
    return frozenset(m["measure"]), person, labels


def _label_measure(text: str, labels: dict) -> str | None:
    """The measure behind a label the build writes: ``[SYNTHETIC] <label>[: respondents][ (group)]``."""
    t = text.removeprefix("[SYNTHETISCH] ").removeprefix("[SYNTHETIC] ")
    for label, measure in labels.items():
        if t == label or t.startswith((label + " (", label + ":")):
            return measure
    return None


def _measure_of(text: str) -> str | None:
    """The dictionary measure behind a pilot indicator (``pilot_matches__betaald_werk`` -> matches)."""
    measures, _, _ = _markers()
    if not text.startswith("pilot_"):
        return None
    name = text[len("pilot_"):].split("__")[0]
    name = name[:-2] if name.endswith("_n") and name[:-2] in measures else name
    return name if name in measures else None


def _texts(frame: pd.DataFrame) -> set[str]:
    """The distinct text values of a frame: text columns, the index and the column names."""
    found: set[str] = set()
    for col in frame.columns:
        s = frame[col]
        if isinstance(s, pd.DataFrame):
            s = s.iloc[:, 0]
        if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)
                or isinstance(s.dtype, pd.CategoricalDtype)):
            continue
        values = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.dropna().unique()
        found |= {str(v) for v in values[:100000]}
    for labels in (frame.index, frame.columns):
        for level in range(labels.nlevels):
            found |= {str(v) for v in labels.get_level_values(level).unique()[:100000]}
    return found


def pilot_provenance(data) -> dict | None:
    """The pilot provenance of a frame or result object, or None when it holds no pilot data.

    Parameters
    ----------
    data : pandas.DataFrame or result object
        A table, or a result whose ``table`` is one (e.g. from :func:`cosie_analysis.phase_summary`).

    Returns
    -------
    dict or None
        ``sources`` (register files), ``person_level`` (bool), ``min_count`` (smallest positive
        person-level count underneath, or None when unknown), ``synthetic`` (bool); recognised from
        ``attrs`` or, when those were lost, from the pilot markers the frame holds.

    Examples
    --------
    >>> frame = pd.DataFrame({"what": ["pilot_matches"], "x": [3.0]})  # synthetic
    >>> pilot_provenance(frame)["person_level"]
    True
    >>> pilot_provenance(pd.DataFrame({"x": [3.0]})) is None
    True
    """
    table = getattr(data, "table", data)
    if not isinstance(table, pd.DataFrame):
        return None
    prov = table.attrs.get(PROVENANCE_KEY)
    texts = _texts(table)
    _, person, labels = _markers()
    measures = {m for m in (_measure_of(t) or _label_measure(t, labels) for t in texts) if m}
    if "measure" in table.columns and "pilot" in table.columns:
        measures |= set(table["measure"].dropna().astype(str)) & set(_markers()[0])
    hit = bool(measures) or any(t.startswith("PILOT_") or "pilot register" in t.lower() for t in texts)
    if not hit:
        return dict(prov) if prov else None
    found = {"sources": [], "person_level": bool(measures & person) or not measures,
             "min_count": None, "synthetic": any("SYNTHETI" in t.upper() for t in texts)}
    return _merge([prov, found])


def is_synthetic(data) -> bool:
    """True when a table holds synthetic data: a true ``synthetic`` column, a ``source_table``
    starting with "synthetic" (any case), or ``attrs["synthetic"]``.

    Parameters
    ----------
    data : object
        Usually a pandas.DataFrame; anything else is not synthetic.

    Returns
    -------
    bool
        Whether any of the three marks is present.

    Examples
    --------
    >>> import pandas as pd
    >>> is_synthetic(pd.DataFrame({"value": [1.0], "synthetic": [True]}))  # SYNTHETIC
    True
    >>> is_synthetic(pd.DataFrame({"value": [1.0], "source_table": ["85039NED"]}))
    False
    """
    if not isinstance(data, pd.DataFrame):
        return False
    if data.attrs.get("synthetic") or (data.attrs.get("pilot_register") or {}).get("synthetic"):
        return True
    if "synthetic" in data.columns and data["synthetic"].fillna(False).astype(bool).any():
        return True
    if "source_table" in data.columns:
        return bool(data["source_table"].dropna().astype(str).str.lower().str.startswith("synthetic").any())
    return False
