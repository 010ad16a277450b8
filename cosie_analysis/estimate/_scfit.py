"""The fitting kernels of synthetic control: simplex weights, the ridge augmentation, the placebo
fits (cached per unit and pool), leave-one-donor-out and the inference of one summary row.

Used by :mod:`cosie_analysis.estimate.synth` (and its weights by ``sdid`` and ``comparison``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _sc_weights(y1: np.ndarray, Y0: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to one minimising ||y1 - Y0 w||: NNLS on an augmented system.

    The sum-to-one constraint is a heavily weighted extra row (then normalised exactly). Lawson-
    Hanson NNLS is deterministic and fast for hundreds of donors.
    """
    from scipy.optimize import nnls

    scale = max(float(np.abs(Y0).max()), float(np.abs(y1).max()), 1.0)
    big = 1e3 * scale
    A = np.vstack([Y0, np.full((1, Y0.shape[1]), big)])
    b = np.concatenate([y1, [big]])
    w, _ = nnls(A, b, maxiter=50 * A.shape[1])
    s = w.sum()
    return w / s if s > 0 else np.full(len(w), 1 / len(w))


#: ``method=`` of :func:`synthetic_control` -> the ``method`` column.
METHODS = {"sc": "synthetic_control", "augmented": "augmented_synthetic_control"}


