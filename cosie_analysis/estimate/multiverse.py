"""A multiverse over analyst choices: every combination of estimator, phase scheme, boundary rule,
model family, donor pool and scale, in one tidy table, with a specification curve.

Phase schemes that assign the periods identically under a rule (on yearly data several schemes put
the same years in the same phase) make one specification, not several: the row's ``scheme`` names
them all ("measures = support"), so the count of specifications is the count of distinct analyses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import Result, check_data, check_lang, to_list
from cosie_analysis.estimate._specs import NOT_USED, Runner

__all__ = ["multiverse", "MultiverseResult", "ESTIMATORS", "MULTIVERSE_COLUMNS", "POOLS"]

#: Estimators of the multiverse.
ESTIMATORS = ("its", "sc", "augmented_sc", "sdid", "did")
#: Named donor-pool rules (keyword arguments of :func:`~cosie_analysis.estimate.pools.donor_pool`).
POOLS: dict[str, dict[str, Any]] = {
    "default": {},
    "nearest": {"nearest": 20},
    "wide": {"urbanity_step": 2, "population_band": (1 / 3, 3.0)},
    "all": {"like": (), "islands": True},  # every unit of the level: ``donors="all"`` of the estimators
}
#: The specification columns, in the order of the choice matrix.
CHOICES = ("estimator", "scheme", "rule", "family", "pool", "scale")
#: Joins the names of phase schemes that assign every period alike (one specification, not several).
SAME = " = "
MULTIVERSE_COLUMNS = [
    "treated",
    *CHOICES,
    "indicator",
    "phase",
    "estimate",
    "ci_lower",
    "ci_upper",
    "p_value",
    "test",
    "relative_effect",
    "relative_ci_lower",
    "relative_ci_upper",
    "before_mean",
    "n_donors",
    "pool_rule",
    "conf_level",
]


@dataclass(frozen=True, repr=False)
class MultiverseResult(Result):
    """Result of :func:`multiverse` (frozen): ``summary()`` is the table, ``plot()`` the specification curve."""

    def plot_data(self, treated: str | None = None) -> pd.DataFrame:
        """The rows behind :meth:`plot`, sorted by relative effect, with ``rank`` (1 = smallest)."""
        t = self.table if treated is None else self.table[self.table["treated"] == treated]
        t = t.sort_values(["relative_effect", *CHOICES], kind="stable", na_position="last", ignore_index=True)
        return t.assign(rank=np.arange(1, len(t) + 1))

    def plot(self, *, treated: str | None = None, lang: str = "nl", axes=None):
        """Specification curve (Simonsohn, Simmons and Nelson 2020): the relative effects sorted, with
        their intervals, above the choice matrix (one row per choice value, a dot where used).

        ``axes``: a pair (curve, matrix) to draw on; default a new figure with two Axes.
        Returns the Figure."""
        from cosie_analysis.style import region_style
        from cosie_analysis.words import format_number, word

        check_lang(lang)
        units = list(pd.unique(self.table["treated"]))
        if treated is None and len(units) > 1:
            raise ParameterError(f"This multiverse holds {len(units)} treated units; pass `treated=` one of {units!r}.")
        d = self.plot_data(treated or units[0])
        import matplotlib.pyplot as plt

        choices = [c for c in CHOICES if d[c].nunique() > 1 or c == "estimator"]
        labels = [(c, v) for c in choices for v in sorted(d[c].unique()) if v != NOT_USED]
        if axes is None:
            fig = plt.figure(layout="constrained")
            top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1.2, max(len(labels), 1) * 0.12 + 0.3])
        else:
            top, bottom = axes
            fig = top.figure
            bottom.sharex(top)
            top.tick_params(axis="x", labelbottom=False)
        x = d["rank"].to_numpy()
        has_ci = d["relative_ci_lower"].notna().to_numpy()
        top.vlines(
            x[has_ci],
            100 * d["relative_ci_lower"][has_ci],
            100 * d["relative_ci_upper"][has_ci],
            color="0.75",
            linewidth=0.8,
        )
        sig = (d["p_value"] < 0.05).to_numpy()
        alpha = format_number(0.05, 2, lang)
        top.scatter(x[~sig], 100 * d["relative_effect"][~sig], s=6, color="0.45", zorder=3,
                    label=word("p_not_below", lang).format(alpha=alpha))
        top.scatter(x[sig], 100 * d["relative_effect"][sig], s=6, color=region_style("highlight")["color"], zorder=3,
                    label=word("p_below", lang).format(alpha=alpha))
        top.legend(fontsize="x-small", loc="upper left", frameon=False)
        top.axhline(0, color="0.3", linewidth=0.8)
        top.set_ylabel(f"{word('effect', lang)} (%)")
        for i, (c, v) in enumerate(labels):
            used = (d[c] == v).to_numpy()
            bottom.scatter(x[used], np.full(used.sum(), i), s=9, color="0.2", marker="s", linewidths=0, zorder=3)
        bottom.set_yticks(range(len(labels)), [_choice_label(c, v, lang) for c, v in labels], fontsize="x-small")
        bottom.set_ylim(len(labels) - 0.5, -0.5)
        bottom.tick_params(axis="y", length=0)
        from matplotlib.ticker import MaxNLocator

        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.set_xlabel(word("specification", lang))
        return fig

    def describe(self, lang: str = "nl") -> str:
        """How many specifications, and the share with a positive and with a significant effect."""
        check_lang(lang)
        from cosie_analysis.words import format_number, format_pct, word

        out = []
        for tr, g in self.table.groupby("treated", sort=False):
            tested = max(int(g["p_value"].notna().sum()), 1)
            out.append(
                word("multiverse_summary", lang).format(
                    unit=tr,
                    n=format_number(len(g), 0, lang),
                    median=format_pct(g["relative_effect"].median(), lang),
                    positive=format_pct((g["relative_effect"] > 0).mean(), lang, sign=False),
                    significant=format_pct((g["p_value"] < 0.05).sum() / tested, lang, sign=False),
                )
            )
        return " ".join(out)


def multiverse(
    data: pd.DataFrame,
    *,
    treated: str | Sequence[str],
    estimators: Sequence[str] = ESTIMATORS,
    schemes: Sequence[Any] = ("measures", "support", "lifted"),
    rules: Sequence[str] = ("majority", "start", "exclude"),
    families: Sequence[str] = ("gaussian", "poisson"),
    pools: Sequence[str] | Mapping[str, Mapping] = ("default", "nearest"),
    scales: Mapping[str, str] | None = None,
    phase: str = "after",
    attributes: pd.DataFrame | None = None,
    value: str = "value",
    period: str = "period",
    unit: str = "region_code",
    indicator: str = "indicator",
    conf_level: float = 0.95,
) -> MultiverseResult:
    """Run every combination of analyst choices and collect one comparable effect from each.

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table holding the outcome(s) named in ``scales`` for the treated units and
        the candidate donors. Not modified.
    treated : str or sequence of str
        Treated unit code(s); every specification is run for each.
    estimators : sequence of {"its", "sc", "augmented_sc", "sdid", "did"}
        Interrupted time series (:func:`~cosie_analysis.estimate.batch.batch_its`, the treated
        series alone), synthetic control, ridge-augmented synthetic control, synthetic DiD and
        two-way fixed-effects DiD.
    schemes, rules : sequences
        Phase schemes and boundary rules (:func:`cosie_analysis.phases.assign_phase`).
    families : sequence of {"gaussian", "poisson"}
        ITS model families (the other estimators have none: ``family`` is "-").
    pools : sequence of names in :data:`POOLS`, or mapping name -> donor_pool keyword arguments
        Donor pools of the comparison estimators (ITS has none: ``pool`` is "-"). "default" is the
        default pool of ``synthetic_control``, ``synthetic_did`` and ``diff_in_diff`` (like with
        like); "all" is their ``donors="all"`` (every unit of the level, islands included).
    scales : mapping scale name -> indicator code, optional
        E.g. ``{"rate": "crime_1_1_1_per_1000", "count": "crime_1_1_1"}``. Default: the one
        indicator in ``data``, as scale "value".
    phase : {"during", "after"}, default "after"
        The phase whose average effect is collected.
    attributes : pandas.DataFrame, optional
        Municipality attributes for the donor pools (default
        :func:`~cosie_analysis.estimate.pools.municipality_attributes`).
    value, period, unit, indicator : str
        Role columns.
    conf_level : float, default 0.95

    Returns
    -------
    MultiverseResult
        ``summary()`` has one row per treated unit x specification, columns:

        - ``treated``; the choices ``estimator``, ``scheme``, ``rule``, ``family``, ``pool``,
          ``scale`` ("-" where a choice does not apply); ``scheme`` joins with " = " the schemes
          that give the data's periods the same phases under the row's rule (one analysis);
          ``indicator``; ``phase``;
        - ``estimate``: average effect over the phase in the outcome's unit (observed minus
          counterfactual; for DiD, fitted on logs as ``diff_in_diff``'s default, the coefficient
          ``b`` as the phase's mean observed value times ``1 - exp(-b)``); ``ci_lower``,
          ``ci_upper``: its interval (ITS: model-based; SDID: placebo standard error; NaN for
          synthetic control, and for DiD, whose cluster-robust interval is unreliable with one
          treated unit);
        - ``p_value`` and ``test``: "its" (the ITS model's p), "sc_ratio_rank" (or
          "sc_post_rmspe_rank" when the pre-period fit is exact, see ``synthetic_control``),
          "sdid_placebo_se", "did_permutation";
        - ``relative_effect``: ``estimate / before_mean``, the effect as a share of the treated
          unit's level before corona, comparable across scales (rate and count) and estimators;
          ``relative_ci_lower``, ``relative_ci_upper``: the interval divided the same way;
        - ``before_mean``: the treated unit's mean outcome over the "before" periods of the
          specification; ``n_donors`` (NaN for ITS, which has none); ``pool_rule``; ``conf_level``.

    Raises
    ------
    ParameterError
        Unknown estimators, pools, phases, or indicators not in ``data``; a pool that leaves a
        DiD specification fewer than 2 donors (as :func:`diff_in_diff` refuses it).

    Notes
    -----
    Schemes that assign the periods to phases identically under a rule give one row (see
    ``scheme``); identical phase assignments are computed once. Phases are half-open
    ``[start, end)`` intervals from :mod:`cosie_analysis.phases`.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> obs = ca.load_observations()  # doctest: +SKIP
    >>> res = ca.multiverse(obs[obs.region_level == "gemeente"], treated=["GM0321", "GM0356"],
    ...                     scales={"rate": "crime_1_1_1_per_1000", "count": "crime_1_1_1"})  # doctest: +SKIP
    >>> res.plot(treated="GM0321")  # doctest: +SKIP
    """
    treated_l = to_list(treated, "treated")
    check_data(data, {"value": value, "period": period, "unit": unit, "indicator": indicator}, function="multiverse")
    for e in to_list(estimators, "estimators"):
        check_choice("estimators", e, ESTIMATORS)
    check_choice("phase", phase, ["during", "after"])
    pool_specs = _pool_specs(pools)
    if scales is None:
        found = list(pd.unique(data[indicator].dropna()))
        if len(found) != 1:
            raise ParameterError(
                f"multiverse(): `data` holds {len(found)} indicators; pass `scales=` mapping a scale "
                f"name to each indicator to use, e.g. {{'rate': {found[0]!r}}}."
                if found
                else "multiverse(): `data` holds no indicator."
            )
        scales = {"value": found[0]}
    missing = [i for i in scales.values() if i not in set(data[indicator])]
    if missing:
        raise ParameterError(
            f"multiverse(): `scales` names indicator(s) {missing!r} not found in column {indicator!r}."
        )
    rows = []
    for scale, ind in scales.items():
        d = data[data[indicator] == ind]
        run = Runner(
            d,
            treated_l,
            phase=phase,
            value=value,
            period=period,
            unit=unit,
            conf_level=conf_level,
            attributes=attributes,
            pool_specs=pool_specs,
        )
        for rule in rules:
            for members in _coinciding(d[period], schemes, rule):  # schemes that split the periods alike: one row
                spec = dict(scheme=SAME.join(_scheme_name(m) for m in members), rule=rule, scale=scale,
                            indicator=ind, phase=phase)
                rows += run.specs(to_list(estimators, "estimators"), members[0], rule, families, spec)
    table = pd.DataFrame(rows)
    table["relative_effect"] = table["estimate"] / table["before_mean"]
    table["relative_ci_lower"] = table["ci_lower"] / table["before_mean"]
    table["relative_ci_upper"] = table["ci_upper"] / table["before_mean"]
    table["conf_level"] = conf_level
    return MultiverseResult(
        table=table[MULTIVERSE_COLUMNS],
        phase_scheme="multiverse",
        phase_rule="multiverse",
        conf_level=conf_level,
        method="multiverse",
    )


def _pool_specs(pools) -> dict[str, dict]:
    if isinstance(pools, Mapping):
        return {str(k): dict(v) for k, v in pools.items()}
    out = {}
    for p in to_list(pools, "pools"):
        check_choice("pools", p, POOLS)
        out[p] = POOLS[p]
    return out


def _coinciding(periods: pd.Series, schemes, rule: str) -> list[list]:
    """The schemes grouped by the phases they give the data's periods under ``rule``, in order: on
    yearly data several schemes often coincide, and counting them as separate specifications would
    make the multiverse look more robust than it is."""
    from cosie_analysis.phases import assign_phase

    values = pd.Series(pd.unique(periods.dropna()))
    groups: dict[tuple, list] = {}
    for scheme in schemes:
        groups.setdefault(tuple(assign_phase(values, scheme, rule).astype(str)), []).append(scheme)
    return list(groups.values())


def _scheme_name(scheme) -> str:
    from cosie_analysis.phases import get_scheme

    return str(get_scheme(scheme).name)


def _choice_label(choice: str, option, lang: str) -> str:
    """``"methode: synthetische controle"``: a row of the choice matrix in words.

    Phase schemes show their display name (``scheme_<name>``); names that the words table does not
    hold (e.g. a user-defined scheme) are shown as they are.
    """
    from cosie_analysis.words import WORDS

    words = WORDS[lang]
    prefix = "scheme_" if choice == "scheme" else "mv_"
    shown = SAME.join(words.get(prefix + part, part) for part in str(option).split(SAME))
    return f"{words.get('mv_' + choice, choice)}: {shown}"
