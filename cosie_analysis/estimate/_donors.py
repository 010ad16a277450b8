"""How the comparison estimators get their donors: requested codes checked, a donor_pool frame used
as given, or the default rule of :func:`~cosie_analysis.estimate.pools.donor_pool`.
"""

from __future__ import annotations

import re
import warnings

import pandas as pd

from cosie_analysis._checks import check_known, to_list
from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.pools import (
    ALL_RULE,
    _candidates,
    _complete_units,
    donor_pool,
    municipality_attributes,
)
from cosie_analysis.words import format_number, word

REQUESTED_RULE = "requested donors"

#: The parts of a compact ``pool_rule`` (see ``pools.rule_text``) -> the words key of each.
_RULE_PARTS = [
    (re.compile(r"urbanity±(?P<step>\d+)"), "pool_part_urbanity"),
    (re.compile(r"population×(?P<lo>[\d.]+)–(?P<hi>[\d.]+)"), "pool_part_population"),
    (re.compile(r"province"), "pool_part_province"),
    (re.compile(r"labour_market_region"), "pool_part_labour_market_region"),
    (re.compile(r"islands"), "pool_part_islands"),
    (re.compile(r"no Wadden islands"), "pool_part_no_islands"),
    (re.compile(r"(?P<n>\d+) nearest on pre-period outcome"), "pool_part_nearest"),
    (re.compile(re.escape(REQUESTED_RULE)), "pool_part_requested"),
    (re.compile(re.escape(ALL_RULE)), "pool_part_all"),
    (re.compile(r"given pool"), "pool_part_given"),
]


def pool_rule_words(rule: str, lang: str) -> str:
    """A compact ``pool_rule`` in words of ``lang``: ``"urbanity±1; population×0.5–2; no Wadden
    islands"`` -> ``"stedelijkheid ±1; inwonertal ×0,5–2; geen Waddeneilanden"`` (nl).

    English gives the rule as it is; a part that is not recognised stays as it is.
    """

    def number(x: str) -> str:
        return format_number(float(x), len(x.partition(".")[2]), lang)

    def part(text: str) -> str:
        for pattern, key in _RULE_PARTS:
            m = pattern.fullmatch(text)
            if m:
                return word(key, lang).format(**{k: number(v) for k, v in m.groupdict().items()})
        return text

    return " | ".join("; ".join(part(p) for p in r.split("; ")) for r in str(rule).split(" | "))


def resolve_donors(
    data: pd.DataFrame, treated: list[str], donors, *, value: str, period: str, unit: str, function: str
) -> tuple[dict[str, list[str]], dict[str, str], pd.DataFrame | None]:
    """The donors of every treated unit, the rule that chose them and the pool frame (if any).

    ``donors`` may be None (the default :func:`donor_pool` rule; units without attributes, such
    as synthetic test codes, fall back to every unit of the treated unit's ``region_level``),
    ``"all"``, a sequence of codes (checked: unknown codes and incomplete series raise), or a
    frame returned by :func:`donor_pool` (its kept units).
    """

    def others(pool):
        return [u for u in pool if u not in treated]

    if isinstance(donors, pd.DataFrame):
        missing = [c for c in ("treated", "region_code", "kept") if c not in donors.columns]
        if missing:
            raise ParameterError(
                f"{function}(): `donors` as a frame must come from donor_pool(); it lacks {missing!r}."
            )
        lacking = [t for t in treated if t not in set(donors["treated"])]
        if lacking:
            raise ParameterError(
                f"{function}(): the `donors` frame has no pool for treated unit(s) {lacking!r}; "
                "call donor_pool() for each treated unit and concatenate the frames."
            )
        kept = donors[donors["kept"].astype(bool)]
        pools = {t: others(kept.loc[kept["treated"] == t, "region_code"].tolist()) for t in treated}
        rule = donors.attrs.get("pool_rule") or (donors["pool_rule"].iloc[0] if "pool_rule" in donors else "given pool")
        return pools, {t: rule for t in treated}, donors.copy()
    if isinstance(donors, str) and donors == "all":
        return {t: others(_candidates(data, unit, t)[1:]) for t in treated}, {t: ALL_RULE for t in treated}, None
    given = to_list(donors, "donors")
    if given:
        units = list(pd.unique(data[unit].dropna()))
        check_known(given, units, "donors")
        complete = _complete_units(data, value, period, unit)
        bad = [d for d in given if d not in complete]
        if bad:
            raise ParameterError(
                f"{function}(): requested donor(s) {bad!r} lack a value for some periods (e.g. a "
                "municipality formed by a merger has no population before it existed). Remove them "
                "from `donors` or restrict the periods."
            )
        return {t: others(given) for t in treated}, {t: REQUESTED_RULE for t in treated}, None
    return _default_pools(data, treated, value=value, period=period, unit=unit, function=function)


def _default_pools(data, treated, *, value, period, unit, function):
    from cosie_analysis.errors import InputFileError

    try:
        attrs = municipality_attributes()
    except InputFileError as err:
        warnings.warn(
            f"{function}(): no municipality attributes ({err}); the donor pool is every unit of the treated "
            "unit's region_level.",
            UserWarning,
            stacklevel=3,
        )
        attrs = None
    pools, rules, frames = {}, {}, []
    for t in treated:
        if attrs is None or t not in set(attrs["region_code"]):
            pools[t] = [u for u in _candidates(data, unit, t)[1:] if u not in treated]
            rules[t] = ALL_RULE
            continue
        frame = donor_pool(data, t, attributes=attrs, value=value, period=period, unit=unit)
        frames.append(frame)
        pools[t] = [u for u in frame.loc[frame["kept"], "region_code"] if u not in treated]
        rules[t] = frame.attrs["pool_rule"]
    return pools, rules, (pd.concat(frames, ignore_index=True) if frames else None)
