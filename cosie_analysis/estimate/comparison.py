"""Designs for one treated unit: synthetic control and difference-in-differences, with permutation inference.

``synthetic_control`` lives in :mod:`cosie_analysis.estimate.synth` and is re-exported here; this module
holds difference-in-differences. Both share the panel preparation in :mod:`cosie_analysis.estimate._common`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    SCALES,
    Result,
    check_conf_level,
    check_data,
    check_lang,
    check_scale,
    panel_of,
    to_list,
)
from cosie_analysis.estimate._did_model import _did_design, _did_fit, _did_table
from cosie_analysis.estimate._donors import pool_rule_words, resolve_donors
from cosie_analysis.estimate._its_result import ci_label
from cosie_analysis.estimate._kernels import assignments, perm_estimates
from cosie_analysis.estimate.synth import (  # noqa: F401
    SyntheticControlResult,
    _sc_weights,
    synthetic_control,
)
from cosie_analysis.words import format_ci, format_number, format_p, format_pct, phase_name, value_label, word

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["DiDResult", "SyntheticControlResult", "diff_in_diff", "synthetic_control"]

#: Up to this many treated units, cluster-robust errors over-reject badly (MacKinnon & Webb 2017, "Wild
#: bootstrap inference for wildly different cluster sizes"; here 79-89% of placebo municipalities came out
#: "significant", validation/README.md): diff_in_diff warns, and describe() quotes only the permutation p.
FEW_TREATED = 2


@dataclass(frozen=True, repr=False)
class DiDResult(Result):
    """Result of :func:`diff_in_diff` (frozen).

    Attributes
    ----------
    models : dict
        ``"twfe"`` (during and after effects), ``"post"`` (one pooled effect) and
        ``"event_study"`` -> statsmodels results; ``model`` is ``models["twfe"]``.
    formulas : dict
        The same keys -> formulas; ``formula`` is the TWFE one.
    design : pandas.DataFrame
        The long frame the models were fitted on.
    permutations : pandas.DataFrame
        One row per permutation assignment and term: ``assignment``, ``term``, ``estimate``.
    pools : pandas.DataFrame or None
        The :func:`~cosie_analysis.estimate.pools.donor_pool` frames behind a default (or given)
        pool: every candidate with the reason it was kept or left out; None for ``"all"`` or codes.
    """

    models: dict = field(default_factory=dict, repr=False)
    formulas: dict = field(default_factory=dict, repr=False)
    design: pd.DataFrame | None = field(default=None, repr=False)
    permutations: pd.DataFrame | None = field(default=None, repr=False)
    treated: tuple[str, ...] = ()
    scheme: Any = "measures"
    pools: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def model(self):
        """The statsmodels results of the TWFE model (``models["twfe"]``)."""
        return self.models["twfe"]

    @property
    def formula(self) -> str:
        """The formula of the TWFE model (``formulas["twfe"]``)."""
        return self.formulas["twfe"]

    def plot_data(self, kind: str = "event") -> pd.DataFrame:
        """The frame behind :meth:`plot`.

        ``kind="event"``: the event-study rows of ``summary()`` (``relative_period``,
        ``estimate``, ``ci_lower``, ``ci_upper``; the reference period has estimate 0).
        ``kind="paths"``: ``group`` ("treated"/"controls"), ``period``, ``period_start``, ``phase``,
        ``mean`` of the outcome per group and period.
        """
        check_choice("kind", kind, ["event", "paths"])
        if kind == "event":
            return self.table[self.table["term"] == "event"].reset_index(drop=True)
        design = self.design
        if design is None:
            raise ParameterError("This DiDResult has no `design` frame: build it with diff_in_diff().")
        d = design.assign(group=np.where(design["treated_unit"] == 1, "treated", "controls"))
        return (d.groupby(["group", "period", "period_start", "phase"], observed=True, sort=False)["y"].mean()
                .rename("mean").reset_index().sort_values(["group", "period_start"], ignore_index=True))

    def plot(self, ax=None, *, kind: str = "event", lang: str = "nl"):
        """Event-study coefficients with intervals (``kind="event"``) or group means over time
        (``kind="paths"``, phases shaded). Returns the Axes."""
        import matplotlib.pyplot as plt

        check_lang(lang)
        d = self.plot_data(kind)
        if ax is None:
            _, ax = plt.subplots()
        if kind == "event":
            yerr = [d["estimate"] - d["ci_lower"], d["ci_upper"] - d["estimate"]]
            ax.errorbar(d["relative_period"], d["estimate"], yerr=yerr, marker="o", capsize=3, linestyle="none",
                        color="C0")
            ax.axhline(0, color="0.3", linewidth=0.8)
            ax.axvline(0.5, color="0.5", linestyle=":")
            ax.set_xlabel(word("est_event_x", lang))
            ax.set_ylabel(word("est_effect", lang))
        else:
            from cosie_analysis.plotting import draw_phases

            labels = {"treated": word("est_treated", lang), "controls": word("est_donors", lang)}
            for grp, g in d.groupby("group"):
                ax.plot(pd.to_datetime(g["period_start"]), g["mean"], marker="o", label=labels[grp])
            draw_phases(ax, self.scheme, lang=lang, key_dates=False)
            ax.legend(fontsize="small")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """A short paragraph from the numbers, in Dutch (``"nl"``) or English (``"en"``).

        Phase names, numbers ("1.234,5") and p-values ("p < 0,001") follow the language
        (:mod:`cosie_analysis.words`).
        """
        check_lang(lang)
        t = self.table
        ci = ci_label(self.conf_level, lang)
        n_treated = int(t["n_treated"].iloc[0])
        few = n_treated <= FEW_TREATED  # cluster-robust errors are not worth quoting: the permutation p is the test
        log = "scale" in t.columns and t["scale"].iloc[0] == "log"  # on logs: the effect in % of the counterfactual
        parts = [word("est_did_part_few" if few else "est_did_part", lang).format(
            term=word("est_did_post", lang) if r["term"] == "post" else phase_name(r["term"], lang),
            estimate=format_pct(r["relative_effect"], lang) if log else format_number(r["estimate"], 2, lang),
            ci=f"{ci} " + (format_ci(np.expm1(r["ci_lower"]), np.expm1(r["ci_upper"]), lang, pct=True) if log
                           else format_ci(r["ci_lower"], r["ci_upper"], lang)),
            p=format_p(r["p_value"], lang), p_perm=format_p(r["p_permutation"], lang))
            for _, r in t[t["design"] == "twfe"].iterrows()]
        n_donors = int(t["n_donors"].iloc[0])
        caveat = word("est_did_few", lang).format(n_treated=n_treated, units=word(
            "est_treated_unit_one" if n_treated == 1 else "est_treated_unit_many", lang)) if few else ""
        return word("est_did", lang).format(n_treated=n_treated, n_controls=n_donors, parts="; ".join(parts),
                                            scheme=value_label(self.phase_scheme, lang)) + caveat + " " + word(
            "pool_rule_sentence", lang).format(rule=pool_rule_words(t["pool_rule"].iloc[0], lang), n=n_donors)


def check_did_units(n_treated: int, n_pool: int, rule: str, function: str) -> None:
    """Refuse a DiD on fewer than three units: with two the event study has as many parameters as
    observations, and a permutation test over two assignments cannot reject anything."""
    if n_treated + n_pool < 3:
        raise ParameterError(f"{function}() needs at least {3 - n_treated} donor unit(s) with a complete "
                             f"series for DiD; found {n_pool} (pool rule: {rule}). Widen the pool: "
                             "`donors='all'`, a list of codes or a wider donor_pool().")


def diff_in_diff(
    data: pd.DataFrame,
    *,
    treated: str | Sequence[str],
    donors: Sequence[str] | pd.DataFrame | str | None = None,
    value: str = "value",
    period: str = "period",
    unit: str = "region_code",
    indicator: str | None = "indicator",
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    reference: str | None = None,
    cov_type: str = "cluster",
    n_permutations: int = 2000,
    seed: int = 0,
    conf_level: float = 0.95,
    adjust: str = "holm",
    controls: Sequence[str] | None = None,
    scale: str = "log",
) -> DiDResult:
    """Difference-in-differences: two-way fixed effects and an event study, with permutation inference.

    Parameters
    ----------
    data : pandas.DataFrame
        Long observation table with one outcome. Not modified.
    treated : str or sequence of str
        Treated unit code(s) in column ``unit``.
    donors : sequence of str, "all", pandas.DataFrame or None, default None
        The comparison units (the pool), chosen as in :func:`synthetic_control`. None: the default
        rule of :func:`~cosie_analysis.estimate.pools.donor_pool` (same or neighbouring urbanity
        class, population 0.5-2 times the treated unit's, no Wadden islands) for units with
        municipality attributes, else every unit of the treated unit's ``region_level``; with
        several treated units, the union of their pools. "all": every unit of that
        ``region_level`` with a complete series. A sequence of codes: exactly those (an unknown
        code or an incomplete series raises). A frame from ``donor_pool``: its kept units.
    value, period, unit : str
        Role columns: the outcome, the period (CBS code, timestamp or Period) and the unit.
    indicator : str or None, default "indicator"
        Column checked to hold a single outcome.
    scheme : str or PhaseScheme, default "measures"
        Phase scheme (:func:`cosie_analysis.phases.assign_phase`).
    rule : str, default "majority"
        How a period straddling a phase boundary is assigned.
    reference : str, optional
        Reference period of the event study (omitted, estimate 0); default the last "before"
        period.
    cov_type : {"cluster", "model"}, default "cluster"
        Cluster-robust by unit (t with clusters - 1 df) or model-based standard errors
        ("nonrobust" is an old name of "model").
    n_permutations : int, default 2000
        Permutation inference enumerates every assignment of the treatment to as many units as
        are treated when there are at most this many; otherwise it draws this many at random
        (seeded by ``seed``) and adds the actual assignment.
    seed : int, default 0
        Seed of the random permutations.
    conf_level : float, default 0.95
        Confidence level of the intervals.
    adjust : {"holm", "bh", "none"}, default "holm"
        Adjustment of ``p_adjusted`` within a design: across "during" and "after" of the TWFE
        model, across all event-study coefficients; the pooled "post" row stands alone.
    controls : sequence of str, optional
        Old name of ``donors`` (DeprecationWarning; removed in the next release).
    scale : {"log", "level"}, default "log"
        The scale on which trends are assumed parallel. "log": proportional; the models (and the
        permutations) on ``log(value)``, for rates that rise or fall by a common factor across
        units at different levels. Needs every value of the treated units and donors > 0 (else
        ParameterError naming the unit and period). "level": additive, the model above on the
        outcome. The default is "log" because registered crime fell by about half nationally
        from 2019 to 2023: on levels the donors' absolute drop is subtracted from towns at a lower
        level, whose counterfactual then nears zero (placebo study over every municipality in
        ``validation/README.md``: on levels Houten's "post" effect is +472%; on logs +72%, with
        the permutation test at its nominal size, 4.6% at 5%).

    Returns
    -------
    DiDResult
        Frozen result; ``summary()`` has one row per estimate, with columns:

        - ``design``: "twfe" (terms "during", "after" from one model; "post" from a model with
          one pooled effect) or "event_study" (term "event");
        - ``term``; ``phase`` (ordered categorical before < during < after; the "post" row has
          no phase); ``relative_period`` and ``period`` (event study: periods after the
          reference period; NaN/None for TWFE rows);
        - ``estimate``, ``std_err``, ``ci_lower``, ``ci_upper``, ``p_value``, ``p_adjusted``: the
          coefficient, on the scale of the model: outcome units with ``scale="level"``, log points
          (difference in ``log(value)``) with ``scale="log"``, where ``exp(ci_lower) - 1`` and
          ``exp(ci_upper) - 1`` bound ``relative_effect``;
        - ``relative_effect``: the effect as a proportion of the counterfactual: ``exp(estimate)
          - 1`` with ``scale="log"``; with ``scale="level"`` ``estimate`` over the counterfactual
          mean (the treated cells' observed mean minus ``estimate``); 0 for the reference period;
        - ``p_permutation``: share of treatment assignments whose estimate is at least as large in
          absolute value as the actual one (TWFE rows); ``n_permutations``, ``permutation_exact``;
        - ``n`` (unit-period observations), ``n_treated``, ``n_donors``;
        - ``pool_rule``: the rule that chose the donors (the ``pool_rule`` of ``donor_pool``,
          "all units of the treated unit's region_level" or "requested donors");
        - ``method``, ``cov_type``, ``adjust``, ``conf_level``, ``indicator``, ``phase_scheme``,
          ``phase_rule``; ``scale``: "level" or "log", as passed.

    Raises
    ------
    ParameterError
        Unknown columns or options, several indicators, unknown or incomplete treated units, a
        requested donor that is unknown (named, with near matches) or lacks periods, fewer than 3
        units in all (treated and donors), both ``donors`` and ``controls``.

    Warns
    -----
    UserWarning
        With two or fewer treated units: cluster-robust errors rest on too few treated clusters
        and are unreliable; read ``p_permutation``. Also for dropped rows and units (counts).

    Notes
    -----
    Model: ``y ~ treated_during + treated_after + C(unit) + C(period)`` on the balanced panel,
    where ``treated_during`` is 1 for treated units in "during" periods (half-open phases from
    :mod:`cosie_analysis.phases`). The event study replaces the two terms by one indicator per
    period relative to the reference period. Permutation estimates use the within (double
    demeaning) form of the same model, exact on a balanced panel; the smallest achievable
    ``p_permutation`` is 1 / (number of assignments). The treatment is permuted over the treated
    units and their pool, so the pool also sets the reference distribution: the default compares a
    suburb with suburbs, not with Amsterdam or Schiermonnikoog (see ``validation/README.md`` for
    the placebo-in-space distribution of both pools on the real data).

    Examples
    --------
    Synthetic data: 6 units, yearly 2015-2023, unit SY01 6% higher from 2020 on.

    >>> import numpy as np, pandas as pd
    >>> import cosie_analysis as ca
    >>> rng = np.random.default_rng(0)
    >>> years = np.arange(2015, 2024)
    >>> synthetic = pd.DataFrame([{"region_code": f"SY{u:02d}", "period": f"{y}JJ00",
    ...                            "value": (50 + u + 0.5 * (y - 2015) + rng.normal(0, 0.3))
    ...                                     * (1.06 if u == 1 and y >= 2020 else 1.0)}
    ...                           for u in range(1, 7) for y in years])
    >>> import warnings
    >>> with warnings.catch_warnings():  # one treated unit: the few-clusters warning
    ...     warnings.simplefilter("ignore")
    ...     res = ca.diff_in_diff(synthetic, treated="SY01", indicator=None)
    >>> res.summary().query("term == 'post'")[["estimate", "relative_effect", "p_permutation"]].round(2)
       estimate  relative_effect  p_permutation
    2      0.06             0.06           0.17

    On logs (the default) ``estimate`` is in log points and ``relative_effect`` is ``exp - 1``; with
    six units the permutation p cannot go below 1/6.
    """
    if controls is not None:
        if donors is not None:
            raise ParameterError("Pass the comparison units as `donors` only; got both `donors` and `controls`.")
        warnings.warn("`controls=` is now called `donors=`; the old name will be removed in the next release.",
                      DeprecationWarning, stacklevel=2)
        donors = controls
    treated_l = to_list(treated, "treated")
    if not treated_l:
        raise ParameterError("`treated` must name at least one unit; got an empty value.")
    if cov_type == "nonrobust":
        warnings.warn("cov_type='nonrobust' is now called cov_type='model' (model-based errors); the old name will be "
                      "removed in the next release.", DeprecationWarning, stacklevel=2)
        cov_type = "model"
    check_choice("cov_type", cov_type, ["cluster", "model"])
    check_choice("adjust", adjust, ADJUST_METHODS)
    check_choice("scale", scale, SCALES)
    conf_level = check_conf_level(conf_level)
    if not isinstance(n_permutations, (int, np.integer)) or n_permutations < 1:
        raise ParameterError(f"`n_permutations` must be a positive integer; got {n_permutations!r}.")
    check_data(data, {"value": value, "period": period, "unit": unit}, function="diff_in_diff")
    panel = panel_of(data, value=value, period=period, unit=unit, indicator=indicator, scheme=scheme, rule=rule,
                     treated=treated_l, function="diff_in_diff")
    pools, rules, pool_frame = resolve_donors(data, treated_l, donors, value=value, period=period, unit=unit,
                                              function="diff_in_diff")
    chosen = {u for p in pools.values() for u in p}  # several treated units: the union of their pools
    pool = [u for u in panel.wide.index if u in chosen and u not in treated_l]
    rule_used = " | ".join(dict.fromkeys(rules[t] for t in treated_l))
    check_did_units(len(treated_l), len(pool), rule_used, "diff_in_diff")
    W = panel.wide.loc[treated_l + pool]
    check_scale(W, W.index, scale, "diff_in_diff")
    if len(treated_l) <= FEW_TREATED:
        warnings.warn(
            f"diff_in_diff(): only {len(treated_l)} treated unit(s); cluster-robust standard errors are unreliable "
            "with so few treated clusters (they understate the uncertainty). Read the permutation p-value "
            "(column p_permutation) reported beside them.", UserWarning, stacklevel=2)
    long, formulas, ev_terms, ref = _did_design(W, panel, treated_l, reference, scale)
    models = _did_fit(long, formulas, cov_type)
    sets, exact = assignments(len(W), len(treated_l), n_permutations, seed)
    periods = list(W.columns)
    masks = {"during": (panel.phase.reindex(periods) == "during").to_numpy(),
             "after": (panel.phase.reindex(periods) == "after").to_numpy(),
             "post": (panel.phase.reindex(periods) != "before").to_numpy()}
    Y = W.to_numpy(float)
    perm = perm_estimates(np.log(Y) if scale == "log" else Y, sets, masks)
    table = _did_table(models, perm, ev_terms, ref, panel, periods, conf_level, adjust, long, scale)
    table["n_permutations"], table["permutation_exact"] = len(sets), exact
    table["n"], table["n_treated"], table["n_donors"] = len(long), len(treated_l), len(pool)
    table["pool_rule"] = rule_used
    table["method"] = np.where(table["design"] == "twfe", "did_twfe", "did_event_study")
    table["cov_type"], table["adjust"], table["conf_level"] = cov_type, adjust, conf_level
    table["indicator"], table["scale"] = panel.indicator, scale
    table["phase_scheme"], table["phase_rule"] = panel.scheme_name, panel.rule_name
    permutations = pd.DataFrame([{"assignment": i, "term": k, "estimate": v}
                                 for k, vals in perm.items() for i, v in enumerate(vals)])
    return DiDResult(table=table[DID_COLUMNS], phase_scheme=panel.scheme_name, phase_rule=panel.rule_name,
                     conf_level=conf_level, method="diff_in_diff", models=models, formulas=formulas, design=long,
                     permutations=permutations, treated=tuple(treated_l), scheme=scheme, pools=pool_frame)


#: The columns of a DiD table, in order.
DID_COLUMNS = ["design", "term", "phase", "relative_period", "period", "estimate", "std_err", "ci_lower", "ci_upper",
               "relative_effect", "p_value", "p_adjusted", "p_permutation", "n_permutations", "permutation_exact", "n",
               "n_treated", "n_donors", "pool_rule", "method", "cov_type", "adjust", "conf_level", "indicator",
               "phase_scheme", "phase_rule", "scale"]
