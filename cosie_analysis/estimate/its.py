"""Interrupted time series with three phases (before, during, after corona) and its placebo check."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import (
    ADJUST_METHODS,
    Result,
    adjust_within,
    as_tuple,
    check_conf_level,
    check_data,
    check_lang,
    drop_missing,
    fmt,
    pct,
    period_index,
    select_one,
    with_phases,
    z_or_t,
)

if TYPE_CHECKING:  # pragma: no cover
    from cosie_analysis.phases import PhaseScheme

__all__ = ["interrupted_time_series", "placebo_in_time", "ITSResult", "hac_lag_rule"]

FAMILIES = ("gaussian", "poisson", "negbin")
COV_TYPES = ("auto", "hac", "hc1", "model", "ar1")


def resolve_cov_type(cov_type: str, family: str, hac_lags: int | None = None) -> str:
    """``"auto"`` -> the covariance whose intervals reach nominal coverage in validation/README.md:
    AR(1)-GLS for Gaussian series, model-based (quasi-likelihood) for counts; HAC when the caller
    set ``hac_lags``."""
    if cov_type != "auto":
        return cov_type
    if hac_lags is not None:
        return "hac"
    return "ar1" if family == "gaussian" else "model"
SEASON_LENGTH = {"month": 12, "quarter": 4, "year": 1}
HAC_RULE = "floor(4*(n/100)^(2/9)) (Newey-West 1994)"


def hac_lag_rule(n: int) -> int:
    """Newey-West (1994) rule of thumb for the HAC truncation lag: ``floor(4 * (n / 100) ** (2 / 9))``."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


