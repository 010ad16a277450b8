"""Tests of synthetic difference-in-differences and of the comparisons against published results.

The Proposition 99 panel (../shared/benchmarks/california_prop99.csv, Abadie, Diamond and Hainmueller
2010; the copy of the synthdid package) is NOT CoSIE data: it only checks the estimators against
Arkhangelsky, Athey, Hirshberg, Imbens and Wager (2021), AER 111(12), Table 1, where on exactly this
panel (average effect 1989-2000, packs per capita) DiD = -27.3 (SE 17.7), SC = -19.6 (SE 9.9) and
SDID = -15.6 (SE 8.4).
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cosie_analysis import paths
from cosie_analysis.errors import ParameterError
from cosie_analysis.estimate.comparison import diff_in_diff
from cosie_analysis.estimate.sdid import simplex_ridge, synthetic_did
from cosie_analysis.estimate.synth import SC_COLUMNS, synthetic_control
from cosie_analysis.words import format_pct

try:
    from tests.synthetic import factor_panel
except ImportError:  # pragma: no cover
    from synthetic import factor_panel

PROP99 = paths.mirror_dir().parent / "benchmarks" / "california_prop99.csv"
PROP99_SHA256 = "550d24c2f743507d097692d181bdbbf36c6168a39a0b6fc831cc89d98082f7de"
PROP99_SCHEME = ("1989-01-01", "2001-01-01")  # "during" = 1989-2000, the post-period of the paper


@pytest.mark.parametrize("penalty", [0.0, 1e-3, 0.5, 20.0])
@pytest.mark.parametrize("shape", [(8, 30), (30, 8)])
def test_simplex_ridge_matches_slsqp(penalty, shape):
    from scipy.optimize import minimize

    rng = np.random.default_rng(3)
    A = rng.normal(size=shape)
    b = A @ rng.dirichlet(np.ones(shape[1])) + rng.normal(0, 0.3, shape[0])
    w = simplex_ridge(A, b, penalty)

    def obj(v):
        return np.sum((A @ v - b) ** 2) + penalty * np.sum(v**2)

    ref = minimize(
        obj,
        np.full(shape[1], 1 / shape[1]),
        method="SLSQP",
        bounds=[(0, 1)] * shape[1],
        constraints={"type": "eq", "fun": lambda v: v.sum() - 1},
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0)
    assert obj(w) <= ref.fun + 1e-7
    np.testing.assert_array_equal(w, simplex_ridge(A, b, penalty))  # deterministic


def test_sdid_recovers_a_planted_effect_with_the_schema():
    data = factor_panel(5, n_units=25, effect=-3.0)  # SYNTHETIC DATA, -3 from 2020
    before = data.copy(deep=True)
    res = synthetic_did(data, treated="SY0001", scale="level")  # the planted effect is additive
    pd.testing.assert_frame_equal(data, before)
    t = res.summary()
    assert list(t.columns) == [*SC_COLUMNS, "scale"] and (t["scale"] == "level").all()
    post = t.set_index("phase").loc["post"]
    assert post["estimate"] == pytest.approx(-3.0, abs=0.4)  # noise sd 0.3 over 6 post years
    assert post["std_err"] > 0 and post["ci_lower"] < -3.0 < post["ci_upper"]
    assert post["ci_upper"] - post["estimate"] == pytest.approx(1.959964 * post["std_err"], rel=1e-5)
    assert post["method"] == "synthetic_did" and post["pool_rule"] == "all units of the treated unit's region_level"
    assert res.weights["weight"].sum() == pytest.approx(1.0)
    assert res.time_weights["weight"].sum() == pytest.approx(1.0) and len(res.time_weights) == 8
    g = res.plot_data()
    gp = g[g["phase"] != "before"]
    assert gp["gap"].mean() == pytest.approx(post["estimate"])  # the plotted gap averages to the estimate
    assert res.plot().get_lines()
    assert "placebo-SE" in res.describe("nl") and "placebo SE" in res.describe("en")


def test_sdid_placebo_se_by_hand():
    data = factor_panel(6, n_units=8, effect=-2.0)  # SYNTHETIC DATA, 7 donors
    res = synthetic_did(data, treated="SY0001", donors="all", scale="level")
    post = res.summary().set_index("phase").loc["post"]
    w = data.pivot(index="region_code", columns="period", values="value")
    # every donor in turn treated, fitted from the other donors: the spread of those estimates
    from cosie_analysis.estimate.sdid import _noise, _sdid_fit

    Y0 = w.drop(index="SY0001").to_numpy().T
    pre, m = (w.columns < "2020"), (w.columns >= "2020")
    sigma = _noise(Y0, pre)
    taus = [
        _sdid_fit(Y0[:, j], np.delete(Y0, j, axis=1), pre, m, m.sum() ** 0.25 * sigma, 1e-6 * sigma)[3]
        for j in range(Y0.shape[1])
    ]
    assert post["std_err"] == pytest.approx(np.std(taus), rel=1e-9)
    with pytest.raises(ParameterError, match="at least 3 donors"):
        synthetic_did(data, treated="SY0001", donors=["SY0002", "SY0003"])


def multiplicative_panel(seed: int = 3) -> pd.DataFrame:
    """SYNTHETIC DATA: 15 donors at 1.6-2.4 and a treated unit SY00 at 1.0, all falling by a common 7%
    a year 2012-2023 (to 0.45 of 2012), with 2% multiplicative noise; SY00 is 20% lower from 2020 on."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(16):
        level = 1.0 if u == 0 else 1.6 + 0.8 * (u - 1) / 14
        for y in range(2012, 2024):
            effect = 0.8 if (u == 0 and y >= 2020) else 1.0
            value = level * 0.93 ** (y - 2012) * effect * np.exp(0.02 * rng.normal())
            rows.append(dict(region_code=f"SY{u:02d}", period=f"{y}JJ00", value=value))
    return pd.DataFrame(rows)


