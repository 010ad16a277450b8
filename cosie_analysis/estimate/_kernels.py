"""The computational kernels of the estimators, each written once and shared by every caller.

``phase_summary`` and ``batch_phase_summary`` call :func:`welch`; ``interrupted_time_series``,
``placebo_in_time`` and ``batch_its`` call the fits (:func:`fit_gaussian`, :func:`fit_glsar`,
:func:`fit_poisson`) on a design matrix shared by a group of series, and every ITS table -- also for
a model fitted by statsmodels one series at a time -- comes from :func:`its_rows`, the one
delta-method computation of the effects. All work on stacked arrays: ``S`` series at once, ``S = 1``
for one series.

The fits are the algorithms statsmodels runs (same start values, convergence rules and covariance
formulas), so estimates and errors agree with statsmodels to rounding (``tests/test_batch.py``
checks 1e-8).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "WELCH_COLUMNS",
    "assignments",
    "coef_terms",
    "design_matrix",
    "fit_gaussian",
    "fit_glsar",
    "fit_poisson",
    "hac_meat",
    "its_rows",
    "perm_estimates",
    "welch",
    "z_or_t",
]


def z_or_t(conf_level: float, df: float | None = None) -> float:
    """The two-sided critical value at ``conf_level``: normal when ``df`` is None or infinite, else t.

    scipy.special's ``ndtri``/``stdtrit`` are what ``stats.norm.ppf``/``stats.t.ppf`` compute,
    without their argument handling (which costs more than the arithmetic here).
    """
    from scipy import special

    q = 1 - (1 - conf_level) / 2
    if df is None or not np.isfinite(df):
        return float(special.ndtri(q))
    return float(special.stdtrit(df, q))


WELCH_COLUMNS = ["estimate", "std_err", "ci_lower", "ci_upper", "relative_change", "relative_std_err",
                 "relative_ci_lower", "relative_ci_upper", "statistic", "df", "p_value"]


def welch(n1, m1, s1, n0, m0, s0, conf_level: float, compare) -> dict[str, np.ndarray]:
    """Welch comparisons of phase means against the "before" mean, for many rows at once.

    ``n1, m1, s1`` (count, mean, sd with ddof=1) describe the compared phase, ``n0, m0, s0`` the
    "before" phase of the same series; ``compare`` marks the rows to compare (False: all NaN).
    Returns the columns of :data:`WELCH_COLUMNS`: the difference of means with its Welch standard
    error, t interval, statistic, Welch-Satterthwaite df and two-sided p-value, and the relative
    change ``m1 / m0 - 1`` with a delta-method standard error and Fieller's interval (same df,
    :func:`_fieller`). With fewer than 2 observations on a side only the two point estimates are given.
    """
    from scipy import stats

    n1, m1, s1, n0, m0, s0 = (np.asarray(a, dtype=float) for a in (n1, m1, s1, n0, m0, s0))
    compare = np.asarray(compare, dtype=bool) & np.isfinite(n0)
    nan = np.full(len(n1), np.nan)
    out = {c: nan.copy() for c in WELCH_COLUMNS}
    with np.errstate(divide="ignore", invalid="ignore"):
        few = compare & ((n1 < 2) | (n0 < 2)) & (n1 >= 1) & (n0 >= 1)
        out["estimate"][few] = (m1 - m0)[few]
        out["relative_change"][few] = np.where(m0 != 0, m1 / m0 - 1, np.nan)[few]
        ok = compare & (n1 >= 2) & (n0 >= 2)
        v1, v0 = s1**2 / n1, s0**2 / n0
        se = np.sqrt(v1 + v0)
        dfw = np.where(se > 0, (v1 + v0) ** 2 / (v1**2 / (n1 - 1) + v0**2 / (n0 - 1)), np.inf)
        q = stats.t.ppf(0.5 + conf_level / 2, np.where(ok, dfw, 1.0))
        est = m1 - m0
        out["estimate"][ok], out["std_err"][ok], out["df"][ok] = est[ok], se[ok], dfw[ok]
        out["ci_lower"][ok], out["ci_upper"][ok] = (est - q * se)[ok], (est + q * se)[ok]
        pos = ok & (se > 0)
        stat = est / se
        out["statistic"][pos] = stat[pos]
        out["p_value"][pos] = 2 * stats.t.sf(np.abs(stat[pos]), dfw[pos])
        rel = ok & (m0 != 0)
        r = m1 / m0
        rse = np.where(m1 != 0, np.abs(r) * np.sqrt(v1 / m1**2 + v0 / m0**2), np.sqrt(v1) / np.abs(m0))
        out["relative_change"][rel] = (r - 1)[rel]
        out["relative_std_err"][rel] = rse[rel]
        lo, hi = _fieller(m1, v1, m0, v0, q)
        out["relative_ci_lower"][rel], out["relative_ci_upper"][rel] = (lo - 1)[rel], (hi - 1)[rel]
    return out


def _fieller(m1, v1, m0, v0, q):
    """Fieller's interval for the ratio ``m1 / m0`` of two independent means: the ratios ``rho`` for
    which ``|m1 - rho * m0| <= q * sqrt(v1 + rho**2 * v0)``. At ``rho = 1`` that is the Welch test of
    the difference, so the relative interval excludes 0 exactly when the absolute one does (a
    delta-method interval can disagree). NaN where ``m0`` is not clearly away from zero
    (``m0**2 <= q**2 * v0``: the set is unbounded). A ratio of non-negative means is cut at 0."""
    a = m0**2 - q**2 * v0
    root = np.sqrt(np.maximum(m1**2 * m0**2 - a * (m1**2 - q**2 * v1), 0.0))
    bounded = a > 0
    den = np.where(bounded, a, 1.0)
    lo = np.where(bounded, (m1 * m0 - root) / den, np.nan)
    hi = np.where(bounded, (m1 * m0 + root) / den, np.nan)
    non_negative = (m1 >= 0) & (m0 > 0)
    return np.where(non_negative, np.maximum(lo, 0.0), lo), hi


# ------------------------------------------------------------------------------------- ITS fits
def hac_meat(U: np.ndarray, lags: int) -> np.ndarray:
    """Newey-West meat with Bartlett weights; U is (S, n, k) scores; returns (S, k, k)."""
    M = np.einsum("snk,snj->skj", U, U)
    for lag in range(1, lags + 1):
        G = np.einsum("snk,snj->skj", U[:, lag:], U[:, :-lag])
        M += (1 - lag / (lags + 1)) * (G + G.transpose(0, 2, 1))
    return M


def fit_gaussian(X, Y, cov_type, lags):
    """OLS (or GLSAR AR(1)) of every column of Y (n, S) on X; returns params (S, k), cov (S, k, k), df."""
    n, _k = X.shape
    rank = np.linalg.matrix_rank(X)
    if cov_type == "ar1":
        return fit_glsar(X, Y, rank)
    P = np.linalg.pinv(X)  # statsmodels OLS: params = pinv(X) y
    B = (P @ Y).T
    E = Y.T - B @ X.T  # (S, n)
    df = n - rank
    NC = P @ P.T
    if cov_type == "model":
        V = ((E**2).sum(1) / df)[:, None, None] * NC[None]
    elif cov_type == "hc1":
        V = np.einsum("kn,sn,jn->skj", P, E**2 * (n / df), P)
    else:  # hac: scores X e, bread (X'X)^-1, no small-sample correction (statsmodels default)
        V = NC[None] @ hac_meat(X[None] * E[:, :, None], lags) @ NC.T[None]
    return B, V, float(df)


def fit_glsar(X, Y, rank, maxiter=50, rtol=1e-4):
    """statsmodels ``GLSAR(rho=1).iterative_fit(maxiter=50)`` for every column of Y at once."""
    n, _k = X.shape
    y = Y.T
    S = y.shape[0]
    rho = np.zeros(S)

    def fit(idx):
        r = rho[idx][:, None, None]
        Xw = X[None, 1:] - r * X[None, :-1]
        yw = y[idx, 1:] - rho[idx][:, None] * y[idx, :-1]
        Pw = np.linalg.pinv(Xw)
        b = np.einsum("skn,sn->sk", Pw, yw)
        return b, Pw, yw, Xw

    active = np.arange(S)
    last = None
    for i in range(maxiter - 1):
        if len(active) == 0:
            break
        b, *_ = fit(active)
        if i > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                diff = np.max(np.abs(last - b) / np.abs(last), axis=1)
            done = diff < rtol  # converged: rho stays, the final fit repeats this one
            active, b = active[~done], b[~done]
        last = b
        resid = y[active] - b @ X.T
        x = resid - resid.mean(axis=1, keepdims=True)  # Yule-Walker, order 1, "adjusted"
        r0, r1 = (x**2).sum(1) / n, (x[:, :-1] * x[:, 1:]).sum(1) / (n - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rho[active] = np.where(r0 == 0, 0.0, r1 / r0)  # statsmodels: pinv of a singular [[0]] -> 0
    b, Pw, yw, Xw = fit(np.arange(S))
    wres = yw - np.einsum("smk,sk->sm", Xw, b)
    df = (n - 1) - rank
    V = ((wres**2).sum(1) / df)[:, None, None] * (Pw @ Pw.transpose(0, 2, 1))
    return b, V, float(df)


def fit_poisson(X, Y, Off, cov_type, lags, maxiter=100, atol=1e-8):
    """statsmodels GLM(Poisson).fit() by IRLS for every column of Y at once (per-series convergence)."""
    eps = np.finfo(float).eps
    n, _k = X.shape
    y, off = Y.T, Off.T
    S = y.shape[0]
    df = n - np.linalg.matrix_rank(X)
    x2 = cov_type == "model"  # quasi-Poisson: Pearson chi-square scale, as fit(scale="X2")

    def scale_of(yy, mu):
        return ((yy - mu) ** 2 / mu).sum(1) / df if x2 else np.ones(len(yy))

    def deviance(yy, mu, sc):
        return (2 * (yy * np.log(np.clip(yy / mu, eps, np.inf)) - (yy - mu))).sum(1) / sc

    mu = (y + y.mean(axis=1, keepdims=True)) / 2.0
    lin = np.log(mu)
    scale = scale_of(y, mu)
    dev = deviance(y, mu, scale)
    W, Z = np.empty_like(y), np.empty_like(y)
    active = np.arange(S)
    for _ in range(maxiter):
        a = active
        w = 1.0 / ((1.0 / mu[a]) ** 2 * mu[a])  # family.weights: 1 / (g'(mu)^2 V(mu))
        z = lin[a] + (1.0 / mu[a]) * (y[a] - mu[a]) - off[a]
        sw = np.sqrt(w)
        b = np.einsum("skn,sn->sk", np.linalg.pinv(sw[:, :, None] * X[None]), sw * z)
        lin[a] = b @ X.T + off[a]
        mu[a] = np.exp(lin[a])
        dnew = deviance(y[a], mu[a], scale[a])
        scale[a] = scale_of(y[a], mu[a])
        W[a], Z[a] = w, z
        done = np.abs(dev[a] - dnew) <= atol
        dev[a] = dnew
        active = a[~done]
        if len(active) == 0:
            break
    sw = np.sqrt(W)
    Pw = np.linalg.pinv(sw[:, :, None] * X[None])  # the final WLS refit with pinv
    B = np.einsum("skn,sn->sk", Pw, sw * Z)
    if cov_type == "model":
        return B, scale[:, None, None] * (Pw @ Pw.transpose(0, 2, 1)), float(df)
    mu_b = np.exp(B @ X.T + off)  # robust: scores and Hessian at the estimates (scale 1)
    Hinv = np.linalg.inv(np.einsum("nk,sn,nj->skj", X, mu_b, X))
    U = X[None] * (y - mu_b)[:, :, None]
    meat = hac_meat(U, lags if cov_type == "hac" else 0)
    return B, Hinv @ meat @ Hinv.transpose(0, 2, 1), None


def _two_sided(z, df):
    """Two-sided p-value of ``z``: t with ``df`` degrees of freedom, normal when ``df`` is None or 0
    (``special.stdtr(df, -|z|)`` and ``special.ndtr(-|z|)`` are ``stats.t.sf`` and ``stats.norm.sf``)."""
    from scipy import special

    with np.errstate(invalid="ignore"):
        return 2 * (special.stdtr(df, -np.abs(z)) if df else special.ndtr(-np.abs(z)))


def coef_terms(breaks, trend: str) -> list[tuple[str, str, str]]:
    """``(term, design column, phase)`` of the reported coefficients, in table order."""
    kinds = ("level", "slope") if trend == "segmented" else ("level",)
    return [("pre_trend", "time", "before")] + [(f"{k}_change", f"{k}_{b}", b) for b in breaks for k in kinds]


def its_rows(X, names, labels, breaks, trend, B, V, off, family, df_resid, conf_level):
    """The ITS table of ``S`` series sharing the design ``X``: coefficients and effects, and the curves.

    ``B`` (S, k) and ``V`` (S, k, k) are the estimates and their covariance, ``off`` (S, n) the
    offsets, ``labels`` the phase label of each row of ``X``. The counterfactual sets every
    ``level_*``/``slope_*`` column to zero; the average, cumulative and relative effects per phase
    and the counterfactual interval come from the delta method on the mean (Gaussian) or the linear
    predictor (counts). Returns ``(rows, meta, curves)``: arrays (S, R) of estimate, std_err,
    ci_lower, ci_upper, p_value; per-row term, phase, n_phase, scale; arrays (S, n) of the curves.
    """
    q = z_or_t(conf_level, df_resid)
    se_b = np.sqrt(np.einsum("skk->sk", V))
    labels = np.asarray(labels)
    est, se, lo, hi, pv, term, phase, nph, scale = [], [], [], [], [], [], [], [], []

    def add(e, s, low, high, p, t, ph, sc):
        est.append(e), se.append(s), lo.append(low), hi.append(high), pv.append(p)
        term.append(t), phase.append(ph), nph.append(int((labels == ph).sum())), scale.append(sc)

    coef_scale = "log" if family != "gaussian" else "response"
    for t, col, ph in coef_terms(breaks, trend):
        j = names.index(col)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = _two_sided(B[:, j] / se_b[:, j], df_resid)
        add(B[:, j], se_b[:, j], B[:, j] - q * se_b[:, j], B[:, j] + q * se_b[:, j], p, t, ph, coef_scale)
    # effects by the delta method (its._effects, vectorised over series)
    Xcf = X.copy()
    for j, nm in enumerate(names):
        if nm.startswith(("level_", "slope_")):
            Xcf[:, j] = 0.0
    eta, eta_cf = B @ X.T, B @ Xcf.T
    se_cf = np.sqrt(np.einsum("nk,skj,nj->sn", Xcf, V, Xcf))
    if family == "gaussian":
        mu, mu_cf = eta, eta_cf
        cf_lo, cf_hi = eta_cf - q * se_cf, eta_cf + q * se_cf
        G, Gcf = np.broadcast_to(X, (len(B),) + X.shape), np.broadcast_to(Xcf, (len(B),) + X.shape)
    else:
        mu, mu_cf = np.exp(eta + off), np.exp(eta_cf + off)
        cf_lo, cf_hi = np.exp(eta_cf + off - q * se_cf), np.exp(eta_cf + off + q * se_cf)
        G, Gcf = mu[:, :, None] * X[None], mu_cf[:, :, None] * Xcf[None]

    def se_of(grad):
        return np.sqrt(np.einsum("sk,skj,sj->s", grad, V, grad))

    def p_of(e, s):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(s > 0, _two_sided(e / s, df_resid), np.nan)

    for ph in breaks:
        m = labels == ph
        n_ph = int(m.sum())
        if n_ph == 0:
            continue
        for t, w in (("average_effect", 1 / n_ph), ("cumulative_effect", 1.0)):
            grad = w * (G[:, m] - Gcf[:, m]).sum(axis=1)
            e = w * (mu[:, m] - mu_cf[:, m]).sum(axis=1)
            s = se_of(grad)
            add(e, s, e - q * s, e + q * s, p_of(e, s), t, ph, "response")
        s_mu, s_cf = mu[:, m].sum(1), mu_cf[:, m].sum(1)
        if family == "gaussian":
            e = s_mu / s_cf - 1
            grad = G[:, m].sum(axis=1) / s_cf[:, None] - (s_mu / s_cf**2)[:, None] * Gcf[:, m].sum(axis=1)
            s = se_of(grad)
            low, high, p = e - q * s, e + q * s, p_of(e, s)
        else:
            lr = np.log(s_mu) - np.log(s_cf)
            grad = G[:, m].sum(axis=1) / s_mu[:, None] - Gcf[:, m].sum(axis=1) / s_cf[:, None]
            lse = se_of(grad)
            e, s = np.expm1(lr), np.exp(lr) * lse
            low, high, p = np.expm1(lr - q * lse), np.expm1(lr + q * lse), p_of(lr, lse)
        add(e, s, low, high, p, "relative_effect", ph, "relative")
    rows = {"estimate": np.stack(est, 1), "std_err": np.stack(se, 1), "ci_lower": np.stack(lo, 1),
                "ci_upper": np.stack(hi, 1), "p_value": np.stack(pv, 1)}
    meta = {"term": term, "phase": phase, "n_phase": nph, "scale": scale}
    curves = {"fitted": mu, "counterfactual": mu_cf, "counterfactual_lower": cf_lo, "counterfactual_upper": cf_hi}
    return rows, meta, curves


def design_matrix(d, breaks, season, trend: str) -> tuple[np.ndarray, list[str], str]:
    """X in the column order of the statsmodels formula fit (Intercept, season dummies, time, breaks).

    ``d``: the design columns (a frame, or the arrays of ``series_design``)."""
    terms = [col for _, col, _ in coef_terms(breaks, trend)]
    formula = "y ~ " + " + ".join(terms) + (" + C(season)" if season else "")
    cols, names = [np.ones(len(d["y"]))], ["Intercept"]
    if season:
        s = np.asarray(d["season"])
        for lev in np.unique(s)[1:]:
            cols.append((s == lev).astype(float))
            names.append(f"C(season)[T.{lev}]")
    for t in terms:
        cols.append(np.asarray(d[t], dtype=float))
        names.append(t)
    return np.column_stack(cols), names, formula


# ------------------------------------------------------------------- DiD permutation inference
def assignments(N: int, n_t: int, n_permutations: int, seed: int) -> tuple[list, bool]:
    """Every assignment of the treatment to ``n_t`` of ``N`` units when they are few, else a seeded draw."""
    import itertools
    from math import comb

    actual = tuple(range(n_t))
    if comb(N, n_t) <= n_permutations:
        return list(itertools.combinations(range(N), n_t)), True
    rng = np.random.default_rng(seed)
    return [actual] + [tuple(sorted(rng.choice(N, n_t, replace=False))) for _ in range(n_permutations)], False


def perm_estimates(Y: np.ndarray, sets: list[tuple[int, ...]], phase_masks: dict[str, np.ndarray]) -> dict:
    """TWFE coefficients for many treatment assignments on a balanced panel, by double demeaning.

    On a balanced panel the treatment regressor ``a_i * b_t`` demeans to ``(a_i - mean a)(b_t - mean b)``,
    so each assignment needs only a small least-squares problem.
    """
    N, _T = Y.shape
    Yd = Y - Y.mean(axis=1, keepdims=True) - Y.mean(axis=0, keepdims=True) + Y.mean()
    out: dict[str, list[float]] = {k: [] for k in ("during", "after", "post")}
    b = {k: (m.astype(float) - m.mean()) for k, m in phase_masks.items()}
    for S in sets:
        a = np.zeros(N)
        a[list(S)] = 1.0
        ad = a - a.mean()
        cols = [k for k in ("during", "after") if phase_masks[k].any()]
        X = np.column_stack([np.outer(ad, b[k]).ravel() for k in cols])
        coef = np.linalg.lstsq(X, Yd.ravel(), rcond=None)[0]
        for k in ("during", "after"):
            out[k].append(float(coef[cols.index(k)]) if k in cols else np.nan)
        xp = np.outer(ad, b["post"]).ravel()
        out["post"].append(float(xp @ Yd.ravel() / (xp @ xp)))
    return out