@dataclass(frozen=True, repr=False)
class ITSResult(Result):
    """Result of :func:`interrupted_time_series` or :func:`placebo_in_time` (frozen).

    Attributes
    ----------
    by : tuple of str
        Columns identifying a series; keys of ``models``, ``designs`` and ``formulas``.
    models : dict
        Series key (tuple of ``by`` values) -> fitted statsmodels results.
    designs : dict
        Series key -> the design frame the model was fitted on (``y`` is the outcome).
    formulas : dict
        Series key -> the formula.
    scheme : object
        The ``scheme`` argument, passed on to ``draw_phases`` by :meth:`plot`.
    """

    by: tuple[str, ...] = ()
    models: dict = field(default_factory=dict, repr=False)
    designs: dict = field(default_factory=dict, repr=False)
    formulas: dict = field(default_factory=dict, repr=False)
    fitted: pd.DataFrame | None = field(default=None, repr=False)
    scheme: Any = "measures"
    placebo_start: pd.Timestamp | None = None

    @property
    def model(self):
        """The statsmodels results of the only series (use ``models[key]`` when there are several)."""
        return select_one(self.models, None, "model", f"values of {self.by}")

    @property
    def formula(self) -> str:
        """The formula, when every series used the same one (else see ``formulas``)."""
        uniq = set(self.formulas.values())
        if len(uniq) == 1:
            return uniq.pop()
        return select_one(self.formulas, None, "formula", f"values of {self.by}")

    def design(self, series=None) -> pd.DataFrame:
        """The design frame of one series (a copy); ``series`` is a key of ``models``."""
        return select_one(self.designs, series, "design", f"values of {self.by}").copy()

    def plot_data(self) -> pd.DataFrame:
        """The frame behind :meth:`plot`, one row per series x period.

        Columns: the ``by`` columns, ``period``, ``period_start``, ``phase``, ``observed``,
        ``fitted`` (model's expected value), ``counterfactual`` (expected value with the
        interruption terms set to zero), ``counterfactual_lower``, ``counterfactual_upper``
        (its interval at ``conf_level``).
        """
        return self.fitted.copy()

    def plot(self, ax=None, *, series=None, lang: str = "nl"):
        """Observed, fitted and counterfactual (with band) for one series, phases shaded.

        ``series`` picks the series (a key of ``models``) when the result holds several.
        Returns the Axes.
        """
        import matplotlib.pyplot as plt

        check_lang(lang)
        select_one(self.models, series, "plot", f"values of {self.by}")
        d = self.fitted
        if series is not None:
            key = series if isinstance(series, tuple) else (series,)
            mask = np.logical_and.reduce([d[c] == k for c, k in zip(self.by, key)]) if self.by else np.ones(len(d), bool)
            d = d[mask]
        if ax is None:
            _, ax = plt.subplots()
        words = {"nl": ("waargenomen", "model", "zonder corona (contrafeitelijk)"),
                 "en": ("observed", "fitted", "counterfactual (no corona)")}[lang]
        x = pd.to_datetime(d["period_start"]).to_numpy()
        ax.plot(x, d["observed"], marker="o", markersize=2.5, linewidth=0.6, color="0.3", label=words[0])
        ax.plot(x, d["fitted"], color="C0", label=words[1])
        # the counterfactual differs from the fit only from the interruption on: draw it from there
        # (with the last pre-interruption point, so the line joins the fit)
        interrupted = (d["phase"].astype(str) != "before").to_numpy() if self.placebo_start is None else (
            pd.to_datetime(d["period_start"]) >= self.placebo_start).to_numpy()
        start = max(int(np.argmax(interrupted)) - 1, 0) if interrupted.any() else len(d)
        cf = d.iloc[start:]
        xc = x[start:]
        ax.plot(xc, cf["counterfactual"], color="C1", linestyle="--", label=words[2])
        ax.fill_between(xc, cf["counterfactual_lower"], cf["counterfactual_upper"], color="C1", alpha=0.2, linewidth=0)
        if self.placebo_start is not None:
            ax.axvline(self.placebo_start, color="0.4", linestyle=":", label="placebo")
        else:
            from cosie_analysis.plotting import draw_phases

            draw_phases(ax, self.scheme, lang=lang, key_dates=False)
        ax.legend(fontsize="small")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """A short paragraph from the estimates, in Dutch (``"nl"``) or English (``"en"``)."""
        check_lang(lang)
        t = self.table
        conf = f"{round(100 * self.conf_level)}%"
        out = []
        groups = t.groupby(list(self.by), sort=False) if self.by else [("all", t)]
        for key, g in groups:
            name = " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
            parts = []
            for _, r in g[g["term"] == "relative_effect"].iterrows():
                ci = (pct(r["ci_lower"], lang), pct(r["ci_upper"], lang))
                if lang == "nl":
                    parts.append(f"{r['phase']}: {pct(r['estimate'], lang)} t.o.v. de voortgezette trend "
                                 f"({conf}-BI {ci[0]} tot {ci[1]}, p = {fmt(r['p_value'], 3)})")
                else:
                    parts.append(f"{r['phase']}: {pct(r['estimate'], lang)} against the continued trend "
                                 f"({conf} CI {ci[0]} to {ci[1]}, p = {fmt(r['p_value'], 3)})")
            lev = g[g["term"] == "level_change"]
            if lang == "nl":
                s = f"{name}: " + "; ".join(parts) + "."
                if len(lev):
                    r = lev.iloc[0]
                    s += (f" Niveauverandering bij de start van '{r['phase']}': {fmt(r['estimate'], 3)} "
                          f"({conf}-BI {fmt(r['ci_lower'], 3)} tot {fmt(r['ci_upper'], 3)}"
                          f"{', logschaal' if r['scale'] == 'log' else ''}).")
            else:
                s = f"{name}: " + "; ".join(parts) + "."
                if len(lev):
                    r = lev.iloc[0]
                    s += (f" Level change at the start of '{r['phase']}': {fmt(r['estimate'], 3)} "
                          f"({conf} CI {fmt(r['ci_lower'], 3)} to {fmt(r['ci_upper'], 3)}"
                          f"{', log scale' if r['scale'] == 'log' else ''}).")
            out.append(s)
        r0 = t.iloc[0]
        cov = {"hac": f"Newey-West (lag {r0['hac_lags']})", "hc1": "HC1", "model": "model-based" if lang == "en" else "modelgebaseerde",
               "ar1": "AR(1)-GLS"}[r0["cov_type"]]
        tail = (f" Model: {r0['family']}, {cov}-standaardfouten; fasen volgens schema '{self.phase_scheme}' "
                f"(regel '{self.phase_rule}')."
                if lang == "nl"
                else f" Model: {r0['family']}, {cov} standard errors; phases from scheme '{self.phase_scheme}' "
                f"(rule '{self.phase_rule}').")
        return " ".join(out) + tail