def test_log_scale_recovers_a_multiplicative_effect_that_level_misses():
    data = multiplicative_panel()
    before = data.copy(deep=True)
    post = {
        s: synthetic_did(data, treated="SY00", donors="all", scale=s).summary().set_index("phase").loc["post"]
        for s in ("level", "log")
    }
    pd.testing.assert_frame_equal(data, before)
    assert post["log"]["scale"] == "log" and post["level"]["scale"] == "level"
    assert post["log"]["relative_effect"] == pytest.approx(-0.20, abs=0.03)
    assert post["level"]["relative_effect"] > -0.12  # additive trends: the donors' steeper fall hides most of it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one treated unit
        did = {s: diff_in_diff(data, treated="SY00", n_permutations=50, scale=s) for s in ("level", "log")}
    row = {s: r.summary().query("term == 'post'").iloc[0] for s, r in did.items()}
    assert row["log"]["relative_effect"] == pytest.approx(-0.20, abs=0.03)
    assert row["level"]["relative_effect"] > 0.5  # TWFE on levels even flips the sign
    # by hand on the balanced panel: the pooled TWFE coefficient is the double difference of means
    w = data.pivot(index="region_code", columns="period", values="value")
    m = w.columns >= "2020"
    for s, f in (("level", np.asarray), ("log", np.log)):
        v = f(w.to_numpy())
        dd = (v[0, m].mean() - v[0, ~m].mean()) - (v[1:, m].mean() - v[1:, ~m].mean())
        assert row[s]["estimate"] == pytest.approx(dd, rel=1e-9)
    assert row["log"]["relative_effect"] == pytest.approx(np.expm1(row["log"]["estimate"]), rel=1e-12)
    b, obs = row["level"]["estimate"], w.loc["SY00", m].mean()
    assert row["level"]["relative_effect"] == pytest.approx(b / (obs - b), rel=1e-9)
    assert "np.log(y)" in did["log"].formula  # on logs describe() quotes the relative effect
    assert format_pct(row["log"]["relative_effect"], "nl") in did["log"].describe("nl")
    assert "%" not in did["level"].describe("en")


def test_log_is_the_default_scale_of_both_designs():
    """Registered crime fell by about half nationally: the default assumes parallel trends in
    proportions, and says so in the ``scale`` column."""
    data = multiplicative_panel()  # SYNTHETIC DATA: SY00 20% lower from 2020
    sd = synthetic_did(data, treated="SY00", donors="all").summary()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one treated unit
        did = diff_in_diff(data, treated="SY00", n_permutations=50).summary()
    assert (sd["scale"] == "log").all() and (did["scale"] == "log").all()
    assert sd.set_index("phase").loc["post", "relative_effect"] == pytest.approx(-0.20, abs=0.03)
    assert did.query("term == 'post'")["relative_effect"].iloc[0] == pytest.approx(-0.20, abs=0.03)


