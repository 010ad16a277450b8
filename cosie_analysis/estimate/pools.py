"""Donor pools chosen like a researcher would: similar municipalities, no islands, named reasons.

``donor_pool`` returns one row per candidate unit with the reason it was kept or left out, and a
compact ``pool_rule`` that every comparison result carries. ``estimate._donors.resolve_donors``, which the
estimators call: it checks requested donors (unknown or mistyped codes raise, with near matches)
and falls back to the default rule.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis._checks import check_data, check_known, to_list
from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._attributes import municipality_attributes
from cosie_analysis.estimate._common import region_names

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["POOL_COLUMNS", "POOL_REASONS", "WADDEN_ISLANDS", "donor_pool", "municipality_attributes"]

#: The five inhabited Wadden islands (municipality code -> name, CBS 2024). Verified against the
#: region names of the KWB 2024 table in tests/test_pools.py.
WADDEN_ISLANDS = {
    "GM0448": "Texel",
    "GM0096": "Vlieland",
    "GM0093": "Terschelling",
    "GM0060": "Ameland",
    "GM0088": "Schiermonnikoog",
}

#: Columns of the frame returned by :func:`donor_pool`.
POOL_COLUMNS = [
    "treated",
    "region_code",
    "region_name",
    "kept",
    "reason",
    "urbanity",
    "population",
    "distance",
    "pool_rule",
]

#: Reason codes (the words for them are ``pool_reason_<code>`` in :mod:`cosie_analysis.words`).
POOL_REASONS = (
    "kept",
    "requested",
    "treated",
    "not_requested",
    "no_attributes",
    "urbanity",
    "population",
    "province",
    "labour_market_region",
    "island",
    "excluded",
    "incomplete_series",
    "not_nearest",
)

LIKE = ("urbanity", "population", "province", "labour_market_region")

#: The ``pool_rule`` of every unit of the treated unit's region_level (``donors="all"``, or no attribute rule).
ALL_RULE = "all units of the treated unit's region_level"


def _attributes(attributes: pd.DataFrame | None, like: Sequence[str]) -> pd.DataFrame:
    a = municipality_attributes() if attributes is None else attributes
    check_data(a, {"attributes": "region_code"}, function="donor_pool")
    if a["region_code"].duplicated().any():
        dup = a.loc[a["region_code"].duplicated(), "region_code"].iloc[0]
        raise ParameterError(
            f"donor_pool(): `attributes` must have one row per region_code; {dup!r} occurs more "
            "than once. Pass the attributes of one year."
        )
    missing = [c for c in like if c not in a.columns]
    if missing:
        raise ParameterError(
            f"donor_pool(): `like` names {missing!r}, but `attributes` has no such column(s). Found: {list(a.columns)}."
        )
    for c in ("province", "labour_market_region"):
        if c in like and a[c].isna().all():
            raise ParameterError(
                f"donor_pool(): `like` includes {c!r}, but that column is empty in `attributes` "
                "(it needs the CBS table 'Gebieden in Nederland', a live fetch). Drop it from `like`."
            )
    return a.set_index("region_code")


def rule_text(like, urbanity_step, population_band, islands, nearest, include) -> str:
    """The compact, language-neutral description of a pool rule (column ``pool_rule``)."""
    if include is not None:
        return "requested donors"
    if not like and islands and not nearest:
        return ALL_RULE
    parts = []
    if "urbanity" in like:
        parts.append(f"urbanity±{urbanity_step}")
    if "population" in like:
        parts.append(f"population×{population_band[0]:g}–{population_band[1]:g}")
    parts += [c for c in ("province", "labour_market_region") if c in like]
    parts.append("islands" if islands else "no Wadden islands")
    if nearest:
        parts.append(f"{nearest} nearest on pre-period outcome")
    return "; ".join(parts)


def donor_pool(
    data: pd.DataFrame,
    treated: str,
    *,
    like: Sequence[str] = ("urbanity", "population"),
    attributes: pd.DataFrame | None = None,
    urbanity_step: int = 1,
    population_band: tuple[float, float] = (0.5, 2.0),
    islands: bool = False,
    nearest: int | None = None,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    value: str = "value",
    period: str = "period",
    unit: str = "region_code",
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
) -> pd.DataFrame:
    """Choose the donor (comparison) units of one treated unit, with the reason for every unit.

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table of one outcome; its units with the treated unit's ``region_level``
        (when that column exists) are the candidates. Not modified.
    treated : str
        Code of the treated unit.
    like : sequence of {"urbanity", "population", "province", "labour_market_region"}
        Attributes a donor must share with the treated unit: urbanity class within
        ``urbanity_step`` classes, population within ``population_band`` times the treated unit's,
        the same province or labour-market region.
    attributes : pandas.DataFrame, optional
        One row per unit: ``region_code`` and the columns named in ``like`` (``region_name``
        optional). Default :func:`municipality_attributes`.
    urbanity_step : int, default 1
        Largest allowed difference in urbanity class (1 = same or neighbouring class).
    population_band : (float, float), default (0.5, 2.0)
        Donor population between these multiples of the treated unit's population.
    islands : bool, default False
        Keep the Wadden islands (:data:`WADDEN_ISLANDS`) as candidates.
    nearest : int, optional
        Of the units that pass the attribute rules, keep only the ``nearest`` closest on the
        standardised pre-period outcome (each "before" period standardised over the candidates).
    include : sequence of str, optional
        The donors, chosen by hand: every other rule is skipped, and each code must be a unit of
        ``data`` with a complete series (else :class:`ParameterError` naming it and near matches).
    exclude : sequence of str, optional
        Units never to use (reason ``"excluded"``).
    value, period, unit : str
        Role columns of ``data``.
    scheme, rule
        Phase scheme and boundary rule that define the pre-period (``nearest`` only).

    Returns
    -------
    pandas.DataFrame
        One row per candidate unit (the treated unit first), columns:

        - ``treated``: the treated unit; ``region_code``, ``region_name``;
        - ``kept``: bool, True for donors;
        - ``reason``: ``"kept"`` (or ``"requested"``) for donors, else the first rule that left the
          unit out: ``"treated"``, ``"not_requested"``, ``"excluded"``, ``"island"``,
          ``"no_attributes"``, ``"urbanity"``, ``"population"``, ``"province"``,
          ``"labour_market_region"``, ``"incomplete_series"``, ``"not_nearest"``;
        - ``urbanity``, ``population``: the unit's attributes (NaN when unknown);
        - ``distance``: distance to the treated unit on the standardised pre-period outcome (NaN
          unless ``nearest``);
        - ``pool_rule``: the rule in words (the same on every row; also in ``attrs["pool_rule"]``).

    Raises
    ------
    ParameterError
        Unknown treated unit or requested donor (with near matches), bad options, a ``like``
        attribute that is missing or empty.

    Examples
    --------
    Synthetic attributes and outcome (SYNTHETIC DATA):

    >>> import pandas as pd
    >>> attrs = pd.DataFrame({"region_code": ["SY1", "SY2", "SY3", "SY4"], "urbanity": [2, 3, 5, 2],
    ...                       "population": [50_000, 40_000, 45_000, 2_000]})
    >>> data = pd.DataFrame({"region_code": ["SY1", "SY2", "SY3", "SY4"], "period": "2019JJ00", "value": 1.0})
    >>> pool = donor_pool(data, "SY1", attributes=attrs)
    >>> pool[["region_code", "kept", "reason"]].to_records(index=False).tolist()
    [('SY1', False, 'treated'), ('SY2', True, 'kept'), ('SY3', False, 'urbanity'), ('SY4', False, 'population')]
    """
    check_data(data, {"value": value, "period": period, "unit": unit}, function="donor_pool")
    if not isinstance(treated, str):
        raise ParameterError(f"donor_pool(): `treated` must be one unit code (str); got {treated!r}.")
    like = tuple(to_list(like, "like"))
    for item in like:
        check_choice("like", item, LIKE)
    if not isinstance(urbanity_step, (int, np.integer)) or urbanity_step < 0:
        raise ParameterError(f"`urbanity_step` must be a whole number >= 0; got {urbanity_step!r}.")
    lo, hi = _band(population_band)
    if nearest is not None and (not isinstance(nearest, (int, np.integer)) or nearest < 1):
        raise ParameterError(f"`nearest` must be a positive whole number or None; got {nearest!r}.")
    candidates = _candidates(data, unit, treated)
    include_l, exclude_l = to_list(include, "include"), to_list(exclude, "exclude")
    check_known(include_l, candidates, "include")
    check_known(exclude_l, candidates, "exclude")
    text = rule_text(like, urbanity_step, (lo, hi), islands, nearest, include if include_l else None)
    attrs = _attributes(attributes, like if not include_l else ())
    names = attrs["region_name"] if "region_name" in attrs.columns else pd.Series(dtype=object)
    if "region_name" in data.columns:
        names = data.drop_duplicates(unit).set_index(unit)["region_name"].combine_first(names)
    complete = _complete_units(data, value, period, unit)
    reason = {}
    rec = attrs.to_dict("index")  # plain dicts: per-unit lookups without pandas overhead
    me = rec.get(treated)
    if me is None and like and not include_l:
        raise ParameterError(
            f"donor_pool(): the treated unit {treated!r} has no row in `attributes`; pass "
            "`include=` to choose donors by hand or add its attributes."
        )
    for u in candidates:
        reason[u] = _reason(u, treated, me, rec, like, urbanity_step, lo, hi, islands, include_l, exclude_l, complete)
    dist = pd.Series(np.nan, index=candidates)
    if nearest and not include_l:
        passing = [u for u in candidates if reason[u] == "kept"]
        dist = _outcome_distance(
            data, treated, passing, value=value, period=period, unit=unit, scheme=scheme, rule=rule
        ).reindex(candidates)
        for u in dist.drop(treated).sort_values(kind="stable").index[nearest:]:
            if reason[u] == "kept":
                reason[u] = "not_nearest"
    out = pd.DataFrame(
        {
            "treated": treated,
            "region_code": candidates,
            "region_name": [names.get(u, pd.NA) for u in candidates],
            "reason": [reason[u] for u in candidates],
            "urbanity": [_get(rec, u, "urbanity") for u in candidates],
            "population": [_get(rec, u, "population") for u in candidates],
            "distance": dist.to_numpy(float),
            "pool_rule": text,
        }
    )
    out.insert(3, "kept", out["reason"].isin(["kept", "requested"]))
    out.attrs["pool_rule"] = text
    return out[POOL_COLUMNS]


def _band(band) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in band)
    except (TypeError, ValueError):
        raise ParameterError(
            f"`population_band` must be two numbers (low, high), e.g. (0.5, 2.0); got {band!r}."
        ) from None
    if not 0 <= lo < 1 < hi:
        raise ParameterError(f"`population_band` must satisfy 0 <= low < 1 < high; got {band!r}.")
    return lo, hi


def _candidates(data: pd.DataFrame, unit: str, treated: str) -> list[str]:
    units = pd.unique(data[unit].dropna())
    check_known([treated], list(units), "treated", names=region_names(data, unit))
    if "region_level" in data.columns:
        level = data.loc[data[unit] == treated, "region_level"].dropna().unique()
        units = pd.unique(data.loc[data["region_level"].isin(level), unit].dropna())
    return [treated] + sorted(u for u in units if u != treated)


def _complete_units(data, value, period, unit) -> set[str]:
    d = data[[unit, period, value]]
    n_periods = d[period].nunique()
    ok = d.dropna().groupby(unit)[period].nunique()
    return set(ok.index[ok == n_periods])


def _get(rec: dict, u: str, col: str) -> float:
    v = rec.get(u, {}).get(col, np.nan)
    return float(v) if pd.notna(v) else np.nan


def _reason(u, treated, me, attrs, like, step, lo, hi, islands, include, exclude, complete) -> str:
    if u == treated:
        return "treated"
    if include:
        return "requested" if u in include else "not_requested"
    if u in exclude:
        return "excluded"
    if not islands and u in WADDEN_ISLANDS:
        return "island"
    a = attrs.get(u)
    if like and (a is None or any(pd.isna(a[c]) for c in like)):
        return "no_attributes"
    if "urbanity" in like and abs(float(a["urbanity"]) - float(me["urbanity"])) > step:
        return "urbanity"
    if "population" in like and not lo * float(me["population"]) <= float(a["population"]) <= hi * float(
        me["population"]
    ):
        return "population"
    for c in ("province", "labour_market_region"):
        if c in like and a[c] != me[c]:
            return c
    if u not in complete:
        return "incomplete_series"
    return "kept"


def _outcome_distance(data, treated, units, *, value, period, unit, scheme, rule) -> pd.Series:
    """Euclidean distance to the treated unit on the pre-period outcome, each period standardised."""
    from cosie_analysis.estimate._common import panel_of

    sub = data[data[unit].isin([treated, *units])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # incomplete units were already given their reason
        panel = panel_of(
            sub,
            value=value,
            period=period,
            unit=unit,
            indicator=None,
            scheme=scheme,
            rule=rule,
            treated=[treated],
            function="donor_pool",
        )
    pre = panel.wide.loc[:, (panel.phase == "before").to_numpy()]
    sd = pre.std(axis=0, ddof=0).replace(0, 1.0)
    z = (pre - pre.mean(axis=0)) / sd
    return np.sqrt(((z - z.loc[treated]) ** 2).sum(axis=1))