def _fit_one(d: pd.DataFrame, breaks: list[str], *, family, seasonal, cov_type, hac_lags, conf_level, has_offset):
    """Fit one series; ``d`` has y, time, phase_label, level_/slope_<break>, season, offset."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    terms = ["time"] + [f"{k}_{b}" for b in breaks for k in ("level", "slope")]
    formula = "y ~ " + " + ".join(terms) + (" + C(season)" if seasonal else "")
    n = len(d)
    lags = hac_lag_rule(n) if hac_lags is None else int(hac_lags)
    off = d["offset"].to_numpy() if has_offset else None
    if cov_type == "ar1":  # feasible GLS with AR(1) errors (iterated Cochrane-Orcutt, statsmodels GLSAR)
        res = sm.GLSAR.from_formula(formula, d, rho=1).iterative_fit(maxiter=50)
        return res, formula, lags, res.df_resid
    fit_kw: dict = {"cov_type": {"hac": "HAC", "hc1": "HC1", "model": "nonrobust"}[cov_type]}
    if cov_type == "hac":
        fit_kw["cov_kwds"] = {"maxlags": lags}
    if family == "gaussian":
        res = smf.ols(formula, d).fit(use_t=True, **fit_kw)
        df_resid = res.df_resid
    elif family == "poisson":
        if cov_type == "model":  # quasi-Poisson: dispersion from the Pearson chi-square, t reference
            res = smf.glm(formula, d, family=sm.families.Poisson(), offset=off).fit(scale="X2", use_t=True)
            df_resid = res.df_resid
        else:
            res = smf.glm(formula, d, family=sm.families.Poisson(), offset=off).fit(**fit_kw)
            df_resid = None
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = smf.negativebinomial(formula, d, offset=off).fit(disp=0, maxiter=500, **fit_kw)
        df_resid = None
    return res, formula, lags, df_resid


def _effects(res, d, breaks, family, conf_level, df_resid, has_offset):
    """Counterfactual and per-phase effects (average, cumulative, relative) by the delta method."""
    from scipy import stats

    X = np.asarray(res.model.exog)
    k = X.shape[1]
    names = list(res.model.exog_names)[:k]  # negbin appends "alpha"
    b = np.asarray(res.params)[:k]
    V = np.asarray(res.cov_params())[:k, :k]
    Xcf = X.copy()
    for j, nm in enumerate(names):
        if nm.startswith(("level_", "slope_")):
            Xcf[:, j] = 0.0
    off = d["offset"].to_numpy() if has_offset else np.zeros(len(d))
    q = z_or_t(conf_level, df_resid)
    eta, eta_cf = X @ b, Xcf @ b
    se_cf = np.sqrt(np.einsum("ij,jk,ik->i", Xcf, V, Xcf))
    if family == "gaussian":
        mu, mu_cf = eta, eta_cf
        cf_lo, cf_hi = eta_cf - q * se_cf, eta_cf + q * se_cf
        G, Gcf = X, Xcf
    else:
        mu, mu_cf = np.exp(eta + off), np.exp(eta_cf + off)
        cf_lo, cf_hi = np.exp(eta_cf + off - q * se_cf), np.exp(eta_cf + off + q * se_cf)
        G, Gcf = mu[:, None] * X, mu_cf[:, None] * Xcf

    def p_of(est, se):
        if not se > 0:
            return np.nan
        z = est / se
        return 2 * (stats.t.sf(abs(z), df_resid) if df_resid else stats.norm.sf(abs(z)))

    rows = []
    labels = d["phase_label"].to_numpy()
    for ph in breaks:
        m = labels == ph
        nph = int(m.sum())
        if nph == 0:
            continue
        for term, w in (("average_effect", 1 / nph), ("cumulative_effect", 1.0)):
            grad = w * (G[m] - Gcf[m]).sum(axis=0)
            est = w * (mu[m] - mu_cf[m]).sum()
            se = float(np.sqrt(grad @ V @ grad))
            rows.append(dict(term=term, phase=ph, estimate=est, std_err=se, ci_lower=est - q * se,
                             ci_upper=est + q * se, p_value=p_of(est, se), n_phase=nph, scale="response"))
        s_mu, s_cf = mu[m].sum(), mu_cf[m].sum()
        if family == "gaussian":
            est = s_mu / s_cf - 1
            grad = G[m].sum(axis=0) / s_cf - s_mu * Gcf[m].sum(axis=0) / s_cf**2
            se = float(np.sqrt(grad @ V @ grad))
            lo, hi, p = est - q * se, est + q * se, p_of(est, se)
        else:
            lr = np.log(s_mu) - np.log(s_cf)
            grad = G[m].sum(axis=0) / s_mu - Gcf[m].sum(axis=0) / s_cf
            lse = float(np.sqrt(grad @ V @ grad))
            est, se = np.expm1(lr), np.exp(lr) * lse
            lo, hi, p = np.expm1(lr - q * lse), np.expm1(lr + q * lse), p_of(lr, lse)
        rows.append(dict(term="relative_effect", phase=ph, estimate=est, std_err=se, ci_lower=lo, ci_upper=hi,
                         p_value=p, n_phase=nph, scale="relative"))
    curves = pd.DataFrame({"fitted": mu, "counterfactual": mu_cf, "counterfactual_lower": cf_lo,
                           "counterfactual_upper": cf_hi}, index=d.index)
    return rows, curves


def _validate(data, *, function, value, period, by, family, cov_type, seasonality, conf_level, adjust,
              offset, exposure, hac_lags):
    check_data(data, {"value": value, "period": period, "offset": offset, "exposure": exposure,
                      **{f"by[{i}]": c for i, c in enumerate(by)}}, function=function)
    check_choice("family", family, FAMILIES)
    check_choice("cov_type", cov_type, COV_TYPES)
    if cov_type == "ar1" and family != "gaussian":
        raise ParameterError(f"cov_type='ar1' (GLS with AR(1) errors) needs family='gaussian'; got family={family!r}. "
                             "For counts use cov_type='model' (quasi-likelihood) or 'hac'.")
    check_choice("seasonality", seasonality, ["auto", "month", "quarter", None])
    check_choice("adjust", adjust, ADJUST_METHODS)
    if (offset is not None or exposure is not None) and family == "gaussian":
        raise ParameterError("`offset`/`exposure` need family='poisson' or 'negbin'; got family='gaussian'.")
    if offset is not None and exposure is not None:
        raise ParameterError(f"Pass `offset` (log scale) or `exposure`, not both; got offset={offset!r}, exposure={exposure!r}.")
    if hac_lags is not None and (not isinstance(hac_lags, (int, np.integer)) or hac_lags < 0):
        raise ParameterError(f"`hac_lags` must be None (rule of thumb) or an integer >= 0; got {hac_lags!r}.")
    if not pd.api.types.is_numeric_dtype(data[value]):
        raise ParameterError(f"`value` column {value!r} must be numeric; got dtype {data[value].dtype}.")
    return check_conf_level(conf_level)


def _series_design(g, name, *, function, value, period, seasonality, offset, exposure, placebo_start, min_segment):
    """The design frame of one series: outcome, time index, season, offset, phase and break terms.

    Returns ``(d, breaks, season, placebo_start_timestamp_or_None)``.
    """
    t, starts, freq = period_index(g, period)
    n_gaps = int(t.max() - t.min() + 1 - t.nunique())
    if n_gaps:
        warnings.warn(f"{function}(): series {name} misses {n_gaps} period(s) between its first and last; the "
                      "time index skips them, but HAC and AR(1) errors treat neighbouring rows as adjacent.",
                      UserWarning, stacklevel=4)
    order = np.argsort(t.to_numpy(), kind="stable")
    g, t, starts = g.iloc[order], t.iloc[order], starts.iloc[order]
    season = {"auto": {"month": "month", "quarter": "quarter"}.get(freq), "month": "month",
              "quarter": "quarter", None: None}[seasonality]
    d = pd.DataFrame({"y": g[value].to_numpy(float), "time": t.to_numpy(), "period": g[period].to_numpy(),
                      "period_start": starts.to_numpy(), "phase": g["phase"].to_numpy()}, index=g.index)
    if season:
        d["season"] = starts.dt.month.to_numpy() if season == "month" else starts.dt.quarter.to_numpy()
    if offset is not None:
        d["offset"] = g[offset].to_numpy(float)
    elif exposure is not None:
        d["offset"] = np.log(g[exposure].to_numpy(float))
    ps = None
    if placebo_start is None:
        d = d[d["phase"].notna()]
        breaks = [b for b in ("during", "after") if (d["phase"] == b).any()]
        if "during" not in breaks or (d["phase"] == "before").sum() < 3:
            raise ParameterError(f"{function}(): series {name} needs at least 3 'before' periods and one 'during' "
                                 f"period; found {dict(d['phase'].value_counts())}.")
        if "after" not in breaks:
            warnings.warn(f"{function}(): series {name} has no 'after' periods; fitting before/during only.",
                          UserWarning, stacklevel=4)
        on = {"during": (d["phase"] != "before").to_numpy(), "after": (d["phase"] == "after").to_numpy()}
    else:
        d = d[d["phase"] == "before"].copy()
        ps = _placebo_start(d, placebo_start)
        on = {"placebo": (d["period_start"] >= ps).to_numpy()}
        breaks = ["placebo"]
        m = SEASON_LENGTH[freq] if season else 1
        need = max(3, m) if min_segment is None else int(min_segment)
        n_on = int(on["placebo"].sum())
        if min(n_on, len(d) - n_on) < need:
            raise ParameterError(
                f"placebo_in_time(): series {name} has {len(d)} 'before' period(s); with the placebo "
                f"interruption at {ps.date()} there are {len(d) - n_on} before and {n_on} after it, but each "
                f"side needs at least {need}: three points are the fewest that estimate a level and a slope "
                f"with a residual left to estimate the noise, and for {freq}ly data with seasonal terms a "
                f"full cycle ({m}) keeps the season terms from absorbing the placebo step. Move "
                f"`placebo_start` or use a series with a longer pre-period (>= {2 * need} 'before' periods).")
    d["phase_label"] = "before"
    for b in breaks:
        tb = d.loc[on[b], "time"].min()
        d[f"level_{b}"] = on[b].astype(float)
        d[f"slope_{b}"] = np.where(on[b], d["time"] - tb, 0.0)
        d.loc[on[b], "phase_label"] = b
    return d, breaks, season, ps


def _run(data, *, function, value, period, by, scheme, rule, family, offset, exposure, seasonality, cov_type,
         hac_lags, conf_level, adjust, placebo_start=None, min_segment=None) -> ITSResult:
    cov_type = resolve_cov_type(cov_type, family, hac_lags)
    by = as_tuple(by)
    conf_level = _validate(data, function=function, value=value, period=period, by=by, family=family,
                           cov_type=cov_type, seasonality=seasonality, conf_level=conf_level, adjust=adjust,
                           offset=offset, exposure=exposure, hac_lags=hac_lags)
    extra = [c for c in (offset, exposure) if c is not None]
    cols = list(dict.fromkeys(list(by) + [period, value] + extra))
    df = drop_missing(data[cols], cols, function=function)
    if df.empty:
        raise ParameterError(f"{function}(): no rows with a value left in `data`.")
    if family != "gaussian" and (df[value] < 0).any():
        raise ParameterError(f"family={family!r} needs counts >= 0 in `value`; found {(df[value] < 0).sum()} negative value(s).")
    df, scheme_name, rule_name = with_phases(df, period, scheme, rule)
    tables, models, designs, formulas, curves = [], {}, {}, {}, []
    groups = df.groupby(list(by), sort=True, observed=True) if by else [((), df)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        name = dict(zip(by, key))
        if g[period].duplicated().any():
            raise ParameterError(f"{function}(): series {name} has {int(g[period].duplicated().sum())} duplicated "
                                 f"period(s); add the column that tells them apart to `by`.")
        d, breaks, season, ps = _series_design(g, name, function=function, value=value, period=period,
                                               seasonality=seasonality, offset=offset, exposure=exposure,
                                               placebo_start=placebo_start, min_segment=min_segment)
        res, formula, lags, df_resid = _fit_one(d, breaks, family=family, seasonal=bool(season), cov_type=cov_type,
                                                hac_lags=hac_lags, conf_level=conf_level, has_offset="offset" in d)
        ci = np.asarray(res.conf_int(alpha=1 - conf_level))
        names = list(res.model.exog_names)
        rows = []
        for term, col, ph in [("pre_trend", "time", "before")] + [(f"{k}_change", f"{k}_{b}", b) for b in breaks for k in ("level", "slope")]:
            j = names.index(col)
            rows.append(dict(term=term, phase=ph, estimate=float(res.params.iloc[j]), std_err=float(res.bse.iloc[j]),
                             ci_lower=ci[j, 0], ci_upper=ci[j, 1], p_value=float(res.pvalues.iloc[j]),
                             n_phase=int((d["phase_label"] == ph).sum()),
                             scale="log" if family != "gaussian" else "response"))
        eff, curve = _effects(res, d, breaks, family, conf_level, df_resid, "offset" in d)
        tab = pd.DataFrame(rows + eff)
        for c, v in reversed(list(name.items())):
            tab.insert(0, c, v)
        tab["n"] = len(d)
        tab["family"], tab["cov_type"], tab["hac_lags"] = family, cov_type, lags if cov_type == "hac" else pd.NA
        tab["hac_lags"] = tab["hac_lags"].astype("Int64")
        tab["hac_rule"] = (HAC_RULE if hac_lags is None else "user") if cov_type == "hac" else ""
        tab["seasonality"] = season or "none"
        if placebo_start is not None:
            tab["placebo_start"] = ps
        tables.append(tab)
        models[key], designs[key], formulas[key] = res, d, formula
        cur = d[["period", "period_start", "phase"]].assign(observed=d["y"]).join(curve)
        for c, v in reversed(list(name.items())):
            cur.insert(0, c, v)
        curves.append(cur)
    table = pd.concat(tables, ignore_index=True)
    method = function if function == "placebo_in_time" else f"its_{family}"
    table["p_adjusted"] = adjust_within(table, ["term", "phase"], adjust)
    table["adjust"], table["method"], table["conf_level"] = adjust, method, conf_level
    table["phase_scheme"], table["phase_rule"] = scheme_name, rule_name
    order = list(by) + ["term", "phase", "estimate", "std_err", "ci_lower", "ci_upper", "p_value", "p_adjusted",
                        "n", "n_phase", "scale", "method", "family", "cov_type", "hac_lags", "hac_rule",
                        "seasonality", "adjust", "conf_level", "phase_scheme", "phase_rule"]
    order += [c for c in table.columns if c not in order]
    return ITSResult(table=table[order], phase_scheme=scheme_name, phase_rule=rule_name, conf_level=conf_level,
                     method=method, by=by, models=models, designs=designs, formulas=formulas,
                     fitted=pd.concat(curves, ignore_index=True), scheme=scheme,
                     placebo_start=None if placebo_start is None else table["placebo_start"].iloc[0])


def _placebo_start(d: pd.DataFrame, placebo_start) -> pd.Timestamp:
    if isinstance(placebo_start, str) and placebo_start == "middle":
        return pd.Timestamp(d["period_start"].sort_values().iloc[len(d) // 2])
    try:
        from cosie_analysis.data.periods import parse_period

        return parse_period(placebo_start)[0]
    except ParameterError:
        pass
    try:
        return pd.Timestamp(placebo_start)
    except (TypeError, ValueError):
        raise ParameterError(f"`placebo_start` must be 'middle', a CBS period code such as '2016MM01' or a date; "
                             f"got {placebo_start!r}.") from None


_COMMON_DOC = """
    data : pandas.DataFrame
        Long observation table, one row per observation. Not modified.
    value : str, default "value"
        Column with the outcome (counts for ``family="poisson"``/``"negbin"``).
    period : str, default "period"
        Column with the period: CBS code (``2020MM03``), timestamp or pandas Period. Rows are
        ordered by it; the time index counts periods of the series' frequency.
    by : sequence of str, default ("region_code", "indicator")
        Columns that identify one series; each series is fitted separately.
    scheme : str or PhaseScheme, default "measures"
        Phase scheme passed to :func:`cosie_analysis.phases.assign_phase`.
    rule : str, default "majority"
        How a period straddling a phase boundary is assigned.
    family : {"gaussian", "poisson", "negbin"}, default "gaussian"
        OLS, Poisson GLM (log link) or negative binomial (NB2, log link, dispersion estimated).
    offset, exposure : str, optional
        Column with an offset on the log scale (e.g. log population), or with the exposure
        itself (its log is used). Count families only.
    seasonality : {"auto", "month", "quarter", None}, default "auto"
        Month-of-year or quarter dummies; "auto" uses month for monthly, quarter for quarterly
        and none for yearly data.
    cov_type : {"auto", "hac", "hc1", "model", "ar1"}, default "auto"
        "auto" picks "ar1" for ``family="gaussian"`` and "model" for counts: the choices whose
        95% intervals covered 93-96% in the validation simulation (see Notes). The others:
        Newey-West HAC (Bartlett kernel; covered only 78-82% there, keep it as a sensitivity
        check); heteroskedasticity-robust HC1; model-based ("model": OLS, quasi-Poisson with
        Pearson dispersion and t reference, or negative binomial); "ar1", feasible GLS with AR(1)
        errors (statsmodels ``GLSAR``, Gaussian only). The one used is in the ``cov_type`` column.
    hac_lags : int, optional
        HAC truncation lag; default from the rule ``floor(4 * (n / 100) ** (2 / 9))``.
    conf_level : float, default 0.95
    adjust : {"holm", "bh", "none"}, default "holm"
        Adjustment of ``p_adjusted`` across the series of the call, per term and phase."""

_RETURNS_DOC = """
        - the ``by`` columns;
        - ``term``: "pre_trend" (slope per period before), "level_change" and "slope_change" (the
          step and the change of slope at the start of the phase; log scale for count
          families), "average_effect" and "cumulative_effect" (mean and sum over the phase's
          periods of fitted minus counterfactual, on the outcome scale) and "relative_effect"
          (sum of fitted / sum of counterfactual - 1);
        - ``phase``: the phase the term belongs to;
        - ``estimate``, ``std_err``, ``ci_lower``, ``ci_upper``, ``p_value``: the estimate, its
          standard error (chosen covariance; delta method for effects), interval at
          ``conf_level`` and two-sided p-value (t with residual df for OLS, normal otherwise);
        - ``p_adjusted``: ``p_value`` adjusted across series per term and phase;
        - ``n``: observations in the series; ``n_phase``: observations in the term's phase;
        - ``scale``: "response", "log" or "relative";
        - ``method``, ``family``, ``cov_type``, ``hac_lags`` (the lag used; missing unless
          ``cov_type="hac"``), ``hac_rule`` (how it was chosen), ``seasonality``, ``adjust``,
          ``conf_level``;
        - ``phase_scheme``, ``phase_rule``: the phase scheme and rule used."""


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("region_code", "indicator"),
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    family: str = "gaussian",
    offset: str | None = None,
    exposure: str | None = None,
    seasonality: str | None = "auto",
    cov_type: str = "auto",
    hac_lags: int | None = None,
    conf_level: float = 0.95,
    adjust: str = "holm",
) -> ITSResult:
    """Segmented regression with a level and a slope change at the start of "during" and of "after".

    The model per series is ``y ~ time + level_during + slope_during + level_after + slope_after
    [+ C(season)]`` where ``level_during`` is 1 from the first non-"before" period on,
    ``slope_during`` counts periods since then, and the "after" terms likewise from the first
    "after" period (so "after" effects are cumulative: against the pre-corona trend).

    Parameters
    ----------""" + _COMMON_DOC + """

    Returns
    -------
    ITSResult
        Frozen result; ``summary()`` has one row per series x term x phase, with columns:
