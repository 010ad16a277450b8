"""Synthetic difference-in-differences (Arkhangelsky et al. 2021) for one treated unit at a time.

Same signature and result schema as :func:`~cosie_analysis.estimate.synth.synthetic_control`;
standard errors from placebo replications over the donors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    SCALES,
    adjust_within,
    check_conf_level,
    check_data,
    check_scale,
    panel_of,
    region_names,
    to_list,
)
from cosie_analysis.estimate._donors import resolve_donors
from cosie_analysis.estimate._kernels import z_or_t
from cosie_analysis.estimate._scfit import phase_masks
from cosie_analysis.estimate.synth import (
    SC_COLUMNS,
    SyntheticControlResult,
    _gap_frame,
    _rmspe,
    _sc_weights,
    check_phases,
)

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["simplex_ridge", "synthetic_did"]


def simplex_ridge(A: np.ndarray, b: np.ndarray, penalty: float) -> np.ndarray:
    """``argmin_w ||A w - b||^2 + penalty ||w||^2`` over the simplex (``w >= 0``, ``sum(w) = 1``).

    Solved through its dual, a smooth concave problem in ``len(b) + 1`` variables (so hundreds of
    weights cost little), with scipy's exact trust-region Newton method; the weights are
    ``max(0, nu - A'y) / penalty`` at the dual optimum. A penalty that is tiny against the scale
    of ``A`` makes the dual ill-conditioned; then, and for up to 150 weights (where it is faster),
    the primal is solved by NNLS on the system augmented with ``sqrt(penalty) I`` (the same
    objective).
    """
    from scipy.optimize import minimize

    A = np.asarray(A, float)
    b = np.asarray(b, float)
    m, n = A.shape
    scale = max(float(np.abs(A).max()), float(np.abs(b).max()), 1e-12) ** 2
    if penalty <= 1e-8 * scale * max(m, 1) or n <= max(m + 1, 150):  # NNLS is faster up to ~150 weights
        return _sc_weights(np.concatenate([b, np.zeros(n)]), np.vstack([A, np.sqrt(max(penalty, 0.0)) * np.eye(n)]))
    c = float(penalty)  # the dual below is for 1/2 ||Aw - b||^2 + c/2 ||w||^2, the same minimiser

    def parts(x):
        y, nu = x[:m], x[m]
        s = nu - A.T @ y
        return y, nu, np.maximum(s, 0.0) / c, s > 0

    def f(x):  # minus the dual objective
        y, nu, w, _ = parts(x)
        return 0.5 * y @ y + y @ b - nu + 0.5 * c * (w @ w)

    def jac(x):
        y, _, w, _ = parts(x)
        return np.concatenate([y + b - A @ w, [w.sum() - 1.0]])

    def hess(x):
        _, _, _, on = parts(x)
        As = A[:, on]
        H = np.zeros((m + 1, m + 1))
        H[:m, :m] = np.eye(m) + As @ As.T / c
        H[:m, m] = H[m, :m] = -As.sum(axis=1) / c
        H[m, m] = on.sum() / c
        return H

    x0 = np.concatenate([np.zeros(m), [c / n]])  # start: equal weights
    res = minimize(f, x0, jac=jac, hess=hess, method="trust-exact", options={"gtol": 1e-12, "maxiter": 500})
    w = parts(res.x)[2]
    s = w.sum()
    return w / s if s > 0 else np.full(n, 1 / n)


def _sdid_fit(
    y1: np.ndarray,
    Y0: np.ndarray,
    pre: np.ndarray,
    post: np.ndarray,
    zeta_omega: float,
    zeta_lambda: float,
    scale: str = "level",
):
    """Unit and time weights, the estimate and the counterfactual path of one treated series.

    ``Y0`` is periods x donors. Intercepts as in Arkhangelsky et al.: unit weights fit the treated
    pre-period path up to a constant, time weights fit the donors' post-period mean up to a constant.
    With ``scale="log"`` all of this is done on ``log(value)`` (parallel trends in proportions) and
    the counterfactual is ``exp`` of the log path; ``tau`` is always the mean gap in outcome units.
    """
    if scale == "log":
        y1, Y0 = np.log(y1), np.log(Y0)
    T0, N0 = int(pre.sum()), Y0.shape[1]
    X = Y0[pre]  # T0 x N0
    A = X - X.mean(axis=0)
    b = y1[pre] - y1[pre].mean()
    omega = simplex_ridge(A, b, zeta_omega**2 * T0)
    L = X.T - X.T.mean(axis=0)  # N0 x T0, each period centred over the donors
    target = Y0[post].mean(axis=0)
    lam = simplex_ridge(L, target - target.mean(), zeta_lambda**2 * N0)
    sc = Y0 @ omega
    shift = lam @ (y1[pre] - sc[pre])
    synth = sc + shift
    if scale == "log":
        y1, synth = np.exp(y1), np.exp(synth)
    tau = float((y1[post] - synth[post]).mean())
    return omega, lam, synth, tau


def _noise(Y0: np.ndarray, pre: np.ndarray) -> float:
    """The noise level of Arkhangelsky et al.: sd of the donors' first differences before treatment."""
    d = np.diff(Y0[pre], axis=0)
    return float(np.std(d, ddof=1)) if d.size > 1 else 0.0


def _test_stat(y: np.ndarray, synth: np.ndarray, m: np.ndarray, scale: str) -> float:
    """What the placebos are compared on: the mean gap in outcome units on ``scale="level"``; on
    ``scale="log"`` the log ratio of observed to counterfactual over the phase, which is comparable
    between units at different levels (a gap of 0.5 per 1,000 is large for a town at 1 and small for
    one at 5; a log ratio of 0.2 is the same 22% for both)."""
    if scale == "log":
        return float(np.log(y[m].sum() / synth[m].sum()))
    return float((y[m] - synth[m]).mean())


def _sdid_phase(y1, Y0, pool, pre, m, sigma, z, leave_one_out, scale):
    """One phase of one treated unit: the estimate, its placebo standard error and normal interval,
    the placebo rank, leave-one-donor-out; returns the summary values, weights, path and LOO rows."""
    from scipy import stats

    zo, zl = (int(m.sum())) ** 0.25 * sigma, 1e-6 * sigma
    omega, lam, synth, tau = _sdid_fit(y1, Y0, pre, m, zo, zl, scale)
    placebo = np.array([
        _test_stat(Y0[:, j], _sdid_fit(Y0[:, j], np.delete(Y0, j, axis=1), pre, m, zo, zl, scale)[2], m, scale)
        for j in range(len(pool))
    ])
    stat = _test_stat(y1, synth, m, scale)
    se_stat = float(np.sqrt(np.mean((placebo - placebo.mean()) ** 2)))
    if scale == "log":  # the interval on the log ratio, back in outcome units (delta method for std_err)
        se = se_stat * float(y1[m].mean())
        ci = tuple(float(synth[m].mean() * np.expm1(stat + k * z * se_stat)) for k in (-1, 1))
    else:
        se, ci = se_stat, (tau - z * se_stat, tau + z * se_stat)
    loo = [
        (d, float(x), _sdid_fit(y1, np.delete(Y0, j, axis=1), pre, m, zo, zl, scale)[3])
        for j, (d, x) in enumerate(zip(pool, omega, strict=True))
        if x > 0.01 and leave_one_out
    ]
    rank = 1 + int((np.abs(placebo) >= abs(stat)).sum())
    gap = y1 - synth
    n_units = len(pool) + 1
    values = dict(
        estimate=tau,
        relative_effect=float(gap[m].sum() / synth[m].sum()),
        std_err=se,
        ci_lower=ci[0],
        ci_upper=ci[1],
        rmspe_pre=_rmspe(gap[pre]),
        rmspe_pre_cv=np.nan,
        rmspe_post=_rmspe(gap[m]),
        rmspe_ratio=np.nan,
        rank=rank,
        n_units=n_units,
        p_value=float(2 * stats.norm.sf(abs(stat) / se_stat)) if se_stat > 0 else np.nan,
        p_min=1 / n_units,
        test_note="",
        fit_ratio_max=np.nan,
        n_comparable=n_units,
        rank_post=rank,
        p_post=rank / n_units,
        loo_min=min((e for *_, e in loo), default=np.nan),
        loo_max=max((e for *_, e in loo), default=np.nan),
        n=int(m.sum()),
        n_pre=int(pre.sum()),
        n_donors=len(pool),
        n_donors_used=int((omega > 1e-6).sum()),
    )
    return values, omega, lam, synth, loo


# Long: input checks, one loop over treated units and phases, and the result object in one piece.
def synthetic_did(
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
    adjust: str = "holm",
    conf_level: float = 0.95,
    phases: Sequence[str] = ("during", "after", "post"),
    leave_one_out: bool = True,
    scale: str = "log",
) -> SyntheticControlResult:
    """Synthetic difference-in-differences for one treated unit (or several, each on its own).

    Parameters
    ----------
    data, treated, donors, value, period, unit, indicator, scheme, rule, adjust, phases, leave_one_out
        As in :func:`~cosie_analysis.estimate.synth.synthetic_control` (the same default pool).
    conf_level : float, default 0.95
        Level of the normal interval ``estimate +- z * std_err``.
    scale : {"log", "level"}, default "log"
        The scale on which trends are assumed parallel. "log": proportional; weights, intercept
        shift and regularisation are fitted on ``log(value)`` and the counterfactual is ``exp`` of
        that path, so a common decline of 50% halves the treated unit's counterfactual instead of
        subtracting the donors' absolute drop. Fits rates that fall or rise by a common factor
        across units at different levels; needs every value of the treated unit and its donors > 0
        (else ParameterError naming the unit and period). "level": additive (the donors' change in
        outcome units carries over, as in Arkhangelsky et al.). The default is "log": with every
        municipality treated in turn (no effect anywhere), the "post" relative effects spread
        -48% to +371% (5th to 95th percentile) on levels and -31% to +59% on logs
        (``validation/README.md``). Either way ``estimate``,
        ``relative_effect`` and the gaps are in outcome units; on "log" the placebos are compared on
        the log ratio of observed to counterfactual (see ``std_err``), so that donors at other
        levels are comparable.

    Returns
    -------
    SyntheticControlResult
        ``method`` "synthetic_did"; ``summary()`` has the columns of ``synthetic_control``, with:

        - ``estimate``: the SDID effect, averaged over the phase's periods, in outcome units (the
          mean of observed minus counterfactual, on either ``scale``); ``relative_effect``: the
          sum of those gaps over the sum of the counterfactual;
        - ``std_err``: placebo standard error: every donor in turn is the treated unit, fitted from
          the other donors with the same regularisation, and ``std_err`` is the root mean square
          deviation of those placebo estimates (Arkhangelsky et al. 2021, Algorithm 4, with every
          donor once instead of random draws, so the result is exact and reproducible). With
          ``scale="log"`` the placebo estimates are log ratios ``log(sum observed / sum
          counterfactual)`` over the phase, and ``std_err`` is their spread times the treated
          unit's mean observed value (delta method, outcome units);
        - ``ci_lower``, ``ci_upper``, ``conf_level``: the normal interval (with ``scale="log"``
          computed on the log ratio and mapped back, ``mean counterfactual * (exp(r +- z * se) - 1)``,
          so it is not symmetric); ``p_value``: its two-sided p-value;
        - ``rank``, ``n_units``, ``p_post``: rank of ``|estimate|`` (of ``|log ratio|`` with
          ``scale="log"``) among the placebos' (1 = largest), ``rank / n_units`` is the
          placebo-rank p ``p_post``;
          ``rank_post`` equals ``rank``, ``n_comparable`` equals ``n_units``;
        - ``rmspe_pre``: root mean square of the pre-period gap to the weighted, shifted donors;
          ``rmspe_ratio`` and ``rmspe_pre_cv``: NaN (synthetic control only); ``test_note``: "";
        - ``loo_min``, ``loo_max``: range of the estimate when each donor with weight > 0.01 is
          left out in turn;
        - ``scale``: "level" or "log", as passed.

        ``weights`` holds the unit weights (``treated``, ``donor``, ``weight``) and ``time_weights``
        the time weights (``treated``, ``period``, ``weight``) of the last phase in ``phases``
        ("post" by default); in ``gaps`` the
        counterfactual ``synthetic`` is the donor mix plus the time-weighted pre-period difference
        (with ``scale="log"``: ``exp`` of that sum computed on the logs).

    Notes
    -----
    Regularisation as in the paper: ``zeta_omega = (T_post)^(1/4) * sigma`` for the unit weights
    and ``zeta_lambda = 1e-6 * sigma`` for the time weights, where ``sigma`` is the standard
    deviation of the donors' first differences before treatment (of their logs with
    ``scale="log"``); each phase ("during", "after",
    "post") is its own post-period. The weights solve ridge-penalised least squares on the simplex
    (:func:`simplex_ridge`, scipy). Pre-periods are the "before" phase (half-open intervals).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)  # SYNTHETIC DATA: 12 units, a drop of 3 from 2020
    >>> data = pd.DataFrame([dict(region_code=f"SY{u:02d}", period=f"{y}JJ00",
    ...                           value=10 + u % 4 + 0.1 * rng.normal() - 3 * (u == 0 and y >= 2020))
    ...                      for u in range(12) for y in range(2012, 2024)])
    >>> res = synthetic_did(data, treated="SY00")
    >>> round(float(res.summary().query("phase == 'post'")["estimate"].iloc[0]))
    -3
    """
    treated_l = to_list(treated, "treated")
    if not treated_l:
        raise ParameterError("`treated` must name at least one unit; got an empty value.")
    check_choice("adjust", adjust, ADJUST_METHODS)
    check_choice("scale", scale, SCALES)
    conf_level = check_conf_level(conf_level)
    wanted = check_phases(phases)
    check_data(data, {"value": value, "period": period, "unit": unit}, function="synthetic_did")
    panel = panel_of(
        data,
        value=value,
        period=period,
        unit=unit,
        indicator=indicator,
        scheme=scheme,
        rule=rule,
        treated=treated_l,
        function="synthetic_did",
    )
    pools, rules, pool_frame = resolve_donors(
        data, treated_l, donors, value=value, period=period, unit=unit, function="synthetic_did"
    )
    W = panel.wide
    Y = W.to_numpy(float)
    row = {u: i for i, u in enumerate(W.index)}
    pre = (panel.phase == "before").to_numpy()
    masks = phase_masks(panel, wanted)
    z = z_or_t(conf_level)
    rows, wrows, loo_rows, parts, pairs, time_w = [], [], [], [], [], []
    for tr in treated_l:
        pool = [u for u in pools[tr] if u in row]
        if len(pool) < 3:
            raise ParameterError(
                f"synthetic_did() needs at least 3 donors with a complete series; found {len(pool)} "
                f"for {tr!r} (pool rule: {rules[tr]})."
            )
        Y0 = Y[[row[d] for d in pool]].T
        y1 = Y[row[tr]]
        check_scale(W, [tr, *pool], scale, "synthetic_did")
        sigma = _noise(np.log(Y0) if scale == "log" else Y0, pre)  # the noise on the scale of the fit
        for ph, m in masks.items():
            row_, omega, lam, synth, loo = _sdid_phase(y1, Y0, pool, pre, m, sigma, z, leave_one_out, scale)
            rows.append(dict(treated=tr, indicator=panel.indicator, phase=ph, pool_rule=rules[tr], **row_))
            loo_rows += [dict(treated=tr, dropped_donor=d, weight=x, phase=ph, estimate=e) for d, x, e in loo]
            if ph == list(masks)[-1]:  # paths and weights of the last phase ("post" by default)
                wrows += [
                    dict(treated=tr, donor=d, weight=float(x)) for d, x in zip(pool, omega, strict=True) if x > 1e-6
                ]
                parts.append((y1, synth, y1 - synth))
                pairs.append((tr, tr))
                time_w.append(pd.DataFrame({"treated": tr, "period": W.columns[pre], "weight": lam}))
    table = pd.DataFrame(rows)
    table["p_adjusted"] = adjust_within(table, "phase", adjust)
    table["adjust"], table["method"], table["conf_level"] = adjust, "synthetic_did", conf_level
    table["phase_scheme"], table["phase_rule"] = panel.scheme_name, panel.rule_name
    table["scale"] = scale
    return SyntheticControlResult(
        table=table[[*SC_COLUMNS, "scale"]],
        phase_scheme=panel.scheme_name,
        phase_rule=panel.rule_name,
        conf_level=conf_level,
        method="synthetic_did",
        unit=unit,
        weights=pd.DataFrame(wrows, columns=["treated", "donor", "weight"]),
        gaps=_gap_frame(pairs, W.columns.to_numpy(), panel, parts),
        placebos=pd.DataFrame(),
        scheme=scheme,
        leave_one_out=pd.DataFrame(loo_rows, columns=["treated", "dropped_donor", "weight", "phase", "estimate"]),
        pools=pool_frame,
        names={t: n for t, n in region_names(data, unit).items() if t in treated_l},
        time_weights=pd.concat(time_w, ignore_index=True),
        formula="SDID: min over unit weights (simplex, ridge zeta_omega) and time weights (simplex, ridge "
        "zeta_lambda), each with an intercept; tau = weighted double difference",
    )