def test_log_scale_sdid_placebos_by_hand():
    data = multiplicative_panel(4)[lambda d: d["region_code"] < "SY08"]  # SYNTHETIC DATA, 7 donors
    res = synthetic_did(data, treated="SY00", donors="all", scale="log")
    post = res.summary().set_index("phase").loc["post"]
    from cosie_analysis.estimate.sdid import _noise, _sdid_fit

    w = data.pivot(index="region_code", columns="period", values="value")
    Y0 = w.drop(index="SY00").to_numpy().T
    pre, m = (w.columns < "2020"), (w.columns >= "2020")
    sigma = _noise(np.log(Y0), pre)
    fit = [_sdid_fit(Y0[:, j], np.delete(Y0, j, axis=1), pre, m, m.sum() ** 0.25 * sigma, 1e-6 * sigma, "log")
           for j in range(Y0.shape[1])]
    # on logs the placebos are compared on the log ratio observed / counterfactual over the phase
    placebo = np.array([np.log(Y0[m, j].sum() / f[2][m].sum()) for j, f in enumerate(fit)])
    gaps = res.gaps  # the counterfactual is exp of the log path, in outcome units
    gp = gaps[gaps["phase"] != "before"]
    assert gp["gap"].mean() == pytest.approx(post["estimate"])
    assert gp["gap"].sum() / gp["synthetic"].sum() == pytest.approx(post["relative_effect"])
    ratio, se = np.log(gp["observed"].sum() / gp["synthetic"].sum()), np.std(placebo)
    assert post["std_err"] == pytest.approx(se * gp["observed"].mean(), rel=1e-9)  # delta method, outcome units
    z = stats.norm.ppf(0.975)
    assert post["ci_lower"] == pytest.approx(gp["synthetic"].mean() * np.expm1(ratio - z * se), rel=1e-9)
    assert post["ci_upper"] == pytest.approx(gp["synthetic"].mean() * np.expm1(ratio + z * se), rel=1e-9)
    assert post["p_value"] == pytest.approx(2 * stats.norm.sf(abs(ratio) / se), rel=1e-9)
    assert post["rank"] == 1 + (np.abs(placebo) >= abs(ratio)).sum()


def test_log_scale_refuses_non_positive_values():
    data = multiplicative_panel()
    data.loc[(data["region_code"] == "SY05") & (data["period"] == "2015JJ00"), "value"] = 0.0
    msg = ("needs values > 0; unit 'SY05' has 0.0 in period '2015JJ00' (1 value(s) <= 0 in all). Use "
           "scale='level' or leave such units out of the donors.")
    with pytest.raises(ParameterError) as err:
        synthetic_did(data, treated="SY00", donors="all", scale="log")
    assert str(err.value) == "synthetic_did(scale='log') " + msg
    with pytest.raises(ParameterError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        diff_in_diff(data, treated="SY00", donors="all", scale="log")
    assert str(err.value) == "diff_in_diff(scale='log') " + msg
    with pytest.raises(ParameterError, match="scale"):
        synthetic_did(data, treated="SY00", scale="logarithmic")
    with pytest.raises(ParameterError) as err:  # log is the default
        synthetic_did(data, treated="SY00", donors="all")
    assert str(err.value) == "synthetic_did(scale='log') " + msg
    synthetic_did(data, treated="SY00", donors="all", scale="level")  # levels accept the zero


@pytest.fixture(scope="module")
def prop99():
    if not PROP99.is_file():
        pytest.skip(f"benchmark panel not found at {PROP99}")
    assert hashlib.sha256(PROP99.read_bytes()).hexdigest() == PROP99_SHA256
    d = pd.read_csv(PROP99, sep=";")
    return d.assign(
        region_code=d["State"], period=pd.PeriodIndex(d["Year"].astype(str), freq="Y"), value=d["PacksPerCapita"]
    )


def test_prop99_reproduces_arkhangelsky_table_1(prop99):
    # SDID and DiD: our solvers reach the optimum of the same objective; the paper rounds to 0.1,
    # so +-0.06 is the rounding plus Frank-Wolfe's stopping rule in synthdid.
    sdid = synthetic_did(prop99, treated="California", donors="all", scheme=PROP99_SCHEME, scale="level")
    post = sdid.summary().set_index("phase").loc["post"]
    assert post["estimate"] == pytest.approx(-15.6, abs=0.06)
    # the paper's SE (8.4) is from 200 random placebo draws with warm-started Frank-Wolfe; ours uses
    # every one of the 38 donors once with exact weights: same method, so the same size, not digits
    assert 7.0 < post["std_err"] < 11.0
    tw = sdid.time_weights.set_index("period")["weight"]
    assert tw[tw > 0.01].index.astype(str).tolist() == ["1986", "1987", "1988"]  # as in the paper's Figure 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one treated unit: cluster SEs unreliable
        did = diff_in_diff(prop99, treated="California", scheme=PROP99_SCHEME, n_permutations=50, scale="level")
    assert did.summary().query("design == 'twfe' and term == 'post'")["estimate"].iloc[0] == pytest.approx(
        -27.3, abs=0.06
    )
    # SC: synthdid adds a ridge of 1e-6 x noise and stops Frank-Wolfe early; the SC objective is flat
    # near its optimum, so the exact NNLS solution differs by up to ~0.1 pack (1% of the SE of 9.9)
    sc = synthetic_control(prop99, treated="California", donors="all", scheme=PROP99_SCHEME)
    assert sc.summary().set_index("phase").loc["post", "estimate"] == pytest.approx(-19.6, abs=0.15)
    # weights: Abadie et al. (2010, Table 2) put them on Utah, Nevada, Montana, Colorado, Connecticut
    w = sc.weights.set_index("donor")["weight"]
    abadie = ["Utah", "Nevada", "Montana", "Colorado", "Connecticut"]
    assert w.reindex(abadie).fillna(0).sum() > 0.9
    assert set(w.sort_values().index[-4:]) <= set(abadie + ["New Hampshire"])