""" + _RETURNS_DOC + """

        ``plot_data()`` has the observed, fitted and counterfactual series; ``models``,
        ``designs`` and ``formulas`` hold the statsmodels results, design frames and formulas.

    Raises
    ------
    ParameterError
        For unknown columns or options, negative counts, duplicated periods in a series, or a
        series with fewer than 3 "before" periods or no "during" period.

    Warns
    -----
    UserWarning
        For dropped rows with missing values (with counts) and series without "after" periods.

    Notes
    -----
    Phases are half-open ``[start, end)`` intervals from :mod:`cosie_analysis.phases`; the
    first period assigned to "during" carries the step. The counterfactual is the model's
    prediction with all interruption terms set to zero: the pre-corona level, trend and season
    continued. Its interval is the confidence interval of that mean (OLS: ``x' b +- t
    sqrt(x' V x)``, equal to statsmodels ``get_prediction``; count families: on the linear
    predictor, then exponentiated). HAC errors allow for autocorrelation up to the lag; the
    default lag follows Newey and West (1994), ``floor(4 * (n / 100) ** (2 / 9))`` (4 for 144
    months, 2 for 14 years). With a few yearly points the intervals rest on few degrees of
    freedom: read them with care.

    Coverage (``validation/README.md``, 400 synthetic 144-month series fitted with the true
    model): Newey-West intervals are too narrow here, covering the level and slope changes
    78-82% of the time (Gaussian with AR(1) errors, and Poisson) instead of 95%: the
    three-phase design puts the "during" and "after" terms on short segments, where the
    sandwich estimator is biased downwards and noisy. ``cov_type="ar1"`` (Gaussian) covers
    93-95% and ``cov_type="model"`` (quasi-Poisson; counts without residual autocorrelation)
    93-96%. Prefer those where their assumptions hold, and report which one was used.

    A timestamp in ``period`` is one day, so a monthly series given by its first days puts
    March 2020 in "before"; pass CBS codes or pandas Periods to let ``rule`` decide for
    periods that straddle a boundary.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> obs = ca.load_observations()  # doctest: +SKIP
    >>> s = obs[(obs.indicator == "crime_1_1_1") & (obs.frequency == "month") & (obs.region_code == "NL00")]
    >>> res = ca.interrupted_time_series(s, family="poisson")  # doctest: +SKIP
    >>> res.summary().query("term == 'relative_effect'")  # doctest: +SKIP
    """
    return _run(data, function="interrupted_time_series", value=value, period=period, by=by, scheme=scheme,
                rule=rule, family=family, offset=offset, exposure=exposure, seasonality=seasonality,
                cov_type=cov_type, hac_lags=hac_lags, conf_level=conf_level, adjust=adjust)


def placebo_in_time(
    data: pd.DataFrame,
    *,
    placebo_start: str | pd.Timestamp = "middle",
    value: str = "value",
    period: str = "period",
    by: Sequence[str] | str | None = ("region_code", "indicator"),
    scheme: str | PhaseScheme = "measures",
    rule: str = "majority",
    family: str = "gaussian",
    offset: str | None = None,
    exposure: str | None = None,
    seasonality: str | None = "auto",
    cov_type: str = "auto",
    hac_lags: int | None = None,
    conf_level: float = 0.95,
    adjust: str = "holm",
    min_segment: int | None = None,
) -> ITSResult:
    """Move the interruption into the pre-corona period: a falsification check of the ITS.

    Only the "before" periods are kept; a level and a slope change are fitted at
    ``placebo_start``. Where nothing happened, the placebo effects should be near zero: a
    "significant" placebo effect says the ITS finds effects where there are none (a trend break
    or an event the model misses).

    Parameters
    ----------
    placebo_start : "middle", CBS period code or date, default "middle"
        Start of the placebo "during" phase (included in it). "middle" takes the period in the
        middle of each series' pre-period.""" + _COMMON_DOC + """
    min_segment : int, optional
        Fewest periods needed on each side of the placebo start; default ``max(3, L)`` with
        ``L`` the seasonal cycle (12 for months with month terms, 4 for quarters, else 1).

    Returns
    -------
    ITSResult
        As :func:`interrupted_time_series`, with phase "placebo" instead of "during"/"after",
        ``method`` "placebo_in_time" and an extra column ``placebo_start``; columns:
""" + _RETURNS_DOC + """

    Raises
    ------
    ParameterError
        When fewer than ``min_segment`` pre-periods remain on either side of the placebo start:
        three points are the fewest that estimate a level and a slope with a residual left over,
        and a full seasonal cycle on each side keeps the season terms from absorbing the step.
        Also for the cases listed under :func:`interrupted_time_series`.
    """
    if placebo_start is None:
        placebo_start = "middle"
    return _run(data, function="placebo_in_time", value=value, period=period, by=by, scheme=scheme, rule=rule,
                family=family, offset=offset, exposure=exposure, seasonality=seasonality, cov_type=cov_type,
                hac_lags=hac_lags, conf_level=conf_level, adjust=adjust, placebo_start=placebo_start,
                min_segment=min_segment)