def _ridge_augment(y1_pre: np.ndarray, Y0: np.ndarray, pre: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Effective weights of ridge-augmented SC: ``w + Xc (Xc'Xc + lam I)^-1 (x1 - X0'w)``.

    ``Xc`` are the donors' pre-period outcomes centred over donors (the intercept cancels because the
    weights sum to one); ``lam`` minimises the generalised cross-validation error of the ridge
    regression of the donors' later outcomes on their pre-period outcomes (a grid of 41 values).
    """
    X = Y0[pre].T  # donors x pre-periods
    Xc = X - X.mean(axis=0)
    imbalance = y1_pre - X.T @ w
    if not np.any(np.abs(imbalance) > 1e-9 * max(float(np.abs(y1_pre).max()), 1.0)):
        return w
    U, sv, Vt = np.linalg.svd(Xc, full_matrices=False)
    later = Y0[~pre].T - Y0[~pre].T.mean(axis=0)
    n = len(X)
    # generalised cross-validation over the grid, for every lambda at once
    lams = (sv[0] ** 2) * np.logspace(-6, 2, 41)
    shrink = sv[None, :] ** 2 / (sv[None, :] ** 2 + lams[:, None])  # grid x components
    proj = U.T @ later  # components x later periods
    resid = (later**2).sum() - ((2 * shrink - shrink**2) @ (proj**2).sum(axis=1))  # ||later - U S U' later||^2
    dof = 1 - shrink.sum(axis=1) / n
    gcv = np.where(dof > 0, resid / np.where(dof > 0, dof, 1) ** 2, np.inf)
    lam = lams[int(np.argmin(gcv))]
    coef = Vt.T @ ((sv / (sv**2 + lam))[:, None] * U.T)  # (Xc'Xc + lam I)^-1 Xc'
    return w + coef.T @ imbalance


def _rmspe(gap: np.ndarray) -> float:
    return float(np.sqrt(np.mean(gap**2))) if len(gap) else np.nan


def phase_masks(panel, wanted) -> dict[str, np.ndarray]:
    """Boolean masks over the panel's periods for the post phases in ``wanted`` that have periods:
    "during", "after" and "post" (during and after together)."""
    masks = {
        "during": (panel.phase == "during").to_numpy(),
        "after": (panel.phase == "after").to_numpy(),
        "post": (panel.phase != "before").to_numpy(),
    }
    return {k: m for k, m in masks.items() if m.any() and k in wanted}


class _Fitter:
    """Synthetic-control fits on one wide panel, cached per (unit, pool): a placebo's fit from a
    given pool does not depend on the treated unit, so it is computed once."""

    def __init__(
        self, W: pd.DataFrame, panel, augmented: bool = False, phases: tuple[str, ...] = ("during", "after", "post")
    ):
        self.augmented = augmented
        self.Y = W.to_numpy(float)
        self.row = {u: i for i, u in enumerate(W.index)}
        self.pre = (panel.phase == "before").to_numpy()
        self.phases = phase_masks(panel, phases)
        # floor of the pre-period RMSPE: exact (interpolating) fits get the same finite denominator,
        # so ratios are not driven by rounding noise of the order of 1e-13
        self.eps = 1e-6 * max(float(np.nanstd(self.Y[:, self.pre])), 1e-12)
        self._cache: dict = {}

    def fit(self, u: str, pool: list[str]):
        """(weights over ``pool`` without ``u``, synthetic path, gap, pre-period RMSPE)."""
        key = (u, tuple(pool))
        if key not in self._cache:
            donors = [d for d in pool if d != u]
            Y0 = self.Y[[self.row[d] for d in donors]].T
            y1 = self.Y[self.row[u]]
            w = _sc_weights(y1[self.pre], Y0[self.pre])
            if self.augmented:
                w = _ridge_augment(y1[self.pre], Y0, self.pre, w)
            synth = Y0 @ w
            gap = y1 - synth
            self._cache[key] = (w, synth, gap, _rmspe(gap[self.pre]))
        return self._cache[key]


def _leave_one_out(fitter: _Fitter, tr: str, pool: list[str], w: np.ndarray) -> list[dict]:
    """The estimate per phase when each donor with weight is left out of the pool in turn."""
    out = []
    for d, x in zip(pool, w, strict=True):
        if x <= 1e-6:
            continue
        gap = fitter.fit(tr, [p for p in pool if p != d])[2]
        out += [
            dict(treated=tr, dropped_donor=d, weight=float(x), phase=ph, estimate=float(gap[m].mean()))
            for ph, m in fitter.phases.items()
        ]
    return out


def _phase_row(tr, ph, m, fits, pool, fitter, exact, k, loo, indicator, band: bool = True) -> dict:
    """One summary row: estimate, ratio test (none when the treated fit is exact), post-RMSPE rank
    among placebos with comparable pre-fit (Abadie et al. 2010; ``band``: within a factor k both
    ways), leave-one-donor-out range."""
    w, synth, gap, rp = fits[tr]

    def ratio(u):
        return _rmspe(fits[u][2][m]) / max(fits[u][3], fitter.eps)

    r_tr = ratio(tr)
    rank = 1 + int(sum(ratio(u) >= r_tr for u in pool))
    n_units = len(pool) + 1
    # comparable pre-fit: pre-MSPE within a factor k of the treated unit's ("band") or at most k times
    # it (Abadie et al.); pre-MSPEs below the floor of an exact fit count as the floor
    floor = (1e3 * fitter.eps) ** 2
    mine = max(rp**2, floor)
    comparable = [
        u for u in pool if (not band or max(fits[u][3] ** 2, floor) >= mine / k) and fits[u][3] ** 2 <= k * mine
    ]
    post_tr = _rmspe(gap[m])
    rank_post = 1 + int(sum(_rmspe(fits[u][2][m]) >= post_tr for u in comparable))
    est_loo = [r["estimate"] for r in loo if r["phase"] == ph]
    return dict(
        treated=tr,
        indicator=indicator,
        phase=ph,
        estimate=float(gap[m].mean()),
        relative_effect=float(gap[m].sum() / synth[m].sum()),
        std_err=np.nan,
        ci_lower=np.nan,
        ci_upper=np.nan,
        rmspe_pre=rp,
        rmspe_post=post_tr,
        rmspe_ratio=np.nan if exact else r_tr,  # an exact pre-fit divides by the floor: a number without meaning
        rank=np.nan if exact else rank,
        n_units=n_units,
        p_value=np.nan if exact else rank / n_units,
        p_min=1 / n_units,
        test_note="exact_pre_fit" if exact else "",
        fit_ratio_max=float(k),
        n_comparable=len(comparable) + 1,
        rank_post=rank_post,
        p_post=rank_post / (len(comparable) + 1),
        loo_min=min(est_loo) if est_loo else np.nan,
        loo_max=max(est_loo) if est_loo else np.nan,
        n=int(m.sum()),
        n_pre=int(fitter.pre.sum()),
        n_donors=len(pool),
        n_donors_used=int((np.abs(w) > 1e-6).sum()),
    )


def _pre_period_cv(fitter: _Fitter, tr: str, pool: list[str]) -> float:
    """Leave-one-period-out prediction error of the treated unit's pre-period fit (RMS over periods).

    Synthetic-control weights only (for the augmented method too: a check of the donor fit)."""
    Y0 = fitter.Y[[fitter.row[d] for d in pool]].T
    y1 = fitter.Y[fitter.row[tr]]
    pre = np.flatnonzero(fitter.pre)
    errors = [y1[t] - Y0[t] @ _sc_weights(y1[pre[pre != t]], Y0[pre[pre != t]]) for t in pre]
    return _rmspe(np.asarray(errors))
